from __future__ import annotations

import pytest

from tests.conftest import SAMPLE

from wpmigrate.readers import phpserial
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


LIMIT = 256  # phpserial.MAX_DEPTH


def _nested(depth: int) -> str:
    return "a:1:{i:0;" * depth + "N;" + "}" * depth


def test_nesting_is_decoded_to_a_fixed_depth():
    expected = None
    for _ in range(LIMIT):
        expected = [expected]
    assert phpserial.decode(_nested(LIMIT)) == expected
    with pytest.raises(phpserial.BrokenSerialization, match="nested more than 256 levels"):
        phpserial.decode(_nested(LIMIT + 1))


def test_deep_meta_converts_the_same_in_worker_processes(run_cli, tmp_path):
    """phpserialize recursed until Python's stack ran out, at a depth that depends on the caller's
    own stack: meta nested 480 deep decoded with -j 1 and not in a worker (-j 2), or in validate."""
    text = SAMPLE.read_text(encoding="utf-8")
    meta = f"<wp:postmeta><wp:meta_key>deep</wp:meta_key><wp:meta_value>{_nested(480)}</wp:meta_value></wp:postmeta>"
    source = tmp_path / "deep.xml"
    source.write_text(text.replace("</wp:post_type>", "</wp:post_type>" + meta, 1), encoding="utf-8")
    outputs = []
    for jobs in ("1", "2"):
        result = run_cli("convert", source, "-j", jobs, "-o", tmp_path / f"j{jobs}.json")
        assert result.exit_code == 0 and "nested more than 256 levels" in result.stderr
        outputs.append((tmp_path / f"j{jobs}.json").read_bytes())
    assert outputs[0] == outputs[1]
    assert "nested more than 256 levels" in run_cli("validate", source).output
