"""The markers WordPress stores inside content: ``<!--more-->`` and ``<!--nextpage-->``.

Both are meant to be handled before ``wpautop`` (WordPress splits the raw content
and then formats each part), but a marker that ``wpautop`` already wrapped alone in
a ``<p>`` is handled too.
"""

from __future__ import annotations

import html
import re

#: What ``<!--nextpage-->`` becomes: a thematic break that says where a page ended,
#: on its own between blank lines so that it stays a block after ``wpautop``.
#: Writers that want separate pages split on it exactly.
NEXTPAGE_MARKER = '<hr class="wp-nextpage" />'

_MORE_SPAN_RE = re.compile(r'(<p>\s*)?<span id="more-\d+"></span>(\s*</p>)?')
# Block delimiters; their JSON never holds a raw "<" or ">", so [^<>]* keeps the scan linear.
_MORE_BLOCK_RE = re.compile(r"<!--\s+/?wp:(?:core/)?more\b[^<>]*-->(?:\r?\n)?")
_NEXTPAGE_BLOCK_RE = re.compile(r"<!--\s+/?wp:(?:core/)?nextpage\b[^<>]*-->")
_NEXTPAGE_IN_P_RE = re.compile(r"<p>\s*<!--nextpage-->\s*</p>")
_NOTEASER = "<!--noteaser-->"
_TAG_RE = re.compile(r"<[^>]*>")
_P_OPEN_TAIL_RE = re.compile(r"<p>\s*\Z")
_P_CLOSE_HEAD_RE = re.compile(r"\s*</p>")


def _more_comment(text: str, pos: int = 0) -> tuple[int, int, str] | None:
    """(start, end, text inside) of the first ``<!--more...-->`` at or after pos.

    ``get_the_content()``'s ``/<!--more(.*?)?-->/``: no ``s`` flag, so the marker
    ends on its own line. Scanning line by line keeps soup of unclosed markers linear.
    """
    while (start := text.find("<!--more", pos)) >= 0:
        eol = text.find("\n", start)
        eol = len(text) if eol < 0 else eol
        close = text.find("-->", start + 8, eol)
        if close >= 0:
            return start, close + 3, text[start + 8 : close]
        pos = eol
    return None


def _without_more(text: str) -> str:
    """The text with every ``<!--more...-->`` removed (only the first one splits)."""
    out, pos = [], 0
    while found := _more_comment(text, pos):
        out.append(text[pos : found[0]])
        pos = found[1]
    return "".join(out) + text[pos:]


def _more_text(raw: str | None) -> str | None:
    """``<!--more Read on &raquo;-->``'s text, as plain text (tags dropped, entities decoded)."""
    text = html.unescape(_TAG_RE.sub("", raw or "")).strip()
    return text or None


def _find_marker(text: str) -> tuple[int, int, str, str, str | None] | None:
    """(start, end, what the teaser gains, what the rest gains, more text) of the first marker.

    The comment form wins; the ``<span id="more-N">`` form is what a rendered page
    carries instead. A marker alone in its ``<p>`` takes the ``<p>`` with it; a span
    at a paragraph's edge splits at that edge.
    """
    comment = _more_comment(text)
    if comment is not None:
        start, end, inside = comment
        before = _P_OPEN_TAIL_RE.search(text, max(0, start - 64), start)
        after = _P_CLOSE_HEAD_RE.match(text, end)
        if before and after:
            start, end = before.start(), after.end()
        return start, end, "", "", _more_text(inside)
    m = _MORE_SPAN_RE.search(text)
    if m is None:
        return None
    opened, closed = m.group(1), m.group(2)
    if opened and not closed:
        return m.start(), m.end(), "", "<p>", None
    if closed and not opened:
        return m.start(), m.end(), "</p>", "", None
    return m.start(), m.end(), "", "", None


def split_more(content: str) -> tuple[str | None, str, str | None]:
    """Split at the first ``<!--more-->``: ``(teaser, full content, custom more text)``.

    * ``teaser``: the content before the marker (trailing whitespace removed), or
      None when there is no marker or nothing before it.
    * ``full``: the content without the marker (later ``<!--more-->`` comments are
      removed too, they never show). With ``<!--noteaser-->`` it is what WordPress
      shows on the post's own page: only the part after the marker.
    * ``custom more text``: ``<!--more Read on-->``'s "Read on", as plain text, or None.

    Handles the block form (``<!-- wp:more -->`` delimiters around the marker) and
    the ``<span id="more-N"></span>`` that rendered pages carry instead of the comment.
    """
    text = _MORE_BLOCK_RE.sub("", content) if "wp:" in content else content
    noteaser = _NOTEASER in text
    if noteaser:
        text = text.replace(_NOTEASER, "")
    found = _find_marker(text)
    if found is None:
        return None, text, None
    start, end, teaser_tail, rest_head, more_text = found
    teaser = (text[:start] + teaser_tail).rstrip()
    rest = rest_head + _without_more(text[end:])
    full = rest.lstrip() if noteaser else text[:start] + teaser_tail + rest
    return (teaser if teaser.strip() else None), full, more_text


def mark_pages(content: str) -> str:
    """Replace each ``<!--nextpage-->`` with ``NEXTPAGE_MARKER`` as ``wp_link_pages`` pages split.

    As WordPress does: line breaks around the marker and ``<!-- wp:nextpage -->``
    delimiters are removed and a marker at the very start is ignored; also, an
    empty last page is dropped.
    """
    if "nextpage" not in content:
        return content
    text = content.replace("\n<!--nextpage-->\n", "<!--nextpage-->")
    text = text.replace("\n<!--nextpage-->", "<!--nextpage-->").replace("<!--nextpage-->\n", "<!--nextpage-->")
    text = _NEXTPAGE_BLOCK_RE.sub("", text)
    text = _NEXTPAGE_IN_P_RE.sub("<!--nextpage-->", text)
    if text.startswith("<!--nextpage-->"):
        text = text[len("<!--nextpage-->") :]
    pages = text.split("<!--nextpage-->")
    if len(pages) > 1 and not pages[-1].strip():
        pages.pop()
    last = len(pages) - 1
    pages = [p.lstrip("\r\n") if i else p for i, p in enumerate(pages)]
    pages = [p.rstrip("\r\n") if i < last else p for i, p in enumerate(pages)]
    return f"\n\n{NEXTPAGE_MARKER}\n\n".join(pages)
