"""SQL output: a normalised schema, scripts for three dialects, and row streams.

``tables`` defines the schema, ``rows`` turns the model into rows, ``script``
writes SQL scripts; ``wpmigrate.writers.sqlite`` writes a database directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wpmigrate.model import Export, Post
from wpmigrate.output import atomic_file
from wpmigrate.writers.sql.script import DIALECTS, check_options, write_sql

__all__ = ["DIALECTS", "write_sql", "write_sql_file"]


def write_sql_file(export: Export, posts: Iterable[Post], path: str, *, force: bool, **options: Any) -> list[str]:
    """:func:`write_sql` to ``path`` ("-": standard output), atomically; returns the notes."""
    check_options(**options)
    with atomic_file(path, force) as stream:
        return write_sql(export, posts, stream, **options)
