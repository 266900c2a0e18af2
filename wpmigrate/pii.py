"""Personal data of commenters and form senders (e-mail, IP address): keep, hash or drop.

Hashing is salted SHA-256, stable for the same salt, so the same commenter
gets the same token across posts and runs without revealing the address.
Copies of the address inside known plugin meta (Akismet's
``akismet_as_submitted``) are treated the same way, and so are Gravatar
avatar URLs, which carry a hash of the e-mail address: they are left out.

Contact-form submissions stored as posts (:data:`FORM_TYPES`) hold the
sender's address and IP in their text and meta: every e-mail address and IP
address there is hashed or dropped too.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from wpmigrate.errors import UsageError
from wpmigrate.model import Comment, Meta, Post

MODES = ("keep", "hash", "drop")
#: Post types that hold what visitors sent through a form, never meant to be published:
#: Jetpack's contact form (``feedback``), Contact Form 7's Flamingo and CF7 Submissions,
#: Ninja Forms' submissions, WooCommerce orders and subscriptions.
FORM_TYPES = frozenset({
    "feedback", "flamingo_inbound", "flamingo_contact", "flamingo_outbound", "wpcf7s", "nf_sub",
    "shop_order", "shop_order_refund", "shop_subscription",
})
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
#: Candidates for IP addresses; :func:`ipaddress.ip_address` decides.
_IP = re.compile(r"(?<![\w.:])(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7})(?![\w.:])")
_GRAVATAR = re.compile(r"^(?:https?:)?//(?:[\w-]+\.)*gravatar\.com/avatar/", re.IGNORECASE)
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
        if post.type in FORM_TYPES:
            post = _form(post, scrub)
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
    author = comment.author
    avatar = None if author.avatar and _GRAVATAR.match(author.avatar) else author.avatar
    author = replace(author, email=scrub(author.email), ip=scrub(author.ip), avatar=avatar)
    meta = tuple(Meta(m.key, _comment_meta(m.value, scrub)) for m in comment.meta)
    return replace(comment, author=author, meta=meta)


def _comment_meta(value: Any, scrub: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return "" if _GRAVATAR.match(value) else value
    return _scrub_value(value, scrub)


def _form(post: Post, scrub: Callable[[str], str]) -> Post:
    """A form submission with every e-mail and IP address in its text and meta scrubbed."""
    content = replace(post.content, raw=scrub_text(post.content.raw, scrub))
    if post.content.html is not None:
        content = replace(content, html=scrub_text(post.content.html, scrub))
    meta = tuple(Meta(m.key, _scrub_all(m.value, scrub)) for m in post.meta)
    title_raw = scrub_text(post.title_raw, scrub) if post.title_raw is not None else None
    return replace(post, title=scrub_text(post.title, scrub), title_raw=title_raw,
                   excerpt=scrub_text(post.excerpt, scrub), content=content, meta=meta)


def scrub_text(text: str, scrub: Callable[[str], str]) -> str:
    """``text`` with each e-mail and IP address replaced by ``scrub`` of it."""
    if not text:
        return text
    text = _EMAIL.sub(lambda m: scrub(m.group()), text)
    return _IP.sub(lambda m: scrub(m.group()) if _is_ip(m.group()) else m.group(), text)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _scrub_all(value: Any, scrub: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return scrub_text(value, scrub)
    if isinstance(value, dict):
        return {k: _scrub_all(v, scrub) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub_all(v, scrub) for v in value]
    return value


def _scrub_value(value: Any, scrub: Callable[[str], str]) -> Any:
    if isinstance(value, dict):
        return {
            k: scrub(v) if k in PII_KEYS and isinstance(v, str) else _scrub_value(v, scrub) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_scrub_value(v, scrub) for v in value]
    return value
