"""Output formats, registered in one table: adding a format is one module and one row."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, BinaryIO

from wpmigrate.errors import UsageError
from wpmigrate.model import Export, Post
from wpmigrate.output import atomic_file
from wpmigrate.writers.json import post_json, post_ndjson, write_json, write_ndjson

#: ``write(export, posts, path, force=..., **format options)``; path "-" is stdout.
#: It may return lines to show the user (what was written or skipped).
WriteFunction = Callable[..., list[str] | None]
#: ``make_prepare(export, **format options)`` -> the format's per-post function.
PrepareFactory = Callable[..., Callable[[Post], Any]]


@dataclass(frozen=True)
class Format:
    name: str
    #: Added to the input's base name for the default output path ("" for a folder).
    suffix: str
    write: WriteFunction
    #: Whether "-" (standard output) is a valid target.
    streams: bool = True
    description: str = ""
    #: Builds the per-post part of writing (encoding, rendering) from the export
    #: and the format options; it runs where the transforms run, on worker
    #: processes, and ``write`` receives its results. None: ``write`` receives the posts.
    make_prepare: PrepareFactory | None = None
    #: Builds the format's choice, made before the transforms, of what of each post it
    #: writes: the post (perhaps with less in it), or a record of a post left out, which
    #: ``write`` receives as it is. None: every post, whole.
    make_select: PrepareFactory | None = None
    #: ``check(path, force)`` before any work; None: the file check of ``output.check_writable``.
    check: Callable[[str, bool], None] | None = None
    #: Modules the format loads on first use (for processes that preload them).
    modules: tuple[str, ...] = ()
    #: Output meant to be published: commenters' and senders' personal data is dropped unless
    #: the caller asks otherwise (``ConvertOptions.pii``), by the library as by the CLI.
    published: bool = False
    #: Whether it writes the cleaned content; False skips cleaning (WXR writes content as stored).
    cleans: bool = True

    def default_pii(self) -> str:
        """The ``pii`` mode when none is given."""
        return "drop" if self.published else "keep"


def on_first_use(module: str, name: str) -> Callable[..., Any]:
    """``module.name``, imported when first called: SQLAlchemy costs a third of a second
    to import and only the SQL formats need it; Markdown's YAML and HTML converter a tenth."""

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    call.__name__ = name
    return call


def per_post(prepare: Callable[[Post], Any]) -> PrepareFactory:
    """The factory of a per-post function that needs neither the export nor options."""
    return lambda export, **options: prepare


def stream_writer(write: Callable[[Export, Iterable[Post], BinaryIO], None]) -> WriteFunction:
    """Adapt a writer of one byte stream to the path-based interface, atomically."""

    def write_to_path(export: Export, posts: Iterable[Post], path: str, *, force: bool, **_: Any) -> None:
        with atomic_file(path, force) as stream:
            write(export, posts, stream)

    return write_to_path


_MARKDOWN = "wpmigrate.writers.markdown"

FORMATS: dict[str, Format] = {
    "json": Format("json", ".json", stream_writer(write_json), description="one JSON document (default)",
                   make_prepare=per_post(post_json)),
    "ndjson": Format("ndjson", ".ndjson", stream_writer(write_ndjson), description="one JSON object per line",
                     make_prepare=per_post(post_ndjson)),
    "sql": Format("sql", ".sql", on_first_use("wpmigrate.writers.sql", "write_sql_file"),
                  description="an SQL script (--dialect sqlite|postgresql|mysql)", modules=("wpmigrate.writers.sql",)),
    "sqlite": Format("sqlite", ".db", on_first_use("wpmigrate.writers.sqlite", "write_sqlite"), streams=False,
                     description="a SQLite database with full-text search", modules=("wpmigrate.writers.sqlite",)),
    "markdown": Format("markdown", "", on_first_use(_MARKDOWN, "write_markdown"), streams=False,
                       make_prepare=on_first_use(_MARKDOWN, "prepare"), make_select=on_first_use(_MARKDOWN, "select"),
                       check=on_first_use(_MARKDOWN, "check_output"),
                       description="a folder of Markdown files for a static site",
                       modules=(f"{_MARKDOWN}.render", f"{_MARKDOWN}.writer"), published=True),
    "wxr": Format("wxr", ".wxr.xml", stream_writer(on_first_use("wpmigrate.writers.wxr", "write_wxr")),
                  description="WXR 1.2, for WordPress's importer", modules=("wpmigrate.writers.wxr",), cleans=False),
}


def get_format(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise UsageError(f"unknown output format {name!r}", hint=f"known formats: {known}") from None
