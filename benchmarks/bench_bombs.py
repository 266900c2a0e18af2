#!/usr/bin/env python3
"""Peak memory and time of ``convert`` and ``validate`` on hostile exports (issue 21).

Target: every case ends in output or a clear error (exit 0 or 3, never 70),
under 200 MB of memory, in time linear in the input's size.

The cases are ``tests/bombs.py``'s, written into ``benchmarks/data/bombs/``
(git-ignored, reused when there): gigabytes of whitespace in the channel, one
text node or attribute of a gigabyte, a post with a million comments, markup
nested a million deep, an entity-expansion DTD, zips of 500 and 2,000 copies
of one export (linear: the second should take about four times the first),
and the largest cases the default item limit lets through (a post of 41,000
comments, a text node just under 12 MiB). Each runs through
``convert --to json``, ``convert --to markdown`` and ``validate``: the exit
code, the wall time, the peak RSS of the largest process (``ru_maxrss``) and
the sampled peak PSS of the process tree (workers included).

Results go to ``benchmarks/RESULTS.md`` between the ``bench_bombs`` markers.

Usage::

    python benchmarks/bench_bombs.py [--scale 1.0] [--only NAME,...] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))
import bench_convert as bc  # noqa: E402 - the shared helpers: the CLI, the memory sampler, RESULTS.md
import bombs  # noqa: E402 - the hostile cases, written as streams

START, END = "<!-- bench_bombs:start -->", "<!-- bench_bombs:end -->"
DATA = HERE / "data" / "bombs"
GIB, MIB = 1 << 30, 1 << 20


@dataclass(frozen=True)
class Case:
    name: str
    file: str
    make: Callable[[Path], Path]


def _streamed(name: str, size: int) -> Callable[[Path], Path]:
    return lambda path: bombs.write(path, bombs.CASES[name](size))


def cases(scale: float) -> list[Case]:
    """Every case, its size multiplied by ``scale``."""
    def n(value: int) -> int:
        return max(1, int(value * scale))

    return [
        Case("2 GB of whitespace in the channel", "channel-whitespace.xml.gz", _streamed("channel-whitespace", n(2 * GIB))),
        Case("one text node of 1 GB", "text-node.xml.gz", _streamed("text-node", n(GIB))),
        Case("one attribute of 1 GB", "long-attribute.xml.gz", _streamed("long-attribute", n(GIB))),
        Case("one post with 1,000,000 comments", "many-comments.xml.gz", _streamed("many-comments", n(1_000_000))),
        Case("elements nested 1,000,000 deep", "deep-xml.xml.gz", _streamed("deep-xml", n(1_000_000))),
        Case("HTML nested 1,000,000 deep in a post", "deep-html.xml.gz", _streamed("deep-html", n(1_000_000))),
        Case("entities expanding 10^9 times", "entity-expansion.xml", _streamed("entity-expansion", 9)),
        Case("a zip of 500 copies of one export", "copies-500.zip", lambda p: bombs.many_parts(p, n(500))),
        Case("a zip of 2,000 copies of one export", "copies-2000.zip", lambda p: bombs.many_parts(p, n(2000))),
        Case("within the limit: a post of 41,000 comments", "limit-comments.xml", _streamed("many-comments", 41_000)),
        Case("within the limit: a text node of 12 MiB", "limit-text.xml", _streamed("text-node", 12 * MIB - 2000)),
    ]


COMMANDS: dict[str, Callable[[Path, Path], list[str]]] = {
    "json": lambda path, out: [*bc.wpmigrate_command(), "convert", str(path), "-o", str(out / "out.json"), "-q"],
    "markdown": lambda path, out: [*bc.wpmigrate_command(), "convert", str(path), "--to", "markdown",
                                   "-o", str(out / "site"), "-q"],
    "validate": lambda path, out: [*bc.wpmigrate_command(), "validate", str(path), "-o", str(out / "report.txt")],
}


@dataclass(frozen=True)
class Result:
    case: Case
    command: str
    exit_code: int
    wall: float
    rss_mb: float
    tree_mb: float
    message: str


def ensure(case: Case) -> Path:
    """The case's file, written once into DATA."""
    path = DATA / case.file
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        partial = path.with_name("partial-" + path.name)
        case.make(partial).replace(path)
    return path


def run(case: Case, command: str, path: Path) -> Result:
    """One run of ``command`` on ``path`` in a fresh output folder."""
    with tempfile.TemporaryDirectory() as out:
        child = bc.run_child(COMMANDS[command](path, Path(out)))
    first = next((line for line in child.stderr.splitlines() if "error" in line), "")
    return Result(case, command, child.returncode, child.wall, child.rss_mb, child.tree_mb,
                  first.split(": error: ", 1)[-1].replace(f"{DATA}/", "")[:100])


def measure(selected: list[Case]) -> Iterator[Result]:
    for case in selected:
        path = ensure(case)
        for command in COMMANDS:
            result = run(case, command, path)
            print(f"{case.name}: {command}: exit {result.exit_code}, {result.wall:.1f} s, "
                  f"{result.rss_mb:.0f} MB ({result.tree_mb:.0f} MB tree)", flush=True)
            yield result


def report(results: list[Result], scale: float) -> str:
    worst = max(max(r.rss_mb, r.tree_mb) for r in results)
    crashes = [r for r in results if r.exit_code not in (0, 1, 3)]
    lines = [
        START,
        "## bench_bombs: hostile exports, memory and time",
        "",
        f"Run {datetime.date.today().isoformat()} at revision `{bc.git_revision()}` on {os.cpu_count()} cores, "
        f"scale {scale}, lxml {bc.lxml_version()}; default `--max-item-size` (12M). Exit 0: converted; "
        "1: validate found problems; 3: a clear input error (its first words shown).",
        "",
        f"**Largest peak: {worst:.0f} MB** (target: under 200 MB); "
        f"**{len(crashes)} run(s) ended otherwise than 0, 1 or 3** (target: 0).",
        "",
        "| case | input | command | exit | wall s | peak RSS MB | tree PSS MB | error |",
        "|---|---:|---|---:|---:|---:|---:|---|",
    ]
    for r in results:
        size = (DATA / r.case.file).stat().st_size / MIB
        lines.append(f"| {r.case.name} | {size:.1f} MB | {r.command} | {r.exit_code} | {r.wall:.1f} | "
                     f"{r.rss_mb:.0f} | {r.tree_mb:.0f} | {r.message.replace('|', '/')} |")
    lines += ["", _linearity(results), END]
    return "\n".join(lines) + "\n"


def _linearity(results: list[Result]) -> str:
    """The 2,000-copy zip's time over the 500-copy zip's, per command (4 is linear)."""
    def wall(file: str, command: str) -> float | None:
        return next((r.wall for r in results if r.case.file == file and r.command == command), None)

    ratios = []
    for command in COMMANDS:
        small, large = wall("copies-500.zip", command), wall("copies-2000.zip", command)
        if small and large:
            ratios.append(f"{command} {large / small:.2f}x")
    return ("Zip of 2,000 copies against 500 (4x the parts; 4x the time is linear): " + ", ".join(ratios) + "."
            if ratios else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every case's size (default 1)")
    parser.add_argument("--only", default="", help="comma-separated file names of the cases to run")
    parser.add_argument("--no-write", action="store_true", help="print the section, leave RESULTS.md alone")
    args = parser.parse_args(argv)
    wanted = {name for name in args.only.split(",") if name}
    selected = [case for case in cases(args.scale) if not wanted or case.file in wanted]
    results = list(measure(selected))
    bc.publish(START, END, report(results, args.scale), write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
