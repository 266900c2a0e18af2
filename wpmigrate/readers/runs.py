"""Cut a document into runs of items that parse on their own, for parallel reading.

Parsing every ``<item>`` in one process paces a converter that has more
cores. Instead, the document is cut after an ``</item>`` end tag about every
:data:`RUN_BYTES`, without parsing anything; each run, wrapped in the
document's own ``<rss …><channel>`` start tags, is a complete XML document a
worker parses by itself. For a plain file only the byte range travels: the
worker reads the bytes itself.

A cut is only a guess: ``</item>`` may sit inside a CDATA section (a post
showing RSS markup) or a comment. A wrong cut always leaves the run before it
unbalanced (an unterminated CDATA section, comment or element), so libxml2
refuses it; :class:`RunParser` then answers None, and the reader falls back to
streaming the document item by item from that point. Documents this module
cannot wrap (a DTD, no ``<rss><channel>`` start, UTF-16) are never cut.

More than the item limit (limits.py) with no ``</item>`` stops the cutting
with :class:`ItemTooLargeError`, so no run grows much past the limit.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache

from lxml import etree

from wpmigrate.diagnostics import Diagnostic, Diagnostics
from wpmigrate.model import Post
from wpmigrate.readers.elements import ItemContext, ItemParser
from wpmigrate.readers.limits import DEFAULT_MAX_ITEM_BYTES, check_stretch
from wpmigrate.readers.sources import Source

#: Bytes per run: enough to amortise the hand-over, small enough to spread the work evenly.
RUN_BYTES = 1 << 20
_HEAD_BYTES = 64 * 1024
_ITEM_END = b"</item>"
_ATTRIBUTES = rb"""(?:[^<>"']|"[^"<]*"|'[^'<]*')*"""
#: The head up to the channel's start tag: prolog, ``<rss …>`` and ``<channel …>``, nothing else.
_START_TAGS = re.compile(
    rb"\A(?:\xef\xbb\xbf)?(?:\s+|<\?(?:(?!\?>).)*\?>|<!--(?:(?!-->).)*-->)*"
    rb"<rss\b" + _ATTRIBUTES + rb">(?:\s+|<!--(?:(?!-->).)*-->)*<channel\b" + _ATTRIBUTES + rb">",
    re.DOTALL,
)
_END_TAGS = b"</channel></rss>"


@dataclass(frozen=True, slots=True)
class ItemRun:
    """Consecutive items of one document, as bytes a worker can parse alone."""

    #: Which document of the export the run comes from.
    document: int
    #: The document's own start tags (empty for the first run, which starts at byte 0).
    prefix: bytes
    #: The run's bytes, or None when the worker reads ``path`` from ``start`` to ``end``.
    data: bytes | None
    path: str | None
    start: int
    end: int
    #: Added to line numbers in the parsed run to give lines in the document.
    line_offset: int
    #: The document's last run ends with its own end tags.
    last: bool

    def body(self) -> bytes:
        """The run's own bytes."""
        return self.data if self.data is not None else _read_range(self.path, self.start, self.end)

    def xml(self) -> bytes:
        """The run as a complete document."""
        return self.prefix + self.body() + (b"" if self.last else _END_TAGS)


def start_tags(source: Source) -> bytes | None:
    """The document's bytes up to its ``<channel>`` start tag, or None when it cannot be cut."""
    with source.open() as stream:
        head = stream.read(_HEAD_BYTES)
    found = _START_TAGS.match(head)
    return found.group() if found else None


def split_runs(
    source: Source, document: int, prefix: bytes, limit: int = DEFAULT_MAX_ITEM_BYTES
) -> Iterator[ItemRun]:
    """The document's runs, in order; ``prefix`` is what :func:`start_tags` returned.

    For a plain file only the byte range travels (the worker reads the bytes
    itself), and the cuts are found once for the two passes over the file.
    """
    prefix_lines = prefix.count(b"\n")
    if source.path is not None:
        status = os.stat(source.path)
        cuts: Iterable[tuple[int, int, bytes | None, int, bool]] = _file_cuts(
            source.path, source.name, status.st_size, status.st_mtime_ns, RUN_BYTES, limit
        )
    else:
        cuts = _stream_cuts(source, limit)
    for start, end, data, lines_before, last in cuts:
        first = start == 0
        yield ItemRun(
            document, b"" if first else prefix, data, source.path, start, end,
            line_offset=0 if first else lines_before - prefix_lines, last=last,
        )


@lru_cache(maxsize=4)
def _file_cuts(
    path: str, name: str, size: int, mtime_ns: int, run_bytes: int, limit: int
) -> tuple[tuple[int, int, None, int, bool], ...]:
    """The cuts of a plain file, as byte ranges; cached while the file and run sizes stay the same."""
    with open(path, "rb") as stream:
        cuts = _cuts(stream, run_bytes, limit, name)
        return tuple((start, start + len(data), None, lines, last) for start, data, lines, last in cuts)


def _stream_cuts(source: Source, limit: int) -> Iterator[tuple[int, int, bytes, int, bool]]:
    with source.open() as stream:
        for start, data, lines, last in _cuts(stream, RUN_BYTES, limit, source.name):
            yield start, start + len(data), data, lines, last


def _cuts(stream, run_bytes: int, limit: int, name: str) -> Iterator[tuple[int, bytes, int, bool]]:
    """``(offset, bytes, newlines before, last)`` of each run of about ``run_bytes``, cut after
    its last ``</item>``; :class:`ItemTooLargeError` past ``limit`` bytes with none."""
    start = lines = 0
    carry = b""
    while True:
        block = stream.read(run_bytes)
        data = carry + block
        if not block:
            yield start, data, lines, True
            return
        # carry holds no end tag (but may hold the start of one): search what is new
        cut = data.rfind(_ITEM_END, max(0, len(carry) - len(_ITEM_END)))
        if cut < 0:
            check_stretch(len(data), limit, name, start)
            carry = data
            continue
        if len(data) > limit:  # only when the limit is below a run's size
            _check_gaps(data, limit, name, start)
        cut += len(_ITEM_END)
        yield start, data[:cut], lines, False
        lines += data.count(b"\n", 0, cut)
        start += cut
        carry = data[cut:]


def _check_gaps(data: bytes, limit: int, name: str, offset: int) -> None:
    """:func:`check_stretch` for each stretch of ``data`` that ends with an ``</item>``."""
    start = 0
    while (end := data.find(_ITEM_END, start)) >= 0:
        end += len(_ITEM_END)
        check_stretch(end - start, limit, name, offset + start)
        start = end


def _read_range(path: str | None, start: int, end: int) -> bytes:
    assert path is not None
    with open(path, "rb") as file:
        return os.pread(file.fileno(), end - start, start)


class RunParser:
    """Parses an :class:`ItemRun` into its posts, each with the diagnostics it raised."""

    _parser = etree.XMLParser(
        huge_tree=True, resolve_entities=False, no_network=True, load_dtd=False,
        remove_comments=True, remove_pis=True,
    )

    def __init__(self, contexts: list[ItemContext]) -> None:
        self.contexts = contexts

    def __call__(self, run: ItemRun) -> list[tuple[Post, list[Diagnostic]]] | None:
        """The run's posts; None when libxml2 refuses the run (a wrong cut, or damage)."""
        try:
            root = etree.fromstring(run.xml(), self._parser)
        except etree.XMLSyntaxError:
            return None
        channel = root.find("channel") if root.tag == "rss" else None
        if channel is None:
            return None
        context = replace(self.contexts[run.document], position=None, line_offset=run.line_offset)
        parser = ItemParser(context)
        posts = []
        for item in channel.iterchildren("item"):
            context.diagnostics = found = Diagnostics()  # each post's own, to travel with it
            posts.append((parser.parse(item), list(found)))
        return posts
