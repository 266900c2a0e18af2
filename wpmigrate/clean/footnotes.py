"""Block-editor footnotes (``core/footnotes``): the list WordPress renders from the post's meta.

The editor keeps each reference in the content (``<sup data-fn="ID" class="fn"><a
href="#ID" id="ID-link">1</a></sup>``) but the notes' text in the post meta
``footnotes``, as JSON (``[{"id": "ID", "content": "HTML"}, ...]``). The block
itself is void (``<!-- wp:footnotes /-->``): WordPress renders the list on the
server (``render_block_core_footnotes``), so without this step the notes are lost.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter

from wpmigrate.model import Post

META_KEY = "footnotes"
_VOID_BLOCK = re.compile(r"<!--\s+wp:(?:core/)?footnotes\s+(?:\{.*?\}\s+)?/-->", re.S | re.ASCII)


def render_footnotes(raw: str, post: Post, counts: Counter[str]) -> str:
    """``raw`` with its void footnotes block holding the list WordPress renders for ``post``.

    Left as it is (the block is then dropped and counted as usual) when the post has no
    notes; meta that does not decode is counted as ``footnotes:bad-meta``.
    """
    if "footnotes" not in raw or not _VOID_BLOCK.search(raw):
        return raw
    notes = _notes(post)
    if notes is None:
        counts["footnotes:bad-meta"] += 1
        return raw
    if not notes:
        return raw
    items = "".join(
        f'<li id="{html.escape(note_id)}">{content} <a href="#{html.escape(note_id)}-link" '
        f'aria-label="Jump to footnote reference {number}">↩︎</a></li>'
        for number, (note_id, content) in enumerate(notes, 1)
    )
    rendered = f'<!-- wp:footnotes -->\n<ol class="wp-block-footnotes">{items}</ol>\n<!-- /wp:footnotes -->'
    return _VOID_BLOCK.sub(lambda _: rendered, raw, count=1)


def _notes(post: Post) -> list[tuple[str, str]] | None:
    """``(id, content)`` of each note in the meta; ``[]`` without the meta, None when it is unreadable."""
    values = [meta.value for meta in post.meta if meta.key == META_KEY]
    if not values or values[0] in ("", None):
        return []
    value = values[0]
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):  # RecursionError: nested thousands deep
            return None
    if not isinstance(value, list):
        return None
    notes = []
    for note in value:
        if not isinstance(note, dict) or not isinstance(note.get("id"), str):
            return None
        notes.append((note["id"], str(note.get("content") or "")))
    return notes
