"""The model as rows of the SQL tables, streamed, parents before children.

Every writer of the SQL family (scripts for three dialects, the SQLite
database) consumes these rows, so they all hold the same data. Row values are
Python ``str``/``int``/``bool``/``None``; JSON columns hold encoded JSON text;
dates are the model's ISO strings (a writer converts them for its dialect).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from wpmigrate import __version__, schema
from wpmigrate.ids import INT64
from wpmigrate.model import Comment, Export, Meta, Post, Thread
from wpmigrate.writers.sql.tables import COLUMNS, SQL_SCHEMA_VERSION

Row = dict[str, Any]
#: (unprefixed table name, row)
TableRow = tuple[str, Row]

#: Post and comment fields stored under their own name (as in the JSON form).
_POST_FIELDS = (
    "type", "status", "title", "slug", "link", "path", "guid", "date", "date_local", "modified",
    "modified_local", "author", "menu_order", "password", "comment_status", "ping_status", "excerpt",
    "featured_image", "attachment_url",
)
_COMMENT_FIELDS = ("status", "type", "date", "date_local", "content", "content_html")

_encode_json = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode
#: What no database text column can hold: NUL (PostgreSQL refuses it) and lone
#: surrogates (not UTF-8). XML cannot carry NUL; both become U+FFFD.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


#: Columns that cannot be NULL: a number past what a BIGINT holds (``ids.INT64``; a damaged
#: export's numbers can be anything) is written there as 0, elsewhere as NULL, and counted
#: for the writer's notes.
_NOT_NULL = {(table, column) for table, columns in COLUMNS.items() for column, _, nullable in columns if not nullable}


def storable(text: str) -> str:
    return _UNSTORABLE.sub("\ufffd", text) if _UNSTORABLE.search(text) else text


def parents_first(parents: list[int | None]) -> tuple[list[int], list[int | None]]:
    """An order of the nodes ``0..n-1`` in which each parent comes before its children.

    ``parents[i]`` is the index of node i's parent, or None. Returns the order
    (stable: file order wherever the tree allows) and the parents with every
    cycle broken (the link that closes it dropped, so the node becomes a root).
    """
    parents = list(parents)
    state = [0] * len(parents)  # 0: unseen, 1: on the current chain, 2: placed
    order: list[int] = []
    for start in range(len(parents)):
        chain: list[int] = []
        node = start
        while node is not None and state[node] == 0:
            state[node] = 1
            chain.append(node)
            node = parents[node]
        if node is not None and state[node] == 1:
            parents[chain[-1]] = None
        for member in reversed(chain):
            state[member] = 2
            order.append(member)
    return order, parents


def _meta_rows(owner: str, owner_id: int, meta: tuple[Meta, ...]) -> Iterator[Row]:
    for position, row in enumerate(meta):
        text = isinstance(row.value, str)
        yield {
            owner: owner_id,
            "position": position,
            "meta_key": storable(row.key),
            "meta_value": storable(row.value) if text else None,
            "meta_json": None if text else storable(_encode_json(row.value)),
        }


class RowBuilder:
    """Turns one export into table rows, numbering surrogate keys as it goes."""

    def __init__(self, export: Export) -> None:
        self.export = export
        self.author_ids = {author.login: number for number, author in enumerate(export.authors, 1)}
        self.term_ids = {(term.taxonomy, term.slug): number for number, term in enumerate(export.terms, 1)}
        self.next_post = 1
        self.next_comment = 1
        #: ``table.column`` -> how many numbers past 64 bits it could not hold.
        self.unfit: Counter[str] = Counter()

    def rows(self, posts: Iterable[Post]) -> Iterator[TableRow]:
        """Every row: the header's, then each post's as the posts stream by."""
        yield from self.header_rows()
        for post in posts:
            yield from self.post_rows(post)

    # ------------------------------------------------------------ header

    def header_rows(self) -> Iterator[TableRow]:
        yield "site", _texts({
            "id": 1,
            **schema.site_to_dict(self.export.site),
            "wpmigrate_version": __version__,
            "schema_version": SQL_SCHEMA_VERSION,
        })
        for number, author in enumerate(self.export.authors, 1):
            row = {"id": number, "wp_id": author.id, **_without(schema.author_to_dict(author), "id")}
            yield "authors", _texts(self._fit("authors", row, "wp_id"))
        terms = self.export.terms
        parents = [self.term_ids.get((t.taxonomy, t.parent)) if t.parent is not None else None for t in terms]
        order, parents = parents_first([p - 1 if p is not None else None for p in parents])
        for index in order:
            term, parent = terms[index], parents[index]
            yield "terms", _texts(self._fit("terms", {
                "id": index + 1,
                "wp_id": term.id,
                **_without(schema.term_to_dict(term), "id", "meta"),
                "parent_id": parent + 1 if parent is not None else None,
            }, "wp_id"))
        for number, term in enumerate(terms, 1):
            for row in _meta_rows("term_id", number, term.meta):
                yield "term_meta", row

    # ------------------------------------------------------------ posts

    def post_rows(self, post: Post) -> Iterator[TableRow]:
        post_id = self.next_post
        self.next_post += 1
        content = post.content
        has_html = content.html is not None
        yield "posts", _texts(self._fit("posts", {
            "id": post_id,
            "wp_id": post.id,
            **{name: getattr(post, name) for name in _POST_FIELDS},
            "author_id": self.author_ids.get(post.author) if post.author is not None else None,
            "parent_wp_id": post.parent,
            "parent_id": None,  # set at the end: the parent may come later
            "sticky": bool(post.sticky),
            "content_raw": content.raw,
            "content_html": content.html,
            "content_teaser": content.teaser if has_html else None,
            "content_diagnostics": _encode_json(content.diagnostics or {}) if has_html else None,
        }, "wp_id", "parent_wp_id", "menu_order"))
        for position, ref in enumerate(post.terms):
            yield "post_terms", _texts({
                "post_id": post_id,
                "position": position,
                "taxonomy": ref.taxonomy,
                "slug": ref.slug,
                "name": ref.name,
                "term_id": self.term_ids.get((ref.taxonomy, ref.slug)),
            })
        for row in _meta_rows("post_id", post_id, post.meta):
            yield "post_meta", row
        yield from self._comment_rows(post_id, post.comments)

    def _comment_rows(self, post_id: int, comments: tuple[Comment, ...]) -> Iterator[TableRow]:
        first = self.next_comment
        self.next_comment += len(comments)
        by_wp_id: dict[int, int] = {}
        for index, comment in enumerate(comments):
            by_wp_id.setdefault(comment.id, index)
        order, parents = parents_first(
            [by_wp_id.get(c.parent) if c.parent is not None else None for c in comments]
        )
        for index in order:
            comment, parent = comments[index], parents[index]
            yield "comments", _texts(self._fit("comments", {
                "id": first + index,
                "post_id": post_id,
                "wp_id": comment.id,
                "parent_wp_id": comment.parent,
                "parent_id": first + parent if parent is not None else None,
                **{name: getattr(comment, name) for name in _COMMENT_FIELDS},
                **{f"author_{key}": value for key, value in schema.commenter_to_dict(comment.author).items()},
                **_thread_columns(comment.thread),
            }, "wp_id", "parent_wp_id", "author_user_id", "thread_parent_wp_id"))
        for index, comment in enumerate(comments):
            for row in _meta_rows("comment_id", first + index, comment.meta):
                yield "comment_meta", row

    def _fit(self, table: str, row: Row, *columns: str) -> Row:
        """``row`` with each of ``columns`` that is past 64 bits made NULL (0 if it cannot be)."""
        for column in columns:
            value = row[column]
            if value is not None and value not in INT64:
                row[column] = 0 if (table, column) in _NOT_NULL else None
                self.unfit[f"{table}.{column}"] += 1
        return row

    def notes(self) -> list[str]:
        """What the writer tells the user: the numbers it could not store."""
        if not self.unfit:
            return []
        where = ", ".join(f"{column} ({count})" for column, count in sorted(self.unfit.items()))
        return [
            f"{sum(self.unfit.values())} number(s) past 64 bits, which no SQL integer column holds, "
            f"written as NULL, or as 0 where the column needs a value: {where}; the JSON output keeps them"
        ]


class Batches:
    """Rows buffered per table, written in table order whenever one batch fills.

    Writing every pending batch, parents' tables first, keeps each foreign
    key satisfied statement by statement, however the tables interleave.
    """

    def __init__(self, order: Iterable[str], write: Callable[[str, list[Any]], None], max_rows: int,
                 max_size: int | None = None) -> None:
        self.write = write
        self.max_rows = max_rows
        self.max_size = max_size
        self.pending: dict[str, list[Any]] = {name: [] for name in order}
        self.sizes = dict.fromkeys(self.pending, 0)

    def add(self, name: str, item: Any, size: int = 0) -> None:
        batch = self.pending[name]
        batch.append(item)
        self.sizes[name] += size
        if len(batch) >= self.max_rows or (self.max_size is not None and self.sizes[name] >= self.max_size):
            self.flush()

    def flush(self) -> None:
        for name, batch in self.pending.items():
            if batch:
                self.write(name, batch)
                self.pending[name] = []
                self.sizes[name] = 0


def _without(data: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key not in keys}


def _texts(row: Row) -> Row:
    """``row`` with every string made storable."""
    for key, value in row.items():
        if value.__class__ is str:
            row[key] = storable(value)
    return row


def _thread_columns(thread: Thread | None) -> Row:
    """The ``thread_*`` columns of a comment: where it is shown; NULL when it is not."""
    if thread is None:
        return {"thread_parent_wp_id": None, "thread_depth": None, "thread_position": None, "thread_note": None}
    return {"thread_parent_wp_id": thread.parent, "thread_depth": thread.depth,
            "thread_position": thread.position, "thread_note": thread.note}
