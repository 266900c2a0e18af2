"""Salvage what can be saved from a damaged export (``--recover``).

The document is cut into ``<item>…</item>`` pieces at the byte level, the way
WordPress's own regex-based importer reads files no XML parser accepts. Each
piece is parsed on its own, with the same repairs as the main reader: a piece
that parses is an item saved; one that parses only leniently is saved with a
warning that it may be incomplete; one that does not parse at all is reported
as lost, with its line. Memory is bounded by the largest item.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

from lxml import etree

from wpmigrate.diagnostics import Diagnostics
from wpmigrate.model import Post
from wpmigrate.readers.elements import ItemParser
from wpmigrate.readers.limits import DEFAULT_MAX_ITEM_BYTES, check_stretch
from wpmigrate.readers.repair import KNOWN_PREFIXES, RepairingStream
from wpmigrate.readers.sources import Source

CHUNK = 1 << 20
_ITEM_START = re.compile(rb"<item[\s>]")
_ITEM_END = b"</item>"
_ELEMENT_CDATA = re.compile(rb"(<([\w:.-]+)(?:\s[^>]*)?><!\[CDATA\[)(.*?)\]\]>(</\2>)", re.DOTALL)
_ROOT_TAG = re.compile(rb"<rss\b[^>]*>")
_XMLNS = re.compile(rb'xmlns:([A-Za-z_][\w.-]*)\s*=\s*"([^"]*)"')


def salvage_header(source: Source) -> etree._Element | None:
    """The ``<channel>`` header, parsed leniently from the bytes before the first item."""
    return parse_header(_head_bytes(source))


def parse_header(head: bytes) -> etree._Element | None:
    """The ``<channel>`` parsed leniently from the start of a document (cut at its first item)."""
    start = _ITEM_START.search(head)
    text = (head[: start.start()] if start else head) + b"</channel></rss>"
    root = etree.fromstring(_repaired(text), _parser(recover=True))
    if root is None:
        return None
    channel = root.find("channel")
    return channel if channel is not None else root


def salvage_items(
    source: Source,
    parser: ItemParser,
    *,
    after_line: int,
    kept: int,
    damage: str,
    diagnostics: Diagnostics,
    limit: int = DEFAULT_MAX_ITEM_BYTES,
) -> Iterator[Post]:
    """Every item that starts after ``after_line`` and can be read on its own.

    ``kept`` items before the damage (at ``damage``, "line:column") were already read.
    """
    wrapper = _wrapper(_head_bytes(source))
    saved = lost = lenient = 0
    for line, fragment, complete in _fragments(source, limit):
        if line <= after_line:
            continue
        item, damaged = _parse_fragment(wrapper, fragment) if complete else (None, True)
        if item is None:
            lost += 1
            reason = "the file ends inside it (truncated)" if not complete else "it cannot be parsed"
            diagnostics.error("item-lost", f"lost the item starting here: {reason}", file=source.name, line=line)
            continue
        item.sourceline = line
        post = parser.parse(item)
        if damaged:
            lenient += 1
            diagnostics.warn(
                "item-damaged", "item recovered from damaged XML; its content may be incomplete",
                file=source.name, line=line, item=post.id,
            )
        saved += 1
        yield post
    diagnostics.warn(
        "salvage-summary",
        f"--recover: kept {kept + saved} item(s): {kept} before the damage at line {damage}, "
        f"{saved} salvaged after it ({lenient} read leniently, maybe incomplete); {lost} lost",
        file=source.name,
    )


def _fragments(source: Source, limit: int) -> Iterator[tuple[int, bytes, bool]]:
    """``(start line, bytes, complete)`` for each ``<item>`` piece of the document.

    An item longer than ``limit`` stops it with :class:`ItemTooLargeError`.
    """
    line = 1
    offset = 0  # of the buffer's start in the document
    buffer = b""
    with source.open() as stream:
        eof = False
        while not eof or buffer:
            start = _ITEM_START.search(buffer)
            end = buffer.find(_ITEM_END, start.end()) if start else -1
            if start and end >= 0:
                stop = end + len(_ITEM_END)
                line += buffer.count(b"\n", 0, start.start())
                yield line, buffer[start.start() : stop], True
                line += buffer.count(b"\n", start.start(), stop)
                buffer, offset = buffer[stop:], offset + stop
                continue
            if eof:
                if start:
                    yield line + buffer.count(b"\n", 0, start.start()), buffer[start.start() :], False
                return
            chunk = stream.read(CHUNK)
            eof = not chunk
            if not start and len(buffer) > 64:
                line += buffer.count(b"\n", 0, len(buffer) - 64)
                buffer, offset = buffer[-64:], offset + len(buffer) - 64
            elif start:
                check_stretch(len(buffer) - start.start(), limit, source.name, offset + start.start())
            buffer += chunk


def _parse_fragment(wrapper: tuple[bytes, bytes], fragment: bytes) -> tuple[etree._Element | None, bool]:
    """The item, and whether it was only read leniently (so may be incomplete)."""
    attempts = (
        (fragment, False),
        (_unnest_cdata(fragment), False),  # pre-1.2 exports did not split "]]>" inside CDATA
        (fragment, True),
    )
    for text, recover in attempts:
        try:
            root = etree.fromstring(_repaired(wrapper[0] + text + wrapper[1]), _parser(recover=recover))
        except etree.XMLSyntaxError:
            continue
        item = root.find("channel/item") if root is not None else None
        if item is not None:
            return item, recover
    return None, True


def _unnest_cdata(fragment: bytes) -> bytes:
    """Re-escape ``]]>`` inside each element's CDATA, as WXR 1.2 writers do."""

    def escape(match: re.Match[bytes]) -> bytes:
        return match.group(1) + match.group(3).replace(b"]]>", b"]]]]><![CDATA[>") + b"]]>" + match.group(4)

    return _ELEMENT_CDATA.sub(escape, fragment)


def _wrapper(head: bytes) -> tuple[bytes, bytes]:
    """``<rss …><channel>`` with the document's namespaces, and its closing tags."""
    root = _ROOT_TAG.search(head)
    found = _XMLNS.finditer(root.group()) if root else ()
    declared = {m.group(1).decode(): m.group(2).decode("utf-8", "replace") for m in found}
    for prefix, uri in KNOWN_PREFIXES.items():
        declared.setdefault(prefix, uri)
    decls = " ".join(f'xmlns:{p}="{uri}"' for p, uri in sorted(declared.items()))
    return f"<rss {decls}><channel>".encode(), b"</channel></rss>"


def _head_bytes(source: Source) -> bytes:
    with source.open() as stream:
        return stream.read(256 * 1024)


def _repaired(text: bytes) -> bytes:
    return RepairingStream(io.BytesIO(text)).read()


def _parser(*, recover: bool) -> etree.XMLParser:
    return etree.XMLParser(
        recover=recover, huge_tree=True, resolve_entities=False, no_network=True, load_dtd=False,
        remove_comments=True, remove_pis=True,
    )
