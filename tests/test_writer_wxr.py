"""--to wxr: the model written back as WordPress writes WXR, read back to the same JSON."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tests.conftest import CORPUS, FIXTURES, SAMPLE, corpus_files
from wpmigrate.convert import ConvertOptions, convert
from wpmigrate.errors import WpmigrateError
from wpmigrate.model import Comment, Commenter, Content, Export, Meta, Post, Site, Term
from wpmigrate.readers.wxr import read
from wpmigrate.validate import validate
from wpmigrate.writers.wxr import serialized, write_wxr


def _json(path: Path, out: Path, raw: bool) -> dict:
    options = ConvertOptions(to="json", output=str(out), force=True, jobs=1, raw_content=raw, recover=True)
    convert([str(path)], options)
    document = json.loads(out.read_text())
    document["site"].pop("wxr_version")  # the one thing that describes the file, not the blog
    return document


def _round_trip(path: Path, tmp_path: Path, raw: bool = True) -> tuple[dict, dict]:
    written = tmp_path / "written.wxr.xml"
    convert([str(path)], ConvertOptions(to="wxr", output=str(written), force=True, jobs=1, recover=True))
    return _json(path, tmp_path / "a.json", raw), _json(written, tmp_path / "b.json", raw)


@pytest.mark.parametrize("name", corpus_files())
def test_every_corpus_export_reads_back_the_same(name, tmp_path):
    """Damaged exports included: what --recover salvaged is written whole, and reads back the same."""
    try:
        before, after = _round_trip(CORPUS / name, tmp_path)
    except WpmigrateError as error:  # not a WordPress export at all (a qTranslate fragment)
        pytest.skip(f"not readable: {error.message[:80]}")
    assert after == before


@pytest.mark.parametrize("path", [SAMPLE, FIXTURES / "fidelity" / "blog.xml", FIXTURES / "sql" / "hostile.xml"],
                         ids=lambda p: p.name)
def test_fixtures_read_back_the_same_cleaned_content_too(path, tmp_path):
    before, after = _round_trip(path, tmp_path, raw=False)
    assert after == before


def _export(post: Post) -> Export:
    site = Site(title="Notes &amp; more", title_raw="Notes &amp;amp; more", link="https://n.example.test",
                base_blog_url="https://n.example.test", exported_at="2024-01-02T03:04:05Z")
    terms = (Term("category", "café", "Café", 3, meta=(Meta("colour", "red"),)), Term("genre", "jazz", "Jazz", 4))
    return Export(site=site, authors=(), terms=terms, posts=iter([post]))


META_VALUES = ["plain", "i:5;", 'a:1:{i:0;s:1:"x";}', 5, 2.5, True, None, ["a", {"k": [1, 2]}], {"5": "x"},
               {"__class__": "stdClass", "name": "Ann"}, "", "ünï"]


def test_text_that_xml_or_cdata_would_change_reads_back_as_it_was(tmp_path):
    tricky = "a ]]> b\r\nc &amp; <b>d</b> \x07 end"
    comment = Comment(id=9, parent=None, status="spam", content=tricky, date="2024-01-01T00:00:00Z",
                      date_local="2024-01-01T01:00:00", author=Commenter(name="Zoë", email="z@example.test"))
    post = Post(id=7, title="Q&A", slug="über_ünï", link="https://n.example.test/?p=7", date="2024-01-01T10:00:00Z",
                date_local="2024-01-01T11:00:00", content=Content(raw=tricky), excerpt=tricky,
                meta=tuple(Meta(f"k{number}", value) for number, value in enumerate(META_VALUES)),
                comments=(comment,))
    stream = io.BytesIO()
    write_wxr(_export(post), [post], stream)
    path = tmp_path / "tricky.xml"
    path.write_bytes(stream.getvalue())
    export = read([str(path)])
    [back] = list(export.posts)
    shown = tricky.replace("\x07", "\ufffd")  # a character XML forbids, as the reader shows one
    assert back.content.raw == shown and back.excerpt == shown and back.comments[0].content == shown
    assert back.slug == "über_ünï" and back.title == "Q&A"
    assert [m.value for m in back.meta] == [*META_VALUES[:1], "i:5;", 'a:1:{i:0;s:1:"x";}', *META_VALUES[3:]]
    assert back.comments[0].status == "spam" and back.comments[0].author.name == "Zoë"
    assert (export.site.title, export.site.title_raw) == ("Notes &amp; more", "Notes &amp;amp; more")
    assert [(t.taxonomy, t.slug, t.meta) for t in export.terms] == [("category", "café", (Meta("colour", "red"),)),
                                                                     ("genre", "jazz", ())]


def test_serialized_strings_are_serialized_again_as_maybe_serialize_does():
    assert serialized("plain") == "plain"
    assert serialized("i:5;") == 's:4:"i:5;";'
    assert serialized(["ü"]) == 'a:1:{i:0;s:2:"ü";}'
    assert serialized({"__class__": "Foo", "a": 1}) == 'O:3:"Foo":1:{s:1:"a";i:1;}'


def _problems(path: Path) -> list[tuple]:
    return [(f.code, f.item, f.comment) for f in validate([str(path)]).findings if f.severity != "info"]


@pytest.mark.parametrize("path", [SAMPLE, FIXTURES / "fidelity" / "blog.xml"], ids=lambda p: p.name)
def test_the_written_file_validates_as_its_input_and_is_the_same_each_time(run_cli, tmp_path, path):
    first, second = tmp_path / "one.wxr.xml", tmp_path / "two.wxr.xml"
    for out in (first, second):
        assert run_cli("convert", path, "--to", "wxr", "-o", out).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    assert _problems(first) == _problems(path)  # the sample has a comment dated after its export


def test_the_default_output_is_named_after_the_input(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run_cli("convert", SAMPLE, "--to", "wxr")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "intelnews-sample.wxr.xml").exists()
