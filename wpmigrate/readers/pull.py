"""Stream the ``<item>`` elements of a document; an item counts only if it parsed before any damage.

``etree.iterparse`` gives a different count of items before an error from
one lxml release to the next: lxml 6.2 drops the events libxml2 produced in
the chunk where it met the error, older releases hand them out, and recent
libxml2 goes on parsing past some errors, so events can even come from after
the damage. How many items a damaged export yielded depended on the release
and on where its 32 KiB chunks happened to fall.

:class:`ItemPull` feeds an ``XMLPullParser`` itself, in pieces cut after every
``</item>`` end tag (and, when start events are asked for, every ``<item>``
start tag). A piece that parses without error can only produce events of
markup before its end, all of it sound, so its events are handed out; the
events of the piece that raises are dropped. An item is therefore read before
the damage exactly when its end tag comes before the piece holding the
damage: the same answer with every lxml. The cuts cost about 10% of a bare
parse, and under 1% of reading items into the model.

A stretch longer than the item limit (limits.py) with no cut stops the
reading before libxml2 has buffered it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import BinaryIO

from lxml import etree

from wpmigrate.readers.limits import DEFAULT_MAX_ITEM_BYTES, check_stretch

#: Bytes read from the stream at a time (iterparse's own default is 32 KiB).
CHUNK = 1 << 16
#: Where pieces are cut for end events: after each item end tag.
_END_TAG = re.compile(rb"</item\s*>")
#: Where pieces are cut for start events too: after each item start tag as well.
_START_OR_END_TAG = re.compile(rb"<item(?:\s[^>]*)?/?>|</item\s*>")
#: A tag cut by a chunk's end is carried to the next chunk when it starts this close to the end.
_TAG_CARRY = 256


class ItemPull:
    """``(event, element)`` pairs for the ``<item>`` elements of ``stream``, as iterparse gives them.

    After the iteration ends without error, :attr:`root` is the document's root.
    """

    def __init__(
        self, stream: BinaryIO, events: tuple[str, ...], name: str = "<stream>", limit: int = DEFAULT_MAX_ITEM_BYTES
    ) -> None:
        self._stream = stream
        self._name = name
        self._limit = limit
        self._parser = etree.XMLPullParser(
            events=events,
            tag="item",
            huge_tree=True,
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            remove_comments=True,
            remove_pis=True,
        )
        self._cuts = _START_OR_END_TAG if "start" in events else _END_TAG
        self.root: etree._Element | None = None

    def __iter__(self) -> Iterator[tuple[str, etree._Element]]:
        for piece in _pieces(self._stream, self._cuts, self._name, self._limit):
            yield from self._step(self._parser.feed, piece)
        self.root = yield from self._step(self._parser.close)

    def _step(self, call: Callable, *args):
        """``call(*args)``, then the events it produced; none of them when it raised."""
        result = call(*args)
        yield from self._parser.read_events()
        return result


def _pieces(stream: BinaryIO, cuts: re.Pattern[bytes], name: str, limit: int) -> Iterator[bytes]:
    """The stream's bytes, cut after every match of ``cuts`` (and at chunk ends).

    Raises :class:`ItemTooLargeError` once more than ``limit`` bytes pass without a cut.
    """
    carry = b""
    offset = last_cut = 0  # of data's start, and of the last cut, in the stream
    while chunk := stream.read(CHUNK):
        data = carry + chunk
        tail = data.rfind(b"<", max(0, len(data) - _TAG_CARRY))
        carry, data = (data[tail:], data[:tail]) if tail >= 0 else (b"", data)
        start = 0
        for tag in cuts.finditer(data):
            yield data[start : tag.end()]
            start = tag.end()
            last_cut = offset + start
        offset += len(data)
        check_stretch(offset - last_cut, limit, name, last_cut)
        if start < len(data):
            yield data[start:]
    if carry:
        yield carry
