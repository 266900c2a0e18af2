"""A damaged export gives the same count of items read before the damage whatever lxml is
installed and however the file is cut into chunks (issue 17: lxml 6.2 changed it).

Each case damages item ``k`` of a synthetic export in one way; the items before it are
complete, so exactly ``k - 1`` are read before the error, and ``--recover`` keeps every
complete item. The reader is run with many chunk sizes, so that chunk boundaries fall
everywhere around the damage, as different lxml and libxml2 releases would place them.
"""

from __future__ import annotations

import gzip
import io

import pytest
from conftest import SAMPLE

from wpmigrate.diagnostics import Diagnostics
from wpmigrate.errors import MalformedInputError
from wpmigrate.readers import pull
from wpmigrate.readers.wxr import read

ITEMS = 6
DAMAGED = 4  # the item that is damaged (1-based)
CHUNKS = [1, 7, 64, 500, 4096, pull.CHUNK]

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Damage</title>
<link>http://damage.example.test</link>
<wp:wxr_version>1.2</wp:wxr_version>
"""
TAIL = "</channel>\n</rss>\n"


def item(number: int, body: str = "") -> str:
    return (
        f"<item>\n<title>Post {number}</title>\n<dc:creator><![CDATA[admin]]></dc:creator>\n"
        f"<content:encoded><![CDATA[<p>Text of post {number}: &lt;user&gt; &amp; more</p>]]></content:encoded>\n"
        f"<wp:post_id>{number}</wp:post_id>\n<wp:status>publish</wp:status>\n"
        f"<wp:post_type>post</wp:post_type>\n{body}</item>\n"
    )


def export(damaged: str, *, after: str = "") -> str:
    """An export whose item DAMAGED is ``damaged``; ``after`` goes right after that item."""
    items = [item(n) for n in range(1, ITEMS + 1)]
    items[DAMAGED - 1] = damaged + after
    return HEAD + "".join(items) + TAIL


#: name: (the export, the items --recover keeps)
CASES = {
    # the file ends inside the item
    "truncated": (HEAD + "".join(item(n) for n in range(1, DAMAGED)) + item(DAMAGED)[:60], DAMAGED - 1),
    # an end tag that does not match
    "mismatched-tag": (export(item(DAMAGED).replace("</title>", "</wrong>")), ITEMS),
    # markup character in text, outside CDATA
    "raw-less-than": (export(item(DAMAGED, "<wp:post_name>a < b</wp:post_name>\n")), ITEMS),
    # a CDATA end inside text
    "cdata-end-in-text": (export(item(DAMAGED, "<wp:post_name>a ]]> b</wp:post_name>\n")), ITEMS),
    # an attribute without quotes
    "unquoted-attribute": (export(item(DAMAGED, "<category domain=tag>x</category>\n")), ITEMS),
    # an attribute given twice
    "duplicate-attribute": (export(item(DAMAGED, '<category domain="tag" domain="category">x</category>\n')), ITEMS),
    # the item's end tag is missing: the next item's start is the error
    "unclosed-item": (export(item(DAMAGED).replace("</item>\n", "\n")), ITEMS - 1),
    # stray markup between two items, after the complete item DAMAGED - 1
    "junk-between-items": (export(item(DAMAGED), after="").replace(
        f"</item>\n<item>\n<title>Post {DAMAGED}<", f"</item>\n</junk>\n<item>\n<title>Post {DAMAGED}<"), ITEMS),
}


def _damage(case: str, tmp_path):
    text, _ = CASES[case]
    path = tmp_path / f"{case}.xml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("chunk", CHUNKS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_items_before_damage_do_not_depend_on_chunking(case, chunk, tmp_path, monkeypatch):
    monkeypatch.setattr(pull, "CHUNK", chunk)
    path = _damage(case, tmp_path)
    with pytest.raises(MalformedInputError) as raised:
        list(read([str(path)]).posts)
    error = raised.value
    assert error.items_before == DAMAGED - 1, str(error)
    assert f"({DAMAGED - 1} read before line {error.line})" in error.hint


@pytest.mark.parametrize("case", sorted(CASES))
def test_error_points_at_the_damaged_item(case, tmp_path):
    path = _damage(case, tmp_path)
    text = path.read_text()
    item_line = text.count("\n", 0, text.index(f"<title>Post {DAMAGED}"))  # the 1-based line of its <item>
    with pytest.raises(MalformedInputError) as raised:
        list(read([str(path)]).posts)
    # never before the damage (junk is on the line before its item; an unclosed item is
    # found out at </channel>)
    assert raised.value.line >= item_line - 1


@pytest.mark.parametrize("chunk", [7, 4096])
@pytest.mark.parametrize("case", sorted(CASES))
def test_recover_keeps_every_complete_item_once(case, chunk, tmp_path, monkeypatch):
    monkeypatch.setattr(pull, "CHUNK", chunk)
    path = _damage(case, tmp_path)
    diagnostics = Diagnostics()
    posts = list(read([str(path)], recover=True, diagnostics=diagnostics).posts)
    ids = [post.id for post in posts]
    assert len(ids) == len(set(ids)), "an item was read twice"
    assert ids[: DAMAGED - 1] == list(range(1, DAMAGED)), "the items before the damage come first, whole"
    assert len(posts) == CASES[case][1]
    for post in posts[: DAMAGED - 1]:
        assert post.content.raw == f"<p>Text of post {post.id}: &lt;user&gt; &amp; more</p>"
    assert any(d.code == "xml-malformed" for d in diagnostics)


#: name: (what the damaged item's attachment URL holds, what it reads as, the repair's code)
REPAIRED = {
    "raw-ampersand": ("http://damage.example.test/a.jpg?w=300&h=200", "http://damage.example.test/a.jpg?w=300&h=200",
                      "xml-raw-ampersand"),
    "forbidden-reference": ("http://damage.example.test/a&#1;b.jpg", "http://damage.example.test/a\ufffdb.jpg",
                            "xml-char-invalid"),
}


@pytest.mark.parametrize("chunk", CHUNKS)
@pytest.mark.parametrize("case", sorted(REPAIRED))
def test_an_item_read_before_a_repaired_error_is_whole(case, chunk, tmp_path, monkeypatch):
    """Damage the reader repairs is read on a second pass; the first pass must not have handed
    out the damaged item cut at the error (recent libxml2 parses on past it)."""
    monkeypatch.setattr(pull, "CHUNK", chunk)
    written, read_as, code = REPAIRED[case]
    path = tmp_path / f"{case}.xml"
    path.write_text(export(item(DAMAGED, f"<wp:attachment_url>{written}</wp:attachment_url>\n")), encoding="utf-8")
    diagnostics = Diagnostics()
    posts = list(read([str(path)], diagnostics=diagnostics).posts)
    assert [post.id for post in posts] == list(range(1, ITEMS + 1))
    assert posts[DAMAGED - 1].attachment_url == read_as
    assert [d.code for d in diagnostics if d.severity == "warning"] == [code]


@pytest.mark.parametrize("chunk", [1, 2, 5, 7, 64, 500])
def test_pieces_end_at_every_item_end_tag_wherever_chunks_fall(chunk, monkeypatch):
    monkeypatch.setattr(pull, "CHUNK", chunk)
    data = export(item(DAMAGED)).replace("</item>", "</item >", 1).encode()
    pieces = list(pull._pieces(io.BytesIO(data), pull._END_TAG, "test.xml", 1 << 20))
    assert b"".join(pieces) == data
    ends = {sum(map(len, pieces[: n + 1])) for n in range(len(pieces))}
    tags = [m.end() for m in pull._END_TAG.finditer(data)]
    assert len(tags) == ITEMS and set(tags) <= ends


@pytest.mark.parametrize("where", ["start", "end"])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_damaged_gzip_export_is_an_input_error_wherever_the_damage_is(where, jobs, run_cli, tmp_path):
    # 40 copies of the items: damage at the start is met by the sniffer, at the end by the parse
    head = SAMPLE.read_bytes().split(b"</channel>")[0]
    items = head[head.index(b"<item>"):]
    packed = bytearray(gzip.compress(head + items * 40 + b"</channel></rss>"))
    middle = 40 if where == "start" else len(packed) - 200
    for offset in range(middle, middle + 40):
        packed[offset] ^= 0x55
    export = tmp_path / "export.xml.gz"
    export.write_bytes(bytes(packed))
    result = run_cli("convert", export, "-o", tmp_path / "out.json", "--jobs", jobs)
    assert result.exit_code == 3, result.stderr
    assert f"{export}: the compressed file is damaged" in result.stderr
    assert "zcat" in result.stderr and "Traceback" not in result.stderr
