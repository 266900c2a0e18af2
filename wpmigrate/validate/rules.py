"""The item rules: ids, references, authors, attachments and dates.

:class:`ItemRules` sees each post once, as the reader streams it, and keeps
only small indexes: a bitmap of the ids seen, the parent references that
could not be checked yet, and the unknown author logins. What can only be
known at the end (a parent further down the file) is checked in ``finish``.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from wpmigrate.ids import IdArray, append_id, id_array
from wpmigrate.model import Comment, Post
from wpmigrate.validate.findings import Findings

#: WordPress's time zones run from UTC-12 to UTC+14.
MAX_OFFSET = timedelta(hours=14)
#: A published date this long after the export was made cannot be right.
FUTURE_SLACK = timedelta(days=1)
#: Unknown author logins tracked one by one; more are only counted.
MAX_LOGINS = 1000
#: Statuses whose date may lie after the export (scheduled, not yet written).
UNPUBLISHED = {"future", "draft", "pending", "auto-draft", "trash", "inherit"}


class IdSet:
    """A set of non-negative ints, as a bitmap for the dense ids WordPress hands out."""

    BITMAP_LIMIT = 1 << 27  # 16 MiB of bits at most; larger ids go to a set

    def __init__(self) -> None:
        self._bits = bytearray()
        self._large: set[int] = set()

    def add(self, value: int) -> bool:
        """Add ``value``; False if it was already there."""
        if not 0 <= value < self.BITMAP_LIMIT:
            if value in self._large:
                return False
            self._large.add(value)
            return True
        byte, bit = divmod(value, 8)
        if byte >= len(self._bits):
            self._bits.extend(bytes(max(byte + 1 - len(self._bits), len(self._bits))))
        if self._bits[byte] >> bit & 1:
            return False
        self._bits[byte] |= 1 << bit
        return True

    def __contains__(self, value: int) -> bool:
        if not 0 <= value < self.BITMAP_LIMIT:
            return value in self._large
        byte, bit = divmod(value, 8)
        return byte < len(self._bits) and bool(self._bits[byte] >> bit & 1)


@dataclass
class _Pending:
    """Parent references to check at the end, in compact arrays."""

    child: IdArray = field(default_factory=id_array)
    parent: IdArray = field(default_factory=id_array)
    line: array = field(default_factory=lambda: array("q"))
    file: array = field(default_factory=lambda: array("H"))
    files: dict[str, int] = field(default_factory=dict)

    def add(self, child: int, parent: int, file: str, line: int | None) -> None:
        self.child = append_id(self.child, child)
        self.parent = append_id(self.parent, parent)
        self.line.append(line or 0)
        self.file.append(self.files.setdefault(file, len(self.files)))

    def __iter__(self):
        names = list(self.files)
        for i in range(len(self.child)):
            yield self.child[i], self.parent[i], names[self.file[i]], self.line[i] or None


@dataclass
class _Login:
    file: str
    line: int | None
    item: int
    posts: int = 0


class ItemRules:
    """Ids, references, attachments, authors and dates, checked as items stream by."""

    def __init__(self, findings: Findings, *, authors: set[str] | None, exported_at: str | None) -> None:
        self.findings = findings
        self.here = findings.position
        #: The export's author logins; None when it lists none by design (WXR 1.0).
        self.authors = authors
        self.exported_at = _parse(exported_at)
        #: Dates of published items after this cannot be right; None: no limit.
        self.latest = _later(self.exported_at, FUTURE_SLACK)
        self.posts = IdSet()
        self.comments = IdSet()
        self.pending = _Pending()
        self.unknown: dict[str, _Login] = {}

    def check(self, post: Post) -> None:
        where = {"file": self.here.file, "line": self.here.line, "item": post.id}
        self._ids(post, where)
        self._comments(post)
        self._author(post)
        self._dates(post.date, post.date_local, post.status, f"{post.type} {post.id}", where)
        if post.type == "attachment" and not post.attachment_url:
            self.findings.report(
                "attachment-url-missing",
                f"attachment {post.id} has no <wp:attachment_url>, so its file cannot be imported; "
                "export again, or add the URL of the file",
                **where,
            )

    def _ids(self, post: Post, where: dict) -> None:
        if not post.id:
            return  # the reader reports item-no-id
        if not self.posts.add(post.id):
            self.findings.report(
                "post-id-duplicate",
                f"item id {post.id} ({post.type} {post.title[:60]!r}) is used by an earlier item too; "
                "an importer keeps only the first",
                **where,
            )
        if post.parent and post.parent != post.id and post.parent not in self.posts:
            self.pending.add(post.id, post.parent, self.here.file, self.here.line)

    def _comments(self, post: Post) -> None:
        ids = {c.id for c in post.comments}
        for comment in post.comments:
            where = self._comment_where(post, comment)
            if comment.id and not self.comments.add(comment.id):
                self.findings.report(
                    "comment-id-duplicate",
                    f"comment id {comment.id} is used by an earlier comment too; an importer keeps only the first",
                    **where,
                )
            if comment.parent and comment.parent not in ids:
                self.findings.report(
                    "comment-parent-missing",
                    f"comment {comment.id} replies to comment {comment.parent}, which is not among the "
                    f"comments of item {post.id}; it will be imported as a top-level comment",
                    **where,
                )
            label = f"comment {comment.id} of item {post.id}"
            self._dates(comment.date, comment.date_local, comment.status, label, where)

    def _comment_where(self, post: Post, comment: Comment) -> dict:
        line = self.here.comments.get(comment.id, self.here.line)
        return {"file": self.here.file, "line": line, "item": post.id, "comment": comment.id}

    def _author(self, post: Post) -> None:
        if self.authors is None or not post.author or post.author in self.authors:
            return
        login = self.unknown.get(post.author)
        if login is None and len(self.unknown) < MAX_LOGINS:
            login = self.unknown[post.author] = _Login(self.here.file, self.here.line, post.id)
        if login is not None:
            login.posts += 1

    def _dates(self, utc: str | None, local: str | None, status: str, label: str, where: dict) -> None:
        moment, wall = _parse(utc), _parse(local)
        if moment is not None and wall is not None and abs(wall - moment) > MAX_OFFSET:
            self.findings.report(
                "date-impossible",
                f"{label}: the local date {local} and the GMT date {utc} are more than 14 hours apart, "
                "which no time zone allows; one of them is wrong",
                **where,
            )
        elif (
            moment is not None
            and self.latest is not None
            and status not in UNPUBLISHED
            and moment > self.latest
        ):
            self.findings.report(
                "date-impossible",
                f"{label} is dated {utc}, after the export itself was made ({self.exported_at.isoformat()}Z); "
                "a wrong clock or time zone?",
                **where,
            )

    def finish(self) -> None:
        """The checks that needed the whole export."""
        for child, parent, file, line in self.pending:
            if parent not in self.posts:
                self.findings.report(
                    "post-parent-missing",
                    f"item {child} names the parent item {parent}, which is not in the export; "
                    "it will be imported without a parent (a partial export?)",
                    file=file, line=line, item=child,
                )
        for name, login in self.unknown.items():
            self.findings.report(
                "post-author-unknown",
                f"author {name!r} of {login.posts} item(s) (first this one) is not among the export's "
                "authors; importers will assign those items to another user",
                file=login.file, line=login.line, item=login.item,
            )


def _later(moment: datetime | None, delta: timedelta) -> datetime | None:
    """``moment + delta``; None when either is missing or the sum is past year 9999."""
    try:
        return moment + delta if moment is not None else None
    except OverflowError:
        return None


def _parse(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.rstrip("Z"))
    except ValueError:
        return None
