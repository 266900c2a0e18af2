"""SQL scripts for SQLite, PostgreSQL and MySQL/MariaDB.

The DDL is SQLAlchemy's, compiled for the dialect; every value is rendered by
the dialect's own SQLAlchemy compiler (``render_literal_value``, what
``literal_binds`` uses): quotes doubled everywhere, backslashes doubled for
MySQL. The dialects are made with ``paramstyle="named"``, so a ``%`` is never
doubled as it would be for a DB-API driver. The script sets the session
options that this quoting relies on (``standard_conforming_strings`` in
PostgreSQL; a ``sql_mode`` without ``NO_BACKSLASH_ESCAPES`` in MySQL).

Rows are buffered per table (``rows.Batches``) and written as multi-row
INSERTs of at most ``BATCH_ROWS`` rows or about ``BATCH_BYTES`` of SQL, parents'
tables first. Output depends only on the input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, BinaryIO

from sqlalchemy import BigInteger, Column, MetaData, String, Table, func, select, update
from sqlalchemy.dialects import mysql, postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.schema import CreateIndex, CreateTable
from sqlalchemy.sql.elements import ClauseElement

from wpmigrate import __version__
from wpmigrate.errors import InputError, UsageError
from wpmigrate.model import Export, Post
from wpmigrate.writers.sql import tables as t
from wpmigrate.writers.sql.rows import Batches, RowBuilder, TableRow
from wpmigrate.writers.sql.tables import Schema

BATCH_ROWS = 500
BATCH_BYTES = 1 << 20

DIALECTS = ("sqlite", "postgresql", "mysql")
#: Other names users type for the same dialects.
ALIASES = {"postgres": "postgresql", "pg": "postgresql", "mariadb": "mysql", "sqlite3": "sqlite"}

_PREAMBLE = {
    "sqlite": ["PRAGMA foreign_keys = ON;"],
    "postgresql": [
        "SET client_encoding = 'UTF8';",
        "SET standard_conforming_strings = on;",
        "SET client_min_messages = warning;",
    ],
    "mysql": [
        "SET NAMES utf8mb4;",
        # Strict, so that nothing is truncated silently; no NO_BACKSLASH_ESCAPES,
        # which the quoting of backslashes below relies on.
        "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION';",
    ],
}
_BEGIN = {"sqlite": "BEGIN;", "postgresql": "BEGIN;", "mysql": "START TRANSACTION;"}


def dialect_name(name: str) -> str:
    name = ALIASES.get(name.lower(), name.lower())
    if name not in DIALECTS:
        raise UsageError(f"unknown SQL dialect {name!r}", hint="use --dialect sqlite, postgresql or mysql")
    return name


def make_dialect(name: str) -> Dialect:
    module = {"sqlite": sqlite, "postgresql": postgresql, "mysql": mysql}[dialect_name(name)]
    return module.dialect(paramstyle="named")


def compiled(element: ClauseElement, dialect: Dialect) -> str:
    return str(element.compile(dialect=dialect, compile_kwargs={"literal_binds": True})).strip()


def ddl(schema: Schema, dialect: Dialect) -> list[str]:
    """CREATE TABLE and CREATE INDEX statements, parents first."""
    statements = []
    for table in schema.ordered():
        statements.append(compiled(CreateTable(table), dialect))
        for index in sorted(table.indexes, key=lambda i: i.name):
            statements.append(compiled(CreateIndex(index), dialect))
    return statements


def link_post_parents(schema: Schema) -> ClauseElement:
    """The UPDATE that sets ``posts.parent_id``: the first post with the parent's WordPress id.

    SQLite and PostgreSQL join the grouped subquery by hash; for MySQL see
    :func:`post_parent_statements`.
    """
    posts = schema.tables["posts"]
    first = (
        select(posts.c.wp_id, func.min(posts.c.id).label("id"))
        .group_by(posts.c.wp_id)
        .subquery("first_post")
    )
    return (
        update(posts)
        .where(posts.c.parent_wp_id == first.c.wp_id)
        .values(parent_id=first.c.id)
    )


def post_parent_statements(schema: Schema, dialect: Dialect) -> list[str]:
    """The statements that set ``posts.parent_id``, for ``dialect``.

    MariaDB runs the grouped subquery of :func:`link_post_parents` once per
    row, without an index: hours on a large export. For MySQL the first post
    of each WordPress id goes into a temporary table keyed by it, and the
    UPDATE joins on that key.
    """
    if dialect.name != "mysql":
        return [compiled(link_post_parents(schema), dialect)]
    posts = schema.tables["posts"]
    first = Table(
        f"{schema.prefix}first_post", MetaData(),
        Column("wp_id", BigInteger, primary_key=True, autoincrement=False),
        Column("id", BigInteger, nullable=False),
        prefixes=["TEMPORARY"],
    )
    fill = first.insert().from_select(
        ["wp_id", "id"],
        select(posts.c.wp_id, func.min(posts.c.id)).where(posts.c.wp_id.is_not(None)).group_by(posts.c.wp_id),
    )
    link = update(posts).where(posts.c.parent_wp_id == first.c.wp_id).values(parent_id=first.c.id)
    drop = f"DROP TEMPORARY TABLE {dialect.identifier_preparer.format_table(first)}"
    return [compiled(CreateTable(first), dialect), compiled(fill, dialect), compiled(link, dialect), drop]


class Renderer:
    """Renders rows of one table as SQL literals for one dialect."""

    def __init__(self, schema: Schema, name: str, dialect: Dialect) -> None:
        self.table = schema.tables[name]
        compiler = dialect.statement_compiler(dialect, None)
        self.columns = [c for c, _ in schema.kinds[name]]
        self.render: list[Callable[[Any], str]] = []
        for column, kind in schema.kinds[name]:
            render = _literal(compiler, self.table.c[column].type, kind, dialect.name)
            if kind == t.KEY and dialect.name == "mysql":
                render = _within_key_length(render, f"{name}.{column}")
            self.render.append(render)
        quote = dialect.identifier_preparer
        names = ", ".join(quote.quote(c) for c in self.columns)
        self.head = f"INSERT INTO {quote.format_table(self.table)} ({names}) VALUES\n"

    def row(self, row: dict[str, Any]) -> str:
        values = [render(row[column]) for column, render in zip(self.columns, self.render)]
        return "(" + ", ".join(values) + ")"


#: The sqlite3 and mariadb shells read their input line by line and drop the CR
#: of a CRLF, even inside a string literal: text with a CR goes in as UTF-8 hex.
_TEXT_WITH_CR = {"sqlite": "CAST(X'{}' AS TEXT)", "mysql": "CONVERT(X'{}' USING utf8mb4)"}


def _literal(compiler, type_, kind: str, dialect: str) -> Callable[[Any], str]:
    convert = _to_datetime if dialect == "mysql" and kind in (t.UTC, t.LOCAL) else None
    # Text, JSON and dates are all rendered as string literals; the column's
    # type converts them on insert.
    text = kind not in (t.INT, t.BIGINT, t.BOOL)
    type_ = String() if text else type_
    hex_cr = _TEXT_WITH_CR.get(dialect) if text else None

    def render(value: Any) -> str:
        if value is None:
            return "NULL"
        if convert is not None:
            value = convert(value)
        if hex_cr and "\r" in value:
            return hex_cr.format(value.encode("utf-8").hex())
        return compiler.render_literal_value(value, type_)

    return render


def _within_key_length(render: Callable[[Any], str], column: str) -> Callable[[Any], str]:
    """``render``, refusing a value too long for a MySQL key column (the load would fail on it)."""

    def checked(value: Any) -> str:
        if value is not None and len(value) > t.MYSQL_KEY_CHARS:
            raise InputError(
                f"{column} {value[:40]!r}... has {len(value)} characters; "
                f"MySQL's key columns hold {t.MYSQL_KEY_CHARS}, so the script would not load",
                hint="shorten it in the export, or use --dialect postgresql or sqlite, which have no such limit",
            )
        return render(value)

    return checked


def _to_datetime(value: str) -> str:
    """ISO 8601 (``2016-11-22T10:00:00Z``) as MySQL's DATETIME text."""
    return value.replace("T", " ", 1).removesuffix("Z")


class ScriptWriter:
    """Writes one script to a binary stream, batching rows per table."""

    def __init__(self, stream: BinaryIO, schema: Schema, dialect: str) -> None:
        self.stream = stream
        self.schema = schema
        self.name = dialect_name(dialect)
        self.dialect = make_dialect(self.name)
        self.renderers = {name: Renderer(schema, name, self.dialect) for name in t.TABLE_ORDER}
        self.batches = Batches(t.TABLE_ORDER, self._insert, BATCH_ROWS, BATCH_BYTES)

    def write(self, text: str) -> None:
        self.stream.write(text.encode("utf-8"))

    def header(self, what: str) -> None:
        self.write(f"-- wpmigrate {__version__}: {what} for {self.name}, SQL schema {t.SQL_SCHEMA_VERSION}\n")
        self.write("\n".join(_PREAMBLE[self.name]) + "\n\n")

    def schema_statements(self) -> None:
        for statement in ddl(self.schema, self.dialect):
            self.write(statement + ";\n\n")

    def _insert(self, name: str, values: list[str]) -> None:
        self.write(self.renderers[name].head + ",\n".join(values) + ";\n")

    def data(self, rows: Iterable[TableRow]) -> None:
        add = self.batches.add
        for name, row in rows:
            text = self.renderers[name].row(row)
            add(name, text, len(text))
        self.batches.flush()
        for statement in post_parent_statements(self.schema, self.dialect):
            self.write(statement + ";\n")


def check_options(
    *, dialect: str = "sqlite", schema_only: bool = False, data_only: bool = False, table_prefix: str = ""
) -> None:
    """Refuse options that do not fit, before any work is done."""
    dialect_name(dialect)
    t.check_prefix(table_prefix)
    if schema_only and data_only:
        raise UsageError("--schema-only and --data-only exclude each other")


def write_sql(
    export: Export,
    posts: Iterable[Post],
    stream: BinaryIO,
    *,
    dialect: str = "sqlite",
    schema_only: bool = False,
    data_only: bool = False,
    table_prefix: str = "",
) -> list[str]:
    """The export as one SQL script: schema, then data in one transaction; returns the notes."""
    check_options(dialect=dialect, schema_only=schema_only, data_only=data_only, table_prefix=table_prefix)
    writer = ScriptWriter(stream, t.build_schema(table_prefix), dialect)
    writer.header("schema" if schema_only else "data" if data_only else "schema and data")
    # One transaction for all; in MySQL, where DDL commits by itself, for the data.
    ddl_in_transaction = writer.name != "mysql"
    if ddl_in_transaction or schema_only:
        writer.write(_BEGIN[writer.name] + "\n")
    if not data_only:
        writer.schema_statements()
    if not ddl_in_transaction and not schema_only:
        writer.write(_BEGIN[writer.name] + "\n")
    rows = RowBuilder(export)
    if not schema_only:
        writer.data(rows.rows(posts))
    writer.write("COMMIT;\n")
    return rows.notes()
