"""Reading a document a run of items at a time gives exactly what streaming it gives.

The reference is :func:`wpmigrate.readers.wxr.read`, which streams item by
item. Runs are made tiny here so that every file is cut many times, and cuts
land inside CDATA sections and damaged regions, where the reader must notice
and fall back to streaming.
"""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from pathlib import Path

import pytest

from tests.conftest import CORPUS, FIXTURES, SAMPLE, corpus_files
from wpmigrate.convert import ConvertOptions, convert
from wpmigrate.diagnostics import Diagnostics
from wpmigrate.errors import InputError, MalformedInputError
from wpmigrate.parallel import can_fork
from wpmigrate.readers import runs
from wpmigrate.readers.elements import ItemContext
from wpmigrate.readers.sources import expand_inputs
from wpmigrate.readers.wxr import read
from wpmigrate.writers.json import write_json

QUIRKS = sorted(p.name for p in (FIXTURES / "quirks").glob("*.xml"))
TINY = 2048


@pytest.fixture
def tiny_runs(monkeypatch):
    monkeypatch.setattr(runs, "RUN_BYTES", TINY)


def _found(diagnostics: Diagnostics) -> list[tuple]:
    return sorted((d.code, d.severity, d.file or "", d.line or 0, d.column or 0, d.item or 0, d.comment or 0,
                   d.message) for d in diagnostics)


def _streamed(inputs: list[str], recover: bool) -> tuple[bytes, list[tuple]]:
    diagnostics = Diagnostics()
    export = read(inputs, recover=recover, diagnostics=diagnostics)
    stream = io.BytesIO()
    write_json(export, export.posts, stream)
    return stream.getvalue(), _found(diagnostics)


def _in_runs(inputs: list[str], tmp_path: Path, recover: bool, jobs: int = 1) -> tuple[bytes, list[tuple]]:
    out = tmp_path / f"runs-{jobs}.json"
    options = ConvertOptions(output=str(out), force=True, raw_content=True, recover=recover, jobs=jobs)
    result = convert(inputs, options)
    return out.read_bytes(), _found(result.diagnostics)


def _same_as_streamed(inputs: list[str], tmp_path: Path, recover: bool = True, jobs: int = 1) -> list[tuple]:
    """Assert that reading in runs gives streaming's output and diagnostics; return the diagnostics."""
    try:
        expected = _streamed(inputs, recover)
    except InputError as refused:
        with pytest.raises(type(refused)) as raised:
            _in_runs(inputs, tmp_path, recover, jobs)
        assert str(raised.value) == str(refused)
        return []
    output, found = _in_runs(inputs, tmp_path, recover, jobs)
    assert output == expected[0], "output differs when read in runs"
    assert found == expected[1], "diagnostics differ when read in runs"
    return found


def _export(items: list[str], tail: str = "</channel>\n</rss>\n") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
        '  xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n<title>Runs</title>\n'
        "<wp:wxr_version>1.2</wp:wxr_version>\n" + "".join(items) + tail
    )


def _item(number: int, content: str = "", meta: str = "") -> str:
    return (
        f"<item>\n<title>Post {number}</title>\n<content:encoded><![CDATA[{content}]]></content:encoded>\n"
        f"<wp:post_id>{number}</wp:post_id>\n<wp:post_type>post</wp:post_type>\n{meta}</item>\n"
    )


def _broken_meta(number: int) -> str:
    """A PHP array whose string length is wrong: a warning with its line."""
    value = 'a:1:{i:0;s:9:"x";}'
    return f"<wp:postmeta><wp:meta_key>m{number}</wp:meta_key><wp:meta_value>{value}</wp:meta_value></wp:postmeta>\n"


@pytest.mark.parametrize("name", ["sample", *QUIRKS])
def test_fixtures_read_in_runs_as_streamed(tmp_path, tiny_runs, name):
    path = SAMPLE if name == "sample" else FIXTURES / "quirks" / name
    _same_as_streamed([str(path)], tmp_path)


@pytest.mark.parametrize("name", corpus_files() or ["(no corpus)"])
def test_corpus_reads_in_runs_as_streamed(tmp_path, tiny_runs, name):
    if not (CORPUS / name).exists():
        pytest.skip(f"the shared WXR corpus is not at {CORPUS}")
    _same_as_streamed([str(CORPUS / name)], tmp_path)


def test_a_cut_inside_cdata_is_refused_then_the_document_is_streamed(tmp_path, tiny_runs):
    rss_post = "<pre></item></channel></pre>" + "<p>x</p>" * 400  # raw markup in CDATA, then more than a run
    items = [_item(n, rss_post if n == 12 else "text " * 50, _broken_meta(n) if n % 3 == 0 else "")
             for n in range(1, 30)]
    path = tmp_path / "cdata.xml"
    path.write_text(_export(items))
    source = expand_inputs([str(path)])[0]
    parser = runs.RunParser([ItemContext(source.name, "", {}, Diagnostics())])
    answers = [parser(run) for run in runs.split_runs(source, 0, runs.start_tags(source))]
    assert None in answers, "no cut fell inside the CDATA section: the test does not test the fallback"
    assert answers.index(None) > 0, "the runs before the bad cut are read in runs"
    _same_as_streamed([str(path)], tmp_path)


@pytest.mark.skipif(not can_fork(), reason="worker processes need the fork start method")
def test_the_fallback_works_with_workers(tmp_path, tiny_runs):
    fake_end = "<b></item></b>" + "z" * (2 * TINY)  # more than a run after it: a cut falls here
    items = [_item(n, fake_end if n == 40 else "a " * 300, _broken_meta(n) if n % 7 == 0 else "")
             for n in range(1, 80)]
    path = tmp_path / "workers.xml"
    path.write_text(_export(items))
    _same_as_streamed([str(path)], tmp_path, jobs=2)


def test_damage_after_good_runs_is_reported_as_streaming_reports_it(tmp_path, tiny_runs):
    items = [_item(n, "words " * 60) for n in range(1, 40)]
    path = tmp_path / "truncated.xml"
    path.write_text(_export(items, tail="")[:-500])
    with pytest.raises(MalformedInputError) as raised:
        _in_runs([str(path)], tmp_path, recover=False)
    assert raised.value.line is not None and raised.value.line > 100
    _same_as_streamed([str(path)], tmp_path, recover=False)  # the same error, word for word
    _same_as_streamed([str(path)], tmp_path, recover=True)  # the same items salvaged


def test_compressed_runs_carry_their_bytes(tmp_path, tiny_runs):
    items = [_item(n, "text " * 40, _broken_meta(n) if n % 4 == 0 else "") for n in range(1, 25)]
    path = tmp_path / "export.xml.gz"
    path.write_bytes(gzip.compress(_export(items).encode()))
    source = expand_inputs([str(path)])[0]
    cut = list(runs.split_runs(source, 0, runs.start_tags(source)))
    assert len(cut) > 3 and all(run.data is not None for run in cut)
    found = _same_as_streamed([str(path)], tmp_path)
    broken = [line for code, *_, line, _column, _item, _comment, _message in found if code == "meta-serialized-broken"]
    assert len(broken) == 6 and len(set(broken)) == 6 and min(broken) > 10, "one warning per item, each at its line"


def test_split_export_in_a_zip_reads_in_runs_as_streamed(tmp_path, tiny_runs):
    """Each part is cut on its own; a featured image in the second part resolves in the first."""
    thumbnail = "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>90</wp:meta_value></wp:postmeta>\n"
    attachment = _item(90).replace("<wp:post_type>post</wp:post_type>", "<wp:post_type>attachment</wp:post_type>"
                                   "<wp:attachment_url>http://example.test/90.png</wp:attachment_url>")
    parts = [_export([_item(n, "one " * 80, thumbnail if n == 3 else "") for n in range(1, 20)]),
             _export([_item(n, "two " * 80, _broken_meta(n) if n % 5 == 0 else "") for n in range(20, 40)]
                     + [attachment])]
    archive = tmp_path / "site.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for number, text in enumerate(parts):
            zipped.writestr(f"site.{number:03d}.xml", text)
    _same_as_streamed([str(archive)], tmp_path)
    output = json.loads(_in_runs([str(archive)], tmp_path, recover=False)[0])
    assert output["posts"][2]["featured_image"] == "http://example.test/90.png"


def test_plain_file_runs_travel_as_byte_ranges(tmp_path, tiny_runs):
    path = tmp_path / "plain.xml"
    path.write_text(_export([_item(n, "text " * 40) for n in range(1, 25)]))
    source = expand_inputs([str(path)])[0]
    cut = list(runs.split_runs(source, 0, runs.start_tags(source)))
    assert len(cut) > 3 and all(run.data is None for run in cut)
    assert b"".join(run.body() for run in cut) == path.read_bytes()
    assert cut[0].prefix == b"" and cut[1].prefix.endswith(b"<channel>")


@pytest.mark.parametrize(
    "head",
    [
        '<?xml version="1.0"?>\n<!DOCTYPE rss>\n<rss version="2.0"><channel>',
        '<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">',
    ],
)
def test_documents_that_cannot_be_wrapped_are_not_cut(tmp_path, head):
    path = tmp_path / "odd.xml"
    path.write_text(head + "<item></item>")
    assert runs.start_tags(expand_inputs([str(path)])[0]) is None


def test_an_item_larger_than_a_run_makes_a_run_of_its_own(tmp_path, monkeypatch):
    monkeypatch.setattr(runs, "RUN_BYTES", 1024)
    path = tmp_path / "large-item.xml"
    path.write_text(_export([_item(1, "x" * 20_000), _item(2, "y")]))
    source = expand_inputs([str(path)])[0]
    bodies = [run.body() for run in runs.split_runs(source, 0, runs.start_tags(source), limit=30_000)]
    assert any(b"x" * 20_000 in body and body.endswith(b"</item>") for body in bodies)
    _same_as_streamed([str(path)], tmp_path)
