"""Hostile exports, written as streams so that a case of gigabytes costs no memory to make.

Each case is a well-formed (or deliberately broken) WXR document whose one
pathological feature grows with ``size``: a run of whitespace in the channel,
one huge text node, one huge attribute, markup nested deep, one post with a
great many comments, a zip of many copies of one export. The tests make
small ones to check each ends in output or a clear error; the memory
benchmark (``benchmarks/bench_bombs.py``) makes large ones and records the
peak memory of each.
"""

from __future__ import annotations

import gzip
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

HEAD = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/"
 xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/">
<channel>
<title>Bomb</title><link>https://bomb.example.test</link><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_blog_url>https://bomb.example.test</wp:base_blog_url>
<wp:author><wp:author_login>ann</wp:author_login><wp:author_display_name>Ann</wp:author_display_name></wp:author>
"""
TAIL = b"</channel>\n</rss>\n"
#: Bytes written at a time.
BLOCK = 1 << 20


def item(post_id: int, content: bytes = b"<p>Hello.</p>", extra: bytes = b"") -> bytes:
    """One published post."""
    return (
        b"<item><title>Post %d</title><link>https://bomb.example.test/?p=%d</link>"
        b"<dc:creator>ann</dc:creator><content:encoded><![CDATA[%s]]></content:encoded>"
        b"<wp:post_id>%d</wp:post_id><wp:post_date>2020-01-02 03:04:05</wp:post_date>"
        b"<wp:post_name>post-%d</wp:post_name><wp:status>publish</wp:status>"
        b"<wp:post_type>post</wp:post_type>%s</item>\n"
    ) % (post_id, post_id, content, post_id, post_id, extra)


def comment(comment_id: int, parent: int = 0) -> bytes:
    """One approved comment."""
    return (
        b"<wp:comment><wp:comment_id>%d</wp:comment_id><wp:comment_author>Reader %d</wp:comment_author>"
        b"<wp:comment_date>2020-01-03 00:00:00</wp:comment_date>"
        b"<wp:comment_content>Thanks.</wp:comment_content><wp:comment_approved>1</wp:comment_approved>"
        b"<wp:comment_parent>%d</wp:comment_parent></wp:comment>"
    ) % (comment_id, comment_id, parent)


def _repeat(unit: bytes, size: int) -> Iterator[bytes]:
    """``unit`` repeated to ``size`` bytes, in blocks."""
    block = unit * max(1, BLOCK // len(unit))
    left = size
    while left > 0:
        yield block[:left]
        left -= len(block)


def channel_whitespace(size: int) -> Iterator[bytes]:
    """A run of ``size`` bytes of whitespace between two posts, in the channel."""
    yield HEAD + item(1)
    yield from _repeat(b" \n\t", size)
    yield item(2) + TAIL


def text_node(size: int) -> Iterator[bytes]:
    """One post whose content is a single text node of ``size`` bytes."""
    yield HEAD + item(1) + item(2).split(b"<p>Hello.</p>")[0]
    yield from _repeat(b"lorem ipsum ", size)
    yield b"]]></content:encoded><wp:post_id>2</wp:post_id><wp:status>publish</wp:status>"
    yield b"<wp:post_type>post</wp:post_type></item>\n" + item(3) + TAIL


def long_attribute(size: int) -> Iterator[bytes]:
    """One post with an attribute value of ``size`` bytes."""
    yield HEAD + item(1) + b'<item><guid isPermaLink="'
    yield from _repeat(b"x", size)
    yield b'">g</guid><title>Long</title><wp:post_id>2</wp:post_id><wp:status>publish</wp:status>'
    yield b"<wp:post_type>post</wp:post_type></item>\n" + item(3) + TAIL


def deep_xml(depth: int) -> Iterator[bytes]:
    """One post with an element nested ``depth`` levels deep."""
    yield HEAD + item(1) + b"<item><title>Deep</title><wp:post_id>2</wp:post_id>"
    yield from _repeat(b"<x>", depth * 3)
    yield from _repeat(b"</x>", depth * 4)
    yield b"</item>\n" + item(3) + TAIL


def deep_html(depth: int) -> Iterator[bytes]:
    """One post whose content is HTML nested ``depth`` levels deep."""
    yield HEAD + item(1) + item(2).split(b"<p>Hello.</p>")[0]
    yield from _repeat(b"<div>", depth * 5)
    yield b"deep"
    yield from _repeat(b"</div>", depth * 6)
    yield b"]]></content:encoded><wp:post_id>2</wp:post_id><wp:status>publish</wp:status>"
    yield b"<wp:post_type>post</wp:post_type></item>\n" + item(3) + TAIL


def many_comments(count: int) -> Iterator[bytes]:
    """One post with ``count`` comments, each replying to the one before."""
    yield HEAD + item(1)[: -len(b"</item>\n")]
    for start in range(1, count + 1, 10_000):
        yield b"".join(comment(n, n - 1) for n in range(start, min(start + 10_000, count + 1)))
    yield b"</item>\n" + item(2) + TAIL


def entity_expansion(levels: int) -> Iterator[bytes]:
    """The "billion laughs": an internal DTD whose entities expand tenfold per level."""
    yield b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY e0 "ha">\n'
    for level in range(1, levels + 1):
        yield b'<!ENTITY e%d "%s">\n' % (level, b"&e%d;" % (level - 1) * 10)
    yield HEAD.split(b"\n", 1)[1] + item(1, b"&e%d;" % levels).replace(b"<![CDATA[", b"").replace(b"]]>", b"")
    yield TAIL


#: Every streamed case, by name: a function of one size argument.
CASES: dict[str, Callable[[int], Iterator[bytes]]] = {
    "channel-whitespace": channel_whitespace,
    "text-node": text_node,
    "long-attribute": long_attribute,
    "deep-xml": deep_xml,
    "deep-html": deep_html,
    "many-comments": many_comments,
    "entity-expansion": entity_expansion,
}


def write(path: Path, chunks: Iterator[bytes]) -> Path:
    """Write a case to ``path``, gzip-compressed when its name ends in ``.gz``."""
    with gzip.open(path, "wb", compresslevel=1) if path.suffix == ".gz" else open(path, "wb") as out:
        for chunk in chunks:
            out.write(chunk)
    return path


def many_parts(path: Path, parts: int) -> Path:
    """A zip of ``parts`` copies of one small export: the same ids in every part."""
    export = HEAD + b"".join(item(n, extra=comment(n)) for n in range(1, 11)) + TAIL
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in range(parts):
            archive.writestr(f"export/site.wordpress.{number:05d}.xml", export)
    return path
