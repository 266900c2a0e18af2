"""WordPress's shortcode grammar: attributes (``shortcode_parse_atts``) and a linear
scanner for ``[tag]``, ``[tag /]``, ``[tag]content[/tag]`` and ``[[tag]]`` (``get_shortcode_regex``).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

# --------------------------------------------------------------------------- attributes

_ATTR_RE = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"(?:\s|$)"""
    r"""|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)"""
    r"""|([\w-]+)\s*=\s*([^\s'"]+)(?:\s|$)"""
    r"""|"([^"]*)"(?:\s|$)"""
    r"""|'([^']*)'(?:\s|$)"""
    r"""|(\S+)(?:\s|$)""",
    re.ASCII,
)
_ATTR_SPACES_RE = re.compile("[\u00a0\u200b]+")
_BALANCED_TAGS_RE = re.compile(r"[^<]*+(?:<[^>]*+>[^<]*+)*+")
_INT_KEY_RE = re.compile(r"0|-?[1-9][0-9]{0,17}")
_CSLASH_RE = re.compile(r"\\(x[0-9A-Fa-f]{1,2}|[0-7]{1,3}|.)", re.S)
_CSLASH_CHARS = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "v": "\v", "b": "\b", "f": "\f"}


def _stripcslashes(value: str) -> str:
    """PHP's ``stripcslashes``: C-style escapes are interpreted, other backslashes dropped."""
    if "\\" not in value:
        return value

    def one(m: re.Match[str]) -> str:
        esc = m.group(1)
        if esc[0] == "x" and len(esc) > 1:
            return chr(int(esc[1:], 16))
        if esc[0] in "01234567":
            return chr(int(esc, 8) & 0xFF)
        return _CSLASH_CHARS.get(esc, esc)

    return _CSLASH_RE.sub(one, value)


def parse_attributes(text: str) -> dict[str | int, str]:
    """``shortcode_parse_atts``: ``name="v"``, ``name='v'``, ``name=v`` and positionals.

    Names are lower-cased; positional values get integer keys 0, 1, ...; values pass
    through ``stripcslashes``; a value holding an unbalanced ``<`` is blanked. Where
    WordPress returns a bare string (only whitespace matched nothing) this returns ``{}``.
    """
    text = _ATTR_SPACES_RE.sub(" ", text)
    atts: dict[str | int, str] = {}
    next_index = 0
    for m in _ATTR_RE.finditer(text):
        g = m.groups()
        name = g[0] if g[0] is not None else g[2] if g[2] is not None else g[4]
        if name is not None:
            if name == "0":  # PHP's empty("0"): WordPress drops such an attribute
                continue
            key: str | int = name.lower()
            value = g[1] if g[0] is not None else g[3] if g[2] is not None else g[5]
            if _INT_KEY_RE.fullmatch(name):  # PHP turns numeric string keys into ints
                key = int(name)
                next_index = max(next_index, key + 1)
            atts[key] = _stripcslashes(value)
        else:
            value = g[6] or g[7] or g[8]
            if value:
                atts[next_index] = _stripcslashes(value)
                next_index += 1
    for key, value in atts.items():
        if "<" in value and not _BALANCED_TAGS_RE.fullmatch(value):
            atts[key] = ""
    return atts


# --------------------------------------------------------------------------- grammar

# HTML comments, CDATA and tags: brackets inside them are not shortcodes. A tag
# stops at the next "<" so that a stray "<" cannot make the scan quadratic.
_HTML_HIDDEN_RE = re.compile(
    r"<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)|<[A-Za-z/!?][^<>]*>", re.S
)
_HIDE_BRACKETS = str.maketrans("[]", "\x01\x02")
_CLOSER_RE = re.compile(r"\[/([^<>&/\[\]\x00-\x20=]+)\]")


_INLINE_LATEX_START_RE = re.compile(r"\$latex(?:=\s*|\s+)", re.I)
_INLINE_LATEX_BODY_RE = re.compile(r"((?:[^$\\]++|\\.)*+)\$", re.S)


def _latex_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, TeX) of Jetpack's inline ``$latex ...$`` (``\\$`` does not end it)."""
    if "$" not in text:
        return
    pos = 0
    while start := _INLINE_LATEX_START_RE.search(text, pos):
        body = _INLINE_LATEX_BODY_RE.match(text, start.end())
        if body is None:  # unterminated: no later "$latex" can end either
            return
        yield start.start(), body.end(), body.group(1)
        pos = body.end()


def _hide_brackets(text: str) -> str:
    """The text with ``[``/``]`` inside HTML tags, comments and ``$latex$`` replaced, same length."""

    def hide(s: str) -> str:
        return s.translate(_HIDE_BRACKETS) if ("[" in s or "]" in s) else s

    if "<" in text:
        text = _HTML_HIDDEN_RE.sub(lambda m: hide(m.group()), text)
    spans = list(_latex_spans(text))
    if spans:
        pieces, pos = [], 0
        for start, end, _ in spans:
            pieces += [text[pos:start], hide(text[start:end])]
            pos = end
        text = "".join(pieces) + text[pos:]
    return text


# "[" or "[[" and a name. A greedy [\w-]* run always ends where WordPress's
# (?![\w-]) wants it, so a plain name can be looked up instead of alternated.
_OPENER_RE = re.compile(r"\[(\[?)([A-Za-z][\w-]*)", re.ASCII)
_PLAIN_NAME_RE = re.compile(r"[A-Za-z][\w-]*", re.ASCII)


@lru_cache(maxsize=64)
def _opener_for(tagnames: frozenset[str] | None) -> tuple[re.Pattern[str], frozenset[str] | None]:
    """The opener regex for these names, and the set to look the matched name up in."""
    if tagnames is None or all(_PLAIN_NAME_RE.fullmatch(t) for t in tagnames):
        return _OPENER_RE, tagnames
    names = "|".join(map(re.escape, sorted(tagnames, key=len, reverse=True)))  # get_shortcode_regex's way
    return re.compile(r"\[(\[?)(" + names + r")(?![\w-])", re.ASCII), None


@dataclass(frozen=True, slots=True)
class ShortcodeMatch:
    """One shortcode found in a text; ``group(n)`` numbers as ``get_shortcode_regex`` does."""

    text: str = field(repr=False)
    tag: str
    start: int
    end: int
    #: Where the tag name ends and where the opening tag's ``]`` is followed.
    name_end: int
    open_end: int
    #: Offsets of the attribute text in ``text`` (kept as offsets: it may be long).
    attr_span: tuple[int, int]
    self_closing: bool
    #: ``[`` / ``]`` matched beyond the tag (both present: an escaped shortcode).
    prefix: str
    suffix: str
    content_span: tuple[int, int] | None

    @property
    def escaped(self) -> bool:
        return bool(self.prefix and self.suffix)

    @property
    def content(self) -> str | None:
        """Text between opener and ``[/tag]``, or None for a self-closing shortcode."""
        if self.content_span is None:
            return None
        return self.text[self.content_span[0] : self.content_span[1]]

    @property
    def attr_text(self) -> str:
        return self.text[self.attr_span[0] : self.attr_span[1]]

    @property
    def raw(self) -> str:
        return self.text[self.start : self.end]

    @property
    def attrs(self) -> dict[str | int, str]:
        return parse_attributes(self.attr_text)

    def span(self) -> tuple[int, int]:
        return self.start, self.end

    def group(self, n: int = 0) -> str | None:
        values = (
            self.raw,
            self.prefix,
            self.tag,
            self.attr_text,
            "/" if self.self_closing else "",
            self.content,
            self.suffix,
        )
        return values[n]


class _Scanner:
    """Finds shortcodes left to right in one text, in time linear in its length."""

    def __init__(self, text: str, tagnames: frozenset[str] | None) -> None:
        self.text = text
        self.scan = _hide_brackets(text)
        self.pattern, self.names = _opener_for(tagnames)
        self._closers: dict[str, list[int]] | None = None
        self._close_from = len(text) + 1
        self._close_at = -1

    def _next_close(self, pos: int) -> int:
        """Index of the first ``]`` at or after pos (cached: pos only grows)."""
        if not (self._close_from <= pos and (self._close_at < 0 or pos <= self._close_at)):
            self._close_from = pos
            self._close_at = self.scan.find("]", pos)
        return self._close_at

    def _closer_after(self, tag: str, pos: int) -> int:
        if self._closers is None:
            self._closers = {}
            for m in _CLOSER_RE.finditer(self.scan):
                self._closers.setdefault(m.group(1), []).append(m.start())
        starts = self._closers.get(tag)
        if not starts:
            return -1
        i = bisect_left(starts, pos)
        return starts[i] if i < len(starts) else -1

    def match(self, pos: int) -> ShortcodeMatch | None:
        """The first shortcode starting at or after pos."""
        while True:
            m = self.pattern.search(self.scan, pos)
            if m is None:
                return None
            if self.names is None or m.group(2) in self.names:
                break
            pos = m.start() + 1
        name_end = m.end()
        close = self._next_close(name_end)
        if close < 0:  # no "]" anywhere after: nothing further can match
            return None
        tag = m.group(2)
        self_closing = close > name_end and self.scan[close - 1] == "/"
        end = open_end = close + 1
        content_span = None
        if not self_closing:
            closer = self._closer_after(tag, open_end)
            if closer >= 0:
                content_span = (open_end, closer)
                end = closer + len(tag) + 3
        suffix = "]" if self.scan.startswith("]", end) else ""
        return ShortcodeMatch(
            text=self.text,
            tag=tag,
            start=m.start(),
            end=end + len(suffix),
            name_end=name_end,
            open_end=open_end,
            attr_span=(name_end, close - 1 if self_closing else close),
            self_closing=self_closing,
            prefix=m.group(1),
            suffix=suffix,
            content_span=content_span,
        )


def find_shortcodes(text: str, tagnames: Iterable[str] | None = None) -> Iterator[ShortcodeMatch]:
    """Top-level shortcodes of the given names, in order, as ``preg_replace_callback`` sees them.

    ``tagnames=None`` finds any name of the form ``[A-Za-z][\\w-]*``. Content is not
    searched: call again on ``match.content`` for nested shortcodes.
    """
    if "[" not in text:
        return
    if isinstance(tagnames, str):
        tagnames = (tagnames,)
    names = None if tagnames is None else frozenset(tagnames)
    if names == frozenset():
        return
    scanner = _Scanner(text, names)
    pos = 0
    while (m := scanner.match(pos)) is not None:
        yield m
        pos = m.end
