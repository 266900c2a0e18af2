"""Gutenberg block delimiters: ``<!-- wp:name {json} -->`` ... ``<!-- /wp:name -->``.

Stored block content is HTML with its structure in comments. For clean HTML the
comments go and the inner HTML stays; void blocks (``<!-- wp:latest-posts /-->``)
have no HTML at all, since WordPress renders them on the server, so they are
dropped and counted. The delimiters' attributes are returned for writers that want
them (``core/image`` ``id``, ``core/embed`` ``url`` ...).

A delimiter is an HTML comment, so the scan goes comment by comment, as a browser
would: a comment ends at the first ``-->``, and each one is matched against the
grammar of ``WP_Block_Parser::next_token``. That keeps the scan linear whatever
the input, and never reads a delimiter out of the middle of another comment, except
one that ends it, which WordPress's parser finds too (a block commented out by hand).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

# WP_Block_Parser::next_token's regex, applied to one whole comment.
_DELIMITER_RE = re.compile(
    r"<!--\s+(?P<closer>/)?wp:(?P<namespace>[a-z][a-z0-9_-]*/)?(?P<name>[a-z][a-z0-9_-]*)\s+"
    r"(?P<attrs>\{(?:(?:[^}]+|\}+(?=\})|(?!\}\s+/?-->).)*+)?\}\s+)?(?P<void>/)?-->",
    re.S | re.ASCII,
)
# Comments that mean to be delimiters but do not parse (no space, bad name, broken JSON).
_LOOKS_LIKE_DELIMITER_RE = re.compile(r"<!--\s*/?\s*wp:", re.ASCII)
# An unterminated delimiter: everything after it would vanish into the comment.
_UNTERMINATED_RE = re.compile(r"<!--\s*/?\s*wp:[^\n<]*", re.ASCII)


def has_blocks(content: str) -> bool:
    """WordPress's rule (``has_blocks``): the content contains ``<!-- wp:``."""
    return "<!-- wp:" in content


@dataclass(frozen=True)
class Block:
    """One block delimiter pair (or void delimiter) found in the content."""

    #: Full name, ``core/`` added when the delimiter has no namespace: ``core/image``.
    name: str
    #: The decoded JSON attributes; ``{}`` when absent or unparseable.
    attrs: dict = field(default_factory=dict)
    #: ``<!-- wp:name /-->``: no inner HTML (dropped from the output).
    void: bool = False
    #: Nesting depth, 0 at the top level.
    depth: int = 0
    #: Index in the returned list of the enclosing block, or None.
    parent: int | None = None
    #: Offsets in the input: the opener's start, and the end of the closer (or of the
    #: content, for a block never closed).
    start: int = 0
    end: int = 0
    #: False when the closer was missing and the block was closed implicitly.
    closed: bool = True
    #: The attribute JSON as written when it did not parse, else None.
    bad_attrs: str | None = None


@dataclass
class _Open:
    """A block whose closer has not been seen yet."""

    name: str
    attrs: dict
    depth: int
    parent: int | None
    start: int
    bad_attrs: str | None
    index: int = -1


def _comments(content: str) -> Iterator[tuple[int, int, re.Match[str] | None]]:
    """(start, end, delimiter match or None) for every delimiter-like comment."""
    pos = 0
    while (start := content.find("<!--", pos)) >= 0:
        end = content.find("-->", start + 4)
        if end < 0:
            if _LOOKS_LIKE_DELIMITER_RE.match(content, start):
                bad = _UNTERMINATED_RE.match(content, start)
                yield start, bad.end(), None
            return
        end += 3
        m = _DELIMITER_RE.fullmatch(content, start, end)
        if m is None and not _LOOKS_LIKE_DELIMITER_RE.match(content, start):
            start, m = _delimiter_at_end(content, start, end)
        if m is not None or _LOOKS_LIKE_DELIMITER_RE.match(content, start):
            yield start, end, m
        pos = end


def _delimiter_at_end(content: str, start: int, end: int) -> tuple[int, re.Match[str] | None]:
    """A delimiter ending this comment from inside it (``<!-- <!-- wp:paragraph -->``, a block
    commented out by hand): WordPress's parser finds it all the same, and the ``<!--`` left
    before it hides what follows up to the next ``-->``, as on the site. (start, None) if none."""
    inner = content.rfind("<!--", start + 4, end - 3)
    m = _DELIMITER_RE.fullmatch(content, inner, end) if inner >= 0 else None
    return (inner, m) if m is not None else (start, None)


#: Attributes nested deeper are bad attributes. json.loads runs out of stack at a depth that
#: depends on the caller's own stack (a worker process's differs), so without a fixed limit
#: one post came out two ways, depending on --jobs.
MAX_ATTR_DEPTH = 200
_STRING_OR_BRACKET = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _too_deep(raw: str) -> bool:
    if raw.count("[") + raw.count("{") <= MAX_ATTR_DEPTH:  # what nearly every block's attributes are
        return False
    depth = 0
    for token in _STRING_OR_BRACKET.finditer(raw):
        bracket = token.group()
        if bracket == "[" or bracket == "{":
            depth += 1
            if depth > MAX_ATTR_DEPTH:
                return True
        elif bracket == "]" or bracket == "}":
            depth -= 1
    return False


def _decode_attrs(raw: str | None) -> tuple[dict, str | None]:
    if raw is None:
        return {}, None
    try:
        if _too_deep(raw):
            raise RecursionError
        attrs = json.loads(raw)
    except (ValueError, RecursionError):
        return {}, raw.strip()
    return (attrs, None) if isinstance(attrs, dict) else ({}, raw.strip())


def _after_delimiter(content: str, start: int, end: int) -> int:
    """Where the text resumes after a delimiter at [start, end).

    A delimiter on a line of its own takes its line break along, so that removed
    delimiters leave no empty lines; one after text keeps it ("a<!-- /wp:x -->\nb"
    must not become "ab").
    """
    if start and content[start - 1] != "\n":
        return end
    if content.startswith("\r\n", end):
        return end + 2
    return end + 1 if content.startswith("\n", end) else end


class _Stripper:
    def __init__(self, content: str) -> None:
        self.content = content
        self.blocks: list[Block | _Open] = []
        self.stack: list[_Open] = []
        self.counts: Counter[str] = Counter()

    def token(self, m: re.Match[str], start: int, end: int) -> None:
        name = (m.group("namespace") or "core/") + m.group("name")
        if m.group("closer"):
            self.close(name, start, end)
            return
        attrs, bad = _decode_attrs(m.group("attrs"))
        if bad is not None:
            self.counts[f"block:bad-attrs:{name}"] += 1
        parent = self.stack[-1].index if self.stack else None
        block = _Open(name, attrs, len(self.stack), parent, start, bad, len(self.blocks))
        if m.group("void"):
            self.counts[f"block:dropped:{name}"] += 1
            self.blocks.append(self.freeze(block, end, void=True))
        else:
            self.blocks.append(block)
            self.stack.append(block)

    def close(self, name: str, start: int, end: int) -> None:
        """Close the innermost open block of this name; stray closers are only counted."""
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i].name == name:
                break
        else:
            self.counts[f"block:stray-closer:{name}"] += 1
            return
        while len(self.stack) > i + 1:
            self.unclosed(self.stack.pop(), start)
        opened = self.stack.pop()
        self.blocks[opened.index] = self.freeze(opened, end)

    def unclosed(self, opened: _Open, end: int) -> None:
        self.counts[f"block:unclosed:{opened.name}"] += 1
        self.blocks[opened.index] = self.freeze(opened, end, closed=False)

    @staticmethod
    def freeze(b: _Open, end: int, void: bool = False, closed: bool = True) -> Block:
        return Block(b.name, b.attrs, void, b.depth, b.parent, b.start, end, closed, b.bad_attrs)

    def run(self) -> str:
        content = self.content
        out: list[str] = []
        pos = 0
        for start, end, m in _comments(content):
            out.append(content[pos:start])
            pos = _after_delimiter(content, start, end)
            if m is None:
                self.counts["block:malformed-delimiter"] += 1
            else:
                self.token(m, start, end)
        out.append(content[pos:])
        while self.stack:
            self.unclosed(self.stack.pop(), len(content))
        return "".join(out)


def strip_blocks(content: str) -> tuple[str, list[Block], Counter[str]]:
    """Remove block delimiters, keeping inner HTML; return the blocks found and counts.

    Counter keys: ``block:dropped:NAME`` (void blocks, rendered server-side only),
    ``block:unclosed:NAME``, ``block:stray-closer:NAME``, ``block:bad-attrs:NAME``
    (JSON that does not parse: ``attrs`` is ``{}``, ``bad_attrs`` the text) and
    ``block:malformed-delimiter`` (a comment starting ``<!-- wp:`` that is not a valid
    delimiter; removed, since it is invisible anyway; an unterminated one is removed
    up to the end of its line so that it cannot hide the rest of the post).
    Blocks are listed in document order of their openers. A line break right after
    a removed delimiter goes with it.
    """
    if "<!--" not in content:
        return content, [], Counter()
    stripper = _Stripper(content)
    html = stripper.run()
    blocks = [b for b in stripper.blocks if isinstance(b, Block)]
    return html, blocks, stripper.counts
