"""Convert: read an export, run the transforms, write one format."""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from wpmigrate.clean.pipeline import CleanOptions, clean_transform, noise_rules
from wpmigrate.diagnostics import Diagnostics
from wpmigrate.model import Export, Post
from wpmigrate.output import check_writable
from wpmigrate.pii import DEFAULT_SALT, pii_transform
from wpmigrate.readers.wxr import read
from wpmigrate.writers import get_format

Transform = Callable[[Post], Post]
_EXPORT_SUFFIX = re.compile(r"(\.\d{3})?\.(xml|xml\.gz|gz|zip)$", re.IGNORECASE)


@dataclass
class ConvertOptions:
    to: str = "json"
    #: Output path; None for the default (the input's name, in the current folder).
    output: str | None = None
    force: bool = False
    recover: bool = False
    pii: str = "keep"
    pii_salt: str = DEFAULT_SALT
    #: Skip content cleaning: ``content`` keeps only ``raw``.
    raw_content: bool = False
    #: Keep WordPress.com/Jetpack widget noise in the clean HTML.
    keep_noise: bool = False
    #: Shortcodes no handler converts: keep, drop or raw.
    unknown_shortcodes: str = "keep"
    #: Options only one format understands (``profile`` for Markdown, ...).
    format_options: dict[str, Any] = field(default_factory=dict)


@dataclass
class ConvertResult:
    output: str
    #: Items by post type, plus ``comments``.
    counts: Counter[str]
    authors: int
    diagnostics: Diagnostics
    #: What the writer reports (files written, items skipped and why), one line each.
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        c = self.counts
        others = sum(v for k, v in c.items() if k not in ("post", "page", "comments"))
        parts = [
            f"{c['post']} posts",
            f"{c['page']} pages",
            f"{others} other items",
            f"{c['comments']} comments",
            f"{self.authors} authors",
            f"{self.diagnostics.warnings} warnings",
        ]
        if self.diagnostics.errors:
            parts.append(f"{self.diagnostics.errors} errors")
        target = "<stdout>" if self.output == "-" else self.output
        return f"wrote {target}: " + ", ".join(parts)


def default_output(inputs: list[str], suffix: str) -> str:
    """The first input's base name with ``suffix``, in the current folder (stdin: stdout)."""
    if not inputs or inputs[0] == "-":
        return "-"
    base = _EXPORT_SUFFIX.sub("", os.path.basename(inputs[0].rstrip("/"))) or "export"
    return base + suffix


def transforms(options: ConvertOptions, export: Export) -> list[Transform]:
    """The post transforms, in the order they run."""
    clean = None
    if not options.raw_content:
        clean_options = CleanOptions(noise_rules(options.keep_noise), options.unknown_shortcodes)
        clean = clean_transform(export.attachments, clean_options)
    steps: list[Transform | None] = [clean, pii_transform(options.pii, options.pii_salt)]
    return [step for step in steps if step is not None]


def convert(inputs: list[str], options: ConvertOptions, diagnostics: Diagnostics | None = None) -> ConvertResult:
    """Convert the export made of ``inputs`` (one file, or the parts of a split export)."""
    fmt = get_format(options.to)
    output = options.output or default_output(inputs, fmt.suffix)
    (fmt.check or check_writable)(output, options.force)
    diagnostics = diagnostics if diagnostics is not None else Diagnostics()
    export = read(inputs, recover=options.recover, diagnostics=diagnostics)
    counts: Counter[str] = Counter()
    posts = _counted(_transformed(export.posts, transforms(options, export)), counts)
    notes = fmt.write(export, posts, output, force=options.force, **options.format_options)
    return ConvertResult(output, counts, len(export.authors), diagnostics, list(notes or ()))


def _transformed(posts: Iterable[Post], steps: list[Transform]) -> Iterator[Post]:
    for post in posts:
        for step in steps:
            post = step(post)
        yield post


def _counted(posts: Iterable[Post], counts: Counter[str]) -> Iterator[Post]:
    for post in posts:
        counts[post.type] += 1
        counts["comments"] += len(post.comments)
        yield post
