"""What an export uses, for planning a migration: post types, statuses,
shortcodes, block types and plugin meta prefixes (info findings).

Counters are bounded: past MAX_KEYS distinct names, the rest count as ``(other)``.
"""

from __future__ import annotations

import re
from collections import Counter

from wpmigrate.model import Post
from wpmigrate.validate.findings import Findings

MAX_KEYS = 1000
SHOWN = 30
_SHORTCODE = re.compile(r"(?<!\[)\[([a-z][a-z0-9_-]*)(?=[\s\]/])")
_BLOCK = re.compile(r"<!--\s+wp:([a-z][a-z0-9_-]*(?:/[a-z][a-z0-9_-]*)?)[\s/]")
_META_SEGMENT = re.compile(r"[_-]")
#: First segments of meta keys WordPress itself writes.
CORE_META = frozenset(
    {"wp", "edit", "thumbnail", "menu", "pingme", "encloseme", "trackbackme", "oembed", "enclosure", "format"}
)
#: (code, what the message calls the counted things, what the counts are)
_REPORTS = (
    ("inventory-post-types", "post types", "items"),
    ("inventory-statuses", "statuses", "items"),
    ("inventory-shortcodes", "shortcodes", "items using each"),
    ("inventory-blocks", "block types", "items using each"),
    ("inventory-meta-prefixes", "plugin meta prefixes", "meta rows"),
)


class Tally(Counter):
    """A Counter that keeps at most MAX_KEYS names."""

    def count(self, name: str, n: int = 1) -> None:
        if name not in self and len(self) >= MAX_KEYS:
            name = "(other)"
        self[name] += n


def meta_prefix(key: str) -> str | None:
    """The plugin a meta key belongs to, by its first segment; None for WordPress's own."""
    segment = _META_SEGMENT.split(key.lstrip("_"), maxsplit=1)[0].lower()
    return None if not segment or segment in CORE_META else segment


class Inventory:
    """Counts what the items use, and reports it at the end."""

    def __init__(self, findings: Findings) -> None:
        self.findings = findings
        self.tallies = {code: Tally() for code, _, _ in _REPORTS}

    def check(self, post: Post) -> None:
        t = self.tallies
        t["inventory-post-types"].count(post.type)
        t["inventory-statuses"].count(post.status)
        raw = post.content.raw
        if "[" in raw:
            for name in set(_SHORTCODE.findall(raw)):
                t["inventory-shortcodes"].count(name)
        if "<!-- wp:" in raw:
            for name in set(_BLOCK.findall(raw)):
                t["inventory-blocks"].count(name)
        for entry in post.meta:
            prefix = meta_prefix(entry.key)
            if prefix:
                t["inventory-meta-prefixes"].count(prefix)

    def finish(self, file: str) -> dict[str, dict[str, int]]:
        """Report the counts (one info finding per kind); return them for the summary."""
        summary = {}
        for code, what, unit in _REPORTS:
            tally = self.tallies[code]
            ranked = sorted(tally.items(), key=lambda pair: (-pair[1], pair[0]))
            summary[code.removeprefix("inventory-").replace("-", "_")] = dict(ranked)
            if not ranked:
                continue
            shown = ", ".join(f"{name} {count}" for name, count in ranked[:SHOWN])
            more = f", and {len(ranked) - SHOWN} more" if len(ranked) > SHOWN else ""
            self.findings.report(code, f"{what} in use ({unit}): {shown}{more}", file=file)
        return summary
