"""JSON and NDJSON writers.

``json`` writes one document, ``{"wpmigrate", "site", "authors", "terms",
"posts"}``, with one post per line so that migrations diff well; ``ndjson``
writes one object per line, each with a ``kind``. Both stream: a post is
encoded and written, then forgotten.

Encoding a post is the costly part, so it is exposed on its own
(:func:`post_json`, :func:`post_ndjson`) for ``convert`` to run on worker
processes; the writers take posts or their already-encoded bytes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO

from wpmigrate import schema
from wpmigrate.model import Export, Post

_encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode


def _line(value: Any) -> bytes:
    return _encode(value).encode("utf-8", "surrogatepass")


def post_json(post: Post) -> bytes:
    """One post as it appears in ``json`` output."""
    return _line(schema.post_to_dict(post))


def post_ndjson(post: Post) -> bytes:
    """One post's ``ndjson`` line (without the newline)."""
    return _line({"kind": "post", **schema.post_to_dict(post)})


def _encoded(posts: Iterable[Post | bytes], encode: Callable[[Post], bytes]) -> Iterator[bytes]:
    for post in posts:
        yield post if isinstance(post, bytes) else encode(post)


def write_json(export: Export, posts: Iterable[Post | bytes], stream: BinaryIO) -> None:
    """The whole export as one JSON document."""
    stream.write(b'{"wpmigrate":' + _line(schema.envelope()) + b",\n")
    stream.write(b'"site":' + _line(schema.site_to_dict(export.site)) + b",\n")
    _write_array(stream, b"authors", (_line(schema.author_to_dict(a)) for a in export.authors))
    stream.write(b",\n")
    _write_array(stream, b"terms", (_line(schema.term_to_dict(t)) for t in export.terms))
    stream.write(b",\n")
    _write_array(stream, b"posts", _encoded(posts, post_json))
    stream.write(b"\n}\n")


def _write_array(stream: BinaryIO, name: bytes, lines: Iterable[bytes]) -> None:
    stream.write(b'"' + name + b'":[')
    separator = b"\n"
    for line in lines:
        stream.write(separator + line)
        separator = b",\n"
    stream.write(b"\n]" if separator != b"\n" else b"]")


def write_ndjson(export: Export, posts: Iterable[Post | bytes], stream: BinaryIO) -> None:
    """One object per line: the site, then authors, terms and posts as they stream."""
    stream.write(_line({"kind": "site", "wpmigrate": schema.envelope(), **schema.site_to_dict(export.site)}) + b"\n")
    for author in export.authors:
        stream.write(_line({"kind": "author", **schema.author_to_dict(author)}) + b"\n")
    for term in export.terms:
        stream.write(_line({"kind": "term", **schema.term_to_dict(term)}) + b"\n")
    for line in _encoded(posts, post_ndjson):
        stream.write(line + b"\n")
