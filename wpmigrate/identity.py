"""Who wrote a comment, and how they logged in.

WordPress records the commenter's identity in scattered places: Jetpack and
WordPress.com "Highlander" commentmeta (``hc_post_as``, ``hc_avatar``,
``hc_foreign_user_id``), Disqus sync meta and e-mail addresses, social-login
plugins' synthetic e-mails, ActivityPub meta, the author URL. The rules below
follow section 3.6 of the WordPress reference, most specific first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from wpmigrate.model import Meta

#: ``hc_post_as`` values and the provider names they map to.
_HC_POST_AS = {
    "facebook": "facebook",
    "twitter": "twitter",
    "googleplus": "google",
    "google": "google",
    "wordpress": "wordpress.com",
    "jetpack": "jetpack",
    "guest": "guest",
}
_SOCIAL_EMAIL = re.compile(
    r"^(\d+)@(facebook|twitter|google|linkedin|instagram|vkontakte|xing)\.com$", re.IGNORECASE
)
_DISQUS_EMAIL = re.compile(r"^(?:user-(\d+)|anonymized-[0-9a-f]{32})@disqus\.com$", re.IGNORECASE)
_WSL_EMAIL = re.compile(r"^(?:([a-z]+)_user_.*|[0-9a-f]{32})@example\.com$", re.IGNORECASE)
_FACEBOOK_APP_ID = re.compile(r"/app_scoped_user_id/(\d+)")
_GRAPH_PICTURE = re.compile(r"^https?://graph\.facebook\.com/(?:v[\d.]+/)?(\d+)/picture")
_LINKBACK_TYPES = {"pingback", "trackback", "webmention"}


@dataclass(frozen=True, slots=True)
class Identity:
    provider: str
    provider_id: str | None = None
    avatar: str | None = None


def classify(
    *,
    email: str,
    url: str,
    user_id: int | None,
    comment_type: str,
    meta: Iterable[Meta],
) -> Identity:
    """Decide the commenter's provider, their id there and avatar, from the data."""
    values = {m.key: m.value for m in meta if isinstance(m.value, str)}
    shown = values.get("hc_avatar") or None  # the avatar WordPress.com showed, whoever it was
    for rule in _RULES:
        found = rule(values, email.strip(), url.strip(), user_id, comment_type)
        if found is not None:
            return found if found.avatar or not shown or found.provider == "linkback" else replace(found, avatar=shown)
    return Identity("guest", avatar=shown)


def _highlander(values, email, url, user_id, comment_type) -> Identity | None:
    post_as = values.get("hc_post_as", "").strip().lower()
    avatar = values.get("hc_avatar") or None
    foreign_id = values.get("hc_foreign_user_id") or None
    if post_as:
        provider = _HC_POST_AS.get(post_as, post_as)
        return Identity(provider, foreign_id or _id_from_url(provider, url), avatar)
    if avatar:
        provider = _provider_from_avatar(avatar)
        if provider:
            return Identity(provider, foreign_id or _id_from_url(provider, url) or _id_from_avatar(avatar), avatar)
    return None


def _linkback(values, email, url, user_id, comment_type) -> Identity | None:
    if comment_type in _LINKBACK_TYPES:
        return Identity("linkback", url or None)
    return None


def _activitypub(values, email, url, user_id, comment_type) -> Identity | None:
    if values.get("protocol", "").lower() == "activitypub":
        return Identity("activitypub", values.get("source_id") or url or None, values.get("avatar_url") or None)
    return None


def _disqus(values, email, url, user_id, comment_type) -> Identity | None:
    match = _DISQUS_EMAIL.match(email)
    if match:
        return Identity("disqus", match.group(1))
    if "dsq_post_id" in values:
        return Identity("disqus")
    return None


def _by_url(values, email, url, user_id, comment_type) -> Identity | None:
    host = _host(url)
    if not host:
        return None
    if host.endswith("facebook.com"):
        return Identity("facebook", _id_from_url("facebook", url))
    if host in ("twitter.com", "x.com", "mobile.twitter.com"):
        return Identity("twitter", _id_from_url("twitter", url))
    if host == "plus.google.com":
        return Identity("google", _id_from_url("google", url))
    return None


def _by_email(values, email, url, user_id, comment_type) -> Identity | None:
    match = _SOCIAL_EMAIL.match(email)
    if match:
        return Identity(match.group(2).lower(), match.group(1))
    match = _WSL_EMAIL.match(email)
    if match and match.group(1):
        return Identity(match.group(1).lower())
    return None


def _local_user(values, email, url, user_id, comment_type) -> Identity | None:
    if user_id:
        return Identity("local", str(user_id))
    return None


def _wordpress_com_url(values, email, url, user_id, comment_type) -> Identity | None:
    host = _host(url)
    if host.endswith(".wordpress.com") or host in ("gravatar.com", "en.gravatar.com"):
        return Identity("wordpress.com", host.split(".")[0] if host.endswith(".wordpress.com") else None)
    return None


# Most specific first. A WordPress.com blog URL alone is weak evidence (guests
# may type one), so it comes after the local-user check.
_RULES = (_linkback, _highlander, _activitypub, _disqus, _by_url, _by_email, _local_user, _wordpress_com_url)


def _provider_from_avatar(avatar: str) -> str | None:
    host = _host(avatar)
    if host == "graph.facebook.com" or host.endswith(".fbcdn.net"):
        return "facebook"
    if host.endswith("twimg.com"):
        return "twitter"
    if "gravatar.com" in host and "highlander-comments" in avatar:
        return "wordpress.com"
    return None


def _id_from_avatar(avatar: str) -> str | None:
    """A Facebook user's id from their Graph API picture (``graph.facebook.com/v2.2/ID/picture``)."""
    found = _GRAPH_PICTURE.search(avatar)
    return found.group(1) if found else None


def _id_from_url(provider: str, url: str) -> str | None:
    try:
        path = urlsplit(url).path if url else ""
    except ValueError:  # http://[broken/
        return None
    if provider == "facebook":
        match = _FACEBOOK_APP_ID.search(path)
        if match:
            return match.group(1)
    if provider in ("facebook", "twitter", "google"):
        first = path.strip("/").split("/")[0]
        return first or None
    return None


def _host(url: str) -> str:
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return host.removeprefix("www.")
