"""Find the line of a key in TOML text, so config errors can say `file:line`.

tomllib reports positions only for syntax errors; for type and value errors we
scan the text ourselves.  The scan is deliberately simple (headers and `key =`
lines) and never raises: a key it cannot place falls back to its table header.
"""

from __future__ import annotations

import re

_ARRAY_HEADER = re.compile(r"^\s*\[\[\s*(.+?)\s*\]\]")
_TABLE_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]")
_KEY = re.compile(r"""^\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_\-]+)(?:\s*\.\s*[^=]+)?\s*=""")


def _unquote(name: str) -> str:
    name = name.strip()
    if len(name) >= 2 and name[0] == name[-1] and name[0] in "\"'":
        return name[1:-1]
    return name


class LineIndex:
    """Maps (section, array index, key) to a 1-based line number."""

    def __init__(self, text: str) -> None:
        self._keys: dict[tuple[str | None, int | None, str], int] = {}
        self._headers: dict[tuple[str, int | None], int] = {}
        self._prefixes: dict[str, int] = {}  # "a" and "a.b" of a header [a.b.c]
        counts: dict[str, int] = {}
        section: str | None = None
        index: int | None = None
        for number, line in enumerate(text.splitlines(), start=1):
            array = _ARRAY_HEADER.match(line)
            table = None if array else _TABLE_HEADER.match(line)
            if array or table:
                section = _unquote((array or table).group(1))  # type: ignore[union-attr]
                if array:
                    index = counts.get(section, 0)
                    counts[section] = index + 1
                else:
                    index = None
                self._headers.setdefault((section, index), number)
                parts = [p.strip() for p in section.split(".")]
                for n in range(1, len(parts)):
                    self._prefixes.setdefault(".".join(parts[:n]), number)
                continue
            key = _KEY.match(line)
            if key:
                self._keys.setdefault((section, index, _unquote(key.group(1))), number)

    def find(self, section: str | None, index: int | None = None, key: str | None = None) -> int | None:
        """Line of `key` in `[section]` (the index-th `[[section]]`), else of the header."""
        if key is not None:
            line = self._keys.get((section, index, key))
            if line is None and section is not None and index is None:
                line = self._keys.get((None, None, key)) if key == section else None
            if line is None:  # the key names a table: [key], [[key]] or [section.key]
                table = f"{section}.{key}" if section else key
                line = (
                    self._headers.get((table, None))
                    or self._headers.get((table, 0))
                    or self._prefixes.get(table)
                )
            if line is not None:
                return line
        if section is not None:
            return self._headers.get((section, index))
        return None
