"""Convert: read an export, run the transforms, write one format."""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from wpmigrate.diagnostics import Diagnostic, Diagnostics
from wpmigrate.errors import UsageError
from wpmigrate.model import Export, Post
from wpmigrate.output import check_writable
from wpmigrate.parallel import available_cores
from wpmigrate.pii import DEFAULT_SALT, pii_transform
from wpmigrate.readers.limits import DEFAULT_MAX_ITEM_BYTES
from wpmigrate.readers.pages import is_page_input, read_pages
from wpmigrate.readers.wxr import ItemFinisher, Unit, read_runs
from wpmigrate.writers import get_format

Transform = Callable[[Post], Post]
#: Below this input size, starting worker processes costs more than it saves.
PARALLEL_MIN_BYTES = 4 * 1024 * 1024
_EXPORT_SUFFIX = re.compile(r"(\.\d{3})?\.(xml|xml\.gz|warc|warc\.gz|gz|zip|html?)$", re.IGNORECASE)


@dataclass
class ConvertOptions:
    to: str = "json"
    #: Output path; None for the default (the input's name, in the current folder).
    output: str | None = None
    force: bool = False
    recover: bool = False
    #: keep, hash or drop commenters' and form senders' e-mail and IP addresses; None: the
    #: format's default (drop for published formats such as Markdown, else keep).
    pii: str | None = None
    pii_salt: str = DEFAULT_SALT
    #: Skip content cleaning: ``content`` keeps only ``raw``.
    raw_content: bool = False
    #: Keep WordPress.com/Jetpack widget noise in the clean HTML.
    keep_noise: bool = False
    #: Shortcodes no handler converts: keep, drop or raw.
    unknown_shortcodes: str = "keep"
    #: Options only one format understands (``profile`` for Markdown, ...).
    format_options: dict[str, Any] = field(default_factory=dict)
    #: Worker processes for the per-post work (cleaning, encoding). None: every
    #: core for an export of ``PARALLEL_MIN_BYTES`` or more, else 1.
    jobs: int | None = None
    #: Bytes an item of the export may take; past it the reading stops (readers/limits.py).
    max_item_bytes: int = DEFAULT_MAX_ITEM_BYTES


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
    if not options.raw_content and get_format(options.to).cleans:
        # imported here: its rule table takes half a second to compile, and raw output needs none of it
        from wpmigrate.clean.pipeline import CleanOptions, clean_transform, noise_rules

        clean_options = CleanOptions(noise_rules(options.keep_noise), options.unknown_shortcodes)
        clean = clean_transform(export.attachments, clean_options)
    steps: list[Transform | None] = [clean, pii_transform(pii_mode(options), options.pii_salt)]
    return [step for step in steps if step is not None]


def pii_mode(options: ConvertOptions) -> str:
    """What is done with personal data: as asked, else the format's default."""
    return options.pii or get_format(options.to).default_pii()


def convert(inputs: list[str], options: ConvertOptions, diagnostics: Diagnostics | None = None) -> ConvertResult:
    """Convert the export made of ``inputs`` (one file, or the parts of a split export)."""
    fmt = get_format(options.to)
    output = options.output or default_output(inputs, fmt.suffix)
    (fmt.check or check_writable)(output, options.force)
    diagnostics = diagnostics if diagnostics is not None else Diagnostics()
    jobs = worker_count(options.jobs, inputs)
    reader = open_reader(inputs, options, diagnostics, jobs)
    export = reader.export
    counts: Counter[str] = Counter()
    prepare = fmt.make_prepare(export, **options.format_options) if fmt.make_prepare else None
    select = fmt.make_select(export, **options.format_options) if fmt.make_select else None
    work = PostWork(reader.finish, transforms(options, export), prepare, select)
    done = reader.results(work, jobs)
    notes = fmt.write(export, _counted(done, counts, diagnostics), output, force=options.force,
                      **options.format_options)
    return ConvertResult(output, counts, len(export.authors), diagnostics, list(notes or ()))


def open_reader(inputs: list[str], options: ConvertOptions, diagnostics: Diagnostics, jobs: int):
    """The reader for ``inputs``: WordPress exports, or the blog's pages (a saved page, a
    mirror folder, a WARC file), told apart by their content."""
    pages = [name for name in inputs if is_page_input(name)]
    if not pages:
        return read_runs(inputs, recover=options.recover, diagnostics=diagnostics, jobs=jobs,
                         max_item_bytes=options.max_item_bytes)
    if len(pages) < len(inputs):
        others = ", ".join(name for name in inputs if name not in pages)
        raise UsageError(f"{others}: WordPress exports and pages of a blog cannot be converted together",
                         hint="convert the export, or the pages (saved pages, a mirror folder, a WARC file)")
    return read_pages(inputs, diagnostics, max_item_bytes=options.max_item_bytes, jobs=jobs)


def worker_count(jobs: int | None, inputs: list[str]) -> int:
    """``jobs``, or when None: every core for a large export, one for a small one."""
    if jobs is not None:
        return max(1, jobs)
    return available_cores() if _input_bytes(inputs) >= PARALLEL_MIN_BYTES else 1


def _input_bytes(inputs: list[str]) -> int:
    """The inputs' total size on disk (a mirror folder's files counted until it is large);
    standard input counts as large."""
    total = 0
    for name in inputs:
        if name == "-":
            return PARALLEL_MIN_BYTES
        if os.path.isfile(name):  # anything else, the reader refuses with its own message
            total += os.path.getsize(name)
        elif os.path.isdir(name):
            for folder, _, files in os.walk(name):
                total += sum(_size(os.path.join(folder, f)) for f in files)
                if total >= PARALLEL_MIN_BYTES:
                    return total
    return total


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


@dataclass(frozen=True)
class Done:
    """One post after the per-post work: what convert counts, and what the writer takes."""

    type: str
    comments: int
    payload: Any
    #: What parsing a deferred item found.
    found: list[Diagnostic]


@dataclass(frozen=True)
class PostWork:
    """The per-post work on a reader's unit: parsing it, the format's ``select``, the
    transforms in order, the format's ``prepare``."""

    finish: ItemFinisher
    steps: list[Transform]
    prepare: Callable[[Post], Any] | None
    select: Callable[[Post], Any] | None = None

    def __call__(self, unit: Unit) -> list[Done] | None:
        """The unit's posts, done; None when the reader must stream the unit instead."""
        posts = self.finish(unit)
        return None if posts is None else [self._one(post, found) for post, found in posts]

    def _one(self, post: Post, found: list[Diagnostic]) -> Done:
        kept = self.select(post) if self.select is not None else post
        if not isinstance(kept, Post):  # the format's record of a post it leaves out
            return Done(post.type, len(post.comments), kept, found)
        for step in self.steps:
            kept = step(kept)
        payload = self.prepare(kept) if self.prepare is not None else kept
        return Done(post.type, len(post.comments), payload, found)


def _counted(done: Iterable[Done], counts: Counter[str], diagnostics: Diagnostics) -> Iterator[Any]:
    for item in done:
        counts[item.type] += 1
        counts["comments"] += item.comments
        for diagnostic in item.found:
            diagnostics.add(diagnostic)
        yield item.payload
