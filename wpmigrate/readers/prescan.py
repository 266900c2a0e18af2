"""A quick byte-level pass that indexes what items need from later in the file.

A post's featured image (``_thumbnail_id``) and gallery usually name an
attachment that comes *after* the post, because WordPress exports by id and
uploads happen after the post is created. Streaming cannot look ahead, so
before the real parse this pass reads the raw bytes once with a regular
expression (several times faster than parsing), a run of items at a time
on each of ``jobs`` processes, and keeps a small index:
attachment id -> URL, parent post, caption and alt text, plus the ``dc:creator``
logins that WXR 1.0 files never list as authors. Each item is scanned on its own, so
its fields may come in any order. Memory is the size of that index, not of the file.
"""

from __future__ import annotations

import html
import re
from array import array
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from wpmigrate.ids import append_id, id_array
from wpmigrate.model import Attachment
from wpmigrate.parallel import ordered_map
from wpmigrate.readers.limits import DEFAULT_MAX_ITEM_BYTES
from wpmigrate.readers.runs import ItemRun, split_runs
from wpmigrate.readers.sources import Source

_VALUE = rb"\s*(?:<!\[CDATA\[)?([^<\]]{0,8192}?)(?:\]\]>)?\s*</"
#: The fields read: an item's own, its excerpt (an attachment's caption) and the key of its
#: ``_wp_attachment_image_alt`` meta (the image's alt text, read by ``_ALT_VALUE`` after it).
#: One branch, so that each ``<`` of the content costs one attempt (a look-behind for
#: ``excerpt:`` cost half the pass again: every ``content:encoded`` backtracked into it).
_FIELD = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?(title|post_id|post_parent|attachment_url|creator|excerpt:encoded"
    rb"|meta_key(?=>\s*(?:<!\[CDATA\[)?_wp_attachment_image_alt\b))>" + _VALUE
)
_ITEM_START = re.compile(rb"<item[\s>]")
_ALT_VALUE = re.compile(rb"(?:[A-Za-z_][\w.-]*:)?meta_key>\s*<(?:[A-Za-z_][\w.-]*:)?meta_value>" + _VALUE)


@dataclass
class PrescanIndex:
    attachments: dict[int, Attachment] = field(default_factory=dict)
    creators: dict[str, None] = field(default_factory=dict)  # ordered set


class AttachmentIndex(Mapping[int, Attachment]):
    """Every attachment of an export by id, in file order, packed into a few objects.

    An export of 1 GB holds about 100,000 attachments: as :class:`Attachment`
    objects and their strings they took about 40 MB, and worse, each worker
    process copied the pages of every one it looked up (a lookup changes the
    object's reference count, which writes to the page). Here the texts share
    one UTF-8 buffer and the parents one array; an :class:`Attachment` is made
    afresh on each lookup. A later entry for the same id replaces the earlier.
    """

    _FIELDS = 4  # url, title, caption, alt

    def __init__(self) -> None:
        self._slots: dict[int, int] = {}  # id -> entry number
        #: Field f of entry n is _text[_ends[4n + f]:_ends[4n + f + 1]].
        self._ends = array("q", [0])
        self._parents = id_array()  # 0: none (WordPress ids start at 1)
        self._text = bytearray()

    def add(self, key: int, attachment: Attachment) -> None:
        self._slots[key] = len(self._parents)
        self._parents = append_id(self._parents, attachment.parent or 0)
        for value in (attachment.url, attachment.title, attachment.caption, attachment.alt):
            self._text += value.encode("utf-8", "surrogatepass")
            self._ends.append(len(self._text))

    def __getitem__(self, key: int) -> Attachment:
        entry = self._slots[key]
        ends = self._ends[entry * self._FIELDS : (entry + 1) * self._FIELDS + 1]
        url, title, caption, alt = (
            self._text[start:end].decode("utf-8", "surrogatepass") for start, end in zip(ends, ends[1:])
        )
        return Attachment(url, self._parents[entry] or None, title, caption, alt)

    def parents(self) -> Iterator[tuple[int, int | None]]:
        """``(id, parent)`` of every attachment, without building the attachments."""
        parents = self._parents
        for key, entry in self._slots.items():
            yield key, parents[entry] or None

    def __contains__(self, key: object) -> bool:
        return key in self._slots

    def __iter__(self) -> Iterator[int]:
        return iter(self._slots)

    def __len__(self) -> int:
        return len(self._slots)


def prescan(
    sources: list[Source], jobs: int = 1, limit: int = DEFAULT_MAX_ITEM_BYTES
) -> tuple[AttachmentIndex, dict[str, None]]:
    """Index attachments, and the ordered set of creators, over all parts of an export.

    An item longer than ``limit`` stops it with :class:`ItemTooLargeError`.
    """
    runs = (run for number, source in enumerate(sources) for run in split_runs(source, number, b"", limit))
    attachments, creators = AttachmentIndex(), {}
    for found in ordered_map(scan_run, runs, jobs, chunk=1):
        for key, attachment in found.attachments.items():
            attachments.add(key, attachment)
        creators.update(found.creators)
    return attachments, creators


def scan_run(run: ItemRun) -> PrescanIndex:
    """The index of one run of items (a run starts and ends between items)."""
    index = PrescanIndex()
    body = run.body()
    starts = [match.start() for match in _ITEM_START.finditer(body)]
    for start, end in zip(starts, [*starts[1:], len(body)]):
        _scan_item(body, start, end, index)
    return index


def _scan_item(body: bytes, start: int, end: int, index: PrescanIndex) -> None:
    """Add what the item in ``body[start:end]`` tells: an attachment, a creator. Its fields
    come in any order (most exporters write WordPress's; some put the URL first)."""
    found: dict[bytes, bytes] = {}
    alt = b""
    for match in _FIELD.finditer(body, start, end):
        name, value = match.group(1), match.group(2).strip()
        if name == b"meta_key":
            value_match = _ALT_VALUE.match(body, match.end(), end)
            alt = alt or (value_match.group(1).strip() if value_match else b"")
        else:
            found.setdefault(name, value)
    if found.get(b"creator"):
        index.creators.setdefault(_text(found[b"creator"]))
    post_id, url = _int(found.get(b"post_id", b"")), found.get(b"attachment_url")
    if post_id is not None and url:
        parent = _int(found.get(b"post_parent", b""))
        index.attachments[post_id] = Attachment(
            _text(url), parent or None, _text(found.get(b"title", b"")),
            _text(found.get(b"excerpt:encoded", b"")), _text(alt),
        )


def _int(value: bytes) -> int | None:
    return int(value) if value.isdigit() and len(value) <= 4000 else None  # int() refuses 4,300+ digits


def _text(value: bytes) -> str:
    text = value.decode("utf-8", errors="replace")
    return html.unescape(text) if "&" in text else text
