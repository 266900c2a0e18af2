"""Output formats, registered in one table: adding a format is one module and one row."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, BinaryIO

from wpmigrate.errors import UsageError
from wpmigrate.model import Export, Post
from wpmigrate.output import atomic_file
from wpmigrate.writers.json import post_json, post_ndjson, write_json, write_ndjson
from wpmigrate.writers.sql import write_sql_file
from wpmigrate.writers.sqlite import write_sqlite

#: ``write(export, posts, path, force=..., **format options)``; path "-" is stdout.
WriteFunction = Callable[..., None]


@dataclass(frozen=True)
class Format:
    name: str
    #: Added to the input's base name for the default output path ("" for a folder).
    suffix: str
    write: WriteFunction
    #: Whether "-" (standard output) is a valid target.
    streams: bool = True
    description: str = ""
    #: The per-post part of writing (encoding, rendering), run where the
    #: transforms run, on worker processes; ``write`` receives its results.
    #: None: ``write`` receives the posts.
    prepare: Callable[[Post], Any] | None = None


def stream_writer(write: Callable[[Export, Iterable[Post], BinaryIO], None]) -> WriteFunction:
    """Adapt a writer of one byte stream to the path-based interface, atomically."""

    def write_to_path(export: Export, posts: Iterable[Post], path: str, *, force: bool, **_: Any) -> None:
        with atomic_file(path, force) as stream:
            write(export, posts, stream)

    return write_to_path


FORMATS: dict[str, Format] = {
    "json": Format("json", ".json", stream_writer(write_json), description="one JSON document (default)",
                   prepare=post_json),
    "ndjson": Format("ndjson", ".ndjson", stream_writer(write_ndjson), description="one JSON object per line",
                     prepare=post_ndjson),
    "sql": Format("sql", ".sql", write_sql_file, description="an SQL script (--dialect sqlite|postgresql|mysql)"),
    "sqlite": Format("sqlite", ".db", write_sqlite, streams=False, description="a SQLite database with full-text search"),
}


def get_format(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        known = ", ".join(sorted(FORMATS))
        raise UsageError(f"unknown output format {name!r}", hint=f"known formats: {known}") from None
