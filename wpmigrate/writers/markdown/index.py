"""What the Markdown writer remembers about every item until the end, kept on disk.

The redirect files and the media manifest are written last, and need every post's
new URL, old paths and media, and every attachment's page and parent. Held in dicts
that was about 100 MB for a 1 GB export; here it lives in a private temporary SQLite
database (deleted when closed), so memory stays SQLite's page cache whatever the size.

The semantics are those of the dicts it replaces, order included:

* a path is taken once (compared case-insensitively by the caller);
* an old path redirects to the first URL that claims it (``dict.setdefault``);
* an attachment recorded again keeps its first place and takes the new values;
* a media URL keeps its first place; each post that uses it is listed once per run of
  uses (a post is not repeated right after itself).

Ids are stored as text: WordPress ids are 64-bit, a damaged export's need not be. A lone
surrogate (from a numeric entity) cannot be stored as UTF-8: it is kept as U+FFFD, as
every file the writer makes has it anyway.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator

from wpmigrate.chars import without_lone_surrogates
from wpmigrate.writers.markdown.redirects import decoded_path

_SCHEMA = """
CREATE TABLE taken (path TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE urls (id TEXT PRIMARY KEY, url TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE redirects (seq INTEGER PRIMARY KEY, old TEXT NOT NULL UNIQUE, new TEXT NOT NULL);
CREATE TABLE attachments (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, path TEXT, parent TEXT);
CREATE TABLE media (seq INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE, file TEXT, attachment TEXT, last_post TEXT);
CREATE TABLE media_posts (media INTEGER NOT NULL, post TEXT NOT NULL);
CREATE TABLE links (seq INTEGER PRIMARY KEY, post TEXT NOT NULL, link TEXT NOT NULL);
CREATE TABLE known (path TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE slugs (slug TEXT NOT NULL, url TEXT NOT NULL);
CREATE INDEX slugs_slug ON slugs (slug);
"""


def _text(value: str | None) -> str | None:
    return value if value is None else without_lone_surrogates(value)


class SiteIndex:
    """The writer's index of a run; :meth:`close` deletes it."""

    def __init__(self) -> None:
        # "": a private database in a temporary file, removed by SQLite on close.
        self._db = sqlite3.connect("", isolation_level=None)
        self._db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; BEGIN;" + _SCHEMA)

    def close(self) -> None:
        self._db.close()

    def take(self, path: str) -> bool:
        """Take ``path``; False if it was taken already."""
        return self._db.execute("INSERT OR IGNORE INTO taken VALUES (?)", (_text(path),)).rowcount == 1

    def set_url(self, item: int, url: str) -> None:
        """The new URL of item ``item`` (a later call for the same id replaces it)."""
        self._db.execute("INSERT OR REPLACE INTO urls VALUES (?, ?)", (str(item), _text(url)))

    def is_url(self, path: str) -> bool:
        """Whether an item was given ``path`` as its URL (case-insensitively, see the writer)."""
        return bool(self._db.execute("SELECT 1 FROM taken WHERE path = ?", (_text("url:" + path.lower()),)).fetchone())

    def url(self, item: int) -> str | None:
        row = self._db.execute("SELECT url FROM urls WHERE id = ?", (str(item),)).fetchone()
        return row[0] if row else None

    def redirect(self, old: str, new: str) -> None:
        """``old`` redirects to ``new``, unless an earlier call claimed ``old`` (compared as
        servers compare paths: decoded, see ``redirects.decoded_path``)."""
        self._db.execute("INSERT OR IGNORE INTO redirects (old, new) VALUES (?, ?)",
                         (_text(decoded_path(old)), _text(new)))

    def redirects(self) -> Iterable[tuple[str, str]]:
        """Every redirect, in the order the old paths were first claimed; each iteration
        reads them afresh (the redirect files go through them once per format)."""
        return _Rows(self._db, "SELECT old, new FROM redirects ORDER BY seq")

    def add_link(self, item: int, link: str) -> None:
        """Item ``item`` links to ``link``, a path on the site (checked by :meth:`unresolved`)."""
        self._db.execute("INSERT INTO links (post, link) VALUES (?, ?)", (str(item), _text(link)))

    def add_slug(self, slug: str, url: str) -> None:
        """An item's URL ends in ``slug`` (for :meth:`guess`)."""
        if slug:
            self._db.execute("INSERT INTO slugs VALUES (?, ?)", (_text(slug), _text(url)))

    def guess(self, slug: str) -> str | None:
        """The URL of the one item whose URL ends in ``slug``; None for none or several."""
        rows = self._db.execute("SELECT DISTINCT url FROM slugs WHERE slug = ? LIMIT 2", (_text(slug),)).fetchall()
        return rows[0][0] if len(rows) == 1 else None

    def know(self, paths: Iterable[str]) -> None:
        """Paths the new site answers (a page, or a redirect), decoded."""
        self._db.executemany("INSERT OR IGNORE INTO known VALUES (?)", ((_text(p),) for p in paths))

    def unresolved(self, keys: Callable[[str], list[str]]) -> Iterator[tuple[int, str]]:
        """``(item, link)`` of each link none of whose ``keys(link)`` the site answers, in order."""
        for item, link in self._rows("SELECT post, link FROM links ORDER BY seq"):
            if not any(self._db.execute("SELECT 1 FROM known WHERE path = ?", (_text(k),)).fetchone()
                       for k in keys(link)):
                yield int(item), link

    def known_sources(self) -> Iterator[str]:
        """Every new URL and every redirected old path (as stored)."""
        yield from (row[0] for row in self._rows("SELECT url FROM urls"))
        yield from (row[0] for row in self._rows("SELECT old FROM redirects"))

    def add_attachment(self, item: int, path: str, parent: int | None) -> None:
        self._db.execute(
            "INSERT INTO attachments (id, path, parent) VALUES (?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET path = excluded.path, parent = excluded.parent",
            (str(item), _text(path), None if parent is None else str(parent)),
        )

    def attachments(self) -> Iterator[tuple[int, str, int | None]]:
        """``(id, page path, parent)`` of every attachment, in the order first recorded."""
        for item, path, parent in self._rows("SELECT id, path, parent FROM attachments ORDER BY seq"):
            yield int(item), path, None if parent is None else int(parent)

    def add_media(self, url: str, file: Callable[[str], str | None], *, post: int | None = None,
                  attachment: int | None = None) -> None:
        """Record a use of media ``url`` (``file(url)`` is its local path, asked once)."""
        url = _text(url)
        row = self._db.execute("SELECT seq, last_post FROM media WHERE url = ?", (url,)).fetchone()
        if row is None:
            seq = self._db.execute("INSERT INTO media (url, file) VALUES (?, ?)", (url, _text(file(url)))).lastrowid
            last = None
        else:
            seq, last = row
        if attachment is not None:
            self._db.execute("UPDATE media SET attachment = ? WHERE seq = ?", (str(attachment), seq))
        if post is not None and str(post) != last:
            self._db.execute("INSERT INTO media_posts VALUES (?, ?)", (seq, str(post)))
            self._db.execute("UPDATE media SET last_post = ? WHERE seq = ?", (str(post), seq))

    def media(self) -> Iterator[tuple[str, str | None, int | None, list[int]]]:
        """``(url, file, attachment, posts)`` of every media URL, in the order first used."""
        uses = self._rows("SELECT media, post FROM media_posts ORDER BY media, rowid")
        pending = next(uses, None)
        for seq, url, file, attachment in self._rows("SELECT seq, url, file, attachment FROM media ORDER BY seq"):
            posts = []
            while pending is not None and pending[0] == seq:
                posts.append(int(pending[1]))
                pending = next(uses, None)
            yield url, file, None if attachment is None else int(attachment), posts

    def _rows(self, query: str) -> Iterator[tuple]:
        return iter(_Rows(self._db, query))


class _Rows:
    """A query's rows, read anew on each iteration, on a cursor of their own (the caller
    may write, or read something else, while iterating)."""

    def __init__(self, db: sqlite3.Connection, query: str) -> None:
        self._db, self._query = db, query

    def __iter__(self) -> Iterator[tuple]:
        return iter(self._db.cursor().execute(self._query))
