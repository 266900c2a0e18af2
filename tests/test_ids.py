"""Packed ids: an array while every id fits in 64 bits, a list after; the same values either way."""

from __future__ import annotations

from array import array

from hypothesis import given
from hypothesis import strategies as st

from wpmigrate.ids import append_id, id_array

ids = st.one_of(st.integers(-(2**63), 2**63 - 1), st.integers(2**63, 2**70), st.integers(-(2**70), -(2**63) - 1))


@given(st.lists(ids, max_size=20))
def test_appending_keeps_every_value_in_order(values):
    packed = id_array()
    for value in values:
        packed = append_id(packed, value)
    assert list(packed) == values == list(id_array(values))
    fits = all(-(2**63) <= v < 2**63 for v in values)
    assert isinstance(packed, array) is fits and isinstance(id_array(values), array) is fits
