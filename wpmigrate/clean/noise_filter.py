"""A sound pre-check for the noise pass: can any noise rule match this HTML at all?

Most posts carry no widget noise, and building a BeautifulSoup tree only to find nothing
was most of the cleaning time. This module answers "maybe" or "certainly not" from a tree
that lxml builds in C from the very same parse (bs4's lxml builder is fed by libxml2's
HTML parser with the same options and the same wrapped text, :func:`noise.wrap_fragment`).

The check is derived from the rules themselves, so it can never disagree with them:

* selector rules: each selector's necessary conditions (``noise._selector_keys``, the same
  keys the selector index files elements by) must hold for *some* element of the document;
* text rules: every match of a text pattern contains one of a set of literal strings read
  off the compiled pattern (:func:`required_literals`); one of them must occur in the
  document's visible text, with runs of whitespace made one space, as the rules see it;
* comment rules: the pattern itself is tried on every comment.

A rule the check cannot reason about (a selector with no usable key, a text pattern with
no required literal) makes every document a "maybe". Only ever a superset of what
:func:`noise.strip_noise_soup` removes; ``tests/test_noise_filter.py`` checks that.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

from bs4.builder import HTMLTreeBuilder
from lxml import etree

from wpmigrate.clean import noise
from wpmigrate.clean.noise import NoiseRule, _attr_admits, _Key

try:  # Python 3.11+: the regular-expression parser ``re`` itself uses
    from re import _constants as _sre
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover - older layout
    import sre_constants as _sre  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

#: Elements whose strings bs4 does not count as visible text (Script, Stylesheet, ...).
_INVISIBLE = tuple(HTMLTreeBuilder.DEFAULT_STRING_CONTAINERS)
_TOKENS = re.compile(r"\S+")  # how bs4 splits multi-valued attributes such as class
_ATTRIBUTES = etree.XPath("//@*")
_WS_NOT_ONE_SPACE = re.compile(r"[^\S ]\s*| \s+")  # noise._WS less the runs that are one space
_LOCAL = threading.local()
#: libxml2 keeps about 2,046 levels in a tree of its own (with huge_tree); bs4, fed by
#: events, keeps them all. A tree this deep may have lost what is below: answer "maybe".
_KEPT_DEPTH = 2000
_REPEATS = (_sre.MAX_REPEAT, _sre.MIN_REPEAT, getattr(_sre, "POSSESSIVE_REPEAT", _sre.MAX_REPEAT))


# --------------------------------------------------------------------------- literals


def required_literals(pattern: str) -> frozenset[str] | None:
    """Strings one of which occurs in every match of ``pattern``; None when unknown.

    Read off the parsed pattern: a run of case-sensitive literal characters is required
    where it stands; alternatives require the union of what each requires; a repeat
    requires what its body does only when it must match at least once. Case-blind parts
    require nothing (their matches are not literal)."""
    try:
        parsed = _sre_parse.parse(pattern)
    except (re.error, TypeError, ValueError):
        return None
    return _sequence(list(parsed), bool(parsed.state.flags & re.IGNORECASE))


def _better(found: frozenset[str], best: frozenset[str] | None) -> bool:
    if best is None:
        return True
    score, best_score = min(map(len, found)), min(map(len, best))
    return score > best_score or (score == best_score and len(found) < len(best))


def _sequence(items: list, fold: bool) -> frozenset[str] | None:
    best: frozenset[str] | None = None
    run: list[str] = []
    for op, av in [*items, (None, None)]:
        if op is _sre.LITERAL and not fold:
            run.append(chr(av))
            continue
        for found in (frozenset(["".join(run)]) if run else None, _item(op, av, fold)):
            if found and _better(found, best):
                best = found
        run = []
    return best


def _item(op, av, fold: bool) -> frozenset[str] | None:
    if op is _sre.SUBPATTERN:
        _, add, remove, body = av
        return _sequence(list(body), (fold or bool(add & re.IGNORECASE)) and not remove & re.IGNORECASE)
    if op is _sre.BRANCH:
        options = [_sequence(list(body), fold) for body in av[1]]
        return None if any(o is None for o in options) else frozenset().union(*options)
    if op in _REPEATS:
        low, _, body = av
        return _sequence(list(body), fold) if low >= 1 else None
    if op is getattr(_sre, "ATOMIC_GROUP", None):
        return _sequence(list(av), fold)
    return None


# --------------------------------------------------------------------------- the filter


class NoiseFilter:
    """The pre-check for one tuple of rules (build it with :func:`noise_filter`)."""

    def __init__(self, rules: tuple[NoiseRule, ...]) -> None:
        self.keys: list[_Key] = []
        self.literals: set[str] = set()
        self.comments = [rule for rule in rules if rule.comment]
        #: True when some rule cannot be pre-checked: every document is a "maybe".
        self.always = False
        for rule in rules:
            if rule.selector:
                keys = getattr(rule, "_keys", None)
                self.always |= keys is None
                self.keys.extend(keys or ())
            if rule.text:
                literals = required_literals(rule.text)
                self.always |= literals is None
                self.literals |= literals or set()
        # Each key is filed under its most selective condition, as the selector index does.
        self.by_id: dict[str, list[_Key]] = {}
        self.by_class: dict[str, list[_Key]] = {}
        self.by_attr: dict[str, list[_Key]] = {}
        self.by_tag: dict[str, list[_Key]] = {}
        for key in self.keys:
            if key.ids:
                self.by_id.setdefault(key.ids[0], []).append(key)
            elif key.classes:
                self.by_class.setdefault(key.classes[0], []).append(key)
            elif key.attrs:
                self.by_attr.setdefault(key.attrs[0][0], []).append(key)
            else:
                self.by_tag.setdefault(key.tag, []).append(key)
        self.attr_names = {name for key in self.keys for name, *_ in key.attrs} | {"id", "class"}

    def may_match(self, html: str) -> bool:
        """False only when no rule can remove anything from ``html``."""
        if self.always:
            return True
        try:
            parser = _parser()
            parser.feed(noise.wrap_fragment(html))
            root = parser.close()
        except Exception:  # noqa: BLE001 - anything odd goes to the full pass, which copes
            return True
        if root is None or (html.count("<") >= _KEPT_DEPTH and _reaches_depth(root, _KEPT_DEPTH)):
            return True  # libxml2 builds its own trees only so deep; bs4's gets every level
        return self._selectors(root) or self._comments(root) or self._text(root)

    def _selectors(self, root) -> bool:
        if not self.keys:
            return False
        attrs: dict[str, set[str]] = {}
        for value in _ATTRIBUTES(root):
            if value.attrname in self.attr_names:
                # bs4 keeps multi-valued attributes as lists, joined by one space.
                attrs.setdefault(value.attrname, set()).update((str(value), " ".join(_TOKENS.findall(value))))
        ids = set(attrs.get("id", ()))
        classes = set(_TOKENS.findall(" ".join(attrs.get("class", ()))))
        found = [key for c in classes for key in self.by_class.get(c, ())]
        found += [key for i in ids for key in self.by_id.get(i, ())]
        found += [key for name in attrs for key in self.by_attr.get(name, ())]
        found += [key for tag, keys in self.by_tag.items() if next(root.iter(tag), None) is not None for key in keys]
        if not found:
            return False
        tags = {el.tag for el in root.iter(etree.Element)}
        return any(_admits(key, tags, ids, classes, attrs) for key in found)

    def _comments(self, root) -> bool:
        if not self.comments:
            return False
        nodes = [*root.itersiblings(preceding=True), *root.iter(etree.Comment), *root.itersiblings()]
        texts = [(node.text or "").strip() for node in nodes if node.tag is etree.Comment]
        return any(rule.matches_comment(text) for text in texts for rule in self.comments)

    def _text(self, root) -> bool:
        if not self.literals:
            return False
        etree.strip_elements(root, *_INVISIBLE, with_tail=False)
        # The text without comments and processing instructions, whitespace runs made one
        # space (single spaces, the common case, are left alone: same result, less work).
        text = _WS_NOT_ONE_SPACE.sub(" ", etree.tostring(root, method="text", encoding=str))
        return any(literal in text for literal in self.literals)


def _parser() -> etree.HTMLParser:
    """A parser for this thread, reused (a closed feed parser starts afresh); the options
    are bs4's for its lxml builder, plus huge_tree so that nothing bs4 sees is cut."""
    parser = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = _LOCAL.parser = etree.HTMLParser(recover=True, huge_tree=True)
    return parser


def _reaches_depth(root, limit: int) -> bool:
    depth = 0
    for event, _ in etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        if depth >= limit:
            return True
    return False


def _admits(key: _Key, tags: set, ids: set, classes: set, attrs: dict[str, set[str]]) -> bool:
    """Whether the document has what ``key`` asks of one element (a weaker condition)."""
    if key.tag and key.tag not in tags:
        return False
    if key.ids and key.ids[0] not in ids:
        return False
    if not all(c in classes for c in key.classes):
        return False
    return all(
        any(_attr_admits(have, op, value, fold) for have in attrs.get(name, ()))
        for name, op, value, fold in key.attrs
    )


@lru_cache(maxsize=16)
def noise_filter(rules: tuple[NoiseRule, ...]) -> NoiseFilter:
    """The (cached) pre-check for ``rules``."""
    return NoiseFilter(rules)
