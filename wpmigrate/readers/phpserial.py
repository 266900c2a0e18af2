"""Decode PHP ``serialize()`` values found in meta, byte-exactly.

WordPress stores arrays and objects in postmeta, commentmeta and termmeta as
PHP-serialized strings whose lengths count UTF-8 bytes. Decoding is done by
the ``phpserialize`` library on the UTF-8 bytes (behind a fast path that reads
the common forms itself, with the very same results); this module decides what
looks serialized (as WordPress's ``is_serialized``) and maps PHP values to
JSON ones: arrays with keys 0..n-1 become lists, other arrays and objects
become dicts (objects keep their class name under ``__class__``).
"""

from __future__ import annotations

import io
import math
import re
from typing import Any

import phpserialize

_LOOKS_SERIALIZED = re.compile(
    r"(?:N;|b:[01];|i:-?\d+;|d:[^;]+;|s:\d+:\".*\";|a:\d+:\{.*\}|O:\d+:\"[^\"]*\":\d+:\{.*\})",
    re.DOTALL,
)


class BrokenSerialization(ValueError):
    """The value looks PHP-serialized but does not decode (lengths broken...)."""


def looks_serialized(value: str) -> bool:
    """WordPress's ``is_serialized``: the whole (trimmed) value has the shape."""
    stripped = value.strip()
    return len(stripped) >= 2 and _LOOKS_SERIALIZED.fullmatch(stripped) is not None


def decode(value: str) -> Any:
    """Decode ``value`` if it is PHP-serialized, else return it unchanged.

    Raises :class:`BrokenSerialization` when it looks serialized but does not
    decode; callers keep the raw string and report it.
    """
    if not looks_serialized(value):
        return value
    data = value.strip().encode("utf-8")
    try:
        result, end = _fast_value(data, 0, 0)
        if end == len(data):
            return result
    except _TooDeep:
        raise BrokenSerialization(f"arrays or objects nested more than {MAX_DEPTH} levels deep") from None
    except Exception:  # noqa: BLE001 - anything odd: the library decides, and words the error
        pass
    return _decode_with_library(data)


def _decode_with_library(data: bytes) -> Any:
    """The reference decoding, by phpserialize; ``decode``'s fast path must agree with it."""
    stream = io.BytesIO(data)
    try:
        result = phpserialize.load(stream, object_hook=_object, array_hook=_array)
    except (ValueError, TypeError, IndexError, RecursionError) as exc:
        raise BrokenSerialization(str(exc)) from None
    if stream.tell() != len(data):
        raise BrokenSerialization(f"{len(data) - stream.tell()} bytes left over after the value")
    return _to_json(result)


# ---------------------------------------------------------------- fast path
#
# phpserialize reads its input one byte at a time through a file object, which
# made it the slowest part of converting an export (meta values are many). The
# fast path reads the canonical forms PHP's serialize() writes straight from
# the bytes and builds the JSON values directly. It gives up (raises) on
# anything else, and on anything that would not decode (bad UTF-8, a number
# with no JSON form): ``decode`` then runs phpserialize, so what is accepted,
# what is rejected and the words of the errors stay exactly as they were.
# Nesting deeper than MAX_DEPTH is refused outright: phpserialize recurses
# until Python's stack runs out, which happens at a depth that depends on the
# caller's own stack (a worker process's differs from the main process's), so
# one value decoded in one and not in the other.
#
# Same values as phpserialize + _array/_object + _to_json: strings are decoded
# as they are read rather than afterwards, which changes nothing because UTF-8
# decoding is one-to-one (so keys collide exactly as their bytes did) and a
# str, like bytes, never equals an int, float, bool or None key.

#: Deepest nesting of arrays and objects decoded; WordPress's own meta nests a few levels.
MAX_DEPTH = 256


class _TooDeep(Exception):
    """Nesting past MAX_DEPTH."""

_TOKEN = re.compile(
    rb's:(\d+):"|a:(\d+):\{|i:(-?\d+);|b:([01]);|(N;)|d:(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?);|O:(\d+):"'
)
_MEMBERS = re.compile(rb'":(\d+):\{')
_STRING, _ARRAY, _INT, _BOOL, _NULL, _FLOAT, _OBJECT = range(1, 8)


def _fast_value(data: bytes, pos: int, depth: int) -> tuple[Any, int]:
    """The JSON value serialized at ``pos``, and the offset after it."""
    token = _TOKEN.match(data, pos)
    kind = token.lastindex  # type: ignore[union-attr]
    pos = token.end()  # type: ignore[union-attr]
    if kind == _STRING:
        end = pos + int(token[1])  # type: ignore[index]
        if data[end : end + 2] != b'";':
            raise ValueError("string length")
        return data[pos:end].decode("utf-8"), end + 2
    if kind == _ARRAY:
        keys, values, pos = _fast_pairs(data, pos, int(token[2]), depth)  # type: ignore[index]
        if keys == list(range(len(keys))):  # as _array: each key == its index
            return values, pos
        return {_fast_key(key): value for key, value in zip(keys, values)}, pos
    if kind == _INT:
        return int(token[3]), pos  # type: ignore[index]
    if kind == _BOOL:
        return token[4] == b"1", pos  # type: ignore[index]
    if kind == _NULL:
        return None, pos
    if kind == _FLOAT:
        number = float(token[6])  # type: ignore[index]
        if not math.isfinite(number):
            raise ValueError("non-finite")
        return number, pos
    # O:LEN:"name":N:{...}
    end = pos + int(token[7])  # type: ignore[index]
    name = data[pos:end].decode("utf-8")
    members = _MEMBERS.match(data, end)
    keys, values, pos = _fast_pairs(data, members.end(), int(members[1]), depth)  # type: ignore[union-attr, index]
    return {"__class__": name, **{_fast_key(k): v for k, v in dict(zip(keys, values)).items()}}, pos


def _fast_pairs(data: bytes, pos: int, count: int, depth: int) -> tuple[list[Any], list[Any], int]:
    """The keys and values of ``count`` pairs from ``pos``, and the offset after the closing brace."""
    if depth >= MAX_DEPTH:
        raise _TooDeep
    depth += 1
    keys: list[Any] = []
    values: list[Any] = []
    match = _TOKEN.match
    for _ in range(count):
        for found in (keys, values):
            # strings and integers inline: most values are, and a call each is the cost
            token = match(data, pos)
            kind = token.lastindex  # type: ignore[union-attr]
            if kind == _STRING:
                start = token.end()  # type: ignore[union-attr]
                pos = start + int(token[1])  # type: ignore[index]
                if data[pos : pos + 2] != b'";':
                    raise ValueError("string length")
                found.append(data[start:pos].decode("utf-8"))
                pos += 2
            elif kind == _INT:
                found.append(int(token[3]))  # type: ignore[index]
                pos = token.end()  # type: ignore[union-attr]
            else:
                value, pos = _fast_value(data, pos, depth)
                found.append(value)
    if data[pos : pos + 1] != b"}":
        raise ValueError("no closing brace")
    return keys, values, pos + 1


def _fast_key(key: Any) -> str:
    return key if key.__class__ is str else str(key)


def _array(pairs: list[tuple[Any, Any]]) -> Any:
    if all(key == index for index, (key, _) in enumerate(pairs)):
        return [value for _, value in pairs]
    return {_key(key): value for key, value in pairs}


def _object(name: bytes, members: dict) -> dict:
    return {"__class__": _text(name), **{_key(k): v for k, v in members.items()}}


def _key(key: Any) -> str:
    return _text(key) if isinstance(key, bytes) else str(key)


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise BrokenSerialization("a string is not valid UTF-8") from None


def _to_json(value: Any) -> Any:
    """Bytes to str, non-finite floats refused (JSON cannot hold them)."""
    if isinstance(value, bytes):
        return _text(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise BrokenSerialization(f"the number {value} has no JSON form")
    if isinstance(value, list):
        return [_to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_json(v) for k, v in value.items()}
    return value
