"""The renderer: the handler registry, the unknown-shortcode policy and the scan that
replaces each shortcode by its handler's HTML.
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from wpmigrate.clean.shortcodes.grammar import ShortcodeMatch, _latex_spans, _Scanner
from wpmigrate.clean.shortcodes.markup import _math, _media_kind
from wpmigrate.ids import id_array
from wpmigrate.model import Attachment

# --------------------------------------------------------------------------- rendering


@dataclass
class ShortcodeContext:
    """What the handlers may know about the post being rendered."""

    post_id: int | None = None
    #: id -> Attachment, for ``[gallery ids=..]`` and for ``[gallery]``/``[playlist]``
    #: without ids (the attachments whose parent is ``post_id``, ordered by id).
    attachments: Mapping[int, Attachment] = field(default_factory=dict)
    #: :func:`attachments_by_parent` of ``attachments``, built once for a whole export;
    #: None: built from ``attachments`` when a shortcode first needs it.
    by_parent: Mapping[int, list[int]] | None = None
    #: Shortcodes no handler converts:
    #: ``"keep"``: left verbatim and counted as ``shortcode:unknown:NAME``;
    #: ``"drop"``: the tags removed (enclosed content kept), counted as ``shortcode:dropped:NAME``;
    #: ``"raw"``: what WordPress does for unregistered tags: left verbatim, not even
    #: recognised, so neither counted nor unescaped (``[[foo]]`` stays).
    unknown: str = "keep"
    #: Whether ``[code]`` bodies are stored entity-encoded (SyntaxHighlighter's
    #: ``_syntaxhighlighter_encoded`` postmeta); None guesses from the body.
    code_encoded: bool | None = None
    #: The embed HTML WordPress cached for the post (``oembed.cache_of``): what a tweet or
    #: another provider without a static player showed.
    oembed_cache: tuple[str, ...] = ()


def attachments_by_parent(attachments: Mapping[int, Attachment]) -> ChildIds:
    """Each post's attachment ids, in order: what ``[gallery]`` and ``[playlist]`` without ids show.

    Costly on a large export (a sort of every attachment): build it once, not per post.
    Ids rather than attachments: it stays small, and attachments are looked up when shown.
    A mapping that can list ``(id, parent)`` pairs itself (the reader's packed index,
    ``parents()``) is not asked for its attachments.
    """
    if hasattr(attachments, "parents"):
        return ChildIds(attachments.parents())
    return ChildIds((key, attachment.parent) for key, attachment in attachments.items())


class ChildIds(Mapping[int, list[int]]):
    """Attachment ids by parent post id, ids in increasing order, packed in two arrays.

    A dict of lists took about 15 MB for the 100,000 attachments of a 1 GB export, and a
    worker process copies every page it reads from (reference counts are writes).
    """

    def __init__(self, pairs: Iterable[tuple[int, int | None]]) -> None:
        rows = sorted((parent, key) for key, parent in pairs if parent is not None)
        self._parents = id_array(parent for parent, _ in rows)
        self._ids = id_array(key for _, key in rows)
        self._count = len(set(self._parents))

    def __getitem__(self, parent: int) -> list[int]:
        start = bisect_left(self._parents, parent)
        end = bisect_right(self._parents, parent, start)
        if start == end:
            raise KeyError(parent)
        return list(self._ids[start:end])

    def __iter__(self) -> Iterator[int]:
        last = None
        for parent in self._parents:
            if parent != last:
                yield parent
                last = parent

    def __len__(self) -> int:
        return self._count


class _Unconvertible(Exception):
    """A known shortcode whose arguments are unusable; ``html`` is the fallback to emit."""

    def __init__(self, html_: str = "") -> None:
        super().__init__(html_)
        self.html = html_


_Handler = Callable[["_Renderer", ShortcodeMatch, dict], str]
_HANDLERS: dict[str, _Handler] = {}
#: Tags that only mean something around content (``[php]...[/php]``): without a
#: closing tag they are prose, left alone like an unregistered tag.
_ENCLOSING_ONLY: set[str] = set()


def _handles(*tags: str, enclosing_only: bool = False) -> Callable[[_Handler], _Handler]:
    def register(fn: _Handler) -> _Handler:
        for tag in tags:
            _HANDLERS[tag] = fn
        if enclosing_only:
            _ENCLOSING_ONLY.update(tags)
        return fn

    return register


_BLOCK_OUTPUT_RE = re.compile(r"<(?:figure|pre|blockquote|div|ol|ul|p|table)\b")
_BLANK_RE = re.compile(r"(?:\s|&nbsp;|\xa0)*")
_P_CLOSE_RE = re.compile(r"(?:\s|&nbsp;|\xa0)*(?:<br\s*/?>\s*)?</p>")
_UNKNOWN_NAME_RE = re.compile(r"[a-z][a-z0-9_]*(?:-[a-z0-9_]+)*")
_MAX_DEPTH = 64
_MAX_UNKNOWN_ATTRS = 1000


# An HTML start tag holding a bracket pair, or a comment or CDATA section (matched so that
# the tags inside them are skipped: WordPress leaves them alone), and one attribute with its
# value (the name part keeps the spaces and "=" around it).
_TAG_WITH_BRACKETS_RE = re.compile(r"<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)|<[A-Za-z][^<>\[]*\[[^<>]*>", re.S)
_ATTRIBUTE_RE = re.compile(r"(\s[^\s\"'>/=]+\s*=\s*)(\"[^\"]*\"|'[^']*'|[^\s\"'>]+)")
_MARKUP_RE = re.compile(r"<[^>]*>")
_QUOTE_ENTITY = {'"': "&quot;", "'": "&#39;"}


def _attribute_text(html_: str) -> str:
    """A handler's HTML as an attribute value: its text (the URL of a link fallback, a
    caption's words), whitespace collapsed. WordPress runs KSES on such output; markup in
    an attribute value is never what the author meant."""
    text = _MARKUP_RE.sub(" ", html_)
    return " ".join(text.split())


def _plausible(m: ShortcodeMatch) -> bool:
    """Whether an unregistered ``[name ...]`` looks like a shortcode rather than prose.

    ``[sic]``-style words and ``[Note: ...]`` asides are common in posts; a shortcode
    has a lower-case name and either no arguments, ``=``/``"`` arguments, a ``/]``
    or a closing tag. Markdown-style ``[text](url)`` is prose.
    """
    if m.attr_span[1] - m.attr_span[0] > _MAX_UNKNOWN_ATTRS or not _UNKNOWN_NAME_RE.fullmatch(m.tag):
        return False
    attrs = m.attr_text
    if "<" in attrs or "\n" in attrs:
        return False
    if m.text.startswith("(", m.open_end):
        return False
    return m.self_closing or m.content_span is not None or not attrs.strip() or "=" in attrs or '"' in attrs


class _Renderer:
    def __init__(self, ctx: ShortcodeContext, only: frozenset[str] | None = None) -> None:
        if ctx.unknown not in ("keep", "drop", "raw"):
            raise ValueError(f"unknown= must be 'keep', 'drop' or 'raw', not {ctx.unknown!r}")
        self.ctx = ctx
        self.counts: Counter[str] = Counter()
        #: Render only these tags, nothing else (no attribute pass, no inline LaTeX).
        self.only = only
        self.tagnames = only if only is not None else None if ctx.unknown != "raw" else frozenset(_HANDLERS)
        self.depth = 0
        #: Rendering an attribute value: handler output is reduced to its text.
        self.in_attribute = False
        self._by_parent = ctx.by_parent

    # -- the scan

    def render(self, text: str) -> str:
        if "[" not in text or self.depth >= _MAX_DEPTH:
            return self._inline_latex(text)
        self.depth += 1
        try:
            return self._render(text)
        finally:
            self.depth -= 1

    def _render(self, text: str) -> str:
        if not self.in_attribute and self.only is None and "<" in text:
            text = self._render_in_tags(text)
        scanner = _Scanner(text, self.tagnames)
        out: list[str] = []
        drops: list[tuple[int, int]] = []  # closing tags of dropped unknown shortcodes
        pos = scan = 0  # text before pos is in out; the scan goes on from scan
        while (m := scanner.match(scan)) is not None:
            step = self._known(m) if m.tag in _HANDLERS else self._unknown(m, drops)
            if isinstance(step, int):  # left as text: copied later with what follows
                scan = step
                continue
            start, end, html = step
            if not m.prefix and not m.suffix and _BLOCK_OUTPUT_RE.match(html):
                start, end = self._unwrap_paragraph(text, pos, start, end)
            self._copy(out, text, pos, start, drops)
            out.append(html)
            pos = scan = end
        self._copy(out, text, pos, len(text), drops)
        return "".join(out)

    # A step is where to scan on from (the shortcode stays text) or (start, end, html).

    def _known(self, m: ShortcodeMatch) -> int | tuple[int, int, str]:
        if m.escaped:
            return m.start, m.end, m.text[m.start + 1 : m.end - 1]
        converted = self._convert(m)
        if converted is None:  # [php] with no code, or a failed handler: plain text
            return m.name_end
        if self.in_attribute:
            converted = _attribute_text(converted)
        return m.start, m.end, m.prefix + converted + m.suffix

    # -- shortcodes in HTML attributes (do_shortcodes_in_html_tags)

    def _render_in_tags(self, text: str) -> str:
        """Render the shortcodes in each attribute value of each HTML tag, as WordPress does
        before the main pass; comments and CDATA are left alone."""
        return _TAG_WITH_BRACKETS_RE.sub(self._render_tag, text) if "[" in text else text

    def _render_tag(self, tag: re.Match[str]) -> str:
        element = tag.group()
        if "[" not in element or "]" not in element or element.startswith("<!"):
            return element
        return _ATTRIBUTE_RE.sub(self._render_attribute, element)

    def _render_attribute(self, attr: re.Match[str]) -> str:
        name, value = attr.group(1), attr.group(2)
        if "[" not in value or "]" not in value:
            return attr.group()
        quote = value[0] if value[0] in "\"'" else ""
        inner = value[1:-1] if quote else value
        self.in_attribute = True
        try:
            rendered = self.render(inner)
        finally:
            self.in_attribute = False
        if rendered == inner:
            return attr.group()
        quote = quote or '"'
        escaped = rendered.replace(quote, _QUOTE_ENTITY[quote])
        return f"{name}{quote}{escaped}{quote}"

    def _unknown(self, m: ShortcodeMatch, drops: list[tuple[int, int]]) -> int | tuple[int, int, str]:
        if not _plausible(m):
            return m.name_end
        if m.escaped:
            return m.start, m.end, m.text[m.start + 1 : m.end - 1]
        if self.ctx.unknown == "keep":
            self.counts[f"shortcode:unknown:{m.tag}"] += 1
            return m.name_end  # its attributes and content are scanned, as WordPress does
        self.counts[f"shortcode:dropped:{m.tag}"] += 1
        if m.content_span is not None:
            heapq.heappush(drops, (m.content_span[1], m.content_span[1] + len(m.tag) + 3))
        return m.start, m.open_end, m.prefix

    def _copy(self, out: list[str], text: str, a: int, b: int, drops: list[tuple[int, int]]) -> None:
        """Append text[a:b], leaving out pending closing tags of dropped shortcodes."""
        while drops and drops[0][0] < b:
            d_start, d_end = heapq.heappop(drops)
            if d_start >= a and d_end <= b:
                out.append(self._inline_latex(text[a:d_start]))
                a = d_end
        if a < b:
            out.append(self._inline_latex(text[a:b]))

    @staticmethod
    def _unwrap_paragraph(text: str, pos: int, start: int, end: int) -> tuple[int, int]:
        """Widen (start, end) over a ``<p>`` holding only this shortcode (``shortcode_unautop``)."""
        p = text.rfind("<p>", pos, start)
        if p < 0 or not _BLANK_RE.fullmatch(text, p + 3, start):
            return start, end
        close = _P_CLOSE_RE.match(text, end)
        return (p, close.end()) if close else (start, end)

    def _convert(self, m: ShortcodeMatch) -> str | None:
        if m.content_span is None and m.tag in _ENCLOSING_ONLY:
            return None
        try:
            converted = _HANDLERS[m.tag](self, m, m.attrs)
        except _Unconvertible as bad:
            self.counts[f"shortcode:invalid:{m.tag}"] += 1
            return bad.html
        except (RecursionError, MemoryError):
            raise
        except Exception:  # a handler bug must not lose the post: keep the text
            self.counts[f"shortcode:error:{m.tag}"] += 1
            return None
        self.counts[f"shortcode:converted:{m.tag}"] += 1
        return converted

    def _inline_latex(self, text: str) -> str:
        """Jetpack's ``$latex ...$`` inline form (not inside attribute values)."""
        if self.in_attribute or self.only is not None:
            return text
        out, pos = [], 0
        for start, end, tex in _latex_spans(text):
            self.counts["shortcode:converted:latex"] += 1
            out += [text[pos:start], _math(tex)]
            pos = end
        return "".join(out) + text[pos:] if out else text

    # -- attachments

    def children(self, parent: int | None, kind: str | None) -> list[Attachment]:
        """Attachments of a post, by id, whose file is of this kind (None: images and the rest)."""
        if parent is None:
            return []
        if self._by_parent is None:
            self._by_parent = attachments_by_parent(self.ctx.attachments)
        found = (self.ctx.attachments[key] for key in self._by_parent.get(parent, ()))
        return [att for att in found if _media_kind(att.url) == kind]

    def resolve(self, ids: list[int]) -> list[Attachment]:
        found = [self.ctx.attachments.get(i) for i in ids]
        missing = found.count(None)
        if missing:
            self.counts["shortcode:missing-attachment"] += missing
        return [a for a in found if a is not None]


def _ids(value: str | None) -> list[int]:
    return [int(x) for x in re.findall(r"[0-9]+", value or "")]


def _first(attrs: dict, *keys: str | int) -> str:
    return next((attrs[k] for k in keys if attrs.get(k)), "")


def render_shortcodes(html: str, ctx: ShortcodeContext | None = None) -> tuple[str, Counter[str]]:
    """Convert the known shortcodes of ``html`` to HTML; count what happened.

    Counter keys: ``shortcode:converted:TAG``, ``shortcode:invalid:TAG`` (known tag,
    unusable arguments: a link or nothing was emitted), ``shortcode:unknown:NAME`` /
    ``shortcode:dropped:NAME`` (see ``ShortcodeContext.unknown``),
    ``shortcode:missing-attachment`` (ids a gallery or playlist names that the export
    lacks) and ``shortcode:error:TAG`` (a handler failed; the text was kept).
    A shortcode alone in a ``<p>`` that becomes a block (figure, pre ...) takes the
    ``<p>`` with it, as ``shortcode_unautop`` does.
    """
    renderer = _Renderer(ctx or ShortcodeContext())
    return renderer.render(html), renderer.counts


@lru_cache(maxsize=8)
def _opener_of(tags: frozenset[str]) -> re.Pattern[str]:
    """``[tag`` of one of ``tags``: a quick test before the scan (most posts hold none)."""
    return re.compile(r"\[(?:" + "|".join(sorted(map(re.escape, tags), key=len, reverse=True)) + r")(?![\w-])")


def render_first(text: str, tags: frozenset[str], ctx: ShortcodeContext | None = None) -> tuple[str, Counter[str]]:
    """Only ``tags`` rendered, in stored content, before ``wpautop``: what SyntaxHighlighter
    does (its shortcodes run at ``the_content`` priority 7), so that code keeps its lines
    free of ``<br />`` and ``<p>``. Everything else is left for :func:`render_shortcodes`."""
    if "[" not in text or not _opener_of(tags).search(text):
        return text, Counter()
    renderer = _Renderer(ctx or ShortcodeContext(), only=tags)
    return renderer.render(text), renderer.counts
