"""Any mutation of the example config is a working Config or one `file:line: message` — never a traceback."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuinews.config import Config, ConfigError, example_text, load

EXAMPLE = example_text()
LINES = EXAMPLE.splitlines(keepends=True)
JUNK = ['"', "'", "[", "]", "[[", "]]", "=", "\n", "\x00", "\\", "{", "}", ",", "#", ".", '"""', "\t", "\r",
        "\ufeff", "é", "1e999", "nan", "-1", "0x", "99999999999999999999999", "2024-01-01", "\\u0000", "\\ud800"]  # fmt: skip
VALUES = ['""', "[]", "{}", "1.5", "0", "-5", "true", '"x"', "[1, 2]", "1979-05-27T07:32:00Z", '"\\u0000"',
          '"javascript:alert(1)"', '"http://"', '"http://[::1"', "inf", "nan", "1e308", "[[]]", "{a = 1}",
          '"http://127.0.0.1:99999/"', "'''multi\nline'''"]  # fmt: skip
FAST = settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DIR = Path(tempfile.mkdtemp(prefix="tuinews-fuzz-"))
PATH = DIR / "tuinews.toml"


def check(data: bytes) -> None:
    PATH.write_bytes(data)
    try:
        result = load(PATH)
    except ConfigError as exc:
        message = exc.message
        assert "\n" not in message and "\r" not in message, message
        assert message.startswith(f"{PATH}:"), message
        assert re.match(re.escape(str(PATH)) + r":\d+(:\d+)?: \S", message), message
    else:
        assert isinstance(result, Config)


@st.composite
def byte_mutations(draw: st.DrawFn) -> bytes:
    data = bytearray(EXAMPLE.encode())
    for _ in range(draw(st.integers(1, 4))):
        pos = draw(st.integers(0, len(data) - 1))
        op = draw(st.sampled_from(["flip", "insert", "delete"]))
        if op == "flip":
            data[pos] = draw(st.integers(0, 255))
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=4))
        else:
            del data[pos : pos + draw(st.integers(1, 30))]
    return bytes(data)


@st.composite
def line_mutations(draw: st.DrawFn) -> bytes:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["drop", "dup", "junk", "swap"]))
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(draw(st.integers(0, len(lines))), lines[i])
        elif op == "junk":
            pos = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:pos] + draw(st.sampled_from(JUNK)) + lines[i][pos:]
        else:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        if not lines:
            break
    return "".join(lines).encode("utf-8", "surrogatepass")


@st.composite
def value_mutations(draw: st.DrawFn) -> bytes:
    lines = list(LINES)
    assignments = [i for i, line in enumerate(lines) if re.match(r"^\s*#?\s*\w+\s*=", line)]
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.sampled_from(assignments))
        key = lines[i].lstrip("# ").split("=", 1)[0].strip()
        lines[i] = f"{key} = {draw(st.sampled_from(VALUES))}\n"
    return "".join(lines).encode()


@FAST
@given(byte_mutations())
def test_mutated_bytes(data: bytes) -> None:
    check(data)


@FAST
@given(line_mutations())
def test_mutated_lines(data: bytes) -> None:
    check(data)


@FAST
@given(value_mutations())
def test_mutated_values(data: bytes) -> None:
    check(data)
