"""validate streams: the memory it keeps does not grow with the number of items."""

from __future__ import annotations

import tracemalloc

from wpmigrate.readers import runs
from wpmigrate.validate import inputs, validate

_HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Big</title><link>https://big.example.test</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://big.example.test</wp:base_site_url><wp:base_blog_url>https://big.example.test</wp:base_blog_url>
<wp:author><wp:author_login>admin</wp:author_login></wp:author>
"""
_ITEM = """<item><title>Post {i}</title><link>https://big.example.test/?p={i}</link><dc:creator>admin</dc:creator>
<content:encoded><![CDATA[<!-- wp:paragraph --><p>[gallery ids="{i}"] {body}</p><!-- /wp:paragraph -->]]></content:encoded>
<wp:post_id>{i}</wp:post_id><wp:post_date>2020-01-01 10:00:00</wp:post_date><wp:post_date_gmt>2020-01-01 09:00:00</wp:post_date_gmt>
<wp:status>publish</wp:status><wp:post_parent>{parent}</wp:post_parent><wp:post_type>post</wp:post_type>
<wp:postmeta><wp:meta_key>_plugin{m}_key</wp:meta_key><wp:meta_value>v</wp:meta_value></wp:postmeta>
<wp:comment><wp:comment_id>{i}</wp:comment_id><wp:comment_date>2020-01-02 10:00:00</wp:comment_date>
<wp:comment_date_gmt>2020-01-02 09:00:00</wp:comment_date_gmt><wp:comment_content>Hi</wp:comment_content>
<wp:comment_parent>0</wp:comment_parent></wp:comment></item>
"""


def _export(path, items: int) -> str:
    with open(path, "w") as out:
        out.write(_HEAD)
        for i in range(1, items + 1):
            # every item names a parent further down, so the pending-parent index is exercised
            out.write(_ITEM.format(i=i, parent=i + 1 if i < items else 0, m=i % 7, body="word " * 200))
        out.write("</channel></rss>\n")
    return str(path)


def _peak(path: str) -> tuple[int, object]:
    tracemalloc.start()
    try:
        report = validate([path])
        return tracemalloc.get_traced_memory()[1], report
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_items(tmp_path, monkeypatch):
    # Byte-level passes read 1-4 MiB at a time: less here, so that the files of this
    # test are many chunks long and what remains is what could grow with the items.
    monkeypatch.setattr(runs, "RUN_BYTES", 64 << 10)
    monkeypatch.setattr(inputs, "CHUNK", 64 << 10)
    small, report = _peak(_export(tmp_path / "small.xml", 200))
    assert report.items == 200 and report.findings.errors + report.findings.warnings == 0
    large, report = _peak(_export(tmp_path / "large.xml", 2000))
    assert report.items == 2000 and report.findings.errors + report.findings.warnings == 0
    assert large < small * 1.5 + 256 * 1024, (small, large)
