"""The HTML documents an input holds: a saved page, a mirror folder, a WARC file.

Each document is a :class:`PageDoc`: where it came from (for messages), the
URL it was saved from where that is known, and how to load its bytes again.
A doc is plain data, so a worker process can load and read it on its own.
"""

from __future__ import annotations

import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote, unquote, urljoin, urlsplit

from wpmigrate.diagnostics import Diagnostics
from wpmigrate.errors import InputError
from wpmigrate.readers.limits import DEFAULT_MAX_ITEM_BYTES, PageTooLargeError

#: How many bytes tell an HTML page from a WXR file.
HEAD_BYTES = 4096
_HTML_TAGS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<title")
_SAVED_FROM = re.compile(rb"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", re.IGNORECASE)
_HTTRACK = re.compile(rb"<!--\s*Mirrored from (\S+) by HTTrack", re.IGNORECASE)
_HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".php", ".asp", ".aspx")
#: wget's --adjust-extension names a page saved from ``/?p=12`` ``index.html?p=12.html``.
_QUERY_IN_NAME = re.compile(r"^(.*?)\?(.*?)(?:\.html?)?$")


class DamagedRecord(Exception):
    """A WARC record whose payload cannot be read."""


@dataclass(frozen=True)
class PageDoc:
    """One HTML document of the input."""

    #: Where it is, for messages: a file path, or ``crawl.warc.gz#offset``.
    name: str
    #: The URL it was saved from, when the input tells it (WARC, mirror layout, page comments).
    url: str | None
    #: The file the bytes are in.
    path: str
    #: For a WARC record: its offset in ``path``; None for a plain file.
    offset: int | None = None
    #: The charset its HTTP headers declared, for a WARC record.
    charset: str | None = None
    #: For a page of a mirror folder: the folder (links between its files lead to addresses).
    mirror: str | None = None

    def load(self, limit: int = DEFAULT_MAX_ITEM_BYTES) -> bytes:
        """The document's bytes; :class:`PageTooLargeError` past ``limit`` (a WARC payload is
        read no further, whatever its compression would unpack to)."""
        if self.offset is None:
            with open(self.path, "rb") as stream:
                data = stream.read(limit + 1)
        else:
            from wpmigrate.readers.pages import warc

            data = warc.payload_at(self.path, self.offset, limit + 1)
        if len(data) > limit:
            raise PageTooLargeError(self.name, limit)
        return data

    def address(self, href: str | None) -> str | None:
        return web_address(self._address(href))

    def _address(self, href: str | None) -> str | None:
        """The address a link of this page leads to: absolute as written, or resolved against
        the page's own; in a mirror (wget ``--convert-links``), the file a relative link leads
        to gives the address it was saved from."""
        href = (href or "").strip()
        if not href or href.startswith(("#", "mailto:", "javascript:", "data:", "tel:")):
            return None
        if href.startswith(("http://", "https://")):
            return href
        if href.startswith("//"):
            return "https:" + href
        if self.mirror is not None and not href.startswith("/"):
            path, _, fragment = href.partition("#")
            path = path + "index.html" if path.endswith("/") or not path else path
            target = os.path.normpath(os.path.join(os.path.dirname(self.path), unquote(path)))
            found = _url_from_place(self.mirror, target) if target.startswith(self.mirror) else None
            if found:
                return found + (f"#{fragment}" if fragment else "")
        try:
            return urljoin(self.url, href) if self.url else None
        except ValueError:
            return None


def web_address(url: str | None) -> str | None:
    """``url`` if it is an http(s) address Python can take apart, else None (a page may hold
    ``http://[broken/``, which ``urlsplit`` refuses)."""
    if not url or not url.startswith(("http://", "https://")):
        return None
    try:
        urlsplit(url)
    except ValueError:
        return None
    return url


def input_kind(path: str) -> str | None:
    """``"folder"``, ``"warc"`` or ``"html"`` when ``path`` is a page input, else None."""
    if os.path.isdir(path):
        return "folder"
    try:
        head = _head(path)
    except OSError:
        return None
    if head.startswith(b"WARC/"):
        return "warc"
    return "html" if looks_like_html(head) else None


def looks_like_html(head: bytes) -> bool:
    """Whether the first bytes of a file are an HTML document's: after processing instructions
    and comments (a browser's "saved from", HTTrack's mark), an HTML start tag; never an RSS feed.
    Linear in ``head`` (a WXR file opens with a long comment)."""
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    while text.startswith(b"<?"):  # an XML declaration; WP Super Cache's files open with <?php die(); ?>
        end = text.find(b"?>")
        if end < 0:
            return False
        text = text[end + 2 :].lstrip()
    while text.startswith(b"<!--"):
        end = text.find(b"-->")
        if end < 0:
            return False
        text = text[end + 3 :].lstrip()
    lowered = text[:16].lower()
    opens = lowered.startswith(_HTML_TAGS[0]) or any(
        lowered.startswith(tag) and lowered[len(tag) : len(tag) + 1] in (b" ", b">", b"\t", b"\n", b"\r", b"/")
        for tag in _HTML_TAGS[1:]
    )
    return opens and b"<rss" not in head[:512].lower()


def _head(path: str) -> bytes:
    """The first bytes of the file, or of its first gzip member (a WARC is a series of them)."""
    with open(path, "rb") as stream:
        head = stream.read(HEAD_BYTES)
    if head.startswith(b"\x1f\x8b"):
        try:
            return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, HEAD_BYTES)
        except zlib.error:
            return head
    return head


def documents(path: str, kind: str, diagnostics: Diagnostics) -> Iterator[PageDoc]:
    """The HTML documents of one input of ``kind`` (see :func:`input_kind`)."""
    if kind == "warc":
        from wpmigrate.readers.pages import warc  # warcio (and fsspec) only for a WARC

        for record in warc.html_records(path, diagnostics):
            yield PageDoc(f"{path}#{record.offset}", web_address(record.url), path, record.offset, record.charset)
    elif kind == "folder":
        yield from _mirror(path)
    else:
        yield PageDoc(path, web_address(_saved_from(path)), path)


def _saved_from(path: str) -> str | None:
    """The URL a browser or HTTrack wrote into a saved page, if any."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(HEAD_BYTES)
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    found = _SAVED_FROM.search(head)
    if found:
        return found.group(1).decode("ascii", "replace")
    found = _HTTRACK.search(head)
    if found:
        address = found.group(1).decode("ascii", "replace")
        return address if "://" in address else "https://" + address
    return None


def _mirror(root: str) -> Iterator[PageDoc]:
    """Every HTML file under a mirror folder, in name order, with the URL its place implies.

    wget and HTTrack lay a site out as ``HOST/path/index.html``; a folder whose
    name looks like a host name is taken as the site's root.
    """
    root = os.path.normpath(root)
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith((".", "hts-")))
        for name in sorted(files):
            if not _is_page_name(name):
                continue
            path = os.path.join(folder, name)
            try:
                if not looks_like_html(_head(path)):
                    continue
            except OSError:
                continue
            yield PageDoc(path, web_address(_saved_from(path) or _url_from_place(root, path)), path, mirror=root)


def _is_page_name(name: str) -> bool:
    lowered = name.lower()
    return lowered.endswith(_HTML_SUFFIXES) or ("?" in lowered and ".htm" in lowered) or "." not in lowered


def _url_from_place(root: str, path: str) -> str | None:
    """``https://HOST/a/b/`` for ``ROOT/.../HOST/a/b/index.html`` (wget's layout)."""
    parts = os.path.relpath(path, os.path.dirname(root)).split(os.sep)
    for number, part in enumerate(parts[:-1]):
        if _is_host(part):
            return _url(part, parts[number + 1 :])
    return None


def _is_host(name: str) -> bool:
    return "." in name and re.fullmatch(r"[A-Za-z0-9.-]+(?::\d+)?", name) is not None and not name.startswith(".")


def _url(host: str, parts: list[str]) -> str:
    *folders, name = parts
    query = ""
    found = _QUERY_IN_NAME.match(name)
    if found:
        name, query = found.group(1), "?" + found.group(2)
    if name.lower() in ("index.html", "index.htm", "index-https.html", ""):  # the last: WP Super Cache's
        name = ""
    path = "/".join(quote(unquote(p)) for p in [*folders, name])
    return f"https://{host}/{path}{query}"
