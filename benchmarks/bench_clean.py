#!/usr/bin/env python3
"""Benchmark content cleaning: MB of content per second, per stage and in total.

The posts of each input are read once (the reader is not measured); then
``clean_post`` runs over all of them, as ``convert`` does, N times (default 3;
the best run counts, the machine being shared). The stages are timed inside
that run by wrapping the functions ``wpmigrate.clean.pipeline`` calls:

* ``autoembed``: bare provider URLs to embeds;
* ``blocks``: ``strip_blocks`` (block content);
* ``autop``: ``wpautop`` (classic content and comments);
* ``shortcodes``: ``shortcode_unautop`` and ``render_shortcodes``;
* ``noise``: the noise pre-check and, where it may match, the noise pass;
* ``sanitize``: ``sanitize`` (posts, teasers and comments);
* ``clickable``: ``make_clickable`` on comments;
* ``total``: all of ``clean_post``, the rest (teaser split, bookkeeping) included.

A stage's MB/s is the content it was given (the sum of its input strings) over
its CPU seconds; ``total`` is all post and comment content over the run's CPU
seconds. Names a revision lacks are skipped, so the script also measures older
revisions (``PYTHONPATH=/path/to/checkout python benchmarks/bench_clean.py``).

Inputs: ``benchmarks/data/100m.xml`` (generated as ``bench_convert.py`` does) and
every file of the shared corpus together. Results go to ``benchmarks/RESULTS.md``
between the ``bench_clean`` markers.

Usage::

    python benchmarks/bench_clean.py [--runs N] [--no-write] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_convert import SIZES, ensure_input, git_revision, lxml_version, publish  # noqa: E402

import wpmigrate.clean.pipeline as pipeline  # noqa: E402
from wpmigrate.errors import InputError  # noqa: E402
from wpmigrate.readers.wxr import read  # noqa: E402

START = "<!-- bench_clean:start -->"
END = "<!-- bench_clean:end -->"
CORPUS = Path(os.environ.get("WPMIGRATE_CORPUS", HERE.parent.parent / "shared" / "corpus"))
#: pipeline function -> stage
STAGES = {
    "autoembed": "autoembed",
    "strip_blocks": "blocks",
    "wpautop": "autop",
    "shortcode_unautop": "shortcodes",
    "render_shortcodes": "shortcodes",
    "_strip_noise": "noise",
    "parse_fragment": "noise",  # older revisions: the noise pass inline in clean_html
    "strip_noise_soup": "noise",
    "fragment_html": "noise",
    "sanitize": "sanitize",
    "make_clickable": "clickable",
}
ORDER = ["autoembed", "blocks", "autop", "shortcodes", "noise", "sanitize", "clickable"]


class Timer:
    """CPU seconds and input characters per stage, from wrapped pipeline functions."""

    def __init__(self) -> None:
        self.seconds: Counter[str] = Counter()
        self.chars: Counter[str] = Counter()

    def wrap(self, stage: str, fn: Callable, counted: bool = True) -> Callable:
        def timed(*args, **kwargs):
            start = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[stage] += time.process_time() - start
                if counted and args and isinstance(args[0], str):
                    self.chars[stage] += len(args[0])

        return timed


def instrument(timer: Timer) -> Callable[[], None]:
    """Wrap the pipeline's functions; returns the undo."""
    saved = {}
    for name, stage in STAGES.items():
        if hasattr(pipeline, name):
            saved[name] = getattr(pipeline, name)
            # The noise pass's input is counted once, at the pre-check (or at the parse).
            counted = name not in ("strip_noise_soup", "fragment_html", "_strip_noise")
            setattr(pipeline, name, timer.wrap(stage, saved[name], counted))
    if hasattr(pipeline, "noise_filter"):
        saved["noise_filter"] = make = pipeline.noise_filter

        class Timed:
            def __init__(self, rules):
                self.may_match = timer.wrap("noise", make(rules).may_match)

        pipeline.noise_filter = Timed
    return lambda: [setattr(pipeline, name, fn) for name, fn in saved.items()]


def load(paths: list[Path]) -> tuple[list, int]:
    """(attachments, posts) per readable file, and the content size in characters."""
    exports, size = [], 0
    for path in paths:
        try:
            export = read([str(path)], recover=True)
            posts = list(export.posts)
        except InputError:
            continue
        exports.append((export.attachments, posts))
        size += sum(len(p.content.raw) + sum(len(c.content) for c in p.comments) for p in posts)
    return exports, size


def run(exports: list, runs: int) -> tuple[float, Timer]:
    best: tuple[float, Timer] | None = None
    options = pipeline.CleanOptions()
    for n in range(runs):
        timer = Timer()
        undo = instrument(timer)
        start = time.process_time()
        try:
            for attachments, posts in exports:
                for post in posts:
                    pipeline.clean_post(post, attachments, options)
        finally:
            total = time.process_time() - start
            undo()
        print(f"  run {n + 1}: {total:.2f} s CPU", file=sys.stderr, flush=True)
        if best is None or total < best[0]:
            best = (total, timer)
    assert best is not None
    return best


def rows(label: str, size: int, total: float, timer: Timer) -> list[str]:
    out = []
    for stage in ORDER:
        if stage in timer.seconds:
            seconds, chars = timer.seconds[stage], timer.chars[stage]
            rate = chars / 1e6 / seconds if seconds else float("inf")
            out.append(f"| {label} | {stage} | {chars / 1e6:.2f} | {seconds:.2f} | {rate:.1f} | {100 * seconds / total:.0f}% |")
    out.append(f"| {label} | **total** | {size / 1e6:.2f} | {total:.2f} | {size / 1e6 / total:.2f} | 100% |")
    return out


def report(results: list[tuple[str, int, float, Timer]], runs: int) -> str:
    lines = [
        START,
        "## bench_clean: content cleaning, MB of content per second",
        "",
        f"Run {datetime.date.today().isoformat()} at revision `{git_revision()}`, {platform.system()} "
        f"{platform.machine()}, Python {platform.python_version()}, lxml {lxml_version()}; one process, "
        f"CPU seconds (process time) of the best of {runs} runs; the machine is shared, so take the "
        "numbers as rough. Content is post content plus comment text, in millions of characters; a "
        "stage's MB is what it was given (autop and sanitize see posts and comments; the noise pass "
        "only the HTML left after shortcodes).",
        "",
        "| input | stage | content MB | CPU s | MB/s | share |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for label, size, total, timer in results:
        lines += rows(label, size, total, timer)
    lines += ["", "```sh", f"python benchmarks/bench_clean.py --runs {runs}", "```", END]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print the section, leave RESULTS.md alone")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder of real exports (default: shared corpus)")
    args = parser.parse_args(argv)
    inputs = [("100m", [ensure_input("100m", SIZES["100m"])])]
    if args.corpus.is_dir():
        inputs.append(("corpus", sorted(args.corpus.rglob("*.xml"))))
    results = []
    for label, paths in inputs:
        print(f"{label}: reading", file=sys.stderr, flush=True)
        exports, size = load(paths)
        print(f"{label}: cleaning {size / 1e6:.1f} MB of content", file=sys.stderr, flush=True)
        total, timer = run(exports, args.runs)
        results.append((label, size, total, timer))
    section = report(results, args.runs)
    publish(START, END, section, write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
