"""Links that point at the wrong copy of the site: an old domain, or plain http.

An item's permalink and attachment URL are the site's own: on another host,
the site moved and the export still names its old domain. Items keep the
``guid`` they were created with, so guid hosts other than the site's are
remembered as its earlier domains, and content links into
``/wp-content/uploads/`` or to ``?p=``/``?page_id=`` on one of those are
reported too (on any other host they are links to other sites: nobody's
business here). On an ``https://`` site, any ``http://`` link to the site's
own host is mixed content. Each item gets at most one finding of each code,
counting what it found.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

from wpmigrate.model import Post
from wpmigrate.validate.findings import Findings

_CONTENT_URL = re.compile(r"""(?:href|src)\s*=\s*["']?(https?://[^"'\s<>]+)""", re.IGNORECASE)
_SITE_PATH = re.compile(r"/wp-content/uploads/|[?&](?:p|page_id|attachment_id)=\d")
#: Hosts that serve a site's files without being another site (WordPress.com's CDNs).
_CDN_SUFFIXES = (".files.wordpress.com", ".wp.com")
_SHOWN_HOSTS = 3
#: Earlier domains remembered from guids, at most.
MAX_OLD_HOSTS = 100


def split_url(url: str) -> tuple[str, str]:
    """``(scheme, host)`` of a URL, the host lower-cased and without ``www.``."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return "", ""
    return parts.scheme.lower(), host.removeprefix("www.")


class LinkRules:
    """``link-scheme-mixed`` and ``link-foreign-domain`` for each item."""

    def __init__(self, findings: Findings, base_url: str) -> None:
        self.findings = findings
        self.here = findings.position
        self.base = base_url.rstrip("/")
        self.scheme, self.host = split_url(base_url)
        #: Hosts of guids other than the site's: where the site used to be.
        self.old_hosts: set[str] = set()

    def check(self, post: Post) -> None:
        if not self.host:
            return
        self._remember(post.guid)
        mixed: Counter[str] = Counter()
        foreign: Counter[str] = Counter()
        for url, own in self._urls(post):
            scheme, host = split_url(url)
            if not host:
                continue
            if host == self.host:
                if scheme == "http" and self.scheme == "https":
                    mixed[f"{scheme}://{host}"] += 1
            elif own and not host.endswith(_CDN_SUFFIXES):
                foreign[host] += 1
            elif host in self.old_hosts and _SITE_PATH.search(url):
                foreign[host] += 1
        where = {"file": self.here.file, "line": self.here.line, "item": post.id}
        if mixed:
            self.findings.report(
                "link-scheme-mixed",
                f"{_counted(mixed)}, but the site is {self.base}: browsers block or warn about such "
                "mixed content; replace them by https://",
                **where,
            )
        if foreign:
            self.findings.report(
                "link-foreign-domain",
                f"{_counted(foreign)} (permalinks, attachments or uploads), but the site is {self.base}: "
                f"an old domain? Replace it by {self.host} before importing",
                **where,
            )

    def _remember(self, guid: str) -> None:
        if "://" in guid and len(self.old_hosts) < MAX_OLD_HOSTS:
            host = split_url(guid)[1]
            if host and host != self.host and not host.endswith(_CDN_SUFFIXES):
                self.old_hosts.add(host)

    @staticmethod
    def _urls(post: Post):
        if post.link:
            yield post.link, True
        if post.attachment_url:
            yield post.attachment_url, True
        raw = post.content.raw
        if "://" in raw:
            for match in _CONTENT_URL.finditer(raw):
                yield match.group(1), False


def _counted(hosts: Counter[str]) -> str:
    total = sum(hosts.values())
    names = ", ".join(name for name, _ in hosts.most_common(_SHOWN_HOSTS))
    more = f" and {len(hosts) - _SHOWN_HOSTS} more" if len(hosts) > _SHOWN_HOSTS else ""
    return f"{total} link(s) to {names}{more}"
