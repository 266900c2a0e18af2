"""How WordPress's output and the cleaner's are compared: the normalisation, and the
deliberate differences, each with its reason (docs/wordpress-differences.md has them all).

Two outputs *agree* when they are byte-identical, or when their parsed HTML trees are equal
after :func:`normal_tree`: comments dropped, attributes compared as sets (``class`` and ``rel``
as sets of words), whitespace runs collapsed to one space outside ``<pre>``, and whitespace
next to a block-level element's boundary ignored (HTML renders none of these). Parsing is
html5lib's, the WHATWG algorithm browsers use (what a reader of either output sees), on both
sides alike.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import html5lib

from wpmigrate.clean.shortcodes import CODE_TAGS


@dataclass(frozen=True)
class Deliberate:
    """A difference the project chose, taken out of the comparison on both sides."""

    name: str
    reason: str
    #: WordPress filters (the_content, comment_text) left out of the comparable chains.
    skip: tuple[str, ...] = ()


#: The deliberate differences. Each is removed from both sides before comparing: WordPress's
#: filter is skipped, and the cleaner runs with the matching feature off (tests.oracle.cleaner).
DELIBERATE: tuple[Deliberate, ...] = (
    Deliberate("texturize", "curly quotes, dashes and ellipses are typography the reader's site "
               "applies; the export keeps what the author typed", ("wptexturize",)),
    Deliberate("smilies", "text smilies stay text: WordPress's emoji images live on its CDN",
               ("convert_smilies",)),
    Deliberate("capital-P", "capital_P_dangit rewrites the author's words", ("capital_P_dangit",)),
    Deliberate("content-tags", "loading=\"lazy\" and decoding hints, and srcset/sizes from the "
               "uploads' metadata, are added to images when WordPress shows them; the cleaner keeps "
               "the img as written", ("wp_filter_content_tags",)),
    Deliberate("embeds", "oEmbed needs the network: the cleaner writes static players for "
               "known providers instead; autoembed and [embed] are compared elsewhere",
               ("WP_Embed::autoembed", "WP_Embed::run_shortcode")),
    Deliberate("block-supports", "classes and wrappers added when a block is shown, for the "
               "stylesheet WordPress writes into the page (wp-elements-*, layout, duotone) or for "
               "classic themes (the group's inner container, the image's outer div): they depend "
               "on the theme, which the export does not carry; the saved block markup is kept",
               ("wp_render_elements_support", "wp_render_layout_support_flag", "wp_render_duotone_support",
                "wp_render_typography_support", "wp_restore_group_inner_container",
                "wp_restore_image_outer_container")),
    Deliberate("balance-tags", "comment_text's force_balance_tags closes misnested tags its own way "
               "(<strong>a<strong>b</strong> becomes <strong>a</strong><strong>b</strong>); the cleaner "
               "leaves that to the HTML5 parser of its sanitiser, as browsers do; both render alike",
               ("force_balance_tags",)),
    Deliberate("shortcode-markup", "the project writes plain semantic HTML (figure, pre>code, "
               "audio, video, a link) for the shortcodes it converts, WordPress writes theme "
               "markup: both sides emit a marker holding the tag, attributes and content"),
    Deliberate("plugins", "SyntaxHighlighter, Jetpack and form plugins' shortcodes and Flash "
               "players are rendered by the cleaner; WordPress without the plugins leaves them"),
    Deliberate("noise", "widget noise removal is off for the comparison (--keep-noise)"),
    Deliberate("sanitising", "the cleaner sanitises; WordPress's output goes through the same "
               "sanitiser before comparing"),
    Deliberate("text-formats", "posts written in Markdown or Textile are rendered from their "
               "source by the cleaner; WordPress without the plugin shows the stored text"),
)


@dataclass(frozen=True)
class Listed:
    """A difference that cannot be switched off on both sides: recognised in the outputs, and
    shown by its fixture (fixtures/wordpress-differences/NAME.txt, tested in
    tests/test_wordpress_oracle.py)."""

    name: str
    reason: str
    #: Whether a disagreement is this one, from (ours, theirs).
    applies: Callable[[str, str], bool]


_MARKER = re.compile(r'<span class="wpm-shortcode" title="([^"]*)"')
_MARKER_IN_ATTRIBUTE = re.compile(r'="[^"]*&lt;span class=&quot;wpm-shortcode&quot;')


def _empty_code_shortcodes(fragment: str) -> int:
    """Code shortcodes (SyntaxHighlighter's tags) among the markers that reached their handler empty."""
    data = (json.loads(html.unescape(m)) for m in _MARKER.findall(fragment))
    return sum(1 for d in data if d["tag"] in CODE_TAGS and not d["content"])


def _markup_in_attributes(fragment: str) -> int:
    return len(_MARKER_IN_ATTRIBUTE.findall(fragment))


#: The listed differences (docs/wordpress-differences.md).
LISTED: tuple[Listed, ...] = (
    Listed("code-body-angle-bracket",
           "a code shortcode whose body holds a bare '<' (i < 10) or a CDATA end: WordPress's tag "
           "scan (wp_html_split) reads from that '<' to the next '>' as one HTML tag and hides the "
           "[/code] inside it, so the shortcode closes empty and the code spills out into the "
           "post, paragraphs and all; the cleaner reads the body as code, as the author meant",
           lambda ours, theirs: _empty_code_shortcodes(theirs) > _empty_code_shortcodes(ours)),
    Listed("shortcode-in-attribute",
           "a shortcode inside an HTML attribute value (title=\"[caption]...[/caption]\"): WordPress "
           "puts the handler's HTML there, escaped, where it shows as markup in a tooltip; the "
           "cleaner keeps only its text",
           lambda ours, theirs: _markup_in_attributes(theirs) > _markup_in_attributes(ours)),
)


def listed(ours: str, theirs: str) -> str | None:
    """The name of the listed difference that explains this disagreement, if any."""
    return next((item.name for item in LISTED if item.applies(ours, theirs)), None)


#: Every WordPress filter the comparable chains leave out.
SKIPPED_FILTERS: tuple[str, ...] = tuple(name for d in DELIBERATE for name in d.skip)

#: Elements whose boundaries make surrounding whitespace meaningless (rendered as blocks).
BLOCK_ELEMENTS = frozenset(
    """address article aside blockquote body caption col colgroup dd details div dl dt fieldset
    figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main menu nav ol p pre
    section summary table tbody td tfoot th thead tr ul audio video source track br""".split()
)
_WORD_SETS = frozenset({"class", "rel"})
_SPACES = re.compile(r"[ \t\n\r\f]+")


def agree(ours: str, theirs: str) -> str | None:
    """``"identical"``, ``"equivalent"`` (equal normal trees) or None (they differ)."""
    if ours == theirs:
        return "identical"
    return "equivalent" if normal_tree(ours) == normal_tree(theirs) else None


def normal_tree(fragment: str) -> tuple:
    """The fragment's normal form (see the module docstring), as nested tuples."""
    if not fragment.strip():
        return ()
    root = html5lib.parseFragment(fragment, treebuilder="etree", namespaceHTMLElements=False)
    return _children(root, in_pre=False)


def _node(el, in_pre: bool) -> tuple:
    attrs = tuple(sorted((name, _attr_value(name, value)) for name, value in el.attrib.items()))
    in_pre = in_pre or el.tag == "pre"
    return (el.tag, attrs, _children(el, in_pre))


def _attr_value(name: str, value: str) -> str | frozenset[str]:
    return frozenset(value.split()) if name in _WORD_SETS else value


def _children(el, in_pre: bool) -> tuple:
    """Text and elements inside ``el``, comments dropped and adjacent texts joined."""
    parts: list = []
    _add_text(parts, el.text)
    for child in el:
        if isinstance(child.tag, str):  # not a comment
            parts.append(_node(child, in_pre))
        _add_text(parts, child.tail)
    if in_pre:
        return tuple(parts)
    return tuple(_trim(parts, el.tag in BLOCK_ELEMENTS or el.tag == "DOCUMENT_FRAGMENT"))


def _add_text(parts: list, text: str | None) -> None:
    if text:
        if parts and isinstance(parts[-1], str):
            parts[-1] += text
        else:
            parts.append(text)


def _trim(parts: list, block: bool) -> list:
    """Whitespace collapsed; dropped at the edges of a block and next to block elements."""
    out = []
    for i, part in enumerate(parts):
        if not isinstance(part, str):
            out.append(part)
            continue
        text = _SPACES.sub(" ", part)
        if (i == 0 and block) or (i > 0 and _is_block(parts[i - 1])):
            text = text.lstrip(" ")
        if (i == len(parts) - 1 and block) or (i + 1 < len(parts) and _is_block(parts[i + 1])):
            text = text.rstrip(" ")
        if text:
            out.append(text)
    return out


def _is_block(part) -> bool:
    return not isinstance(part, str) and part[0] in BLOCK_ELEMENTS
