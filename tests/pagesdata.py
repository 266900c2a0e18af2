"""Page fixtures of issue 19 (fixtures/pages/) and a WARC file built from their mirror folder.

``build_warc`` writes what a crawler (wget --warc-file, Heritrix, Browsertrix) would have kept
of the mirrored site: a warcinfo record, then for every file a request and a response record
with HTTP headers and the page as the server sent it (links absolute again, as before
wget --convert-links rewrote them), plus what real crawls also hold: a revisit record for a
duplicate, a redirect, non-HTML responses (robots.txt, a stylesheet, an image, the RSS feed)
and, if asked, one broken record (a gzip member cut short in the middle of the file).
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from tests.conftest import FIXTURES

PAGES = FIXTURES / "pages"
MIRROR = PAGES / "mirror"
#: The mirrored file the WARC holds only as a broken record (it duplicates first-frost).
BROKEN_FILE = "example.test/2016/11/22/first-frost/index.html?replytocom=5.html"
#: The mirrored file the WARC holds as a revisit of first-frost (identical payload).
REVISIT_FILE = "example.test/index.html?p=12.html"
CRAWL_DATE = "2024-01-15T10:00:00Z"

_QUERY_NAME = re.compile(r"^index\.html\?(.*)\.html$")
_LINK = re.compile(r"""\b(href|src)=(["'])([^"']*)\2""")


@dataclass(frozen=True)
class Capture:
    """One mirrored file as the crawler fetched it."""

    file: str  # path inside the mirror folder
    url: str
    content_type: str
    body: bytes


def url_of(file: str) -> str:
    """The URL wget saved ``file`` from (``host/dir/index.html?x=1.html`` -> ``https://host/dir/?x=1``)."""
    host, _, path = file.partition("/")
    folder, name = posixpath.split(path)
    prefix = f"https://{host}/{folder + '/' if folder else ''}"
    if name == "index.html":
        return prefix
    query = _QUERY_NAME.match(name)
    if query:
        return f"{prefix}?{query.group(1)}"
    if name.endswith(".css") and "?" in name:  # --adjust-extension: style.css?ver=1 -> style.css?ver=1.css
        return prefix + name[: -len(".css")]
    return prefix + name


def unconvert_links(file: str, html: str) -> str:
    """Undo wget --convert-links: relative links to mirrored files become absolute URLs again."""
    folder = posixpath.dirname(file)

    def absolute(match: re.Match) -> str:
        attr, quote, value = match.groups()
        if re.match(r"^(?:[a-z][a-z0-9+.-]*:|//|#)", value, re.IGNORECASE) or not value:
            return match.group(0)
        target, hash_, fragment = value.partition("#")
        local = posixpath.normpath(posixpath.join(folder, unquote(target)))
        return f"{attr}={quote}{url_of(local)}{hash_}{fragment}{quote}"

    return _LINK.sub(absolute, html)


def _content_type(file: str, body: bytes) -> str:
    if file.endswith(".png"):
        return "image/png"
    if file.endswith(".css"):
        return "text/css"
    if file.endswith(".txt"):
        return "text/plain; charset=utf-8"
    if body.lstrip().startswith(b"<?xml"):
        return "application/rss+xml; charset=UTF-8"
    return "text/html; charset=UTF-8"


def captures(mirror: Path = MIRROR) -> Iterator[Capture]:
    """Every file of the mirror folder, in a stable order, as the server sent it."""
    for path in sorted(p for p in mirror.rglob("*") if p.is_file()):
        file = path.relative_to(mirror).as_posix()
        body = path.read_bytes()
        content_type = _content_type(file, body)
        if content_type.startswith("text/html"):
            body = unconvert_links(file, body.decode("utf-8")).encode("utf-8")
        yield Capture(file, url_of(file), content_type, body)


def _digest(body: bytes) -> str:
    import base64

    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def build_warc(target: Path, mirror: Path = MIRROR, *, broken: bool = True) -> dict[str, str]:
    """Write a gzipped WARC of the mirror folder to ``target``; returns {role: URL} of the
    special records ("broken", "revisit", "redirect")."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    special: dict[str, str] = {}
    all_captures = list(captures(mirror))
    by_url = {c.url: c for c in all_captures}

    def response(writer, capture: Capture, status: str = "200 OK", extra=()) -> None:
        host = capture.url.split("/")[2]
        path = "/" + capture.url.split("/", 3)[3]
        request = writer.create_warc_record(
            capture.url,
            "request",
            payload=io.BytesIO(b""),
            http_headers=StatusAndHeaders(
                f"GET {path} HTTP/1.1",
                [("Host", host), ("User-Agent", "Wget/1.21.4"), ("Accept", "*/*")],
                is_http_request=True,
            ),
            warc_headers_dict={"WARC-Date": CRAWL_DATE},
        )
        headers = [
            ("Date", "Mon, 15 Jan 2024 10:00:00 GMT"),
            ("Server", "nginx"),
            ("Content-Type", capture.content_type),
            ("Content-Length", str(len(capture.body))),
            *extra,
        ]
        record = writer.create_warc_record(
            capture.url,
            "response",
            payload=io.BytesIO(capture.body),
            http_headers=StatusAndHeaders(status, headers, protocol="HTTP/1.1"),
            warc_headers_dict={"WARC-Date": CRAWL_DATE},
        )
        writer.write_record(request)
        writer.write_record(record)

    with open(target, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(
            writer.create_warcinfo_record(
                target.name,
                {"software": "Wget/1.21.4 (wpmigrate tests)", "format": "WARC File Format 1.0", "robots": "classic"},
            )
        )
        for index, capture in enumerate(all_captures):
            if capture.file == BROKEN_FILE and broken:
                # A record cut off in mid-member (an interrupted crawl, a bad copy): the
                # gzip member stops halfway and the next record follows straight on.
                scratch = io.BytesIO()
                response(WARCWriter(scratch, gzip=True), capture)
                data = scratch.getvalue()
                out.write(data[: len(data) // 2])
                special["broken"] = capture.url
                continue
            if capture.file == REVISIT_FILE:
                original = by_url["https://example.test/2016/11/22/first-frost/"]
                revisit = writer.create_revisit_record(
                    capture.url,
                    digest=_digest(original.body),
                    refers_to_uri=original.url,
                    refers_to_date=CRAWL_DATE,
                    http_headers=StatusAndHeaders(
                        "200 OK", [("Content-Type", capture.content_type)], protocol="HTTP/1.1"
                    ),
                )
                writer.write_record(revisit)
                special["revisit"] = capture.url
                continue
            response(writer, capture)
            if index == 0:
                # A redirect the crawler followed: /?p=19 to the post's permalink.
                moved = Capture("", "https://example.test/?p=19", "text/html; charset=UTF-8", b"")
                response(
                    writer,
                    moved,
                    "301 Moved Permanently",
                    [("Location", "https://example.test/2017/01/10/ice-on-the-canal/")],
                )
                special["redirect"] = moved.url
    return special
