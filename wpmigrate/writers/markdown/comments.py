"""Approved comments as a thread: each comment with its ``replies``.

Only what a site shows: author name, URL, avatar, provider, date and clean
content. E-mail and IP appear only when they survive ``--pii`` (dropped by
default for Markdown, hashed with ``--pii hash``, kept with ``--pii keep``).
"""

from __future__ import annotations

from typing import Any

from wpmigrate.model import Comment
from wpmigrate.threads import is_shown, threaded
from wpmigrate.writers.markdown.frontmatter import timestamp

def comment_thread(comments: tuple[Comment, ...]) -> list[dict[str, Any]]:
    """The approved comments nested by their place in the thread (``Comment.thread``, which the
    reader sets), in the order a reader of the post sees them."""
    if any(c.thread is None for c in comments if is_shown(c)):  # made without the reader
        comments = threaded(comments)
    nodes: dict[int, dict[str, Any]] = {}
    top: list[dict[str, Any]] = []
    for comment in sorted((c for c in comments if c.thread is not None), key=lambda c: c.thread.position):
        node = _comment(comment)
        parent = comment.thread.parent
        (nodes[parent].setdefault("replies", []) if parent is not None else top).append(node)
        nodes.setdefault(comment.id, node)
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
