"""The fast path of ``phpserial.decode`` gives exactly what phpserialize gives.

Whatever the fast path reads must decode to the same value (same types, same
key order) as the library path, and whatever the library rejects must still be
rejected with the library's own message.
"""

from __future__ import annotations

import phpserialize
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wpmigrate.readers import phpserial


def _reference(value: str):
    """What decode gave before the fast path: the library, on every value."""
    if not phpserial.looks_serialized(value):
        return ("ok", value)
    try:
        return ("ok", phpserial._decode_with_library(value.strip().encode("utf-8")))
    except phpserial.BrokenSerialization as exc:
        return ("broken", str(exc))


def _actual(value: str):
    try:
        return ("ok", phpserial.decode(value))
    except phpserial.BrokenSerialization as exc:
        return ("broken", str(exc))


def _same(value: str) -> None:
    expected, actual = _reference(value), _actual(value)
    # repr tells True from 1, 1.0 from 1 and a list from a dict; == alone would not.
    assert repr(actual) == repr(expected), value


_text = st.text(alphabet=st.sampled_from(['a', 'é', '日', '😀', '"', ';', '}', '{', ':', '0', '1', ' ']), max_size=6)
_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**15), 10**15), _text,
    st.floats(allow_nan=False, allow_infinity=False, width=32),
)
_keys = st.one_of(st.integers(-2, 4), _text)
_php = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(_keys, inner, max_size=4),
        st.builds(phpserialize.phpobject, st.sampled_from([b"stdClass", b"WP_Post", "Ün".encode()]),
                  st.dictionaries(_text, inner, max_size=3)),
    ),
    max_leaves=12,
)


def _serialize(value) -> str:
    return phpserialize.dumps(value, object_hook=lambda o: o).decode("utf-8")


@settings(max_examples=400, deadline=None)
@given(_php)
def test_well_formed_values_decode_as_the_library_does(value):
    _same(_serialize(value))


@settings(max_examples=400, deadline=None)
@given(_php, st.integers(0, 10**6), st.sampled_from(list('0123456789:;{}"sadibNOn -.eE')), st.sampled_from(["insert", "delete", "replace"]))
def test_damaged_values_fail_or_decode_as_the_library_does(value, where, char, edit):
    text = _serialize(value)
    at = where % (len(text) + 1)
    if edit == "insert":
        text = text[:at] + char + text[at:]
    elif edit == "delete":
        text = text[:at] + text[at + 1 :]
    else:
        text = text[:at] + char + text[at + 1 :]
    _same(text)


@pytest.mark.parametrize(
    "value",
    [
        'a:2:{b:0;s:1:"x";d:1;s:1:"y";}',  # False == 0 and 1.0 == 1: a list
        'a:2:{b:1;s:1:"x";d:1;s:1:"y";}',
        'O:3:"Foo":3:{s:1:"1";i:1;i:1;i:2;s:9:"__class__";N;}',  # keys that collide once made text
        'a:2:{i:0;i:1;i:0;i:2;}',
        'a:1:{a:0:{}i:1;}',
        'O:3:"Foo":1:{a:0:{}i:1;}',  # unhashable key: the library's error
        "d:1e999;", "d:INF;", "d:NAN;", "d:-0;", "i:-0;", "i:+1;", "b:2;", "n;", "S:1:\"a\";",
        's:2:"\u00c3";', 's:1:"\u00ff";', "a:-1:{}", "a:0:{}", ' a:1:{i:0;s:1:"x";}\n', 'a:1:{i:0;s:1:"x";}}',
        "a:1:{i:0;" * 70 + "N;" + "}" * 70,  # deeper than the fast path once went
        "a:1:{i:0;" * 250 + "N;" + "}" * 250,  # near MAX_DEPTH
    ],
)
def test_edge_cases_decode_as_the_library_does(value):
    _same(value)


def test_past_max_depth_both_refuse_in_their_own_words():
    """The library's limit is wherever Python's stack runs out; decode's is MAX_DEPTH."""
    value = "a:1:{i:0;" * 600 + "N;" + "}" * 600
    assert _reference(value)[0] == "broken"
    assert _actual(value) == ("broken", "arrays or objects nested more than 256 levels deep")
