"""Posts written in Textile or Markdown: which format a post is in, and its HTML.

Some plugins keep Textile or Markdown *source* in ``post_content`` and render it
when the post is shown, in place of ``wpautop``:

* a per-post format in meta: ``_wp_textile`` (Textile), Text Control's
  ``_tc_post_format`` (``textile1``, ``textile2``, ``markdown``);
* site-wide filters with no meta (the Textile plugins of WordPress 1.x/2.x, PHP
  Markdown, BP Markdown): only the content tells, so a conservative heuristic
  does, and only for content with no HTML block markup.

Plugins that render on save store HTML in ``post_content`` (Markdown on Save's
``_cws_is_markdown``, Jetpack's ``_wpcom_is_markdown``, WP-Markdown; the source
is in ``post_content_filtered``, which WXR does not export): their meta is no
evidence of Markdown source; such a post is Markdown only if the heuristic says so.

WordPress runs these renderers before shortcodes; shortcode tags are kept out
of the renderer here (it would curl their quotes) and handled afterwards by the
pipeline, and ``[code]``-type shortcodes keep their bodies as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

import textile
from markdown_it import MarkdownIt

from wpmigrate.chars import without_lone_surrogates
from wpmigrate.clean.autoembed import autoembed
from wpmigrate.clean.shortcodes import CODE_TAGS, KNOWN_TAGS
from wpmigrate.model import Meta

HTML, TEXTILE, MARKDOWN = "html", "textile", "markdown"

#: ``_tc_post_format`` values (Text Control) and the format each means.
_TEXT_CONTROL = {"textile1": TEXTILE, "textile2": TEXTILE, "markdown": MARKDOWN}
_TRUE = {"1", "true", "yes", "on"}

# HTML that no Textile/Markdown post of these plugins needs: block markup, the block editor.
_HTML_BLOCK = re.compile(
    r"<(?:p|div|h[1-6]|ul|ol|li|dl|blockquote|pre|table|tr|td|br|hr|figure|section|article|iframe)\b"
    r"|<!--\s*/?wp:",
    re.I,
)
_TEXTILE_BLOCK = re.compile(r"^(?:h[1-6]|bq|bc|pre|fn\d+)(?:\([^)\n]*\)|\{[^}\n]*\}|\[[^\]\n]*\]|[<>=])*\.\.? \S", re.M)
_TEXTILE_LINK = re.compile(r'"[^"\n]+":(?:https?://|/)\S')
_HTML_LINK = re.compile(r"<a\s", re.I)
_TEXTILE_LIST = re.compile(r"^[*#]+ \S", re.M)
_MD_HEADING = re.compile(r"^#{2,6} \S|^\S[^\n]*\n(?:=+|-+)[ \t]*$", re.M)
_MD_FENCE = re.compile(r"^(```|~~~)[^\n]*\n.*?^\1[ \t]*$", re.M | re.S)
# The link text holds no "[": from each "[" the scan stops at the next one, so a line of many
# "[" and no "]" costs linear time (it took 87 s on 70,000 shortcode openers).
_MD_LINK = re.compile(r"!?\[[^\[\]\n]+\]\((?:https?://|/|#)[^)\s]*(?: \"[^\"\n]*\")?\)")
_MD_STRONG = re.compile(r"\*\*\S[^*\n]*\S\*\*|__\S[^_\n]*\S__")
_MD_LIST = re.compile(r"^(?:[-*+]|\d+\.) \S", re.M)


def _shortcode_tags(names: Iterable[str]) -> re.Pattern[str]:
    """``[tag ...]``, ``[/tag]`` and ``[[tag]]`` of the named tags; not ``[tag](url)`` links."""
    alternatives = "|".join(sorted(map(re.escape, names), key=len, reverse=True))
    return re.compile(rf"\[\[?/?(?:{alternatives})(?![\w-])[^\[\]]*\]\]?(?![(:\[])", re.I)


_SHORTCODE_TAG = _shortcode_tags(KNOWN_TAGS)
_CODE_SHORTCODE = re.compile(
    r"\[(" + "|".join(sorted(map(re.escape, CODE_TAGS), key=len, reverse=True)) + r")(?![\w-])[^\]]*\].*?\[/\1\]",
    re.I | re.S,
)


def format_from_meta(meta: Iterable[Meta]) -> str | None:
    """The format a plugin's post meta declares, or None where no meta says."""
    for item in meta:
        if item.key not in _FORMAT_KEYS:  # before the value: some values are large
            continue
        value = str(item.value).strip().lower()
        if item.key == "_wp_textile" and value in _TRUE:
            return TEXTILE
        if item.key == "_tc_post_format" and value:
            return _TEXT_CONTROL.get(value, HTML)
    return None


_FORMAT_KEYS = frozenset(("_wp_textile", "_tc_post_format"))


def _without_code_shortcodes(text: str) -> str:
    return _CODE_SHORTCODE.sub(" ", text) if "[" in text else text


def looks_like_textile(text: str) -> bool:
    """Textile source, with no HTML block markup: a block signature (``h2.``, ``bq.``, ``fn1.``...)
    and one more Textile trait, or two ``"text":url`` links and no ``<a>``."""
    text = _without_code_shortcodes(text)
    return not _HTML_BLOCK.search(text) and _textile_traits(text)


def _textile_traits(text: str) -> bool:
    links = len(_TEXTILE_LINK.findall(text))
    if not _TEXTILE_BLOCK.search(text):
        return links >= 2 and not _HTML_LINK.search(text)
    return bool(links or _TEXTILE_LIST.search(text) or len(_TEXTILE_BLOCK.findall(text)) > 1)


def looks_like_markdown(text: str) -> bool:
    """Markdown source: two kinds of Markdown syntax, one of them a heading, fence or link."""
    text = _without_code_shortcodes(text)
    return not _HTML_BLOCK.search(text) and _markdown_traits(text)


def _markdown_traits(text: str) -> bool:
    strong = [bool(p.search(text)) for p in (_MD_HEADING, _MD_FENCE, _MD_LINK)]
    weak = [bool(p.search(text)) for p in (_MD_STRONG, _MD_LIST)]
    return any(strong) and sum(strong) + sum(weak) >= 2


def detect_format(content: str, meta: Iterable[Meta] = ()) -> tuple[str, str]:
    """``(format, how)``: ``html``, ``textile`` or ``markdown``, and ``meta`` or ``content``
    (``default`` for HTML nothing argued against)."""
    declared = format_from_meta(meta)
    if declared is not None:
        return declared, "meta"
    text = _without_code_shortcodes(content)
    if _HTML_BLOCK.search(text):  # most posts: HTML, decided by one search
        return HTML, "default"
    if _textile_traits(text):
        return TEXTILE, "content"
    if _markdown_traits(text):
        return MARKDOWN, "content"
    return HTML, "default"


# --------------------------------------------------------------------------- rendering


def _protected(text: str, render: Callable[[str], str]) -> str:
    """``render(text)`` with shortcode tags and ``[code]`` bodies kept out of it, as written."""
    kept: list[str] = []
    prefix = "wpmshortcode"
    while prefix in text:
        prefix += "x"

    def keep(m: re.Match[str]) -> str:
        kept.append(m.group())
        return f"{prefix}{len(kept) - 1}z"

    masked = _SHORTCODE_TAG.sub(keep, _CODE_SHORTCODE.sub(keep, text)) if "[" in text else text
    html = render(masked)
    if not kept:
        return html
    return re.sub(rf"{prefix}(\d+)z", lambda m: kept[int(m.group(1))], html)


def textile_to_html(text: str) -> str:
    """Textile to HTML with python-textile (HTML5 output), shortcodes left for the pipeline."""
    return _protected(text, _textile)


def _textile(text: str) -> str:
    # python-textile percent-encodes link URLs and fails on a lone surrogate (from the
    # library's callers; the reader gives U+FFFD): shown as the reader shows it.
    text = without_lone_surrogates(text)
    renderer = textile.Textile(html_type="html5")
    # Footnote and link ids start with a random uuid: a fixed prefix keeps the output the same
    # from run to run (ids only need to be unique within the post).
    renderer.linkPrefix = "note-"
    # Its ``<span class="caps">`` around capitals is a styling hook only, and splits words (RDFa).
    return _CAPS.sub(r"\1", renderer.parse(text)).strip()


_CAPS = re.compile(r'<span class="caps">([^<]*)</span>')


@lru_cache(maxsize=1)
def _markdown_it() -> MarkdownIt:
    # CommonMark with raw HTML allowed (PHP Markdown allows it too; the sanitiser runs
    # after), and the tables and strikethrough of PHP Markdown Extra and GitHub.
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def markdown_to_html(text: str) -> str:
    """Markdown (CommonMark, tables, strikethrough) to HTML, shortcodes left for the pipeline."""
    return _protected(text, lambda s: _markdown_it().render(s).strip())


def to_html(text: str, text_format: str) -> str | None:
    """``text`` rendered from ``text_format`` (``textile`` or ``markdown``) to HTML; None when
    the renderer fails on it (python-textile raises on some damaged links, found by fuzzing)."""
    try:
        return textile_to_html(text) if text_format == TEXTILE else markdown_to_html(text)
    except Exception:  # noqa: BLE001 - a third-party renderer's failure: the caller falls back
        return None


# --------------------------------------------------------------------------- Markdown bodies

_TAG_LIKE = re.compile(r"<(?!https?://|mailto:|!--more)[A-Za-z/!?]")
#: Code in Markdown source: fenced blocks, code spans, indented lines.
MARKDOWN_CODE = re.compile(r"^(```|~~~)[^\n]*\n.*?^\1[ \t]*$|`+[^`\n]+`+|^(?: {4}|\t)[^\n]*$", re.M | re.S)


def markdown_body(source: str) -> str | None:
    """The post's own Markdown, to publish as it was written; None when it holds what only the
    HTML route handles: raw HTML, shortcodes, a URL WordPress would embed, or ``{{``/``{%``
    (site generators read those as their templates; the HTML route escapes them)."""
    if "{{" in source or "{%" in source:
        return None
    prose = MARKDOWN_CODE.sub(" ", source)
    if _TAG_LIKE.search(prose) or _SHORTCODE_TAG.search(prose) or "[" in prose and _CODE_SHORTCODE.search(prose):
        return None
    if autoembed(prose) != prose:
        return None
    return source.replace("\r\n", "\n").strip() + "\n"


def format_diagnostics(text_format: str, how: str, source_kept: bool) -> dict[str, int]:
    """What the content diagnostics say of a post's format: ``format:textile`` or
    ``format:markdown``, ``format:detected-by-content`` when no meta said so, and
    ``format:markdown-source-kept`` when the Markdown writer publishes the source."""
    if text_format == HTML:
        return {}
    found = {f"format:{text_format}": 1}
    if how == "content":
        found["format:detected-by-content"] = 1
    if source_kept:
        found["format:markdown-source-kept"] = 1
    return found
