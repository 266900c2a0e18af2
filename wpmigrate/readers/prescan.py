"""A quick byte-level pass that indexes what items need from later in the file.

A post's featured image (``_thumbnail_id``) and gallery usually name an
attachment that comes *after* the post, because WordPress exports by id and
uploads happen after the post is created. Streaming cannot look ahead, so
before the real parse this pass reads the raw bytes once with a regular
expression (several times faster than parsing), a run of items at a time
on each of ``jobs`` processes, and keeps a small index:
attachment id -> URL and parent post, plus the ``dc:creator`` logins that WXR
1.0 files never list as authors. An item's ``<title>`` comes before its id, so
the title is remembered for the attachment that follows. Memory is the size
of that index, not of the file.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from wpmigrate.model import Attachment
from wpmigrate.parallel import ordered_map
from wpmigrate.readers.runs import ItemRun, split_runs
from wpmigrate.readers.sources import Source

_FIELD = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?(title|post_id|post_parent|attachment_url|creator)>"
    rb"\s*(?:<!\[CDATA\[)?([^<\]]{0,8192}?)(?:\]\]>)?\s*</"
)


@dataclass
class PrescanIndex:
    attachments: dict[int, Attachment] = field(default_factory=dict)
    creators: dict[str, None] = field(default_factory=dict)  # ordered set


def prescan(sources: list[Source], jobs: int = 1) -> PrescanIndex:
    """Index attachments and creators over all parts of an export."""
    runs = (run for number, source in enumerate(sources) for run in split_runs(source, number, b""))
    index = PrescanIndex()
    for found in ordered_map(scan_run, runs, jobs, chunk=1):
        index.attachments.update(found.attachments)
        index.creators.update(found.creators)
    return index


def scan_run(run: ItemRun) -> PrescanIndex:
    """The index of one run of items (a run starts and ends between items)."""
    index = PrescanIndex()
    post_id: int | None = None
    parent: int | None = None
    title = item_title = ""
    for match in _FIELD.finditer(run.body()):
        name, value = match.group(1), match.group(2).strip()
        if name == b"title":
            title, post_id, parent = _text(value), None, None
        elif name == b"post_id":
            # the title belongs to this item only; one that did not match stays unknown
            post_id, parent, item_title, title = _int(value), None, title, ""
        elif name == b"post_parent":
            parent = _int(value)
        elif name == b"attachment_url" and post_id is not None and value:
            index.attachments[post_id] = Attachment(_text(value), parent or None, item_title)
        elif name == b"creator" and value:
            index.creators.setdefault(_text(value))
    return index


def _int(value: bytes) -> int | None:
    return int(value) if value.isdigit() else None


def _text(value: bytes) -> str:
    text = value.decode("utf-8", errors="replace")
    return html.unescape(text) if "&" in text else text
