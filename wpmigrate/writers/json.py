"""JSON and NDJSON writers.

``json`` writes one document, ``{"wpmigrate", "site", "authors", "terms",
"posts"}``, with one post per line so that migrations diff well; ``ndjson``
writes one object per line, each with a ``kind``. Both stream: a post is
encoded and written, then forgotten.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, BinaryIO

from wpmigrate import schema
from wpmigrate.model import Export, Post

_encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode


def _line(value: Any) -> bytes:
    return _encode(value).encode("utf-8", "surrogatepass")


def write_json(export: Export, posts: Iterable[Post], stream: BinaryIO) -> None:
    """The whole export as one JSON document."""
    stream.write(b'{"wpmigrate":' + _line(schema.envelope()) + b",\n")
    stream.write(b'"site":' + _line(schema.site_to_dict(export.site)) + b",\n")
    _write_array(stream, b"authors", (schema.author_to_dict(a) for a in export.authors))
    stream.write(b",\n")
    _write_array(stream, b"terms", (schema.term_to_dict(t) for t in export.terms))
    stream.write(b",\n")
    _write_array(stream, b"posts", (schema.post_to_dict(p) for p in posts))
    stream.write(b"\n}\n")


def _write_array(stream: BinaryIO, name: bytes, values: Iterable[dict]) -> None:
    stream.write(b'"' + name + b'":[')
    separator = b"\n"
    for value in values:
        stream.write(separator + _line(value))
        separator = b",\n"
    stream.write(b"\n]" if separator != b"\n" else b"]")


def write_ndjson(export: Export, posts: Iterable[Post], stream: BinaryIO) -> None:
    """One object per line: the site, then authors, terms and posts as they stream."""
    stream.write(_line({"kind": "site", "wpmigrate": schema.envelope(), **schema.site_to_dict(export.site)}) + b"\n")
    for author in export.authors:
        stream.write(_line({"kind": "author", **schema.author_to_dict(author)}) + b"\n")
    for term in export.terms:
        stream.write(_line({"kind": "term", **schema.term_to_dict(term)}) + b"\n")
    for post in posts:
        stream.write(_line({"kind": "post", **schema.post_to_dict(post)}) + b"\n")
