"""Decode PHP ``serialize()`` values found in meta, byte-exactly.

WordPress stores arrays and objects in postmeta, commentmeta and termmeta as
PHP-serialized strings whose lengths count UTF-8 bytes. Decoding is done by
the ``phpserialize`` library on the UTF-8 bytes; this module decides what
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
    stream = io.BytesIO(data)
    try:
        result = phpserialize.load(stream, object_hook=_object, array_hook=_array)
    except (ValueError, TypeError, IndexError, RecursionError) as exc:
        raise BrokenSerialization(str(exc)) from None
    if stream.tell() != len(data):
        raise BrokenSerialization(f"{len(data) - stream.tell()} bytes left over after the value")
    return _to_json(result)


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
