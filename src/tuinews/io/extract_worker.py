"""An article-extraction worker process (`python -m tuinews.io.extract_worker`).

Same pipe protocol as the feed parsers (`tuinews.io.parse_worker`): a request
is `(page bytes, url, content type)`, an answer `("ok", Extracted)`,
`("expected", ExtractError message)` or `("error", exception class name)`.
It runs in its own process so that a page that takes too long can be
stopped: the pool kills the process at the deadline and starts another.
"""

from __future__ import annotations

import sys
from typing import BinaryIO

from tuinews.io.parse_worker import answer_requests


def serve(inp: BinaryIO, out: BinaryIO) -> int:
    """Extract articles until the input ends."""
    from tuinews.errors import ExtractError
    from tuinews.io.extract import extract

    return answer_requests(inp, out, extract, ExtractError)


if __name__ == "__main__":
    sys.exit(serve(sys.stdin.buffer, sys.stdout.buffer))
