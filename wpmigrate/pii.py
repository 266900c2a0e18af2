"""Commenters' personal data (e-mail, IP address): keep, hash or drop.

Hashing is salted SHA-256, stable for the same salt, so the same commenter
gets the same token across posts and runs without revealing the address.
Copies of the address inside known plugin meta (Akismet's
``akismet_as_submitted``) are treated the same way.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from wpmigrate.errors import UsageError
from wpmigrate.model import Comment, Meta, Post

MODES = ("keep", "hash", "drop")
DEFAULT_SALT = "wpmigrate"
#: Keys whose values are personal data, wherever they appear inside a meta value.
PII_KEYS = frozenset(
    {"comment_author_email", "comment_author_IP", "user_ip", "REMOTE_ADDR", "user_agent", "comment_agent", "HTTP_USER_AGENT"}
)


def pii_transform(mode: str, salt: str = DEFAULT_SALT) -> Callable[[Post], Post] | None:
    """The post transform for ``mode``; None for ``keep``."""
    if mode not in MODES:
        raise UsageError(f"unknown --pii mode {mode!r}", hint="use keep, hash or drop")
    if mode == "keep":
        return None
    scrub = _hasher(salt) if mode == "hash" else (lambda value: "")

    def transform(post: Post) -> Post:
        if not post.comments:
            return post
        return replace(post, comments=tuple(_comment(c, scrub) for c in post.comments))

    return transform


def _hasher(salt: str) -> Callable[[str], str]:
    def digest(value: str) -> str:
        if not value:
            return ""
        return "sha256:" + hashlib.sha256(f"{salt}\0{value.strip().lower()}".encode()).hexdigest()[:24]

    return digest


def _comment(comment: Comment, scrub: Callable[[str], str]) -> Comment:
    author = replace(comment.author, email=scrub(comment.author.email), ip=scrub(comment.author.ip))
    meta = tuple(Meta(m.key, _scrub_value(m.value, scrub)) for m in comment.meta)
    return replace(comment, author=author, meta=meta)


def _scrub_value(value: Any, scrub: Callable[[str], str]) -> Any:
    if isinstance(value, dict):
        return {
            k: scrub(v) if k in PII_KEYS and isinstance(v, str) else _scrub_value(v, scrub) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_scrub_value(v, scrub) for v in value]
    return value
