"""A feed-parsing worker process (`python -m tuinews.io.parse_worker`).

It reads requests on stdin and writes answers on stdout, one frame each: a
4-byte big-endian length, then a pickle.  A request is `(body, headers, url,
topics)`; an answer is `("ok", ParsedFeed)`, `("parse-error", message)` or
`("error", exception class name)`.  It exits at the end of its input, which is
also what happens when the process that started it dies: nothing is orphaned.
Only the parent's pickles are read, over a pipe nobody else holds.
"""

from __future__ import annotations

import pickle
import struct
import sys
from typing import BinaryIO

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


def serve(inp: BinaryIO, out: BinaryIO) -> int:
    """Answer requests until the input ends."""
    from tuinews.errors import ParseError
    from tuinews.io.feed_parse import parse_feed

    while (data := read_frame(inp)) is not None:
        body, headers, url, topics = pickle.loads(data)
        try:
            answer: tuple[object, ...] = ("ok", parse_feed(body, headers, url, topics))
        except ParseError as exc:
            answer = ("parse-error", exc.message)
        except Exception as exc:  # hostile bytes: the feed fails, the worker lives on
            answer = ("error", exc.__class__.__name__)
        out.write(frame(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)))
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(serve(sys.stdin.buffer, sys.stdout.buffer))
