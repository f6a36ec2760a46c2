"""Hostile input and crash safety: bad feeds, bad pages, bad bytes, killed processes."""

import pytest

# The case checks live outside test modules; let pytest explain their failing asserts.
pytest.register_assert_rewrite("tests.hostile.cases")
