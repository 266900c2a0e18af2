"""What the run could not carry over as WordPress showed it: ``report.json`` lists it per post,
and the summary counts it.

The cleaning pipeline counts what it did to each post (``Content.diagnostics``); the counts
a reader would notice are grouped here: shortcodes left on the page as text, embeds shown
as a link or as WordPress's cached copy instead of a player, posts written in Textile or
Markdown, links to the site's own pages that lead nowhere on the new one, content flattened or left noisy.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from typing import Any


REPORT_FILE = "report.json"
#: The internal links no page or redirect of the new site answers, one per line: post, link.
UNRESOLVED_FILE = "unresolved-links.csv"

#: (diagnostic prefix, report category, what the summary calls it); a prefix ending in ":"
#: takes the rest of the name as the item (the shortcode's tag, the embed's provider).
CATEGORIES: tuple[tuple[str, str, str], ...] = (
    ("shortcode:unknown:", "leftover-shortcodes", "shortcodes left as text"),
    ("shortcode:dropped:", "dropped-shortcodes", "unknown shortcodes removed (--unknown-shortcodes drop)"),
    ("shortcode:invalid:", "unusable-shortcodes", "shortcodes with unusable arguments"),
    ("shortcode:error:", "failed-shortcodes", "shortcodes that failed to convert (kept as text)"),
    ("shortcode:missing-attachment", "missing-attachments", "gallery images not in the export"),
    ("form:removed:", "forms-removed", "forms removed (a static site cannot send them)"),
    ("embed:linked:", "embeds-linked", "embeds written as a link"),
    ("embed:cached:", "embeds-from-cache", "embeds shown from WordPress's cached copy"),
    ("embed:dropped:", "embeds-dropped", "embeds with nothing to show (no URL)"),
    ("format:", "text-format", "posts written in Textile or Markdown"),
    ("links:unresolved", "unresolved-links", "links to the site's own pages that lead nowhere on the new site"),
    ("html:too-deep", "flattened", "posts nested too deep, flattened to their text"),
    ("noise:skipped", "noise-kept", "posts whose widget noise could not be removed"),
)


def notes_of(diagnostics: Mapping[str, int]) -> dict[str, dict[str, int]]:
    """A post's diagnostics the report keeps: category -> item -> count."""
    notes: dict[str, dict[str, int]] = {}
    for name, count in diagnostics.items():
        for prefix, category, _ in CATEGORIES:
            if name.startswith(prefix):
                item = name[len(prefix):] if prefix.endswith(":") else name
                notes.setdefault(category, {})[item] = count
                break
    return notes


class Report:
    """The posts with notes, as they are written; the totals by category and item."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        self.totals: dict[str, Counter[str]] = {}
        #: Posts per category (a post with three leftover shortcodes counts once).
        self.posts_by_category: Counter[str] = Counter()

    def add(self, entry: dict[str, Any], notes: dict[str, dict[str, int]]) -> None:
        if not notes:
            return
        self.posts.append({**entry, "notes": notes})
        for category, items in notes.items():
            self.totals.setdefault(category, Counter()).update(items)
            self.posts_by_category[category] += 1

    def text(self) -> str:
        """``report.json``: deterministic (posts in the order written, keys sorted)."""
        totals = {c: dict(sorted(items.items())) for c, items in sorted(self.totals.items())}
        document = {"posts": self.posts, "totals": totals}
        return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    def lines(self) -> list[str]:
        """One summary line per category, with its items, most frequent first."""
        out = []
        for prefix, category, label in CATEGORIES:
            items = self.totals.get(category)
            if not items:
                continue
            posts = self.posts_by_category[category]
            in_posts = f"in {posts} post{'' if posts == 1 else 's'}"
            if not prefix.endswith(":"):  # a plain count, no items to name
                listed = UNRESOLVED_FILE if category == "unresolved-links" else REPORT_FILE
                out.append(f"markdown: {label}: {sum(items.values())} {in_posts} (see {listed})")
                continue
            if category == "text-format":
                shown = ", ".join(f"{n} {name}" for name, n in sorted(items.items()) if name in ("textile", "markdown"))
                out.append(f"markdown: {label}: {shown} (see {REPORT_FILE})")
                continue
            listed = ", ".join(f"{name} {n}" for name, n in sorted(items.items(), key=lambda kv: (-kv[1], kv[0]))[:8])
            more = ", ..." if len(items) > 8 else ""
            out.append(f"markdown: {label}: {sum(items.values())} {in_posts} ({listed}{more}; see {REPORT_FILE})")
        return out
