"""The noise pass on lxml's own tree, for rule sets whose selectors are simple.

:func:`noise.strip_noise_soup` builds a BeautifulSoup tree, which costs most of the
cleaning time of a post that has noise. When every selector of the rules is one simple
compound (``tag``, ``#id``, ``.class`` and ``[attr op value]`` parts, nothing else), the
selector index's keys are exact, so the same removals can be made on the tree libxml2
builds itself, in the same order, with the same text rules; :func:`strip_noise_fast`
does that and returns None when the rules are not simple (the caller then uses bs4).

It serialises with lxml rather than bs4's formatter; the pipeline sanitises the result,
which re-serialises it, so the clean HTML is the same (checked on the corpus, the
fixtures and generated exports; ``tests/test_noise_fast.py`` compares the two passes).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from html import escape

import soupsieve
from bs4.builder import HTMLTreeBuilder
from lxml import etree
from soupsieve import css_parser

from wpmigrate.clean import noise
from wpmigrate.clean.noise import MAX_TEXT, NoiseRule, _attr_admits, _Key, _split_top
from wpmigrate.clean.noise_filter import _KEPT_DEPTH, _reaches_depth

_PART = r"(?:\.[\w-]+|\[[^\]\"'\\]*(?:\"[^\"\\]*\"|'[^'\\]*')?\s*[iIsS]?\s*\])"  # .class or [attr...]
#: One plain compound: a tag name, classes, attribute tests and at most one id.
_SIMPLE = re.compile(rf"(?:[A-Za-z][\w-]*)?{_PART}*(?:#[\w-]+)?{_PART}*")
_LISTS = HTMLTreeBuilder.DEFAULT_CDATA_LIST_ATTRIBUTES
_INVISIBLE = frozenset(HTMLTreeBuilder.DEFAULT_STRING_CONTAINERS)
_TOKENS = re.compile(r"\S+")
_PRESERVE = frozenset(HTMLTreeBuilder.DEFAULT_PRESERVE_WHITESPACE_TAGS)
_ASCII_SPACES = str.maketrans("", "", "\x20\x0a\x09\x0c\x0d")


def _case_insensitive_attributes() -> frozenset[str] | None:
    """Attributes whose values soupsieve matches case-insensitively in HTML: the HTML standard's
    list from soupsieve 4 on, only ``type`` before (soupsieve 4 needs Python 3.11.5, so older
    ones stay supported). None where a release names no list: any attribute may then be, and
    rules that test attributes go through soupsieve itself."""
    if soupsieve.__version_info__ < (4,):
        return frozenset({"type"})
    return getattr(css_parser, "HTML_CASE_INSENSITIVE_ATTRIBUTES", None)


_CASE_INSENSITIVE = _case_insensitive_attributes()


def _as_bs4(text: str | None, holder: etree._Element) -> str:
    """A string of ``holder`` as bs4 stores it: one made only of ASCII spaces becomes one
    newline or one space, except inside ``<pre>`` or ``<textarea>``."""
    if not text or text.translate(_ASCII_SPACES):
        return text or ""
    if holder.tag in _PRESERVE or any(a.tag in _PRESERVE for a in holder.iterancestors()):
        return text
    return "\n" if "\n" in text else " "


@lru_cache(maxsize=16)
def _exact_keys(rules: tuple[NoiseRule, ...]) -> tuple[tuple[_Key, ...], ...] | None:
    """Per rule, keys that match exactly what soupsieve would; None if any rule has a
    selector that is not a plain compound."""
    out = []
    for rule in rules:
        keys = getattr(rule, "_keys", None) if rule.selector else ()
        if keys is None:
            return None
        if rule.selector:
            for part in _split_top(rule.selector):
                if not part or not _SIMPLE.fullmatch(part):
                    return None
            if any(_CASE_INSENSITIVE is None or name in _CASE_INSENSITIVE for key in keys for name, *_ in key.attrs):
                return None
        out.append(keys)
    return tuple(out)


@lru_cache(maxsize=16)
def _index(rules: tuple[NoiseRule, ...]) -> tuple[dict, dict, dict, dict]:
    """(rule number, key) filed by tag, id, class and attribute name, as noise._Index does."""
    by_tag: dict = {}
    by_id: dict = {}
    by_class: dict = {}
    by_attr: dict = {}
    for n, keys in enumerate(_exact_keys(rules) or ()):
        for key in keys:
            if key.ids:
                by_id.setdefault(key.ids[0], []).append((n, key))
            elif key.classes:
                by_class.setdefault(key.classes[0], []).append((n, key))
            elif key.attrs:
                by_attr.setdefault(key.attrs[0][0], []).append((n, key))
            else:
                by_tag.setdefault(key.tag, []).append((n, key))
    return by_tag, by_id, by_class, by_attr


def _candidates(elements: list, index: tuple[dict, dict, dict, dict], count: int) -> list[list]:
    """For each rule, the elements (in document order) its selector matches."""
    by_tag, by_id, by_class, by_attr = index
    found: list[list] = [[] for _ in range(count)]
    for el in elements:
        entries = list(by_tag.get(el.tag, ()))
        if el.attrib:
            entries += by_id.get(el.get("id"), ())
            for c in _TOKENS.findall(el.get("class") or ""):
                entries += by_class.get(c, ())
            for name in el.attrib:
                entries += by_attr.get(name, ())
        hits: set[int] = set()
        for n, key in entries:
            if n not in hits and _admits(key, el):
                hits.add(n)
        for n in hits:
            found[n].append(el)
    return found


def _attr(el: etree._Element, name: str) -> str | None:
    """The attribute as bs4 holds it: multi-valued ones joined by one space."""
    value = el.get(name)
    if value is not None and (name in _LISTS.get("*", ()) or name in _LISTS.get(el.tag, ())):
        return " ".join(_TOKENS.findall(value))
    return value


def _admits(key: _Key, el: etree._Element) -> bool:
    if key.tag and el.tag != key.tag:
        return False
    if key.ids and el.get("id") not in key.ids:
        return False
    if key.classes:
        have = _TOKENS.findall(el.get("class") or "")
        if not all(c in have for c in key.classes):
            return False
    return all(_attr_admits(_attr(el, name), op, value, fold) for name, op, value, fold in key.attrs)


def _detach(el: etree._Element) -> None:
    """Remove ``el`` and what is inside it, keeping the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def strip_noise_fast(html: str, rules: tuple[NoiseRule, ...]) -> tuple[str, Counter[str]] | None:
    """``(html without noise, counts)`` as the bs4 pass would find them, or None when
    these rules need bs4 (or the document is too deep for lxml's own tree)."""
    exact = _exact_keys(rules)
    if exact is None:
        return None
    parser = etree.HTMLParser(recover=True, huge_tree=True)
    parser.feed(noise.wrap_fragment(html))
    root = parser.close()
    if root is None or (html.count("<") >= _KEPT_DEPTH and _reaches_depth(root, _KEPT_DEPTH)):
        return None  # deeper than lxml's own trees keep: bs4 sees it all
    try:
        return _strip(root, html, rules)
    except ValueError:  # a text lxml's parser made but will not take back ("&#1;" is U+0001): bs4 decides
        return None


def _strip(root: etree._Element, html: str, rules: tuple[NoiseRule, ...]) -> tuple[str, Counter[str]]:
    """The noise of the parsed ``root`` removed; ``html`` itself when there was none."""
    counts: Counter[str] = Counter()
    elements = list(root.iter(etree.Element))
    for node in root.iter():  # strings as bs4 stores them, before removals join any
        if isinstance(node.tag, str) and node.text:
            node.text = _as_bs4(node.text, node)
        if node.tail and node.getparent() is not None:
            node.tail = _as_bs4(node.tail, node.getparent())
    removed: set[etree._Element] = set()
    for rule, matched in zip(rules, _candidates(elements, _index(rules), len(rules))):
        for el in matched:
            if not _inside(el, removed):
                removed.add(el)
                counts[rule.name] += 1
    for el in removed:
        _detach(el)
    _strip_by_text(root, rules, counts)
    body = root.find("body")
    if not counts or body is None:
        return html, counts
    return _serialize(body), counts


#: Elements with no end tag (html5ever's list, bs4's too).
_VOID = frozenset(
    "area base basefont bgsound br col command embed frame hr image img input isindex keygen link menuitem meta"
    " nextid param source spacer track wbr".split()
)
_RAW = frozenset({"script", "style"})


def _serialize(body: etree._Element) -> str:
    """The body's contents as HTML, written as bs4's formatter writes them (attributes in
    source order, double-quoted, ``&<>`` escaped, script and style text raw); iterative,
    so nesting depth does not matter. (lxml's own serialiser %-encodes non-ASCII URLs.)"""
    out = [escape(body.text or "", quote=False)]
    for event, node in etree.iterwalk(body, events=("start", "end", "comment", "pi")):
        if node is body:
            continue
        if event == "start":
            # Multi-valued attributes (class, rel ...) as bs4 re-joins them: one space between tokens.
            attrs = "".join(f' {k}="{escape(_attr(node, k) or "")}"' for k in node.keys())
            out.append(f"<{node.tag}{attrs}>")
            if node.text:
                out.append(node.text if node.tag in _RAW else escape(node.text, quote=False))
            continue
        if event == "comment":
            out.append(f"<!--{node.text or ''}-->")
        elif event == "pi":
            out.append(f"<?{node.target} {node.text or ''}>")
        elif node.tag not in _VOID:
            out.append(f"</{node.tag}>")
        parent = node.getparent()
        if node.tail and parent is not None:
            out.append(node.tail if parent.tag in _RAW else escape(node.tail, quote=False))
    return "".join(out)


def _inside(el: etree._Element, removed: set) -> bool:
    """Whether ``el`` or an ancestor was already removed (bs4: ``decomposed``)."""
    if not removed:
        return False
    node = el
    while node is not None:
        if node in removed:
            return True
        node = node.getparent()
    return False


def _visible(el: etree._Element) -> bool:
    """Whether strings directly in ``el`` are visible text for bs4 (no script, style ...
    around them)."""
    return not any(a.tag in _INVISIBLE for a in el.iterancestors()) and el.tag not in _INVISIBLE


def _text_hits(root: etree._Element, rules: tuple[NoiseRule, ...]) -> dict[etree._Element, str]:
    """noise._text_matches on an lxml tree."""
    by_tag = noise._text_patterns(rules)
    if not by_tag:
        return {}
    texts: dict[etree._Element, str] = {}
    hits: dict[etree._Element, str] = {}
    limit = MAX_TEXT * 4
    for el in reversed(list(root.iter(etree.Element))):
        if el.tag in noise._MEDIA:
            continue
        visible = _visible(el)
        own = (el.text or "") if visible else ""
        parts: list[str] = [own] if own else []
        size = len(own)
        complete = size <= limit
        for child in el if complete else ():
            if isinstance(child.tag, str):
                piece = texts.get(child)
                if piece is None:
                    complete = False
                    break
                size += len(piece)
                parts.append(piece)
            tail = (child.tail or "") if visible else ""
            if tail:
                size += len(tail)
                parts.append(tail)
            if size > limit:
                complete = False
                break
        if not complete:
            continue
        raw = texts[el] = "".join(parts)
        name = noise.label_rule(raw, by_tag.get(el.tag))
        if name:
            hits[el] = name
    return hits


def _strip_by_text(root: etree._Element, rules: tuple[NoiseRule, ...], counts: Counter[str]) -> None:
    hits = _text_hits(root, rules)
    comment_rules = [r for r in rules if r.comment]
    if not hits and not comment_rules:
        return
    doomed = []
    stack = list(reversed(list(root)))
    while stack:
        node = stack.pop()
        if isinstance(node.tag, str):
            name = hits.get(node)
            if name:
                doomed.append((node, name))
            else:
                stack.extend(reversed(list(node)))
        elif comment_rules and node.tag is etree.Comment:
            text = (node.text or "").strip()
            name = next((r.name for r in comment_rules if r.matches_comment(text)), None)
            if name:
                doomed.append((node, name))
    for node, name in doomed:
        _detach(node)
        counts[name] += 1
