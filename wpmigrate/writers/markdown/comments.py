"""Approved comments as a thread: each comment with its ``replies``.

Only what a site shows: author name, URL, avatar, provider, date and clean
content. E-mail and IP appear only when they survive ``--pii`` (dropped by
default for Markdown, hashed with ``--pii hash``, kept with ``--pii keep``).
"""

from __future__ import annotations

from typing import Any

from wpmigrate.model import Comment
from wpmigrate.writers.markdown.frontmatter import timestamp

#: Replies nested deeper are listed beside their parent, as WordPress shows replies past its
#: thread depth (10 at most): the JSON, YAML and TOML writers recurse once per level, and a
#: reply chain hundreds long (a damaged or generated export) overflowed Python's stack.
MAX_DEPTH = 32


def comment_thread(comments: tuple[Comment, ...]) -> list[dict[str, Any]]:
    """The approved comments in file order, nested under their parents; orphans at the top level."""
    approved = [c for c in comments if c.status == "approved"]
    #: id -> (node, the list it is in, its depth)
    seen: dict[int, tuple[dict[str, Any], list[dict[str, Any]], int]] = {}
    top: list[dict[str, Any]] = []
    for comment in approved:
        node = _comment(comment)
        # Only under a parent already placed: a loop of parents cannot hide comments.
        found = seen.get(comment.parent) if comment.parent else None
        if found is None:
            siblings, depth = top, 1
        elif found[2] < MAX_DEPTH:
            siblings, depth = found[0].setdefault("replies", []), found[2] + 1
        else:
            siblings, depth = found[1], found[2]
        siblings.append(node)
        seen.setdefault(comment.id, (node, siblings, depth))
    return top


def _comment(comment: Comment) -> dict[str, Any]:
    author = comment.author
    when = timestamp(comment.date, comment.date_local)
    data: dict[str, Any] = {
        "id": comment.id,
        "parent": comment.parent,
        "author": author.name,
        "url": author.url or None,
        "avatar": author.avatar,
        "provider": author.provider,
        "date": when.isoformat() if when else None,
        "content": comment.content_html if comment.content_html is not None else comment.content,
    }
    if comment.type != "comment":
        data["type"] = comment.type
    if author.email:
        data["email"] = author.email
    if author.ip:
        data["ip"] = author.ip
    return data
