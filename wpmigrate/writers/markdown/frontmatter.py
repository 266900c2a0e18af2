"""Front matter: the fields of a post as a dict, written by PyYAML or tomli-w.

Never by string formatting: titles with quotes, colons and ``#`` survive because
a real serialiser quotes them. Keys keep a fixed order, so output is stable.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from typing import Any

import tomli_w
import yaml

from wpmigrate.chars import without_lone_surrogates
from wpmigrate.errors import UsageError
from wpmigrate.model import Post

#: A meta value nested deeper goes into the front matter as its JSON text: PyYAML and tomli-w
#: recurse once per level, and PHP-serialized meta can nest hundreds deep.
MAX_FIELD_DEPTH = 32
#: Post attributes ``--field NAME=SOURCE`` may name (besides ``meta:KEY`` and ``taxonomy:NAME``).
FIELD_SOURCES = (
    "id", "type", "status", "slug", "link", "path", "guid", "author", "parent", "menu_order", "sticky",
    "comment_status", "ping_status", "excerpt", "date", "modified", "featured_image",
)


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """libyaml's safe dumper, never writing ``&id001`` anchors (front matter is read by people too)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


#: A derived summary's length (what search engines show of a meta description).
SUMMARY_CHARS = 160
#: How far into the content the first paragraph is looked for: a bounded cost on any post.
_SUMMARY_SCAN = 50_000
_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p\s*>", re.S | re.I)
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)
#: Tags that separate words (a line break, the edge of a block); other tags join their text.
_BREAK = re.compile(r"<(?:br|/?(?:p|div|li|dd|dt|h[1-6]|td|th|tr|blockquote|figure|figcaption|pre))\b[^>]*>?", re.I)
_TAG = re.compile(r"<[^>]*>?")
_SPACE = re.compile(r"\s+")


def parse_fields(specs: tuple[str, ...] | list[str]) -> tuple[tuple[str, str], ...]:
    """``NAME=SOURCE`` options as pairs; ``NAME=`` (no source) removes a default field."""
    pairs = []
    for spec in specs:
        name, sep, source = spec.partition("=")
        name, source = name.strip(), source.strip()
        if not sep or not name:
            raise UsageError(f"--field {spec!r}: expected NAME=SOURCE", hint="e.g. --field subtitle=meta:_subtitle")
        if source and not (source.startswith(("meta:", "taxonomy:")) or source in FIELD_SOURCES):
            raise UsageError(
                f"--field {spec!r}: unknown source {source!r}",
                hint="use meta:KEY, taxonomy:NAME or one of " + ", ".join(FIELD_SOURCES),
            )
        pairs.append((name, source))
    return tuple(pairs)


def field_value(post: Post, source: str) -> Any:
    """The value ``--field`` maps: a meta value, a taxonomy's term names, or an attribute."""
    if source.startswith("meta:"):
        values = [m.value for m in post.meta if m.key == source[5:]]
        value = values[0] if len(values) == 1 else (values or None)
        return json.dumps(value, ensure_ascii=False) if _deeper_than(value, MAX_FIELD_DEPTH) else value
    if source.startswith("taxonomy:"):
        return [t.name or t.slug for t in post.terms if t.taxonomy == source[9:]] or None
    return getattr(post, source)


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether lists and dicts nest in ``value`` more than ``limit`` levels (without recursing)."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (list, dict)):
            if depth == limit:
                return True
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return False


def plain_summary(content: str, limit: int = SUMMARY_CHARS) -> str | None:
    """A plain-text summary of clean HTML: its first paragraph with text, tags removed and
    entities decoded, cut at a word boundary to at most ``limit`` characters (``…`` added).
    Without a paragraph (a list, raw content), the start of all its text. None when it has no text.
    """
    head = content[:_SUMMARY_SCAN]
    for match in _PARAGRAPH.finditer(head):
        text = _plain(match.group(1))
        if text:
            return _cut(text, limit)
    text = _plain(head)
    return _cut(text, limit) if text else None


def _plain(fragment: str) -> str:
    text = _TAG.sub("", _BREAK.sub(" ", _COMMENT.sub(" ", fragment)))
    return _SPACE.sub(" ", html.unescape(text)).strip()


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–—") + "…"


def timestamp(utc: str | None, local: str | None) -> dt.datetime | None:
    """The local time with its offset from UTC (the site's zone), from the two WordPress dates."""
    if not local and not utc:
        return None
    if not local:
        return dt.datetime.fromisoformat(utc.replace("Z", "+00:00"))  # type: ignore[union-attr]
    naive = dt.datetime.fromisoformat(local)
    if not utc:
        return naive
    offset = naive - dt.datetime.fromisoformat(utc.rstrip("Z"))
    minutes = round(offset.total_seconds() / 60)
    if abs(minutes) >= 24 * 60:
        return naive
    return naive.replace(tzinfo=dt.timezone(dt.timedelta(minutes=minutes)))


def dump(front: dict[str, Any], fmt: str) -> str:
    """The front-matter block, delimiters included."""
    values = {k: v for k, v in front.items() if v is not None}
    try:
        return _dump(values, fmt)
    except UnicodeEncodeError:  # a lone surrogate (from a numeric entity) cannot be UTF-8
        return _dump(without_surrogates(values), fmt)


def without_surrogates(value: Any) -> Any:
    """``value`` with every lone surrogate replaced by U+FFFD, in strings, lists and dicts."""
    if isinstance(value, str):
        return without_lone_surrogates(value)
    if isinstance(value, dict):
        return {k: without_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_surrogates(v) for v in value]
    return value


def _dump(values: dict[str, Any], fmt: str) -> str:
    if fmt == "toml":
        return "+++\n" + tomli_w.dumps(_toml_safe(values)) + "+++\n"
    text = yaml.dump(values, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1 << 30)
    return "---\n" + text + "---\n"


def _toml_safe(value: Any) -> Any:
    """TOML has no null: drop None inside dicts and lists too."""
    if isinstance(value, dict):
        return {str(k): _toml_safe(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_toml_safe(v) for v in value if v is not None]
    return value
