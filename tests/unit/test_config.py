"""Config loading: the example is valid, and every kind of mistake gets file:line and a reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from tuinews import paths
from tuinews.config import ConfigError, example_text, load, parse

ROOT = Path(__file__).resolve().parents[2]


def error_of(text: str, tmp_path: Path) -> str:
    path = tmp_path / "tuinews.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load(path)
    message = info.value.message
    assert "\n" not in message
    return message


def test_example_config_is_valid_and_documents_every_setting() -> None:
    from tuinews.config import SETTINGS

    text = (ROOT / "tuinews.toml.example").read_text(encoding="utf-8")
    assert text == example_text()
    config = parse(text)
    assert len(config.feeds) >= 5
    assert all(f.url.startswith("https://") for f in config.feeds)
    strikes = next(t for t in config.topics if t.name == "Strikes")
    for term in ("strike", "industrial action", "walkout", "picket", "ballot", "union"):
        assert term in strikes.terms
    assert "air strike" in strikes.exclude and "lightning strike" in strikes.exclude
    for key in SETTINGS:
        assert key.name in text, f"{key.name} is not documented in tuinews.toml.example"
    from tuinews.config_sync import PASSWORD_ENV, SYNC_KEYS

    for name in (*SYNC_KEYS, PASSWORD_ENV, "[sync]"):
        assert name in text, f"{name} is not documented in tuinews.toml.example"


def test_invalid_toml_names_file_line_and_column(tmp_path: Path) -> None:
    message = error_of("[settings]\nconcurrency = 4\nrefresh_minutes = \n", tmp_path)
    assert message.startswith(f"{tmp_path / 'tuinews.toml'}:3:")
    assert "invalid TOML" in message


def test_unknown_key_suggests_the_closest(tmp_path: Path) -> None:
    message = error_of("[settings]\nconcurency = 4\n", tmp_path)
    assert ":2:" in message
    assert "'concurency'" in message and "did you mean 'concurrency'" in message


def test_unknown_feed_key_points_at_its_line(tmp_path: Path) -> None:
    text = '[[feeds]]\nurl = "https://a.example/feed"\n\n[[feeds]]\nurl = "https://b.example/feed"\ntitel = "B"\n'
    message = error_of(text, tmp_path)
    assert ":6:" in message and "feed #2" in message and "did you mean 'title'" in message


def test_wrong_type_names_key_and_expected_type(tmp_path: Path) -> None:
    message = error_of('[settings]\nconcurrency = "lots"\n', tmp_path)
    assert ":2:" in message and "'concurrency'" in message and "whole number" in message


def test_out_of_range_value(tmp_path: Path) -> None:
    message = error_of("[settings]\nconcurrency = 0\n", tmp_path)
    assert "between 1 and 256" in message


def test_non_http_feed_url(tmp_path: Path) -> None:
    message = error_of('[[feeds]]\nurl = "file:///etc/passwd"\n', tmp_path)
    assert ":2:" in message and "not an http(s) URL" in message


def test_feed_without_url(tmp_path: Path) -> None:
    message = error_of('[[feeds]]\ntitle = "No URL"\n', tmp_path)
    assert ":1:" in message and "has no 'url'" in message


def test_duplicate_feed_url(tmp_path: Path) -> None:
    message = error_of(
        '[[feeds]]\nurl = "https://a.example/f"\n[[feeds]]\nurl = "https://a.example/f"\n', tmp_path
    )
    assert ":4:" in message and "repeats" in message


def test_feeds_written_as_a_table(tmp_path: Path) -> None:
    message = error_of('[feeds]\nurl = "https://a.example/f"\n', tmp_path)
    assert "[[feeds]]" in message


def test_tags_must_be_strings(tmp_path: Path) -> None:
    message = error_of('[[feeds]]\nurl = "https://a.example/f"\ntags = [1, 2]\n', tmp_path)
    assert ":3:" in message and "'tags'" in message


def test_topic_needs_terms(tmp_path: Path) -> None:
    message = error_of('[[topics]]\nname = "Empty"\nterms = []\n', tmp_path)
    assert ":3:" in message and "needs at least one term" in message


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "tuinews.toml"
    path.write_bytes(b'[[feeds]]\nurl = "https://a.example/\xff"\n')
    with pytest.raises(ConfigError, match=r":2: not UTF-8"):
        load(path)


def test_lookup_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert paths.config_candidates(None) == [("default", tmp_path / "xdg" / "tuinews" / "tuinews.toml")]
    monkeypatch.setenv("TUINEWS_CONFIG", str(tmp_path / "env.toml"))
    assert paths.config_candidates(None) == [("$TUINEWS_CONFIG", tmp_path / "env.toml")]
    assert paths.config_candidates(str(tmp_path / "cli.toml")) == [("--config", tmp_path / "cli.toml")]


def test_data_dir_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert paths.db_path() == tmp_path / "data" / "tuinews" / "tuinews.db"
