"""A feed-parsing worker process (`python -m tuinews.io.parse_worker`).

It reads requests on stdin and writes answers on stdout, one frame each: a
4-byte big-endian length, then a pickle.  A request is `(body, headers, url,
topics)`; an answer is `("ok", ParsedFeed)`, `("expected", ParseError message)`
or `("error", exception class name)`.  It exits at the end of its input, which is
also what happens when the process that started it dies: nothing is orphaned.
Only the parent's pickles are read, over a pipe nobody else holds.
"""

from __future__ import annotations

import pickle
import struct
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from tuinews.errors import TuinewsError

HEAD = struct.Struct(">I")


def read_frame(stream: BinaryIO) -> bytes | None:
    """One frame's payload, or None at the end of the stream."""
    head = stream.read(HEAD.size)
    if len(head) < HEAD.size:
        return None
    (size,) = HEAD.unpack(head)
    data = stream.read(size)
    return data if len(data) == size else None


def frame(payload: bytes) -> bytes:
    """`payload` with its length in front."""
    return HEAD.pack(len(payload)) + payload


def answer_requests(
    inp: BinaryIO, out: BinaryIO, handle: Callable[..., object], expected: type[TuinewsError]
) -> int:
    """Call `handle(*request)` for each request until the input ends; answer each one.

    An answer is `("ok", result)`, `("expected", message)` for an `expected`
    error or `("error", exception class name)` for anything else: hostile
    bytes fail their request, the worker lives on.
    """
    while (data := read_frame(inp)) is not None:
        try:
            answer: tuple[object, ...] = ("ok", handle(*pickle.loads(data)))
        except expected as exc:
            answer = ("expected", exc.message)
        except Exception as exc:
            answer = ("error", exc.__class__.__name__)
        out.write(frame(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)))
        out.flush()
    return 0


def serve(inp: BinaryIO, out: BinaryIO) -> int:
    """Parse feeds until the input ends."""
    from tuinews.errors import ParseError
    from tuinews.io.feed_parse import parse_feed

    return answer_requests(inp, out, parse_feed, ParseError)


if __name__ == "__main__":
    sys.exit(serve(sys.stdin.buffer, sys.stdout.buffer))
