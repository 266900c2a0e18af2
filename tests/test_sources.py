"""Inputs: split exports, zip, gzip and stdin give the same model as plain files."""

from __future__ import annotations

import gzip
import io
import zipfile

import pytest

from tests.conftest import SAMPLE
from wpmigrate.errors import InputError
from wpmigrate.readers.sources import expand_inputs, part_sort_key
from wpmigrate.readers.wxr import read

PART = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Split</title><link>http://split.example.test</link><wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_login>alice</wp:author_login></wp:author>
{authors}
<wp:category><wp:term_id>1</wp:term_id><wp:category_nicename>news</wp:category_nicename><wp:cat_name>News</wp:cat_name></wp:category>
{items}
</channel></rss>
"""
ITEM = """<item><title>Post {id}</title><dc:creator>alice</dc:creator><wp:post_id>{id}</wp:post_id>
<wp:post_type>{type}</wp:post_type><wp:status>publish</wp:status>{extra}</item>"""


def _write_parts(folder):
    first = PART.format(
        authors="",
        items=ITEM.format(id=1, type="post", extra="<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key>"
                          "<wp:meta_value>7</wp:meta_value></wp:postmeta>"),
    )
    second = PART.format(
        authors="<wp:author><wp:author_login>bob</wp:author_login></wp:author>",
        items=ITEM.format(id=7, type="attachment", extra="<wp:attachment_url>http://split.example.test/7.png</wp:attachment_url>"),
    )
    paths = [folder / "site.wordpress.2024-01-01.000.xml", folder / "site.wordpress.2024-01-01.001.xml"]
    paths[0].write_text(first)
    paths[1].write_text(second)
    return paths


def _summary(export):
    posts = list(export.posts)
    return [a.login for a in export.authors], [(t.taxonomy, t.slug) for t in export.terms], posts


def test_split_export_merges_into_one_site(tmp_path):
    paths = _write_parts(tmp_path)
    authors, terms, posts = _summary(read([str(p) for p in paths]))
    assert authors == ["alice", "bob"]
    assert terms == [("category", "news")]
    assert [p.id for p in posts] == [1, 7]
    # the featured image points into the other part
    assert posts[0].featured_image == "http://split.example.test/7.png"


def test_zip_of_parts_reads_like_the_parts(tmp_path):
    paths = _write_parts(tmp_path)
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in reversed(paths):  # stored out of order on purpose
            zf.write(path, path.name)
    assert _summary(read([str(archive)]))[:2] == _summary(read([str(p) for p in paths]))[:2]
    assert [p.id for p in read([str(archive)]).posts] == [1, 7]


def test_gzip_and_stdin(tmp_path):
    gz = tmp_path / "sample.xml.gz"
    gz.write_bytes(gzip.compress(SAMPLE.read_bytes()))
    plain = [p.id for p in read([str(SAMPLE)]).posts]
    assert [p.id for p in read([str(gz)]).posts] == plain
    sources = expand_inputs(["-"], stdin=io.BytesIO(SAMPLE.read_bytes()))
    assert [p.id for p in read(sources).posts] == plain


def test_parts_sort_by_number():
    names = ["a.010.xml", "a.002.xml", "a.001.xml"]
    assert sorted(names, key=part_sort_key) == ["a.001.xml", "a.002.xml", "a.010.xml"]


def test_missing_file_and_directory_are_clear_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        expand_inputs([str(tmp_path / "nope.xml")])
    with pytest.raises(InputError, match="is a directory"):
        expand_inputs([str(tmp_path)])


def test_zip_without_xml(tmp_path):
    archive = tmp_path / "media.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("photo.jpg", b"\xff\xd8")
    with pytest.raises(InputError, match="no .xml file"):
        expand_inputs([str(archive)])
