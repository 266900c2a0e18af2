"""Tell what an input is from its first bytes, before any parsing.

Gives a clear answer for inputs that are not WordPress exports (empty,
binary, HTML, a plain RSS or Atom feed) and refuses documents that declare
XML entities, which WordPress never writes and entity-expansion attacks need.
"""

from __future__ import annotations

import gzip
import re
import zlib
from dataclasses import dataclass

from wpmigrate.errors import NotWXRError, UnsafeInputError
from wpmigrate.readers.sources import Source, damaged_gzip

HEAD_BYTES = 64 * 1024
_PROLOG = re.compile(
    r"^(?:\s+|<\?.*?\?>|<!--.*?-->)*",
    re.DOTALL,
)
_FIRST_TAG = re.compile(r"<([A-Za-z_][\w.:-]*)")
_DOCTYPE = re.compile(r"<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>", re.DOTALL | re.IGNORECASE)
_GENERATOR_COMMENT = re.compile(r'<!--\s*generator="([^"]*)"')
_WXR_NAMESPACE = re.compile(r"wordpress\.(?:org|com)/export/")
_WP_ELEMENT = re.compile(r"<wp:(?:wxr_version|post_id|author|category|base_site_url)\b")


@dataclass(frozen=True)
class Head:
    """What the first bytes of a WXR document told."""

    generator_comment: str | None
    declares_wp_namespace: bool


def sniff(source: Source) -> Head:
    """Check that ``source`` looks like a WXR document; raise a clear error if not."""
    try:
        with source.open() as stream:
            raw = stream.read(HEAD_BYTES)
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:  # a zip member's damage
        raise damaged_gzip(source.name, exc) from None
    if not raw.strip():
        raise NotWXRError(
            f"{source.name}: the file is empty",
            hint="export again from Tools > Export in WordPress; the download may have failed",
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = raw.decode("utf-16", errors="replace")
    elif b"\x00" in raw[:4096]:
        raise NotWXRError(
            f"{source.name}: this is a binary file, not a WordPress export",
            hint="a WordPress export is an XML file (or a .zip/.gz of one) from Tools > Export",
        )
    else:
        text = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
    _check_root(source.name, text)
    generator = _GENERATOR_COMMENT.search(text)
    return Head(
        generator_comment=generator.group(1) if generator else None,
        declares_wp_namespace=bool(_WXR_NAMESPACE.search(text)),
    )


def _check_root(name: str, text: str) -> None:
    body = _skip_prolog(text)
    if body[:9].upper() == "<!DOCTYPE":
        _check_doctype(name, body)
        if body[9:].lstrip()[:4].lower() == "html":
            _raise_html(name)
        doctype = _DOCTYPE.match(body)
        body = _skip_prolog(body[doctype.end() :] if doctype else body[9:])
    first = _FIRST_TAG.match(body)
    if first is None:
        raise NotWXRError(
            f"{name}: this is not XML (it does not start with a tag)",
            hint="a WordPress export is an XML file from Tools > Export",
        )
    tag = first.group(1)
    lowered = tag.lower()
    if lowered == "html":
        _raise_html(name)
    if lowered == "feed":
        raise NotWXRError(
            f"{name}: this is an Atom feed, not a WordPress export",
            hint="feeds hold only recent posts; export everything from Tools > Export",
        )
    if lowered != "rss":
        raise NotWXRError(
            f"{name}: XML whose root element is <{tag}>, not a WordPress export",
            hint="WordPress exports (WXR) start with <rss> and hold a <channel>",
        )
    if not (_WXR_NAMESPACE.search(text) or _WP_ELEMENT.search(text)):
        raise NotWXRError(
            f"{name}: this is an RSS feed, not a WordPress export (no wp: elements)",
            hint="feeds hold only recent posts; export everything from Tools > Export",
        )


def _skip_prolog(text: str) -> str:
    return text[_PROLOG.match(text).end() :]


def _raise_html(name: str) -> None:
    raise NotWXRError(
        f"{name}: this is an HTML page, not a WordPress export",
        hint="download the export from Tools > Export (a .xml file); without one, "
        "`wpmigrate convert` reads the blog from its pages (a saved page, a mirror folder, a WARC file)",
    )


def _check_doctype(name: str, body: str) -> None:
    if "<!ENTITY" in body[:HEAD_BYTES]:
        raise UnsafeInputError(
            f"{name}: the file declares XML entities in a DOCTYPE, which WordPress never writes",
            hint="refusing to expand them (a possible entity-expansion or external-entity attack); "
            "remove the DOCTYPE if you trust the file",
        )
