#!/usr/bin/env python3
"""Benchmark ``wpmigrate batch --scheduler local`` (Dask) against the local batch.

Targets (issue 20):

1. The ``bench_batch`` set (24 generated exports of 1M to 8M) with
   ``--scheduler local --jobs 2`` (a LocalCluster of 2 worker processes) within
   15% of the wall time of ``--jobs 2`` (today's worker processes). The runs
   alternate (local, dask, local, dask ...) so that other load on the machine
   falls on both; the verdict is on the median of the paired ratios (each dask
   run over the local run just before it), the best of ``--runs`` is shown too.
2. Scheduler overhead per site, under 20 ms: ``--tiny`` (default 10,000) tiny
   exports (one post each) on ``--scheduler local --jobs 2``. Overhead is the
   wall time not spent converting, per site: (wall - sum of the sites' own
   seconds / workers) / sites. The same is measured for ``--jobs 2`` on the
   first ``--tiny-local`` (default 500) of them, on both, for comparison.

Results go to ``benchmarks/RESULTS.md`` between the ``bench_cluster`` markers.

Usage::

    python benchmarks/bench_cluster.py [--runs N] [--tiny N] [--tiny-local N] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_batch as bb  # noqa: E402 - the 24-site set
import bench_convert as bc  # noqa: E402 - the shared helpers: runs, RESULTS.md

START = "<!-- bench_cluster:start -->"
END = "<!-- bench_cluster:end -->"
TARGET_RATIO = 1.15
TARGET_OVERHEAD_MS = 20.0
LOAD_AT_START = "/".join(f"{load:.1f}" for load in os.getloadavg())
TINY = (b'<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
        b'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        b'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">\n'
        b"<channel><title>Tiny %d</title><link>http://tiny%d.example.test</link>"
        b"<wp:wxr_version>1.2</wp:wxr_version>\n"
        b"<item><title>Hello</title><link>http://tiny%d.example.test/?p=1</link><dc:creator>admin</dc:creator>"
        b"<content:encoded><![CDATA[<p>Hello, world %d.</p>]]></content:encoded><wp:post_id>1</wp:post_id>"
        b"<wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>\n</channel></rss>\n")


@dataclass
class Run:
    label: str
    walls: list[float]
    sites: int
    #: Sum of the sites' own seconds (report.json), of the best run.
    busy: float
    workers: int = 2

    @property
    def wall(self) -> float:
        return min(self.walls)

    @property
    def overhead_ms(self) -> float:
        return (self.wall - self.busy / self.workers) / self.sites * 1000


def tiny_sites(count: int) -> Path:
    folder = bc.DATA / f"tiny-{count}"
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        path = folder / f"tiny-{number:05d}.xml"
        if not path.exists():
            path.write_bytes(TINY % (number, number, number, number))
    return folder


def subset(folder: Path, count: int, scratch: Path) -> Path:
    """A folder of links to the first ``count`` exports of ``folder``."""
    target = scratch / f"subset-{count}"
    if target.exists():
        return target
    target.mkdir()
    for path in sorted(folder.iterdir())[:count]:
        (target / path.name).symlink_to(path)
    return target


def batch_once(folder: Path, scratch: Path, dask: bool, tag: str) -> tuple[float, float, int]:
    """Wall s, the sites' own seconds summed, and the number of sites of one batch run."""
    out = scratch / tag
    command = [*bc.wpmigrate_command(), "batch", str(folder), "-o", str(out), "--jobs", "2", "-q"]
    if dask:
        command += ["--scheduler", "local"]
    wall, _, _, _ = bc.run_once(command, sample=False)
    report = json.loads((out / "report.json").read_text())
    shutil.rmtree(out)
    failed = [site["name"] for site in report["sites"] if site["status"] == "failed"]
    if failed:
        raise SystemExit(f"{tag}: sites failed: {failed[:5]}")
    print(f"  {tag}: {wall:.2f} s", file=sys.stderr, flush=True)
    return wall, sum(site["seconds"] for site in report["sites"]), len(report["sites"])


def compare(folder: Path, runs: int, scratch: Path) -> tuple[Run, Run]:
    local, dask = Run("--jobs 2", [], 0, 0.0), Run("--scheduler local --jobs 2", [], 0, 0.0)
    for number in range(runs):
        for run, is_dask in ((local, False), (dask, True)):
            wall, busy, sites = batch_once(folder, scratch, is_dask, f"{'dask' if is_dask else 'local'}-{number}")
            if not run.walls or wall < run.wall:
                run.busy = busy
            run.walls.append(wall)
            run.sites = sites
    return local, dask


def overhead(folder: Path, count: int, dask: bool, scratch: Path) -> Run:
    source = folder if count >= len(os.listdir(folder)) else subset(folder, count, scratch)
    wall, busy, sites = batch_once(source, scratch, dask, f"tiny-{'dask' if dask else 'local'}-{count}")
    return Run(f"{'--scheduler local ' if dask else ''}--jobs 2", [wall], sites, busy)


def report(args: argparse.Namespace, folder: Path, local: Run, dask: Run, tiny: list[Run]) -> str:
    ratio = dask.wall / local.wall
    pairs = [d / l for l, d in zip(local.walls, dask.walls)]
    paired = statistics.median(pairs)
    lines = [
        START,
        "## bench_cluster: `batch --scheduler local` (Dask) against the local batch",
        "",
        f"Run {datetime.date.today().isoformat()} at revision `{bc.git_revision()}` on {os.cpu_count()} cores "
        f"(`nproc` {len(os.sched_getaffinity(0))}), {platform.system()} {platform.machine()}, Python "
        f"{platform.python_version()}, load average {LOAD_AT_START} at the start (a shared machine). "
        f"Wall is the whole command, cluster start and stop included; runs alternate, best of {args.runs}.",
        "",
        f"Targets: `--scheduler local --jobs 2` within {TARGET_RATIO - 1:.0%} of `--jobs 2` on the "
        f"`bench_batch` set; scheduler overhead under {TARGET_OVERHEAD_MS:.0f} ms per site.",
        "",
        f"Inputs: `{bc.show(folder)}` ({local.sites} sites).",
        "",
        "| batch | best wall s | all runs s (in order) | ratio of bests | paired ratios (median) | target |",
        "| --- | ---: | --- | ---: | --- | --- |",
        f"| {local.label} | {local.wall:.2f} | {', '.join(f'{w:.2f}' for w in local.walls)} | 1.00 | | |",
        f"| {dask.label} | {dask.wall:.2f} | {', '.join(f'{w:.2f}' for w in dask.walls)} | {ratio:.2f} "
        f"| {', '.join(f'{p:.2f}' for p in pairs)} ({paired:.2f}) "
        f"| {'met' if paired <= TARGET_RATIO else '**missed**'} |",
        "",
        "Overhead on tiny exports (one post each): wall not spent converting, per site, "
        "(wall - sum of the sites' own seconds / 2 workers) / sites:",
        "",
        "| batch | sites | wall s | converting s (sum) | wall per site ms | overhead per site ms | target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for run in tiny:
        verdict = ("met" if run.overhead_ms < TARGET_OVERHEAD_MS else "**missed**") if "scheduler" in run.label else ""
        lines.append(f"| {run.label} | {run.sites:,} | {run.wall:.1f} | {run.busy:.1f} | "
                     f"{run.wall / run.sites * 1000:.1f} | {run.overhead_ms:.1f} | {verdict} |")
    lines += ["", "```sh", "python benchmarks/bench_cluster.py " + " ".join(sys.argv[1:]),
              f"wpmigrate batch {bc.show(folder)} -o OUT --jobs 2 -q",
              f"wpmigrate batch {bc.show(folder)} -o OUT --jobs 2 -q --scheduler local", "```", END]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=2, metavar="N", help="runs of each batch, best kept (default 2)")
    parser.add_argument("--tiny", type=int, default=10_000, metavar="N", help="tiny sites on Dask (default 10000)")
    parser.add_argument("--tiny-local", type=int, default=500, metavar="N",
                        help="of them, on --jobs 2 and on Dask for comparison (default 500)")
    parser.add_argument("--no-write", action="store_true", help="print the section, leave RESULTS.md alone")
    args = parser.parse_args(argv)
    folder = bb.ensure_sites(24, "1M", "8M")
    tiny_folder = tiny_sites(args.tiny)
    scratch = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    try:
        local, dask = compare(folder, args.runs, scratch)
        tiny = [overhead(tiny_folder, args.tiny_local, False, scratch),
                overhead(tiny_folder, args.tiny_local, True, scratch),
                overhead(tiny_folder, args.tiny, True, scratch)]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    bc.publish(START, END, report(args, folder, local, dask, tiny), write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
