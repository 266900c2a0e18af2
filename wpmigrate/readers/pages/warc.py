"""The HTML pages of a WARC file (web archives: the Wayback Machine, Archive-It, wget --warc).

Read with warcio. Only successful HTML responses count (``response`` records
with status 200, ``resource`` records of HTML); requests, metadata, revisits
(a repeat of a payload already kept) and other media are passed over. A record
warcio cannot read is reported and skipped: reading resumes at the next record
start found in the file, so one damaged record does not lose the rest.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from wpmigrate.diagnostics import Diagnostics

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_GZIP_MEMBER = b"\x1f\x8b\x08"
_RECORD_START = b"WARC/1."
#: What warcio raises on damage it finds: a bad header, a bad gzip member, a short read.
_DAMAGE = (ArchiveLoadFailed, ValueError, EOFError, OSError, zlib.error, IndexError, KeyError, TypeError)


class DamagedRecord(Exception):
    """A WARC record whose payload cannot be read."""


@dataclass(frozen=True)
class WarcPage:
    """Where an HTML response is in the file, and what its headers said."""

    offset: int
    url: str | None
    charset: str | None


def html_records(path: str, diagnostics: Diagnostics) -> Iterator[WarcPage]:
    """The HTML pages of the WARC at ``path``, damaged records reported and skipped."""
    position = 0
    compressed = _is_gzip(path)
    while position is not None:
        good_until = position
        with open(path, "rb") as stream:
            stream.seek(position)
            records = ArchiveIterator(stream)
            try:
                for record in records:
                    offset = records.get_record_offset()
                    good_until = offset + records.get_record_length()
                    page = _html_page(record, offset)
                    if page is not None:
                        yield page
                return
            except _DAMAGE as exc:
                diagnostics.warn(
                    "warc-record-damaged",
                    f"a damaged WARC record after byte {good_until} ({_reason(exc)}); "
                    "skipped to the next readable record",
                    file=path,
                )
        position = _next_record(path, good_until + 1, compressed)


def payload_at(path: str, offset: int) -> bytes:
    """The HTTP payload (decoded from chunking and compression) of the record at ``offset``."""
    with open(path, "rb") as stream:
        stream.seek(offset)
        try:
            record = next(iter(ArchiveIterator(stream)))
            return record.content_stream().read()
        except (StopIteration, *_DAMAGE) as exc:
            raise DamagedRecord(f"{path}: the WARC record at byte {offset} cannot be read ({_reason(exc)})") from None


def _html_page(record, offset: int) -> WarcPage | None:
    url = record.rec_headers.get_header("WARC-Target-URI")
    if record.rec_type == "response":
        headers = record.http_headers
        if headers is None or headers.get_statuscode() != "200":
            return None
        content_type = headers.get_header("Content-Type") or ""
    elif record.rec_type == "resource":
        content_type = record.rec_headers.get_header("Content-Type") or ""
    else:
        return None
    media, _, params = content_type.partition(";")
    if media.strip().lower() not in _HTML_TYPES:
        return None
    return WarcPage(offset, url, _charset(params))


def _charset(params: str) -> str | None:
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def _is_gzip(path: str) -> bool:
    with open(path, "rb") as stream:
        return stream.read(2) == _GZIP_MEMBER[:2]


def _next_record(path: str, start: int, compressed: bool) -> int | None:
    """The offset of the next place a record may start at or after ``start``, or None."""
    marker = _GZIP_MEMBER if compressed else _RECORD_START
    size = os.path.getsize(path)
    with open(path, "rb") as stream:
        position = start
        while position < size:
            stream.seek(position)
            block = stream.read(1024 * 1024 + len(marker))
            found = block.find(marker)
            if found >= 0:
                return position + found
            position += 1024 * 1024
    return None


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]
