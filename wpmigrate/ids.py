"""Ids packed into arrays, which a damaged export can push past 64 bits.

WordPress's ids are unsigned 64-bit; an export's numbers can be anything. The indexes that
hold ids by the hundred thousand pack them into ``array("q")`` and fall back to a plain list
when one does not fit, so a damaged export costs memory, never a crash.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable

#: What ``array("q")`` and an SQL BIGINT column hold.
INT64 = range(-(1 << 63), 1 << 63)

IdArray = array | list


def id_array(values: Iterable[int] = ()) -> IdArray:
    """``values`` packed, or as a list when one is past 64 bits."""
    values = list(values)
    try:
        return array("q", values)
    except OverflowError:
        return values


def append_id(ids: IdArray, value: int) -> IdArray:
    """``ids`` with ``value`` appended: the same object, or a list once ``value`` does not fit."""
    try:
        ids.append(value)
    except OverflowError:
        ids = [*ids, value]
    return ids
