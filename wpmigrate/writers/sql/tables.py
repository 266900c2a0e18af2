"""The normalised SQL schema, one SQLAlchemy ``MetaData`` per table prefix.

Column names follow the JSON form (``wpmigrate.schema``); nested JSON objects
become prefixed columns (``content.raw`` -> ``content_raw``, a comment's
``author.email`` -> ``author_email``).

Keys. Every table has a surrogate key numbered in file order (``id``), and
the WordPress id beside it (``wp_id``, indexed, not unique): exports may carry
two items with id 0, or a split export may repeat ids, and every row the JSON
keeps must load. References are resolved to surrogate keys by the writer:

* ``posts.parent_id``: the first post whose ``wp_id`` is ``parent_wp_id``, set
  by one UPDATE at the end of the load (a parent may come after its child);
* ``comments.parent_id``: the first comment of the same post with that
  WordPress id (NULL when there is none, ``parent_wp_id`` keeps the value);
* ``terms.parent_id``: the term of the same taxonomy with the ``parent`` slug;
* ``posts.author_id`` and ``post_terms.term_id``: the author by login, the
  term by taxonomy and slug (NULL when the export does not list it).

Rows are inserted parents first, so every foreign key holds at every row.

Per dialect: dates are TIMESTAMP WITH TIME ZONE (UTC) and TIMESTAMP (local)
in PostgreSQL, DATETIME in MySQL, ISO 8601 TEXT as in the JSON in SQLite;
meta values decoded from PHP serialisation are JSONB / JSON / TEXT; MySQL
tables are InnoDB, utf8mb4 with the binary collation so that text compares
exactly as it was written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects import mysql, postgresql
from sqlalchemy.types import TypeEngine

from wpmigrate.errors import UsageError

#: Version of this SQL schema, stored in ``site.schema_version``.
SQL_SCHEMA_VERSION = 1

_PREFIX = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# Column kinds: how a value is typed in each dialect and rendered in a script.
TEXT = "text"
KEY = "key"
INT = "int"
BIGINT = "bigint"
BOOL = "bool"
JSON = "json"
UTC = "utc"
LOCAL = "local"

#: Characters a MySQL key column holds (WordPress's own: 60 for a login, 200 for a slug).
MYSQL_KEY_CHARS = 255

_TYPES: dict[str, TypeEngine] = {
    # LONGTEXT in MySQL: TEXT stops at 64 KB, and bodies are longer.
    TEXT: Text().with_variant(mysql.LONGTEXT(), "mysql"),
    # Short strings in unique keys: MySQL cannot index a whole TEXT. 255
    # characters is more than WordPress allows for logins, taxonomies, slugs.
    KEY: Text().with_variant(mysql.VARCHAR(MYSQL_KEY_CHARS), "mysql"),
    INT: Integer(),
    BIGINT: BigInteger(),
    BOOL: Boolean(),
    JSON: Text().with_variant(postgresql.JSONB(), "postgresql").with_variant(mysql.JSON(), "mysql"),
    UTC: Text()
    .with_variant(postgresql.TIMESTAMP(timezone=True), "postgresql")
    .with_variant(mysql.DATETIME(), "mysql"),
    LOCAL: Text()
    .with_variant(postgresql.TIMESTAMP(timezone=False), "postgresql")
    .with_variant(mysql.DATETIME(), "mysql"),
}

#: Index prefix lengths for MySQL, which cannot index whole LONGTEXT columns.
_MYSQL_PREFIX = 191

#: name -> [(column, kind, nullable)], in column order.
COLUMNS: dict[str, list[tuple[str, str, bool]]] = {
    "site": [
        ("id", INT, False),
        ("title", TEXT, False),
        ("link", TEXT, False),
        ("description", TEXT, False),
        ("language", TEXT, False),
        ("base_site_url", TEXT, False),
        ("base_blog_url", TEXT, False),
        ("wxr_version", TEXT, True),
        ("generator", TEXT, False),
        ("exported_at", UTC, True),
        ("wpmigrate_version", TEXT, False),
        ("schema_version", INT, False),
    ],
    "authors": [
        ("id", INT, False),
        ("wp_id", BIGINT, True),
        ("login", KEY, False),
        ("email", TEXT, False),
        ("display_name", TEXT, False),
        ("first_name", TEXT, False),
        ("last_name", TEXT, False),
    ],
    "terms": [
        ("id", INT, False),
        ("wp_id", BIGINT, True),
        ("taxonomy", KEY, False),
        ("slug", KEY, False),
        ("name", TEXT, False),
        ("parent", TEXT, True),
        ("parent_id", INT, True),
        ("description", TEXT, False),
    ],
    "term_meta": [
        ("term_id", INT, False),
        ("position", INT, False),
        ("meta_key", TEXT, False),
        ("meta_value", TEXT, True),
        ("meta_json", JSON, True),
    ],
    "posts": [
        ("id", INT, False),
        ("wp_id", BIGINT, False),
        ("type", TEXT, False),
        ("status", TEXT, False),
        ("title", TEXT, False),
        ("slug", TEXT, False),
        ("link", TEXT, False),
        ("path", TEXT, False),
        ("guid", TEXT, False),
        ("date", UTC, True),
        ("date_local", LOCAL, True),
        ("modified", UTC, True),
        ("modified_local", LOCAL, True),
        ("author", TEXT, True),
        ("author_id", INT, True),
        ("parent_wp_id", BIGINT, True),
        ("parent_id", INT, True),
        ("menu_order", BIGINT, False),
        ("password", TEXT, False),
        ("sticky", BOOL, False),
        ("comment_status", TEXT, False),
        ("ping_status", TEXT, False),
        ("excerpt", TEXT, False),
        ("content_raw", TEXT, False),
        ("content_html", TEXT, True),
        ("content_teaser", TEXT, True),
        ("content_diagnostics", JSON, True),
        ("featured_image", TEXT, True),
        ("attachment_url", TEXT, True),
    ],
    "post_terms": [
        ("post_id", INT, False),
        ("position", INT, False),
        ("taxonomy", TEXT, False),
        ("slug", TEXT, False),
        ("name", TEXT, False),
        ("term_id", INT, True),
    ],
    "post_meta": [
        ("post_id", INT, False),
        ("position", INT, False),
        ("meta_key", TEXT, False),
        ("meta_value", TEXT, True),
        ("meta_json", JSON, True),
    ],
    "comments": [
        ("id", INT, False),
        ("post_id", INT, False),
        ("wp_id", BIGINT, False),
        ("parent_wp_id", BIGINT, True),
        ("parent_id", INT, True),
        ("status", TEXT, False),
        ("type", TEXT, False),
        ("date", UTC, True),
        ("date_local", LOCAL, True),
        ("content", TEXT, False),
        ("content_html", TEXT, True),
        ("author_name", TEXT, False),
        ("author_email", TEXT, False),
        ("author_url", TEXT, False),
        ("author_ip", TEXT, False),
        ("author_user_id", BIGINT, True),
        ("author_provider", TEXT, False),
        ("author_provider_id", TEXT, True),
        ("author_avatar", TEXT, True),
        # Where an approved comment is shown (NULL for the others): order a post's comments
        # by thread_position to read them as WordPress shows them.
        ("thread_parent_wp_id", BIGINT, True),
        ("thread_depth", INT, True),
        ("thread_position", INT, True),
        ("thread_note", TEXT, True),
    ],
    "comment_meta": [
        ("comment_id", INT, False),
        ("position", INT, False),
        ("meta_key", TEXT, False),
        ("meta_value", TEXT, True),
        ("meta_json", JSON, True),
    ],
}

#: (table, column) -> referenced table (always its ``id``).
_FOREIGN = {
    ("terms", "parent_id"): "terms",
    ("term_meta", "term_id"): "terms",
    ("posts", "author_id"): "authors",
    ("posts", "parent_id"): "posts",
    ("post_terms", "post_id"): "posts",
    ("post_terms", "term_id"): "terms",
    ("post_meta", "post_id"): "posts",
    ("comments", "post_id"): "posts",
    ("comments", "parent_id"): "comments",
    ("comment_meta", "comment_id"): "comments",
}

_PRIMARY = {
    "term_meta": ("term_id", "position"),
    "post_terms": ("post_id", "position"),
    "post_meta": ("post_id", "position"),
    "comment_meta": ("comment_id", "position"),
}

#: (table, index suffix, columns) for plain indexes.
_INDEXES = [
    ("terms", "slug", ("slug",)),
    ("terms", "parent_id", ("parent_id",)),
    ("term_meta", "meta_key", ("meta_key",)),
    ("posts", "type_status_date", ("type", "status", "date")),
    ("posts", "date", ("date",)),
    ("posts", "wp_id", ("wp_id",)),
    ("posts", "slug", ("slug",)),
    ("posts", "parent_id", ("parent_id",)),
    ("posts", "author_id", ("author_id",)),
    ("post_terms", "term_id", ("term_id",)),
    ("post_terms", "taxonomy_slug", ("taxonomy", "slug")),
    ("post_meta", "meta_key", ("meta_key",)),
    ("comments", "post_id", ("post_id",)),
    ("comments", "parent_id", ("parent_id",)),
    ("comments", "wp_id", ("wp_id",)),
    ("comment_meta", "meta_key", ("meta_key",)),
]

_UNIQUE = {
    "authors": ("login",),
    "terms": ("taxonomy", "slug"),
}

#: Tables in the order rows are inserted (every parent before its children).
TABLE_ORDER = ("site", "authors", "terms", "term_meta", "posts", "post_terms", "post_meta", "comments", "comment_meta")


@dataclass(frozen=True)
class Schema:
    prefix: str
    metadata: MetaData
    #: Unprefixed name -> table.
    tables: dict[str, Table]
    #: Unprefixed name -> [(column, kind)].
    kinds: dict[str, list[tuple[str, str]]]

    def ordered(self) -> list[Table]:
        return [self.tables[name] for name in TABLE_ORDER]


def check_prefix(prefix: str) -> str:
    if prefix and not _PREFIX.fullmatch(prefix):
        raise UsageError(
            f"invalid --table-prefix {prefix!r}",
            hint="use letters, digits and underscores, starting with a letter or underscore",
        )
    return prefix


def build_schema(prefix: str = "") -> Schema:
    """The tables, keys and indexes, with every table name prefixed by ``prefix``."""
    check_prefix(prefix)
    metadata = MetaData()
    tables: dict[str, Table] = {}
    for name in TABLE_ORDER:
        columns = []
        for column, kind, nullable in COLUMNS[name]:
            target = _FOREIGN.get((name, column))
            args = [ForeignKey(f"{prefix}{target}.id")] if target else []
            columns.append(Column(column, _TYPES[kind], *args, nullable=nullable, autoincrement=False))
        constraints = [PrimaryKeyConstraint(*_PRIMARY.get(name, ("id",)), name=f"pk_{prefix}{name}")]
        if name in _UNIQUE:
            constraints.append(UniqueConstraint(*_UNIQUE[name], name=f"uq_{prefix}{name}_{'_'.join(_UNIQUE[name])}"))
        tables[name] = Table(
            prefix + name,
            metadata,
            *columns,
            *constraints,
            mysql_engine="InnoDB",
            mysql_charset="utf8mb4",
            mysql_collate="utf8mb4_bin",
        )
    for name, suffix, columns in _INDEXES:
        table = tables[name]
        long_text = {c: _MYSQL_PREFIX for c in columns if _kind(name, c) == TEXT}
        Index(f"ix_{prefix}{name}_{suffix}", *(table.c[c] for c in columns), mysql_length=long_text or None)
    kinds = {name: [(c, k) for c, k, _ in COLUMNS[name]] for name in TABLE_ORDER}
    return Schema(prefix, metadata, tables, kinds)


def _kind(table: str, column: str) -> str:
    return next(k for c, k, _ in COLUMNS[table] if c == column)
