"""Strip WordPress.com / Jetpack widget noise (share buttons, likes, related posts, ads,
comment forms, subscription boxes, tracking pixels) from post HTML.

The rules live in one data table, :mod:`wpmigrate.clean.noise_rules`; users add their own
or disable ours through :func:`load_rules`. Markup is matched by class and id first,
since the visible labels are translated per site; text patterns catch noise that lost its
markup and only ever remove a block whose whole text is noise.

:func:`strip_noise_soup` works on a parsed tree so the pipeline parses a post once;
:func:`parse_fragment` and :func:`fragment_html` are the parse and the serialisation it
pairs with. Everything here is total: any string in, a string out, in time linear in the
size of the input (pathological nesting included).
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import soupsieve
from bs4 import BeautifulSoup, CData, Comment, NavigableString, ParserRejectedMarkup, Tag
from bs4.dammit import EntitySubstitution
from bs4.formatter import HTMLFormatter

from wpmigrate.chars import without_lone_surrogates
from wpmigrate.clean.noise_rules import RULES as _TABLE
from wpmigrate.errors import InputError, UsageError

#: Elements a ``text`` rule may remove unless the rule names its own ``tags``. Only blocks:
#: an inline element's text is part of a sentence, and a sentence is never noise.
TEXT_TAGS: tuple[str, ...] = (
    "p", "div", "section", "aside", "footer", "header", "nav", "form",
    "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dd", "dt",
)  # fmt: skip

#: A text rule never removes an element holding one of these: it is content, whatever
#: its caption says. (Tracking pixels are removed by selector rules first.)
_MEDIA = frozenset(
    "img picture video audio iframe object embed svg canvas math table pre code figure".split()
)

#: Text patterns describe short labels; longer blocks are not tested at all, which keeps
#: the pass linear (each block's text is built once, from its children's, up to this size).
MAX_TEXT = 400

_VISIBLE_STRINGS = (NavigableString, CData)
_WS = re.compile(r"\s+")
_RULE_KEYS = frozenset({"name", "selector", "text", "comment", "tags", "description", "enabled"})


def _alternatives(value: str | list[str] | tuple[str, ...] | None, sep: str) -> str | None:
    """A table cell holds one pattern or a list of them; the rule keeps one string."""
    if value is None or isinstance(value, str):
        return value or None
    return sep.join(value) or None


#: The selectors of the built-in table, as rules hold them.
_TABLE_SELECTORS = frozenset(_alternatives(row.get("selector"), ", ") for row in _TABLE) - {None}


@lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


@lru_cache(maxsize=256)
def _selector(selector: str) -> soupsieve.SoupSieve:
    return soupsieve.compile(selector)


@dataclass(frozen=True)
class NoiseRule:
    """One kind of noise. At least one of ``selector``, ``text`` or ``comment`` is set."""

    #: Removals are counted under this name, and it is the name that disables the rule.
    name: str
    #: A CSS selector list (soupsieve); matching elements are removed whole.
    selector: str | None = None
    #: A regular expression the *whole* whitespace-collapsed text of an element must match.
    text: str | None = None
    #: A regular expression the whole stripped text of an HTML comment must match.
    comment: str | None = None
    #: Elements the text pattern may remove.
    tags: tuple[str, ...] = TEXT_TAGS
    description: str = ""

    def __post_init__(self) -> None:
        if not self.name or not isinstance(self.name, str):
            raise ValueError("a noise rule needs a name")
        if not (self.selector or self.text or self.comment):
            raise ValueError(f"noise rule {self.name!r} has no selector, text or comment")
        try:
            if self.selector:
                if self.selector not in _TABLE_SELECTORS:  # those compile (a test says so): 0.2 s saved at start
                    _selector(self.selector)
                object.__setattr__(self, "_keys", _selector_keys(self.selector))
            for pattern in (self.text, self.comment):
                if pattern:
                    _regex(pattern)
        except (re.error, soupsieve.SelectorSyntaxError) as exc:
            raise ValueError(f"noise rule {self.name!r}: {exc}") from exc
        tags = (self.tags,) if isinstance(self.tags, str) else self.tags
        object.__setattr__(self, "tags", tuple(t.lower() for t in tags))

    @classmethod
    def from_dict(cls, row: dict) -> NoiseRule:
        """Build a rule from a table row (lists of alternatives are joined)."""
        unknown = set(row) - _RULE_KEYS
        if unknown:
            raise ValueError(f"unknown key(s) {sorted(unknown)} in noise rule {row.get('name')!r}")
        text = _alternatives(row.get("text"), ")|(?:")
        comment = _alternatives(row.get("comment"), ")|(?:")
        return cls(
            name=row.get("name", ""),
            selector=_alternatives(row.get("selector"), ", "),
            text=f"(?:{text})" if text else None,
            comment=f"(?:{comment})" if comment else None,
            tags=row.get("tags") or TEXT_TAGS,
            description=row.get("description", ""),
        )

    def matches_text(self, text: str, tag: str) -> bool:
        """Whether a ``tag`` element whose collapsed text is ``text`` is this noise."""
        return bool(self.text) and tag in self.tags and _regex(self.text).fullmatch(text) is not None

    def matches_comment(self, text: str) -> bool:
        return bool(self.comment) and _regex(self.comment).fullmatch(text) is not None


# --------------------------------------------------------------------------- loading


def _read_rules_file(path: str) -> list[dict]:
    """Rows from a user's JSON (a list, or {"rules": [...]}) or TOML ([[rules]]) file."""
    path = os.fspath(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read noise rules file {path}: {exc.strerror or exc}") from exc
    try:
        if path.lower().endswith(".toml"):
            data = tomllib.loads(raw.decode("utf-8"))
        else:
            data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsageError(
            f"noise rules file {path} is not valid {'TOML' if path.lower().endswith('.toml') else 'JSON'}: {exc}",
            hint='write a list of rules, e.g. [{"name": "noise:mine", "selector": ".my-share-box"}]',
        ) from exc
    rows = data.get("rules") if isinstance(data, dict) else data
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise UsageError(
            f"noise rules file {path} must hold a list of rules (or a 'rules' list)",
            hint='e.g. {"rules": [{"name": "noise:mine", "selector": ".my-share-box"}]}',
        )
    return rows


def load_rules(extra_path: str | os.PathLike | None = None, disabled: Iterable[str] = ()) -> tuple[NoiseRule, ...]:
    """The default rules, plus or overridden by those in ``extra_path``, less ``disabled``.

    A rule in the extra file with the name of a default rule replaces it in place (so its
    order is kept); other names are appended. ``"enabled": false`` in the file drops a
    rule, like naming it in ``disabled``. Unknown names in ``disabled`` are an error, so a
    typo does not silently keep the noise. Raises :class:`UsageError` for a bad rule and
    :class:`InputError` for an unreadable file.
    """
    rows: dict[str, dict] = {row["name"]: row for row in _TABLE}
    if extra_path:
        for row in _read_rules_file(extra_path):
            name = row.get("name")
            if not isinstance(name, str) or not name:
                raise UsageError(f"a rule in {extra_path} has no name", hint="give each rule a unique 'name'")
            rows[name] = row
    drop = set(disabled)
    unknown = drop - rows.keys()
    if unknown:
        raise UsageError(
            f"unknown noise rule(s): {', '.join(sorted(unknown))}",
            hint=f"known rules: {', '.join(rows)}",
        )
    rules = []
    for name, row in rows.items():
        if name in drop or row.get("enabled", True) is False:
            continue
        try:
            rules.append(NoiseRule.from_dict({k: v for k, v in row.items() if k != "enabled"}))
        except (ValueError, TypeError) as exc:
            where = f" in {extra_path}" if extra_path else ""
            raise UsageError(f"bad noise rule{where}: {exc}") from exc
    return tuple(rules)


# --------------------------------------------------------------------------- selector index
#
# soupsieve is exact but slow (about 2 s for one selector list over an 80,000-element
# page). Each selector is therefore reduced to cheap necessary conditions on its subject
# element (tag name, id, classes, attributes); one walk files every element under the
# rules it might match, and soupsieve confirms only those candidates.

_STRING = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'")
_PARENS = re.compile(r"\([^()]*\)")
_BRACKET = re.compile(r"\[[^\]]*\]")
_ATTR = re.compile(r"\[\s*([\w-]+)\s*(?:([~|^$*]?=)\s*(\x00\d+\x00|[\w-]+)\s*([iIsS])?\s*)?\]")
_COMBINATOR = re.compile(r"\s*[>+~]\s*|\s+")
_COMPOUND = re.compile(r"(?:[#.:]?[\w*-]++|\x01\d+\x01)*+")


@dataclass(frozen=True)
class _Key:
    """Necessary conditions for an element to match one selector of a list."""

    tag: str | None = None
    ids: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    #: (attribute, operator, value, case-insensitive); operator None = present.
    attrs: tuple[tuple[str, str | None, str, bool], ...] = ()

    def admits(self, el: Tag) -> bool:
        if self.tag and el.name != self.tag:
            return False
        attrs = el.attrs
        if self.ids and attrs.get("id") not in self.ids:
            return False
        if self.classes:
            have = attrs.get("class") or ()
            if not all(c in have for c in self.classes):
                return False
        return all(_attr_admits(attrs.get(name), op, value, fold) for name, op, value, fold in self.attrs)


def _attr_admits(have, op: str | None, value: str, fold: bool) -> bool:
    if have is None:
        return False
    if op is None:
        return True
    text = " ".join(have) if isinstance(have, list) else str(have)
    if fold:
        text, value = text.lower(), value.lower()
    if op == "=":
        return text == value
    if op == "^=":
        return text.startswith(value)
    if op == "$=":
        return text.endswith(value)
    if op == "*=":
        return value in text
    if op == "~=":
        return value in text.split()
    return text == value or text.startswith(value + "-")  # |=


def _split_top(selector: str) -> list[str]:
    """Split a selector list at top-level commas (not inside parentheses or brackets)."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(selector):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(selector[start:i])
            start = i + 1
    parts.append(selector[start:])
    return [p.strip() for p in parts if p.strip()]


def _compound_key(selector: str) -> _Key | None:
    """Conditions on the subject (last compound) of one complex selector, or None if it
    cannot tell. Only ever a necessary condition: soupsieve has the last word."""
    if "\\" in selector:
        return None
    strings: list[str] = []
    brackets: list[str] = []

    def stash(found: list[str], mark: str) -> Callable[[re.Match[str]], str]:
        def sub(m: re.Match[str]) -> str:
            found.append(m.group(0))
            return f"{mark}{len(found) - 1}{mark}"

        return sub

    s = _STRING.sub(stash(strings, "\x00"), selector)
    while _PARENS.search(s):
        s = _PARENS.sub("", s)
    s = _BRACKET.sub(stash(brackets, "\x01"), s).strip()
    subject = _COMBINATOR.split(s)[-1]
    if "|" in subject or not _COMPOUND.fullmatch(subject):
        return None
    attrs = []
    for n in re.findall(r"\x01(\d+)\x01", subject):
        m = _ATTR.fullmatch(brackets[int(n)])
        if m is None:
            return None
        name, op, value, flag = m.groups()
        if value and value.startswith("\x00"):
            value = strings[int(value.strip("\x00"))][1:-1]
        attrs.append((name.lower(), op, value or "", (flag or "").lower() == "i"))
    tag = re.match(r"[\w-]+", subject)
    return _Key(
        tag=tag.group(0).lower() if tag else None,
        ids=tuple(re.findall(r"#([\w-]+)", subject))[:1],
        classes=tuple(re.findall(r"\.([\w-]+)", subject)),
        attrs=tuple(attrs),
    )


def _selector_keys(selector: str) -> tuple[_Key, ...] | None:
    """One key per selector in the list; None when any of them admits every element."""
    keys = []
    for part in _split_top(selector):
        key = _compound_key(part)
        if key is None or key == _Key():
            return None
        keys.append(key)
    return tuple(keys)


class _Index:
    """Keys filed by their most selective condition, for one pass over the tree."""

    def __init__(self, rules: list[NoiseRule]) -> None:
        self.by_id: dict[str, list] = {}
        self.by_class: dict[str, list] = {}
        self.by_attr: dict[str, list] = {}
        self.by_tag: dict[str, list] = {}
        self.always: list[int] = []
        for n, rule in enumerate(rules):
            keys = getattr(rule, "_keys", None)
            if keys is None:
                self.always.append(n)
                continue
            for key in keys:
                if key.ids:
                    self.by_id.setdefault(key.ids[0], []).append((n, key))
                elif key.classes:
                    self.by_class.setdefault(key.classes[0], []).append((n, key))
                elif key.attrs:
                    self.by_attr.setdefault(key.attrs[0][0], []).append((n, key))
                else:
                    self.by_tag.setdefault(key.tag, []).append((n, key))

    def _entries(self, el: Tag) -> list[tuple[int, _Key]]:
        entries = list(self.by_tag.get(el.name, ()))
        attrs = el.attrs
        if attrs:
            el_id = attrs.get("id")
            if isinstance(el_id, str):
                entries.extend(self.by_id.get(el_id, ()))
            for c in attrs.get("class") or ():
                entries.extend(self.by_class.get(c, ()))
            for a in attrs:
                entries.extend(self.by_attr.get(a, ()))
        return entries

    def candidates(self, elements: list[Tag], count: int) -> list[list[Tag]]:
        """For each of ``count`` rules, the elements (in document order) it might match."""
        found: list[list[Tag]] = [[] for _ in range(count)]
        for el in elements:
            hits = set(self.always)
            for n, key in self._entries(el):
                if n not in hits and key.admits(el):
                    hits.add(n)
            for n in hits:
                found[n].append(el)
        return found


def _all_elements(root: Tag) -> list[Tag]:
    """Every element below ``root`` in document order (so children after their parent)."""
    return [node for node in root.descendants if isinstance(node, Tag)]


def _strip_by_selector(root: Tag, rules: list[NoiseRule], counts: Counter[str]) -> None:
    selector_rules = [r for r in rules if r.selector]
    if not selector_rules:
        return
    index = _Index(selector_rules)
    candidates = index.candidates(_all_elements(root), len(selector_rules))
    for rule, elements in zip(selector_rules, candidates):
        matcher = _selector(rule.selector)
        for el in elements:
            if not el.decomposed and matcher.match(el):
                el.decompose()
                counts[rule.name] += 1


# --------------------------------------------------------------------------- text and comments


def _text_matches(root: Tag, rules: list[NoiseRule]) -> dict[int, str]:
    """Rule name by id() of each element whose whole text matches a text rule.

    Texts are built bottom-up (children before parents, walking document order backwards),
    each from its children's and only while short enough to be a label, so the pass is
    linear in the tree; an element holding media gets no text, nor do its ancestors.
    """
    by_tag = _text_patterns(rules)
    if not by_tag:
        return {}
    texts: dict[int, str] = {}
    hits: dict[int, str] = {}
    limit = MAX_TEXT * 4
    for el in reversed(_all_elements(root)):
        if el.name in _MEDIA:
            continue
        parts, size = [], 0
        for child in el.contents:
            if isinstance(child, Tag):
                piece = texts.get(id(child))
                if piece is None:
                    break
            elif type(child) in _VISIBLE_STRINGS:
                piece = child
            else:
                continue
            size += len(piece)
            if size > limit:
                break
            parts.append(piece)
        else:
            raw = texts[id(el)] = "".join(parts)
            name = label_rule(raw, by_tag.get(el.name))
            if name:
                hits[id(el)] = name
    return hits


def _text_patterns(rules: Iterable[NoiseRule]) -> dict[str, list[tuple[re.Pattern[str], str]]]:
    """(text pattern, rule name) by the element names each text rule may remove."""
    by_tag: dict[str, list[tuple[re.Pattern[str], str]]] = {}
    for rule in rules:
        if rule.text:
            for tag in rule.tags:
                by_tag.setdefault(tag, []).append((_regex(rule.text), rule.name))
    return by_tag


def label_rule(raw: str, patterns: list[tuple[re.Pattern[str], str]] | None) -> str | None:
    """The rule whose pattern an element's whole text (``raw``, whitespace collapsed) is."""
    if not patterns or not raw or raw.isspace():
        return None
    text = _WS.sub(" ", raw).strip()
    if len(text) > MAX_TEXT:
        return None
    return next((name for regex, name in patterns if regex.fullmatch(text)), None)


def _comment_rule(node: Comment, rules: list[NoiseRule]) -> str | None:
    text = node.strip()
    return next((r.name for r in rules if r.comment and r.matches_comment(text)), None)


def _strip_by_text(root: Tag, rules: list[NoiseRule], counts: Counter[str]) -> None:
    """Remove the outermost elements whose text is noise, and noise comments."""
    hits = _text_matches(root, rules)
    comment_rules = [r for r in rules if r.comment]
    if not hits and not comment_rules:
        return
    doomed: list[tuple[NavigableString | Tag, str]] = []
    stack: list = list(reversed(root.contents))
    while stack:
        node = stack.pop()
        if isinstance(node, Tag):
            name = hits.get(id(node))
            if name:
                doomed.append((node, name))
            else:
                stack.extend(reversed(node.contents))
        elif comment_rules and isinstance(node, Comment):
            name = _comment_rule(node, comment_rules)
            if name:
                doomed.append((node, name))
    for node, name in doomed:
        node.extract()
        counts[name] += 1


# --------------------------------------------------------------------------- public API

DEFAULT_RULES: tuple[NoiseRule, ...] = load_rules()


def strip_noise_soup(soup: BeautifulSoup | Tag, rules: Iterable[NoiseRule] = DEFAULT_RULES) -> Counter[str]:
    """Remove widget noise from a parsed tree in place; count removals by rule name.

    Selector rules run first, in table order; then one pass removes blocks whose whole
    text is noise and noise comments. An element inside one already removed is not
    counted again.
    """
    rules = list(rules)
    counts: Counter[str] = Counter()
    _strip_by_selector(soup, rules, counts)
    _strip_by_text(soup, rules, counts)
    return counts


_DOCUMENT = re.compile(r"\A(?:\ufeff)?(?:\s|<!--.*?-->)*+<(?:!doctype|html[\s>])", re.I | re.S)
_FRAME_TAGS = re.compile(r"</?(?:html|head|body)(?:\s[^>]*)?>", re.I)


def parse_fragment(html: str) -> BeautifulSoup:
    """Parse post HTML with lxml into a tree whose ``body`` holds the fragment as written.

    The fragment is wrapped in html/body before parsing so that a leading comment such as
    ``<!-- wp:paragraph -->`` stays in the body; stray html/head/body tags inside it are
    dropped, since a ``</body>`` in a post would otherwise push the rest of it out of the
    body. Note: libxml2 collapses whitespace-only text between blocks to one character.
    """
    return BeautifulSoup(wrap_fragment(html), "lxml")


def wrap_fragment(html: str) -> str:
    """The document :func:`parse_fragment` parses ``html`` as (the noise pre-check parses
    the same text)."""
    html = _FRAME_TAGS.sub("", without_lone_surrogates(html))
    return f"<!DOCTYPE html><html><head></head><body>{html}</body></html>"


class _SourceOrderFormatter(HTMLFormatter):
    """HTML as posts write it: attributes in source order (bs4 sorts them by default),
    ``<br>`` not ``<br/>``, ``alt=""`` as written, and only ``&``, ``<``, ``>`` (and ``"``
    in attributes) escaped."""

    def __init__(self) -> None:
        super().__init__(
            entity_substitution=EntitySubstitution.substitute_xml,
            void_element_close_prefix=None,
            empty_attributes_are_booleans=False,
        )

    def attributes(self, tag: Tag) -> Iterable[tuple[str, str]]:
        return list(tag.attrs.items())


HTML = _SourceOrderFormatter()


def fragment_html(soup: BeautifulSoup) -> str:
    """Serialise what :func:`parse_fragment` parsed (the body's contents)."""
    body = soup.body
    return body.decode_contents(formatter=HTML) if body is not None else soup.decode(formatter=HTML)


def strip_noise(html: str, rules: Iterable[NoiseRule] = DEFAULT_RULES) -> tuple[str, Counter[str]]:
    """Parse, strip widget noise, serialise. A whole document (starting with a doctype or
    ``<html>``) comes back whole; a fragment comes back as a fragment. Never raises on
    any string: if the parser rejects it, the input is returned unchanged."""
    if not isinstance(html, str) or not html.strip():
        return (html if isinstance(html, str) else ""), Counter()
    try:
        if _DOCUMENT.match(html):
            soup = BeautifulSoup(without_lone_surrogates(html), "lxml")
            counts = strip_noise_soup(soup, rules)
            return soup.decode(formatter=HTML), counts
        soup = parse_fragment(html)
        counts = strip_noise_soup(soup, rules)
        return fragment_html(soup), counts
    except (ParserRejectedMarkup, RecursionError, UnicodeError):
        return html, Counter()
