"""Links between the site's own pages, made root-relative so that they follow the site to its new host.

A link to any of the old site's hosts (http or https, ``www.`` or not, its WordPress.com
address, the network's ``base_site_url``) becomes its path on the site: the new site serves
every post and page at its old path, and redirects every other old URL. Links to uploaded
files are left to the media step (``--download-media`` points them at the local copies).
Each rewritten or root-relative link is returned, so the writer can list those that lead
nowhere on the new site (:func:`lookup_keys`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from wpmigrate.writers.markdown.convert_html import is_media_url

_HREF = re.compile(r'(<a\b[^>]*?\shref=")([^"]*)(")', re.I)
#: Query names that pick a post by id on WordPress: their forms are redirected.
_ID_QUERIES = ("p", "page_id", "attachment_id", "cat", "tag", "author", "m", "paged", "feed")


@dataclass(frozen=True)
class SiteLinks:
    """The old site's hosts (without ``www.``) and the path its home is at (``/blog`` or "")."""

    hosts: frozenset[str] = frozenset()
    base_path: str = ""

    def rewrite(self, html: str) -> tuple[str, list[str]]:
        """``html`` with links to the site root-relative; and every internal link's path."""
        if 'href="/' not in html and not any(host in html for host in self.hosts):
            return html, []  # the common case, found without the regular expression
        found: list[str] = []

        def one(match: re.Match[str]) -> str:
            path = self.internal(match.group(2))
            if path is None:
                return match.group(0)
            found.append(path)
            return match.group(1) + path + match.group(3)

        return _HREF.sub(one, html), found

    def internal(self, url: str) -> str | None:
        """The root-relative path of ``url`` if it leads to a page of the site, else None."""
        if url.startswith("/") and not url.startswith("//"):
            path = url
        elif url[:4].lower() == "http" and self.hosts:
            try:
                parts = urlsplit(url)
                host = (parts.hostname or "").lower().removeprefix("www.")
            except ValueError:
                return None
            if parts.scheme.lower() not in ("http", "https") or host not in self.hosts:
                return None
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "") + (
                f"#{parts.fragment}" if parts.fragment else "")
        else:
            return None
        if is_media_url(path) or "/wp-content/" in path or "/wp-admin" in path or "/wp-login" in path:
            return None
        if self.base_path and (path == self.base_path or path.startswith(self.base_path + "/")):
            path = path[len(self.base_path):] or "/"
        return path


def site_links(*urls: str) -> SiteLinks:
    """The :class:`SiteLinks` of a site from its home URL first, then its other URLs."""
    hosts, base = set(), ""
    for position, url in enumerate(urls):
        try:
            parts = urlsplit(url or "")
            host = (parts.hostname or "").lower().removeprefix("www.")
        except ValueError:
            continue
        if host and host != "wordpress.com":
            hosts.add(host)
            if position == 0:
                base = parts.path.rstrip("/")
                hosts.add(wordpress_com_alias(host))
    return SiteLinks(frozenset(hosts), base)


def wordpress_com_alias(host: str) -> str:
    """The WordPress.com address a blog at ``host`` has (``blog.example.com`` is also
    ``blog.example.wordpress.com``): its name without the top-level domain."""
    if host.endswith(".wordpress.com"):
        return host
    return host.rsplit(".", 1)[0] + ".wordpress.com"


def lookup_keys(link: str) -> list[str]:
    """The addresses to look ``link`` up under: decoded, without its fragment, its query kept
    only when it names a post (``/?p=12``), with and without a trailing slash."""
    path, _, query = link.partition("#")[0].partition("?")
    path = unquote(path) or "/"
    if query:
        kept = "&".join(q for q in query.split("&") if q.split("=", 1)[0] in _ID_QUERIES)
        if kept:
            return [f"{path}?{kept}"]
    keys = [path]
    keys.append(path.rstrip("/") if path.endswith("/") and path != "/" else path + "/")
    return keys
