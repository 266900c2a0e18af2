"""The fuzz targets: bytes in, the library's own errors or nothing out.

- ``reader``: the bytes as an export file, read strictly and with ``--recover``.
- ``validate``: the bytes as an export file, validated with every rule.
- ``cleaner``: the bytes as a post's content and a comment's text, cleaned.
- ``markdown``: the bytes as a post's content, cleaned and rendered to Markdown
  for every profile.

An exception escaping a target is a bug: the caller records the input.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from contextlib import suppress

from wpmigrate.clean.pipeline import CleanOptions, clean_post
from wpmigrate.errors import WpmigrateError
from wpmigrate.model import Comment, Content, Export, Post, Site
from wpmigrate.readers.pages import read_pages
from wpmigrate.readers.wxr import read
from wpmigrate.validate import validate as validate_export
from wpmigrate.writers.markdown.profiles import PROFILES
from wpmigrate.writers.markdown.render import make_settings, render

_SITE = Site(title="Fuzz", link="https://fuzz.example.test", base_blog_url="https://fuzz.example.test")


def _as_file(data: bytes, action: Callable[[str], object], suffix: str = ".xml") -> None:
    """``action(path)`` on a temporary file holding ``data``; the library's own errors are fine."""
    handle, path = tempfile.mkstemp(suffix=suffix, prefix="wpmigrate-fuzz-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        with suppress(WpmigrateError):
            action(path)
    finally:
        os.unlink(path)


def _read_all(path: str, recover: bool) -> None:
    for _ in read([path], recover=recover).posts:
        pass


def reader(data: bytes) -> None:
    """Read ``data`` as an export, strictly and then salvaging."""
    _as_file(data, lambda path: _read_all(path, recover=False))
    _as_file(data, lambda path: _read_all(path, recover=True))


def pages(data: bytes) -> None:
    """Read ``data`` as a saved page of a blog (the page reader), every item to the end."""
    def read_all(path: str) -> None:
        reader = read_pages([path])
        for _ in reader.results(lambda unit: reader.finish(unit), 1):
            pass

    _as_file(data, read_all, suffix=".html")


def validate(data: bytes) -> None:
    """Validate ``data`` as an export."""
    _as_file(data, lambda path: validate_export([path]))


def _post(data: bytes) -> Post:
    text = data.decode("utf-8", errors="surrogateescape")  # lone surrogates, as lxml can hand out
    comment = Comment(id=2, content=text)
    return Post(id=1, type="post", status="publish", title="Fuzz", slug="fuzz", link="https://fuzz.example.test/fuzz/",
                content=Content(raw=text), comments=(comment,))


def cleaner(data: bytes) -> None:
    """Clean ``data`` as a post's content and as a comment's text."""
    with suppress(WpmigrateError):
        clean_post(_post(data), {}, CleanOptions())


def markdown(data: bytes) -> None:
    """Clean ``data`` as a post's content and render it with every Markdown profile."""
    with suppress(WpmigrateError):
        post = clean_post(_post(data), {}, CleanOptions())
        export = Export(site=_SITE, authors=(), terms=(), posts=iter(()))
        for profile in sorted(PROFILES):
            render(post, make_settings(export, profile=profile))


#: Every target, by name.
TARGETS: dict[str, Callable[[bytes], None]] = {
    "reader": reader,
    "pages": pages,
    "validate": validate,
    "cleaner": cleaner,
    "markdown": markdown,
}
