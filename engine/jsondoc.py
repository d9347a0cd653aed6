"""The one loader of JSON documents read from untrusted places (archives, layouts, registries, the store).

Before a document is parsed we check, on its bytes, without recursion: its size, how deeply it nests and
how many values it holds. Python's json module recurses once per nesting level (a document nested
100,000 deep ends in RecursionError) and turns 8 MB of `{},{},...` into ~130 MB of objects, so both are
bounded before it runs. Every failure is one InvalidInput line naming the document, never a Python
exception's name. Go's encoding/json (what containers/image and Docker use) reads UTF-8 only and
rejects NaN/Infinity; so do we.
"""

from __future__ import annotations

import itertools
import json
import re
from typing import BinaryIO

from engine.errors import InvalidInput

MAX_DEPTH = 200  # real manifests and configs nest < 10 deep; well below the interpreter's recursion limit
MAX_VALUES = 100_000  # ~10 MB of parsed objects at most; 70,000 RepoTags still fit

# A JSON string, escapes included. An unterminated one runs to the end of the input (so a failed match is
# never retried from every later quote: linear time on any input).
_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+(?:"|\Z)', re.DOTALL)
_STRUCTURAL = bytes(range(256)).translate(None, b"[]{},")
_DELTA = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def skeleton(raw: bytes) -> bytes:
    """The structural characters of `raw` outside strings: brackets, braces and commas."""
    return _STRING.sub(b"", raw).translate(None, _STRUCTURAL)


def max_depth(brackets: bytes) -> int:
    """The deepest nesting of a string of brackets (no recursion; the loop runs in C)."""
    if not brackets:
        return 0
    return max(itertools.accumulate(map(_DELTA.__getitem__, brackets)))


def check_shape(raw: bytes, what: str, *, max_depth_: int = MAX_DEPTH, max_values: int = MAX_VALUES) -> None:
    shape = skeleton(raw)
    brackets = shape.translate(None, b",")
    opens = brackets.count(b"[") + brackets.count(b"{")
    if opens > max_depth_ and max_depth(brackets) > max_depth_:
        raise InvalidInput(f"{what} nests JSON more than {max_depth_} levels deep; refusing to parse it")
    values = opens + (len(shape) - len(brackets)) + 1
    if values > max_values:
        raise InvalidInput(f"{what} holds more than {max_values} JSON values; refusing to parse it")


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON value")


def load(raw: bytes, what: str, limit: int, *, max_values: int = MAX_VALUES):
    """Parse `raw` (at most `limit` bytes) as JSON; any problem is one InvalidInput line naming `what`."""
    if len(raw) > limit:
        raise InvalidInput(f"{what} is {len(raw)} bytes, over the {_size(limit)} limit: refusing to parse it")
    if not raw.strip():
        raise InvalidInput(f"{what} is empty, not a JSON document")
    if raw.startswith(b"\xef\xbb\xbf"):
        raise InvalidInput(f"{what} starts with a byte-order mark; JSON documents here are plain UTF-8")
    if b"\x00" in raw[:4]:
        raise InvalidInput(f"{what} is UTF-16 or UTF-32 text; JSON documents here are UTF-8")
    check_shape(raw, what, max_values=max_values)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{what} is not valid JSON: byte {exc.start} is not UTF-8 text") from None
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        reason = exc.msg.removesuffix(" at")
        reason = reason[:1].lower() + reason[1:]
        raise InvalidInput(f"{what} is not valid JSON: {reason} at line {exc.lineno}, column {exc.colno}") \
            from None
    except RecursionError:  # not reached: the depth is checked above
        raise InvalidInput(f"{what} nests JSON too deeply; refusing to parse it") from None
    except ValueError as exc:  # NaN or Infinity (our message), or a number of thousands of digits
        reason = str(exc) if "JSON value" in str(exc) else "it holds a number too long to read"
        raise InvalidInput(f"{what} is not valid JSON: {reason}") from None


def read(f: BinaryIO, what: str, limit: int, *, max_values: int = MAX_VALUES):
    """Read at most `limit` bytes of `f` (one more tells it is too big) and parse them."""
    raw = f.read(limit + 1)
    if len(raw) > limit:
        raise InvalidInput(f"{what} is over the {_size(limit)} limit: refusing to parse it")
    return load(raw, what, limit, max_values=max_values)


def _size(n: int) -> str:
    return f"{n >> 20} MiB" if n >= 1 << 20 else f"{n >> 10} KiB" if n >= 1 << 10 else f"{n} bytes"
