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

from wpmigrate.clean.shortcodes import KNOWN_TAGS


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
    Deliberate("embeds", "oEmbed asks the provider over the network: the harness has none, and "
               "the cleaner writes a static player for a known provider (or the HTML cached in the "
               "post's _oembed_* meta) instead; bare provider URLs and [embed] are left out on both sides",
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
    #: Whether a disagreement is this one, from (stage, raw input, ours, theirs).
    applies: Callable[[str, str, str, str], bool]


_BARE_LT = re.compile(r"<(?![A-Za-z/!?])")
_KNOWN_OPENER = re.compile(r"\[(?:" + "|".join(sorted(map(re.escape, KNOWN_TAGS), key=len, reverse=True)) + r")(?![\w-])")


def _hidden_by_wordpress(ours: str, theirs: str) -> bool:
    """Whether WordPress rendered fewer shortcodes, or more of them empty, than the cleaner."""
    return (_empty_shortcodes(theirs) > _empty_shortcodes(ours) or len(_markers(theirs)) < len(_markers(ours))
            or _unrendered(theirs) > _unrendered(ours))


def _unrendered(fragment: str) -> int:
    """Known shortcodes left as text (in attribute values too)."""
    return len(_KNOWN_OPENER.findall(html.unescape(fragment)))


def _markers(fragment: str) -> list[dict]:
    """The shortcode markers of a fragment, decoded (those with unreadable JSON left out)."""
    root = html5lib.parseFragment(fragment, treebuilder="etree", namespaceHTMLElements=False)
    found = []
    for el in root.iter("span"):
        if el.get("class") == "wpm-shortcode":
            try:
                found.append(json.loads(el.get("title", "")))
            except ValueError:
                continue
    return found


def _empty_shortcodes(fragment: str) -> int:
    """Markers of shortcodes that reached their handler with no content."""
    return sum(1 for d in _markers(fragment) if not d.get("content"))


def _markup_in_attributes(fragment: str) -> int:
    """Shortcode markers in the fragment, those kept as markup in attribute values (at any
    depth, escaped once or more) included: the cleaner leaves only their text there."""
    return fragment.count("wpm-shortcode")


#: The listed differences (docs/wordpress-differences.md).
LISTED: tuple[Listed, ...] = (
    Listed("bare-angle-bracket",
           "a bare '<' before a shortcode or in its content (i < 10, 1 < 2): WordPress's tag scan "
           "(wp_html_split) reads from that '<' to the next '>', or to the end, as one HTML tag and "
           "hides the shortcodes inside it: a [/code] or [/caption], so the shortcode closes empty and "
           "its content spills out as text, closing tag and all, or the shortcode itself; the "
           "cleaner reads '<' followed by a space or digit as text, as browsers do, and renders "
           "the content",
           lambda stage, raw, ours, theirs: _BARE_LT.search(raw) is not None and _hidden_by_wordpress(ours, theirs)),
    Listed("shortcode-in-attribute",
           "a shortcode inside an HTML attribute value (title=\"[caption]...[/caption]\"): WordPress "
           "puts the handler's HTML there, escaped, where it shows as markup in a tooltip; the "
           "cleaner keeps only its text",
           lambda stage, raw, ours, theirs: _markup_in_attributes(theirs) > _markup_in_attributes(ours)),
    Listed("delimiter-line-break",
           "the cleaner removes a block delimiter on a line of its own together with its line "
           "break, so that no empty lines are left; that is invisible in HTML except inside a "
           "<pre> or a shortcode's content (block markup pasted into a classic <pre>, a block "
           "inside [caption]), where WordPress shows one blank line more",
           lambda stage, raw, ours, theirs: stage in ("do_blocks", "the_content") and "<!-- wp:" in raw
           and normal_tree(ours, pre_newlines=True) == normal_tree(theirs, pre_newlines=True)),
)


def listed(stage: str, raw: str, ours: str, theirs: str) -> str | None:
    """The name of the listed difference that explains this disagreement, if any."""
    return next((item.name for item in LISTED if item.applies(stage, raw, ours, theirs)), None)


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
_NEWLINES = re.compile(r"[\r\n]+")


def agree(ours: str, theirs: str) -> str | None:
    """``"identical"``, ``"equivalent"`` (equal normal trees) or None (they differ)."""
    if ours == theirs:
        return "identical"
    return "equivalent" if normal_tree(ours) == normal_tree(theirs) else None


def normal_tree(fragment: str, *, pre_newlines: bool = False) -> tuple:
    """The fragment's normal form (see the module docstring), as nested tuples; with
    ``pre_newlines``, runs of line breaks inside ``<pre>`` count as one."""
    if not fragment.strip():
        return ()
    root = html5lib.parseFragment(fragment, treebuilder="etree", namespaceHTMLElements=False)
    tree = _children(root, in_pre=False)
    return _squeeze_pre(tree, False) if pre_newlines else tree


def _squeeze_pre(parts: tuple, in_pre: bool) -> tuple:
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(_NEWLINES.sub("\n", part) if in_pre else part)
        else:
            tag, attrs, children = part
            attrs = tuple((k, _squeeze_marker(v) if k == "title" else v) for k, v in attrs)
            out.append((tag, attrs, _squeeze_pre(children, in_pre or tag == "pre")))
    return tuple(out)


def _squeeze_marker(title: str) -> str:
    """A marker's JSON with runs of line breaks in its content counted as one."""
    try:
        data = json.loads(title)
    except ValueError:
        return title
    if not isinstance(data, dict) or not isinstance(data.get("content"), str):
        return title
    return json.dumps({**data, "content": _NEWLINES.sub("\n", data["content"])}, sort_keys=True)


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
