"""A ready SQLite database: the SQL schema, the data, and a full-text index.

Same tables and rows as ``--to sql --dialect sqlite`` (values are bound as
parameters, not rendered), plus ``posts_fts``, an FTS5 index over post titles,
excerpts and raw content that reads its text from ``posts`` (an external
content table, as Datasette and sqlite-utils expect), kept in sync by
triggers. The database is built under a temporary name beside the target and
renamed into place once complete.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from wpmigrate.errors import UsageError
from wpmigrate.model import Export, Post
from wpmigrate.output import atomic_path
from wpmigrate.writers.sql import tables as t
from wpmigrate.writers.sql.rows import Batches, RowBuilder
from wpmigrate.writers.sql.script import compiled, ddl, link_post_parents, make_dialect

BATCH_ROWS = 1000
#: The ``posts`` columns the full-text index covers.
FTS_COLUMNS = ("title", "excerpt", "content_raw")


def write_sqlite(
    export: Export,
    posts: Iterable[Post],
    path: str,
    *,
    force: bool,
    table_prefix: str = "",
    schema_only: bool = False,
    data_only: bool = False,
    **_: Any,
) -> list[str]:
    """Write the export to a new SQLite database at ``path``; returns the notes."""
    if path == "-":
        raise UsageError(
            "a SQLite database cannot be written to standard output",
            hint="give a file with -o blog.db, or use --to sql --dialect sqlite for a script",
        )
    if data_only:
        raise UsageError("--data-only does not apply to --to sqlite", hint="use --to sql --data-only for a script")
    schema = t.build_schema(table_prefix)
    with atomic_path(path, force, suffix=".db.part", errors=(OSError, sqlite3.OperationalError)) as temp:
        connection = sqlite3.connect(temp, isolation_level=None)
        try:
            return _build(connection, schema, export, posts, schema_only)
        finally:
            connection.close()


def _build(connection: sqlite3.Connection, schema: t.Schema, export: Export, posts: Iterable[Post],
           schema_only: bool) -> list[str]:
    dialect = make_dialect("sqlite")
    # A temporary file that is thrown away on failure needs no journal.
    connection.execute("PRAGMA journal_mode = OFF")
    connection.execute("PRAGMA synchronous = OFF")
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("BEGIN")
    for statement in ddl(schema, dialect):
        connection.execute(statement)
    if not schema_only:
        inserts = {
            name: _insert_statement(schema, name, dialect) for name in t.TABLE_ORDER
        }

        def write(name: str, rows: list[tuple]) -> None:
            connection.executemany(inserts[name], rows)

        batches = Batches(t.TABLE_ORDER, write, BATCH_ROWS)
        columns = {name: [c for c, _ in schema.kinds[name]] for name in t.TABLE_ORDER}
        builder = RowBuilder(export)
        for name, row in builder.rows(posts):
            batches.add(name, tuple(row[c] for c in columns[name]))
        batches.flush()
        connection.execute(compiled(link_post_parents(schema), dialect))
    # Indexed once, after the load; the triggers keep it in sync with later edits.
    for statement in _fts_statements(schema, dialect):
        connection.execute(statement)
    connection.execute("COMMIT")
    connection.execute("PRAGMA optimize")
    return builder.notes() if not schema_only else []


def _insert_statement(schema: t.Schema, name: str, dialect) -> str:
    table = schema.tables[name]
    quote = dialect.identifier_preparer.quote
    columns = [c for c, _ in schema.kinds[name]]
    return (
        f"INSERT INTO {dialect.identifier_preparer.format_table(table)} "
        f"({', '.join(quote(c) for c in columns)}) VALUES ({', '.join('?' for _ in columns)})"
    )


def _fts_statements(schema: t.Schema, dialect) -> list[str]:
    """The FTS5 table over ``posts`` and the triggers that keep it in sync."""
    quote = dialect.identifier_preparer.quote
    posts = dialect.identifier_preparer.format_table(schema.tables["posts"])
    fts = quote(f"{schema.prefix}posts_fts")
    columns = ", ".join(quote(c) for c in FTS_COLUMNS)
    new = ", ".join(f"new.{quote(c)}" for c in FTS_COLUMNS)
    old = ", ".join(f"old.{quote(c)}" for c in FTS_COLUMNS)
    delete = f"INSERT INTO {fts}({fts}, rowid, {columns}) VALUES ('delete', old.id, {old});"
    insert = f"INSERT INTO {fts}(rowid, {columns}) VALUES (new.id, {new});"
    trigger = lambda suffix: quote(f"{schema.prefix}posts_fts_{suffix}")  # noqa: E731
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({columns}, content={posts}, content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2')",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
        f"CREATE TRIGGER {trigger('ai')} AFTER INSERT ON {posts} BEGIN {insert} END",
        f"CREATE TRIGGER {trigger('ad')} AFTER DELETE ON {posts} BEGIN {delete} END",
        f"CREATE TRIGGER {trigger('au')} AFTER UPDATE ON {posts} BEGIN {delete} {insert} END",
    ]


