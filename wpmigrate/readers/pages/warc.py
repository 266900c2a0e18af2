"""The HTML pages of a WARC file (web archives: the Wayback Machine, Archive-It, wget --warc).

Read with warcio. Only successful HTML responses count (``response`` records
with status 200, ``resource`` records of HTML); requests, metadata, revisits
(a repeat of a payload already kept) and other media are passed over. A record
warcio cannot read is reported and skipped: reading resumes at the next record
start found in the file, so one damaged record does not lose the rest.
"""

from __future__ import annotations

import io
import os
import zlib
from collections.abc import Iterator
from contextlib import redirect_stderr
from dataclasses import dataclass

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from wpmigrate.diagnostics import Diagnostics
from wpmigrate.readers.pages.documents import DamagedRecord

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_GZIP_MEMBER = b"\x1f\x8b\x08"
_RECORD_START = b"WARC/1."
#: What warcio raises on damage it finds: a bad header, a bad gzip member, a short read (and,
#: on some headers it cannot parse, AttributeError from inside it).
_DAMAGE = (ArchiveLoadFailed, ValueError, EOFError, OSError, zlib.error, IndexError, KeyError, TypeError, AttributeError)


@dataclass(frozen=True)
class WarcPage:
    """Where an HTML response is in the file, and what its headers said."""

    offset: int
    url: str | None
    charset: str | None


def html_records(path: str, diagnostics: Diagnostics) -> Iterator[WarcPage]:
    """The HTML pages of the WARC at ``path``, damaged records reported and skipped."""
    position, seen = 0, -1
    compressed = _is_gzip(path)
    while position is not None:
        good_until = position
        with open(path, "rb") as stream:
            stream.seek(position)
            archive = ArchiveIterator(stream)
            try:
                while (found := _next(archive, path, diagnostics)) is not None:
                    record, offset, length = found
                    good_until = max(good_until, offset + length)
                    page = _html_page(record, offset) if offset > seen else None
                    seen = max(seen, offset)
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
        # always forward: a damaged length may point back into records already read
        position = _next_record(path, max(good_until, position, seen) + 1, compressed)


def _next(archive: ArchiveIterator, path: str, diagnostics: Diagnostics):
    """The next record with its offset and length, or None at the end; what warcio prints
    about it (a Content-Length that does not fit) becomes a warning."""
    said = io.StringIO()
    with redirect_stderr(said):
        record = next(archive, None)
        where = (archive.get_record_offset(), archive.get_record_length()) if record is not None else None
    for line in said.getvalue().splitlines():
        if line.strip().startswith("WARNING:"):
            diagnostics.warn("warc-record-length", f"{line.strip().removeprefix('WARNING:').strip()}", file=path)
    return None if record is None else (record, *where)


def payload_at(path: str, offset: int, most: int = -1) -> bytes:
    """The HTTP payload (decoded from chunking and compression) of the record at ``offset``:
    at most ``most`` bytes of it, when given."""
    with open(path, "rb") as stream:
        stream.seek(offset)
        try:
            record = next(iter(ArchiveIterator(stream)))
            return record.content_stream().read(most)
        except (StopIteration, *_DAMAGE) as exc:
            raise DamagedRecord(f"the WARC record at byte {offset} cannot be read ({_reason(exc)})") from None


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
    """What went wrong, short and printable (warcio quotes the bytes it could not read)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    text = "".join(c if c.isprintable() and ord(c) < 128 else "?" for c in text)
    return text[:100] + ("..." if len(text) > 100 else "")
