from __future__ import annotations

import pytest

from wpmigrate.readers.phpserial import BrokenSerialization, decode, looks_serialized


@pytest.mark.parametrize(
    "raw, value",
    [
        ('a:2:{s:3:"one";i:1;s:3:"two";b:0;}', {"one": 1, "two": False}),
        ('a:2:{i:0;s:1:"a";i:1;s:1:"b";}', ["a", "b"]),
        ('a:2:{i:1;s:1:"a";i:0;s:1:"b";}', {"1": "a", "0": "b"}),
        ('s:13:"¯\\_(ツ)_/¯";', "¯\\_(ツ)_/¯"),  # length counts UTF-8 bytes
        ("d:1.5;", 1.5),
        ("N;", None),
        ('O:8:"stdClass":1:{s:1:"a";i:1;}', {"__class__": "stdClass", "a": 1}),
        ('s:14:"a:1:{i:0;i:1;}";', "a:1:{i:0;i:1;}"),  # double-serialized stays one level
        ("plain text", "plain text"),
        ("", ""),
    ],
)
def test_decode(raw, value):
    assert decode(raw) == value


@pytest.mark.parametrize("raw", ['s:99:"short";', 'a:2:{s:1:"a";i:1;}', "d:INF;"])
def test_broken_values_raise_so_the_reader_keeps_the_text(raw):
    assert looks_serialized(raw)
    with pytest.raises(BrokenSerialization):
        decode(raw)


def test_trailing_junk_is_not_serialized():
    assert not looks_serialized('a:1:{s:1:"a";i:1;}junk')
    assert decode('a:1:{s:1:"a";i:1;}junk') == 'a:1:{s:1:"a";i:1;}junk'
