"""WordPress's ``wpautop()`` and ``shortcode_unautop()``, ported to Python.

Output is meant to be byte-identical to WordPress (wp-includes/formatting.php, unchanged
from 5.4 to current trunk). The PHP regexes run without the ``u`` and ``i`` flags, so
every pattern here is ASCII-only (``\\s`` is ``[ \\t\\n\\r\\f\\v]``, U+00A0 is not
whitespace) and tag names match case-sensitively; PHP's ``.`` and ``$`` behave like
Python's defaults.

Several WordPress patterns backtrack quadratically on hostile input (long whitespace
runs, many unterminated ``<tag``). Those are rewritten into equivalents that run in
linear time; each rewrite is explained where it is defined and checked against the
literal patterns by the tests. Step numbers follow the shared wordpress-reference.md, §2.2.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

__all__ = ["BLOCK_TAGS", "shortcode_unautop", "wpautop"]

#: WordPress's ``$allblocks``: a non-capturing group, safe to embed in a larger pattern.
BLOCK_TAGS = (
    "(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li"
    "|pre|form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend"
    "|section|article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu"
    "|summary)"
)

_PHP_TRIM = " \t\n\r\0\x0b"  # what PHP's trim() strips by default
_ASCII_SPACES = " \t\n\r\f\v"  # what \s matches in an ASCII pattern
_TAG_NEWLINE = " <!-- wpnl --> "
_KEPT_NEWLINE = "<WPPreserveNewline />"


def _rx(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern, re.ASCII | flags)


def _keep_groups(pattern: re.Pattern[str], text: str) -> str:
    """``pattern.sub``, each match replaced by whichever of its groups took part.

    For ``(ORIGINAL)then|(FALLBACK)`` patterns that is ``$1``, or the fallback kept as is;
    for a one-group pattern it is ``$1``. Done by ``split`` so that no Python code runs per
    match (``sub`` with a callable or a ``\\1`` template calls back for each one)."""
    parts = pattern.split(text)
    return text if len(parts) == 1 else "".join(filter(None, parts))


def _around_matches(pattern: re.Pattern[str], text: str, before: str, after: str) -> str:
    """``pattern.sub(before + "\\1" + after, text)`` for a one-group pattern whose group
    is the whole match, without a callback per match."""
    parts = pattern.split(text)
    if len(parts) == 1:
        return text
    parts[1::2] = [before + part + after for part in parts[1::2]]
    return "".join(parts)


# A leading ``\s*`` may only start where a whitespace run starts (or at a non-space,
# where it is empty). A later start inside the same run sees the same rest of the run
# and fails like the first (no match ends inside a run: trailing ``\s*`` is greedy), so
# this only saves rescanning long runs from every position.
_RUN_START = r"(?:(?<!\s)|(?!\s))"


def _tag_then(tag: str, then: str, *, lead: str = "") -> re.Pattern[str]:
    """``lead(TAG[^>]*>)then``, plus a fallback that swallows a tag that cannot match.

    Every start inside one ``>``-free stretch reaches the same ``>`` and the same
    continuation, so once the leftmost fails they all fail: the fallback consumes the
    stretch (left unchanged by ``_keep_groups``) instead of rescanning it per start.
    """
    return _rx(rf"{lead}({tag}[^>]*+>){then}|({tag}[^>]*+)")


# Steps 3 and 20: <pre> elements are set aside and put back untouched.
_PRE_KEY = _rx(r"<pre wp-pre-tag-(0|[1-9][0-9]*)></pre>")

# Steps 4-7: make room around block-level tags.
_BR_PAIR = _rx(r"<br\s*/?>\s*<br\s*/?>")
_BLOCK_OPEN = _rx(rf"(<{BLOCK_TAGS}[\s/>])")
_BLOCK_CLOSE = _rx(rf"(</{BLOCK_TAGS}>)")
_HR = _rx(r"(<hr\s*?/?>)")

# Step 9: get_html_split_regex(). PCRE's conditional on a lookahead becomes guarded
# alternatives; an escaped element always matches once its guard holds.
_HTML_SPLIT = _rx(
    r"(<(?:"
    r"(?=!--)!(?:-(?!->)[^-]*+)*+(?:-->)?"
    r"|(?=!\[CDATA\[)!\[CDATA\[[^\]]*+(?:\](?!\]>)[^\]]*+)*+(?:\]\]>)?"
    r"|[^>]*>?"
    r"))"
)

# Steps 10-13: drop the whitespace around elements that must not be split up, each
# group only when its trigger string is present. All replace a match by group 1.
_COLLAPSES: tuple[tuple[tuple[str, ...], tuple[re.Pattern[str], ...]], ...] = (
    (
        ("<option",),
        (_rx(rf"{_RUN_START}\s*(<option)"), _rx(r"(</option>)\s*")),
    ),
    (
        ("</object>",),
        (
            _tag_then("<object", r"\s*"),
            _rx(rf"{_RUN_START}\s*(</object>)"),
            _tag_then("</?(?:param|embed)", r"\s*", lead=rf"{_RUN_START}\s*"),
        ),
    ),
    (
        ("<source", "<track"),
        (
            _rx(r"([<\[](?:audio|video)[^>\]]*+[>\]])\s*|([<\[](?:audio|video)[^>\]]*+)"),
            _rx(rf"{_RUN_START}\s*([<\[]/(?:audio|video)[>\]])"),
            _tag_then("<(?:source|track)", r"\s*", lead=rf"{_RUN_START}\s*"),
        ),
    ),
    (
        ("<figcaption",),
        (
            _tag_then("<figcaption", "", lead=rf"{_RUN_START}\s*"),
            _rx(r"(</figcaption>)\s*"),
        ),
    ),
)

# Step 14: paragraphs.
_MANY_NEWLINES = _rx(r"\n\n+")
_PARAGRAPH_BREAK = _rx(r"\n\s*\n")

# Step 15: undo <p> where it wraps or touches block-level tags.
_EMPTY_P = _rx(r"<p>\s*</p>")
_UNCLOSED_P_IN_BLOCK = _rx(r"<p>([^<]+)</(div|address|form)>")
_LONE_BLOCK_IN_P = _rx(rf"<p>\s*(</?{BLOCK_TAGS}[^>]*+>)\s*</p>")
# A failed ``<li.+?</p>`` means no ``</p>`` follows on that line: skip the whole line.
_LI_IN_P = _rx(r"<p>(<li.+?)</p>|(<p><li.*)")
_BLOCKQUOTE_IN_P = _rx(r"<p><blockquote([^>]*)>", re.IGNORECASE)
_P_BEFORE_BLOCK = _rx(rf"<p>\s*(</?{BLOCK_TAGS}[^>]*+>)")
_BLOCK_TAG_START = _rx(f"</?{BLOCK_TAGS}")
_P_CLOSE_AFTER = _rx(r">(?=\s*</p>)")
_P_CLOSE = _rx(r"\s*</p>")

# Step 16: line breaks. A newline run may only start a match at its first character, or
# at its second when the first is blocked by a preceding <br />. The pattern opens with
# the run's first character (a set, so the search skips to whitespace in C) and checks
# the lookbehinds from just after it; ``(?<=\n)`` accepts a run that was one newline.
_RAW_TEXT_OPEN = _rx(r"<(script|style|svg)")
_BARE_NEWLINE = _rx(r"[ \t\n\r\f\v](?:(?<!\s\s)(?<!<br />\s)|(?<=<br />\s\s))(?:\s*\n|(?<=\n))")

# Steps 17-19: no <br /> next to block tags, no newline before the final </p>.
_BR_AFTER = _rx(r">(?=\s*<br />)")
_BR = _rx(r"\s*<br />")
_BR_BEFORE_BLOCK = _rx(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*+>)")
_FINAL_NEWLINE_IN_P = _rx(r"\n</p>$")


def wpautop(text: str, br: bool = True) -> str:
    """Turn double line breaks into paragraphs and, if ``br``, single ones into ``<br />``."""
    if not text.strip(_PHP_TRIM):
        return ""
    if "<" not in text:
        if "\n" not in text and "\r" not in text and text.strip(_ASCII_SPACES):
            return f"<p>{text}</p>\n"  # one line of text (most comments): one paragraph
        # No tag: steps 3-13 find nothing, and of step 15 only empty paragraphs can go
        # (every other pattern needs a tag the text would have had to hold).
        text = _EMPTY_P.sub("", _wrap_paragraphs(text.replace("\r\n", "\n").replace("\r", "\n") + "\n"))
        return _trim_breaks_at_blocks(_convert_line_breaks(text) if br else text)
    text, pre_blocks = _stash_pre(text + "\n")
    text = _space_out_blocks(text)
    text = _mark_newlines_in_tags(text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _collapse_inline_structures(text)
    text = _unwrap_blocks(_wrap_paragraphs(text))
    if br:
        text = _convert_line_breaks(text)
    text = _trim_breaks_at_blocks(text)
    text = _restore_pre(text, pre_blocks)
    return text.replace(_TAG_NEWLINE, "\n").replace("<!-- wpnl -->", "\n")


def _stash_pre(text: str) -> tuple[str, list[str]]:
    """Replace each ``<pre>…</pre>`` by a placeholder; return the text and the originals."""
    if "<pre" not in text:
        return text, []
    *pieces, last = text.split("</pre>")
    out: list[str] = []
    originals: list[str] = []
    for piece in pieces:
        start = piece.find("<pre")
        if start == -1:  # a stray </pre> is dropped, as WordPress does
            out.append(piece)
            continue
        out.append(f"{piece[:start]}<pre wp-pre-tag-{len(originals)}></pre>")
        originals.append(piece[start:] + "</pre>")
    out.append(last)
    return "".join(out), originals


def _restore_pre(text: str, originals: list[str]) -> str:
    """Put the ``<pre>`` originals back, as PHP's sequential ``str_replace`` would.

    Placeholder i is replaced in turn, so a later placeholder's text inside original i
    is expanded too, an earlier one is not. Expanding from the last one down gives that
    in one pass per string.
    """
    if not originals:
        return text
    expanded: dict[str, str] = {}

    def expand(match: re.Match[str]) -> str:
        return expanded.get(match.group(1), match.group(0))

    for index in range(len(originals) - 1, -1, -1):
        expanded[str(index)] = _PRE_KEY.sub(expand, originals[index])
    return _PRE_KEY.sub(expand, text)


def _space_out_blocks(text: str) -> str:
    """Steps 4-7: ``<br><br>`` and block-level tags become paragraph boundaries."""
    if "<br" in text:
        text = _BR_PAIR.sub("\n\n", text)
    text = _around_matches(_BLOCK_OPEN, text, "\n\n", "")
    text = _around_matches(_BLOCK_CLOSE, text, "", "\n\n")
    return _around_matches(_HR, text, "", "\n\n") if "<hr" in text else text


def _mark_newlines_in_tags(text: str) -> str:
    """Step 9: hide newlines inside tags, comments and CDATA behind a placeholder."""
    parts = _HTML_SPLIT.split(text)
    parts[1::2] = [part.replace("\n", _TAG_NEWLINE) for part in parts[1::2]]
    return "".join(parts)


def _collapse_inline_structures(text: str) -> str:
    """Steps 10-13: keep option, object, audio/video and figcaption markup on one line."""
    for triggers, patterns in _COLLAPSES:
        if any(trigger in text for trigger in triggers):
            for pattern in patterns:
                text = _keep_groups(pattern, text)
    return text


def _wrap_paragraphs(text: str) -> str:
    """Step 14: wrap every blank-line-separated chunk in ``<p>…</p>``."""
    chunks = _PARAGRAPH_BREAK.split(_MANY_NEWLINES.sub("\n\n", text))
    return "".join("<p>" + chunk.strip("\n") + "</p>\n" for chunk in chunks if chunk)


def _unwrap_blocks(text: str) -> str:
    """Step 15: remove the ``<p>`` that step 14 put around or against block tags."""
    text = _EMPTY_P.sub("", text)
    if "</div>" in text or "</address>" in text or "</form>" in text:
        text = _UNCLOSED_P_IN_BLOCK.sub("<p>\\1</p></\\2>", text)
    text = _keep_groups(_LONE_BLOCK_IN_P, text)
    if "<p><li" in text:
        text = _keep_groups(_LI_IN_P, text)
    if "<p><" in text or "<P><" in text:  # the blockquote pattern ignores case
        text = _BLOCKQUOTE_IN_P.sub("<blockquote\\1><p>", text)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = _keep_groups(_P_BEFORE_BLOCK, text)
    return _drop_after_block_tags(text, _P_CLOSE_AFTER, _P_CLOSE)


def _drop_after_block_tags(text: str, candidates: re.Pattern[str], then: re.Pattern[str]) -> str:
    """WordPress's ``(</?BLOCK[^>]*>)THEN`` replaced by ``$1``, found from the rarer end.

    Every ``>`` that THEN follows (``candidates``) is a possible tag end. The regex would
    start the tag at the first ``</?BLOCK`` of the ``>``-free stretch before it (every
    start in a stretch reaches the same ``>``), not before where its last match ended.
    Linear: each stretch is looked at once.
    """
    out: list[str] = []
    copied = 0
    for candidate in candidates.finditer(text):
        end_of_tag = candidate.start()
        if end_of_tag < copied:
            continue
        stretch = max(text.rfind(">", copied, end_of_tag) + 1, copied)
        if _BLOCK_TAG_START.search(text, stretch, end_of_tag) is None:
            continue
        out.append(text[copied : end_of_tag + 1])
        copied = then.match(text, end_of_tag + 1).end()
    if not out:
        return text
    out.append(text[copied:])
    return "".join(out)


def _convert_line_breaks(text: str) -> str:
    """Step 16: remaining newlines become ``<br />``, except in script, style and svg."""
    text = _keep_raw_text_newlines(text)
    text = text.replace("<br>", "<br />").replace("<br/>", "<br />")
    text = _BARE_NEWLINE.sub("<br />\n", text)
    return text.replace(_KEPT_NEWLINE, "\n")


def _keep_raw_text_newlines(text: str) -> str:
    """Mark newlines in ``<(script|style|svg).*?</\\1>`` (dot matching newlines).

    Done by hand: the regex rescans to the end of the text for every unclosed opener.
    An opener only fails when no closer of its name follows, which ``rfind`` tells.
    """
    last_close = {name: text.rfind(f"</{name}>") for name in ("script", "style", "svg")}
    out: list[str] = []
    copied = 0
    opener = _RAW_TEXT_OPEN.search(text)
    while opener is not None:
        start, name, body = opener.start(), opener.group(1), opener.end()
        if last_close[name] < body:
            opener = _RAW_TEXT_OPEN.search(text, start + 1)
            continue
        end = text.find(f"</{name}>", body) + len(name) + 3
        out += [text[copied:start], text[start:end].replace("\n", _KEPT_NEWLINE)]
        copied = end
        opener = _RAW_TEXT_OPEN.search(text, end)
    out.append(text[copied:])
    return "".join(out)


def _trim_breaks_at_blocks(text: str) -> str:
    """Steps 17-19: drop ``<br />`` beside block tags and the newline before a final ``</p>``."""
    if "<br />" not in text:
        return _FINAL_NEWLINE_IN_P.sub("</p>", text)
    text = _drop_after_block_tags(text, _BR_AFTER, _BR)
    text = _keep_groups(_BR_BEFORE_BLOCK, text)
    return _FINAL_NEWLINE_IN_P.sub("</p>", text)


# shortcode_unautop(): wp_spaces_regexp() and add_shortcode()'s rule for valid names.
_WP_SPACES = r"(?:[\r\n\t ]|\xa0|&nbsp;)"
_SHORTCODE_IN_P = _rx(rf"<p>{_WP_SPACES}*+\[")
_SPACES_THEN_P_CLOSE = _rx(rf"{_WP_SPACES}*+</p>")
_NAME_CONTINUES = _rx(r"[\w-]")
_INVALID_SHORTCODE_NAME = _rx(r"[<>&/\[\]\x00-\x20=]")


def shortcode_unautop(html: str, tagnames: Iterable[str]) -> str:
    """Unwrap each ``<p>`` that holds nothing but one registered shortcode.

    ``tagnames`` are the registered shortcode names in registration order (a single
    string counts as one name). Names WordPress's ``add_shortcode()`` would refuse are
    ignored.
    """
    if "[" not in html:
        return html
    if isinstance(tagnames, str):
        tagnames = (tagnames,)
    valid = _valid_names(tagnames if isinstance(tagnames, (frozenset, tuple)) else tuple(tagnames))
    if not valid:
        return html
    return _ShortcodeParagraphs(html, list(valid)).unwrap()


@lru_cache(maxsize=32)
def _valid_names(names: frozenset[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The names WordPress's ``add_shortcode()`` would register, in order, once each."""
    return tuple(name for name in dict.fromkeys(names) if name and not _INVALID_SHORTCODE_NAME.search(name))


class _ShortcodeParagraphs:
    """Matches WordPress's shortcode_unautop() regex by hand, in linear time.

    The regex is ``<p>SPACES*+(\\[(NAMES)(?![\\w-]) OPEN-TAG-BODY (/] | ] (CONTENT[/\\2])?))
    SPACES*+</p>``. Its searches for the next ``]`` and the next closing tag may run to
    the end of the text for every candidate; here each search is remembered.
    """

    def __init__(self, html: str, names: list[str]) -> None:
        self.html = html
        self.names = names
        self._found: dict[str, tuple[int, int]] = {}
        self._p_close: dict[int, int] = {}

    def unwrap(self) -> str:
        html, out = self.html, list[str]()
        copied = search = 0
        while (start := _SHORTCODE_IN_P.search(html, search)) is not None:
            found = self._match(start.end())
            if found is None:
                search = start.start() + 1
                continue
            shortcode_end, match_end = found
            out += [html[copied : start.start()], html[start.end() - 1 : shortcode_end]]
            copied = search = match_end
        out.append(html[copied:])
        return "".join(out)

    def _match(self, name_start: int) -> tuple[int, int] | None:
        """(end of shortcode, end of ``</p>``) for the shortcode whose name starts here."""
        for name in self.names:
            body = name_start + len(name)
            if not self.html.startswith(name, name_start) or _NAME_CONTINUES.match(self.html, body):
                continue
            for shortcode_end in self._shortcode_ends(name, body):
                if (p_end := self._after_p_close(shortcode_end)) != -1:
                    return shortcode_end, p_end
        return None

    def _shortcode_ends(self, name: str, body: int) -> tuple[int, ...]:
        """Where the regex may end the shortcode, in the order it tries them."""
        bracket = self._find("]", body)
        if bracket == -1:
            return ()
        if bracket > body and self.html[bracket - 1] == "/":
            return (bracket + 1,)  # self-closing: the only way through
        closer = self._find(f"[/{name}]", bracket + 1)
        if closer == -1:
            return (bracket + 1,)
        return (closer + len(name) + 3, bracket + 1)

    def _find(self, needle: str, pos: int) -> int:
        """``html.find(needle, pos)``, reusing the last answer while it still holds."""
        known = self._found.get(needle)
        if known is not None and known[0] <= pos and (known[1] == -1 or pos <= known[1]):
            return known[1]
        hit = self.html.find(needle, pos)
        self._found[needle] = (pos, hit)
        return hit

    def _after_p_close(self, pos: int) -> int:
        """End of ``SPACES*+</p>`` at ``pos``, or -1."""
        if pos not in self._p_close:
            match = _SPACES_THEN_P_CLOSE.match(self.html, pos)
            self._p_close[pos] = -1 if match is None else match.end()
        return self._p_close[pos]
