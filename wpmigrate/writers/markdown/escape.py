"""Text that Markdown, or Hugo's shortcode pass, would read as syntax: kept as the text it was.

html-to-markdown escapes ``*``, ``_`` and block starts, but writes other text as it is:
``&lt;canvas&gt;`` becomes a ``<canvas>`` tag the browser hides, ``&amp;copy;`` an entity,
a backtick a code span, ``[a](b)`` a link, ``~~a~~`` a strike-through, a ``-`` after a line
break a list; a bare URL gets ``\\_`` that ends its autolink (it is written ``<URL>``
instead, whose text no Markdown reads as syntax); ``{{<`` in a post breaks the Hugo build.
So before conversion each such character in the text (never in tags, ``<pre>`` or
``<code>``) is swapped for a private marker the converter copies as it is, and after
conversion each marker becomes its escaped form. Code holding ``{{<`` or ``{{%`` is written
as HTML for Hugo (which runs shortcodes inside code blocks too), where an entity hides it.

Liquid (Jekyll, Eleventy) is not escaped here: the front matter turns it off for a post
whose text holds ``{{`` or ``{%`` (:func:`needs_raw_liquid`).
"""

from __future__ import annotations

import html
import re
from typing import NamedTuple

# Markers: code points of plane 16's private use area, which no text of ours holds (checked).
_LT, _AMP, _TICK, _BRACKET, _TILDE, _BACKSLASH, _PERCENT, _HUGO_CODE, _LITERAL_BACKSLASH = (
    chr(0x10FFF0 + i) for i in range(9)
)
_MARKERS = re.compile("[\U0010fff0-\U0010fffb]")
#: A bare URL is replaced by its number in a table, between these, and written as ``<URL>``.
_URL_OPEN, _URL_CLOSE = chr(0x10FFFA), chr(0x10FFFB)
_URL_REF = re.compile(f"{_URL_OPEN}([0-9]+){_URL_CLOSE}")
_RESTORE = {_LT: "&lt;", _AMP: "&amp;", _TICK: "\\`", _BRACKET: "\\[", _TILDE: "\\~", _BACKSLASH: "\\",
            _PERCENT: "&#37;", _HUGO_CODE: "", _LITERAL_BACKSLASH: "\\\\"}

_TAGS = re.compile(r"(<[^>]*>)")
#: The tags whose regions matter, and the regions each opens or closes: ``raw`` where text is
#: written as it is (code, and the elements kept as HTML: ``convert_html.KEPT_AS_HTML``),
#: ``link`` (a link's text), ``pre``.
_REGIONS = {"pre": ("raw", "pre"), "a": ("link",),
            **{name: ("raw",) for name in ("code", "dl", "details", "wpm-ol", "sub", "wpm-sup", "mark", "u", "abbr",
                                           "ins")}}
_TRACKED = re.compile(r"<(/?)(" + "|".join(sorted(_REGIONS, key=len, reverse=True)) + r")\b", re.I)
_MARKER_START = r"[ \t\n]*(?:[-+#>=|:]|[0-9]{1,9}[.)])"
# Whether a document may need the pass at all (:func:`_needs_pass`), by searches each of which
# the regex engine runs at C speed (a character set or a literal first): most posts need none.
_SPECIAL_CHAR = re.compile(r"[`\[~{\\]")
_SPECIAL_ENTITY = re.compile(r"&lt;[A-Za-z/!?]|&amp;#?[A-Za-z0-9]+;")
_MARKER_AFTER_TAG = re.compile(rf">{_MARKER_START}")
_STARTS = re.compile(_MARKER_START)
_CODE_WHITESPACE = re.compile(r"(?<!<pre>)<code\b[^>]*>(?:\s|[^<]*?(?:\s\s|\n|\s<))")  # inline code
_KEPT_BLOCK = re.compile(r"<(?:dl|details)\b")
#: What may need a marker in a text run: a quick test before the substitutions.
_SPECIAL = re.compile(r"&lt;|&amp;|[`\[~{\\]|://|\A[ \t\n]*(?:[-+#>=|:]|\d+[.)])")
#: A backslash Markdown would take for an escape: before ASCII punctuation (in HTML text), or
#: before a bare URL (written ``<URL>``).
_ESCAPING_BACKSLASH = re.compile(r"\\(?=[!-/:-@\[-`{-~\U0010fffa]|&(?:amp|lt|gt|quot|#\d+|#x[0-9a-f]+);)", re.I)
_TAG_LIKE_LT = re.compile(r"&lt;(?=[A-Za-z/!?])")
_ENTITY_LIKE_AMP = re.compile(r"&amp;(?=#?[A-Za-z0-9]+;)")
#: A ``[`` that may start a link or footnote: all but a plain ``[sic]`` pair inside the run
#: (no bracket within, not followed by ``(``, ``[`` or ``:``, not at the run's end, where a
#: tag between may vanish in Markdown), and never ``[^``.
_LINK_BRACKET = re.compile(r"\[(?=\^)|\[(?![^\[\]]*\](?![(\[:]|\Z))")
_STRIKE = re.compile(r"~(?=[^~]*~)|(?<=~)~")
#: A bare URL in HTML text, where & < > " are entities: ``&amp;`` and ``&#39;`` belong to it.
_BARE_URL = re.compile(r"https?://(?:[^\s<>\"&]|&amp;|&#0*39;)+")
#: What GFM leaves out of a URL at its end: punctuation (and an unbalanced ")": _url_marker).
_URL_TAIL = re.compile(r"[.,:;!?*_~'&]+\Z")
#: A line's start then a character that would start a list, heading, quote, setext underline
#: or table delimiter row (``*`` is escaped by the converter already).
_LINE_START = re.compile(
    r"\A([ \t\n]*)(?:(?=[-+](?:\s|\Z)|#{1,6}(?:\s|\Z)|>|[-=|:][-=|: \t]*\Z)|([0-9]{1,9})(?=[.)](?:\s|\Z)))")
_WHITESPACE = re.compile(r"\s+")
_INLINE_CODE_EDGE = re.compile(r"\s\s|\A\s|\s\Z|\n")
_EDGE_BEFORE = re.compile(r"<(?:code\b|br\b)", re.I)
_EDGE_AFTER = re.compile(r"</code\b|<br\b", re.I)
#: Tags after which text starts a line: a line break, and the edges of block elements.
_LINE_TAG = re.compile(r"</?(?:br|p|div|li|ul|ol|h[1-6]|blockquote|dl|dd|dt|table|thead|tbody|tr|td|th|"
                       r"figure|figcaption|section|article|header|footer|aside|nav|details|summary|hr)\b", re.I)
_HUGO_SHORTCODE = re.compile(r"\{\{(?=&lt;|%)")
_FENCED = re.compile(r"^(`{3,})([^\n`]*)\n(.*?)\n\1[ \t]*$", re.S | re.M)
_SPAN = re.compile(r"(`+)(.+?)\1", re.S)


class Protected(NamedTuple):
    """HTML with markers, and the bare URLs its URL markers number."""

    html: str
    urls: list[str]


def protect(source: str, hugo: bool) -> Protected | None:
    """``source`` (clean HTML) with markers for what Markdown would misread; None when
    nothing needs one (or the text holds a marker already, then it is left as it is)."""
    if not _needs_pass(source) or _MARKERS.search(source):
        return None
    urls: list[str] = []
    parts = _TAGS.split(source)
    depth = {"raw": 0, "link": 0, "pre": 0}
    changed = False
    for i in range(0, len(parts), 2):
        if i:
            _count(parts[i - 1], depth)
        text = parts[i]
        if not text:
            continue
        if depth["raw"]:
            new = _in_code(text, hugo)
            if not depth["pre"] and _INLINE_CODE_EDGE.search(text):
                new = _collapsed(new, parts[i - 1] if i else "", parts[i + 1] if i + 1 < len(parts) else "")
        else:
            line_start = i == 0 or bool(_LINE_TAG.match(parts[i - 1]))
            # a link's text holds no link: a URL there stays text
            new = _in_text(text, hugo, line_start, urls if not depth["link"] else None)
        if new is not text:
            parts[i] = new
            changed = True
    return Protected("".join(parts), urls) if changed else None


def _needs_pass(source: str) -> bool:
    """Whether a document may need markers (over-inclusive: a character may be in a tag)."""
    if _SPECIAL_CHAR.search(source) or ("&" in source and _SPECIAL_ENTITY.search(source)):
        return True
    if _MARKER_AFTER_TAG.search(source) or _STARTS.match(source) or _KEPT_BLOCK.search(source):
        return True
    if "<code" in source and _CODE_WHITESPACE.search(source):
        return True
    return _url_in_text(source)


def _url_in_text(source: str) -> bool:
    """Whether a URL stands in text, not as an attribute's value (which follows a quote)."""
    at = source.find("://")
    while at != -1:
        start = at - 5 if source.startswith("https", at - 5) else at - 4
        if start >= 0 and source.startswith("http", start) and source[start - 1 : start] not in ('"', "'", "="):
            return True
        at = source.find("://", at + 3)
    return False


def _count(tag: str, depth: dict[str, int]) -> None:
    """Update the depths of raw regions (code, kept HTML), links and ``<pre>`` for a tag."""
    found = _TRACKED.match(tag)
    if found:
        step = -1 if found.group(1) else 1
        for name in _REGIONS[found.group(2).lower()]:
            depth[name] = max(0, depth[name] + step)


def _collapsed(text: str, before: str, after: str) -> str:
    """Text of inline code or kept HTML (not in ``<pre>``) with whitespace as a browser shows
    it: runs collapsed, none at the edges of code or a line break. kramdown (Jekyll) reads no
    code span that starts with spaces, and a blank line would end a kept HTML block early."""
    text = _WHITESPACE.sub(" ", text)
    if _EDGE_BEFORE.match(before):
        text = text.lstrip(" ")
    if _EDGE_AFTER.match(after):
        text = text.rstrip(" ")
    return text


def _in_code(text: str, hugo: bool) -> str:
    if hugo and "{{" in text and _HUGO_SHORTCODE.search(text):
        return _HUGO_SHORTCODE.sub("{{" + _HUGO_CODE, text)
    return text


def _in_text(text: str, hugo: bool, line_start: bool, urls: list[str] | None) -> str:
    """A text run with markers; its bare URLs numbered into ``urls`` (None: inside a link)."""
    if not _SPECIAL.search(text):
        return text
    if "://" in text and urls is not None:  # first: what a URL holds is not escaped
        text = _BARE_URL.sub(lambda m: _url_marker(m.group(), urls), text)
    if "\\" in text:
        text = _ESCAPING_BACKSLASH.sub(_LITERAL_BACKSLASH, text)
    if urls:  # after the backslashes: "![" before a URL written [URL](...) would make it an image
        text = text.replace("!" + _URL_OPEN, _BACKSLASH + "!" + _URL_OPEN)
    if "&" in text:
        text = _TAG_LIKE_LT.sub(_LT, _ENTITY_LIKE_AMP.sub(_AMP, text))
    if "`" in text:
        text = text.replace("`", _TICK)
    if "[" in text:
        text = _LINK_BRACKET.sub(_BRACKET, text)
    if "~" in text:
        text = _STRIKE.sub(_TILDE, text)
    if hugo and "{{" in text:
        text = text.replace("{{&lt;", "{{" + _LT).replace("{{%", "{{" + _PERCENT)
    if line_start:
        # "\\-" for a bullet, heading or quote; "2\\." for a number (a backslash before a digit is no escape)
        text = _LINE_START.sub(lambda m: m.group(1) + (m.group(2) or "") + _BACKSLASH, text)
    return text


def _url_marker(found: str, urls: list[str]) -> str:
    """A bare URL (HTML text) as a numbered marker, then what GFM would leave out of it."""
    url = html.unescape(found)
    tail = _URL_TAIL.search(url)
    url, rest = (url[: tail.start()], url[tail.start():]) if tail else (url, "")
    while url.endswith(")") and url.count(")") > url.count("("):
        url, rest = url[:-1], ")" + rest
    urls.append(url)
    return f"{_URL_OPEN}{len(urls) - 1}{_URL_CLOSE}{html.escape(rest, quote=False)}"


_LINK_TEXT_SYNTAX = re.compile(r"([\\`*_\[\]<>&~])")


def _autolink(url: str) -> str:
    """``<URL>``; ``[URL](<URL>)`` when it holds a ``%``, which some renderers decode for display."""
    if "%" not in url:
        return f"<{url}>"
    text = _LINK_TEXT_SYNTAX.sub(r"\\\1", url)
    destination = url.replace("\\", "\\\\")  # backslash escapes work there, unlike in <URL>
    return f"[{text}](<{destination}>)"


def restore(markdown: str, urls: list[str] = ()) -> str:
    """The converter's Markdown with each marker as its escaped form, each bare URL an autolink."""
    if urls:
        markdown = _URL_REF.sub(lambda m: _autolink(urls[int(m.group(1))]), markdown)
    if _HUGO_CODE in markdown:
        markdown = _FENCED.sub(_fenced_as_html, markdown)
        markdown = _SPAN.sub(_span_as_html, markdown)
    return _MARKERS.sub(lambda m: _RESTORE[m.group()], markdown)


def _fenced_as_html(block: re.Match[str]) -> str:
    """A fenced block holding Hugo's delimiters, as ``<pre><code>`` where an entity hides them."""
    code = block.group(3)
    if _HUGO_CODE not in code:
        return block.group()
    language = block.group(2).strip()
    cls = f' class="language-{html.escape(language)}"' if language else ""
    return f"<pre><code{cls}>{_hidden(code)}</code></pre>"


def _span_as_html(span: re.Match[str]) -> str:
    code = span.group(2)
    if _HUGO_CODE not in code:
        return span.group()
    if code.startswith(" ") and code.endswith(" ") and code.strip():
        code = code[1:-1]
    return f"<code>{_hidden(code)}</code>"


def _hidden(code: str) -> str:
    """Code as HTML text: ``{{<`` is escaped already; ``{{%`` needs an entity."""
    return html.escape(code.replace(_HUGO_CODE, ""), quote=False).replace("{{%", "{{&#37;")


def needs_raw_liquid(markdown: str) -> bool:
    """Whether a Liquid pass (Jekyll, Eleventy) would read part of this Markdown as a tag."""
    return "{{" in markdown or "{%" in markdown
