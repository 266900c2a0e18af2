#!/usr/bin/env python3
"""Benchmark ``wpmigrate batch``, and the peers on one large export.

Targets (issue 7): a speed-up of at least 1.8x with ``--jobs 2`` over
``--jobs 1`` on a 2-core machine, and peak memory per worker flat whatever
the export size.

1. A folder of ``--sites`` exports from ``/work/shared/tools/gen_wxr.py``
   (seed = site number), their sizes spread geometrically from ``--min-size``
   to ``--max-size`` (the issue's example is 200 sites of 1 to 50 MB:
   ``--sites 200 --min-size 1M --max-size 50M``; the default is smaller, a few
   minutes). Generated into ``benchmarks/data/`` (git-ignored), reused when
   there.
2. ``wpmigrate batch FOLDER -o OUT --jobs N -q`` for each N of ``--jobs``
   (default 1 and 2), each into a fresh OUT: wall time of the whole run
   (best of ``--runs``), sites/s, MB/s, speed-up over the first N. Peak
   memory per worker is what each worker reports about itself
   (``ru_maxrss`` of its own process, one process per site) in
   ``report.json``; flatness compares the smallest quarter of the sites
   with the largest.
3. The peers on one generated export of ``--peer-size`` (default 100M), each
   once, each installed into a throwaway temporary folder, never as project
   dependencies: ``wordpress-export-to-markdown`` (npm; run without its
   wizard, without downloading images, pages and custom types included) and
   ``pelican-import --wpfile -m markdown`` (pip, into a throwaway venv, with
   pandoc from ``pypandoc-binary``, which it needs), next to ``wpmigrate
   convert --to markdown`` of the same file (skipped with a note when the
   markdown format is not registered) and ``--to json`` for reference. A
   peer that fails or exceeds ``--peer-timeout`` is recorded as such.

Results go to ``benchmarks/RESULTS.md`` between the ``bench_batch`` markers.

Usage::

    python benchmarks/bench_batch.py [--sites N] [--min-size 1M] [--max-size 8M] [--jobs 1,2]
                                     [--runs N] [--peer-size 100M] [--no-peers] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_convert as bc  # noqa: E402 - the shared helpers: inputs, runs, RESULTS.md

from wpmigrate import __version__  # noqa: E402

START = "<!-- bench_batch:start -->"
END = "<!-- bench_batch:end -->"
TARGET_SPEEDUP = 1.8
#: Other processes' load when the benchmark started: numbers from a busy machine are noisy.
LOAD_AT_START = "/".join(f"{load:.1f}" for load in os.getloadavg())
W2M = "wordpress-export-to-markdown"
PELICAN_PACKAGES = ["pelican", "beautifulsoup4", "lxml", "pypandoc-binary"]


@dataclass
class BatchRun:
    jobs: int
    wall: float  # best of the runs
    walls: list[float]
    sites: int
    bytes: int
    #: (site bytes, worker peak RSS MB) for every site.
    memory: list[tuple[int, float]]
    #: Peak PSS of the whole process tree (batch, fork server, workers), sampled; the largest of the runs.
    tree_mb: float

    @property
    def peak_rss(self) -> float:
        return max(rss for _, rss in self.memory)


@dataclass
class PeerRun:
    tool: str
    version: str
    command: list[str]
    wall: float | None
    rss_mb: float | None
    note: str = ""


# -- inputs


def site_sizes(count: int, low: int, high: int) -> list[int]:
    """``count`` target sizes in bytes, geometrically from ``low`` to ``high``."""
    if count == 1:
        return [low]
    return [round(low * (high / low) ** (i / (count - 1))) for i in range(count)]


def ensure_sites(count: int, low: str, high: str) -> Path:
    """The folder of generated exports, made (or completed) as needed."""
    folder = bc.DATA / f"batch-{count}x{low}-{high}"
    folder.mkdir(parents=True, exist_ok=True)
    for number, size in enumerate(site_sizes(count, bc.parse_size(low), bc.parse_size(high))):
        path = folder / f"site-{number:03d}.xml"
        if path.exists() and path.stat().st_size >= size:
            continue
        partial = folder / f".site-{number:03d}.part"
        subprocess.run([sys.executable, str(bc.GENERATOR), "--seed", str(number + 1), "--target-size",
                        f"{max(1, size // 1024)}K", "--out", str(partial), "-q"], check=True)
        partial.replace(path)
    print(f"inputs: {folder} ({count} sites)", file=sys.stderr, flush=True)
    return folder


# -- batch runs


def measure_batch(folder: Path, jobs: int, runs: int, scratch: Path) -> BatchRun:
    """``runs`` timed runs, then one more that samples the process tree's memory."""
    walls, trees, report = [], [], None
    for run in range(runs + 1):
        sampled = run == runs  # sampling takes CPU from the run: only the last, untimed
        out = scratch / f"jobs{jobs}-run{run}"
        command = [*bc.wpmigrate_command(), "batch", str(folder), "-o", str(out), "--jobs", str(jobs), "-q"]
        wall, _, _, tree = bc.run_once(command, sample=sampled)
        if sampled:
            trees.append(tree)
        else:
            walls.append(wall)
        report = json.loads((out / "report.json").read_text())
        shutil.rmtree(out)
        what = f"tree {tree:.0f} MB" if sampled else f"{wall:.2f} s"
        print(f"  batch --jobs {jobs} {'memory run' if sampled else f'run {run + 1}'}: {what}",
              file=sys.stderr, flush=True)
    assert report is not None
    sites = report["sites"]
    failed = [site["name"] for site in sites if site["status"] == "failed"]
    if failed:
        raise SystemExit(f"batch --jobs {jobs}: sites failed: {failed}")
    memory = [(site["bytes"], site["peak_rss_mb"]) for site in sites]
    return BatchRun(jobs, min(walls), walls, len(sites), sum(site["bytes"] for site in sites), memory, max(trees))


def flatness(run: BatchRun) -> tuple[tuple[float, float], tuple[float, float]]:
    """(median MB, median peak RSS) of the smallest quarter of the sites and of the largest."""
    ordered = sorted(run.memory)
    quarter = max(1, len(ordered) // 4)

    def medians(part: list[tuple[int, float]]) -> tuple[float, float]:
        return statistics.median(b for b, _ in part) / 1e6, statistics.median(r for _, r in part)

    return medians(ordered[:quarter]), medians(ordered[-quarter:])


# -- peers


def run_limited(command: list[str], timeout: float, env: dict | None = None) -> tuple[float | None, float | None, str]:
    """Wall seconds and peak RSS (MB, from ``os.wait4``: the largest process of the tree the tool
    waited for) of ``command``; None and a note when it fails or exceeds ``timeout``."""
    print("  running:", shlex.join(command), file=sys.stderr, flush=True)
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors, env=env)
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > timeout:
                child.kill()
                os.wait4(child.pid, 0)
                return None, None, f"did not finish in {timeout:g} s (stopped)"
            time.sleep(0.05)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            errors.seek(0)
            tail = errors.read().decode(errors="replace").strip().splitlines()[-1:] or [""]
            return None, None, f"failed (exit {child.returncode}): {tail[0][:200]}"
    return wall, usage.ru_maxrss / 1024, ""


def install_w2m(folder: Path) -> tuple[list[str], str]:
    """wordpress-export-to-markdown from npm into ``folder``: its command and version."""
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent", "--prefix", str(folder), W2M],
                   check=True, stdout=subprocess.DEVNULL)
    package = folder / "node_modules" / W2M
    version = json.loads((package / "package.json").read_text())["version"]
    return ["node", str(package / "index.js")], version


def install_pelican(folder: Path) -> tuple[list[str], str, dict]:
    """pelican (and pandoc, from pypandoc-binary) in a venv in ``folder``: command, version, env."""
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", *PELICAN_PACKAGES], check=True)
    pandoc_dir = subprocess.run(
        [str(python), "-c", "import os, pypandoc; print(os.path.join(os.path.dirname(pypandoc.__file__), 'files'))"],
        capture_output=True, text=True, check=True).stdout.strip()
    version = subprocess.run([str(venv / "bin" / "pelican"), "--version"], capture_output=True, text=True).stdout.strip()
    env = {**os.environ, "PATH": f"{pandoc_dir}{os.pathsep}{os.environ['PATH']}"}
    return [str(venv / "bin" / "pelican-import")], version, env


def markdown_registered() -> bool:
    out = subprocess.run([sys.executable, "-c", "from wpmigrate.writers import FORMATS; print('markdown' in FORMATS)"],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip() == "True"


def measure_peers(export: Path, timeout: float, scratch: Path) -> list[PeerRun]:
    runs = []
    cli = bc.wpmigrate_command()
    version = __version__
    for fmt in ("markdown", "json"):
        output = scratch / ("wpmigrate-markdown" if fmt == "markdown" else f"wpmigrate.{fmt}")  # markdown: a folder
        command = [*cli, "convert", str(export), "--to", fmt, "-o", str(output), "--force"]
        if fmt == "markdown" and not markdown_registered():
            runs.append(PeerRun("wpmigrate convert --to markdown", version, command, None, None,
                                "skipped: the markdown format is not registered yet"))
            continue
        runs.append(PeerRun(f"wpmigrate convert --to {fmt}", version, command, *run_limited(command, timeout)))
    w2m, w2m_version = install_w2m(scratch / "npm")
    command = [*w2m, "--wizard", "false", "--input", str(export), "--output", str(scratch / "w2m"),
               "--save-attached-images", "false", "--save-scraped-images", "false", "--include-other-types", "true"]
    runs.append(PeerRun(W2M, w2m_version, command, *run_limited(command, timeout)))
    pelican, pelican_version, env = install_pelican(scratch / "pelican")
    command = [*pelican, "--wpfile", "-m", "markdown", "-o", str(scratch / "pelican"), str(export)]
    runs.append(PeerRun("pelican-import --wpfile", pelican_version, command, *run_limited(command, timeout, env)))
    return runs


# -- the report


def report(args: argparse.Namespace, folder: Path, batches: list[BatchRun], peers: list[PeerRun],
           peer_export: Path | None, scratch: str) -> str:
    base = batches[0]
    lines = [
        START,
        "## bench_batch: wpmigrate batch, and the peers",
        "",
        f"Run {datetime.date.today().isoformat()} at revision `{bc.git_revision()}` on {os.cpu_count()} cores "
        f"(`nproc` {len(os.sched_getaffinity(0))}), {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}, load average {LOAD_AT_START} at the start. Inputs: {base.sites} generated exports of "
        f"{args.min_size} to {args.max_size} ({base.bytes / 1e6:.0f} MB in all) in `{bc.show(folder)}`. "
        f"Wall is the best of {args.runs} run(s) of the whole batch; peak RSS is what each worker "
        "reports about its own process (`ru_maxrss`; one process per site) in `report.json`; the whole "
        "tree's peak is the PSS of the batch, its fork server and workers, sampled every 50 ms in one "
        "more run (sampling takes CPU, so the timed runs are not sampled).",
        "",
        f"Targets: `--jobs 2` at least {TARGET_SPEEDUP}x faster than `--jobs 1` on 2 cores; "
        "peak memory per worker flat whatever the export size.",
        "",
        "| jobs | wall s | sites/s | MB/s | speed-up | worker peak RSS MB (max) | smallest quarter: MB, RSS | "
        "largest quarter: MB, RSS | whole tree peak PSS MB | target |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: | --- |",
    ]
    for run in batches:
        speedup = base.wall / run.wall
        (small_mb, small_rss), (large_mb, large_rss) = flatness(run)
        verdict = ""
        if run.jobs == 2 and base.jobs == 1:
            verdict = "met" if speedup >= TARGET_SPEEDUP else "**missed**"
        lines.append(
            f"| {run.jobs} | {run.wall:.2f} | {run.sites / run.wall:.2f} | {run.bytes / 1e6 / run.wall:.1f} "
            f"| {speedup:.2f}x | {run.peak_rss:.0f} | {small_mb:.1f} MB: {small_rss:.0f} MB "
            f"| {large_mb:.1f} MB: {large_rss:.0f} MB | {run.tree_mb:.0f} | {verdict} |"
        )
    lines += ["", "All runs (s): " + "; ".join(f"jobs {r.jobs}: " + ", ".join(f"{w:.2f}" for w in r.walls)
                                               for r in batches)]
    if peers and peer_export is not None:
        lines += [
            "",
            f"Peers on one generated export, `{bc.show(peer_export)}` ({peer_export.stat().st_size / 1e6:.0f} MB), "
            "one run each; peak RSS from `os.wait4` (the largest process the tool waited for):",
            "",
            "| tool | version | wall s | MB/s | peak RSS MB | note |",
            "| --- | --- | ---: | ---: | ---: | --- |",
        ]
        size = peer_export.stat().st_size / 1e6
        for peer in peers:
            wall = f"{peer.wall:.2f}" if peer.wall else "-"
            speed = f"{size / peer.wall:.1f}" if peer.wall else "-"
            rss = f"{peer.rss_mb:.0f}" if peer.rss_mb else "-"
            lines.append(f"| {peer.tool} | {peer.version} | {wall} | {speed} | {rss} | {peer.note} |")
        lines += ["", f"`{W2M}` waits {25} ms between file writes by its own default settings "
                  "(`markdown_file_write_delay`); `pelican-import` runs pandoc once per post."]
    lines += ["", "Commands (`OUT` is a temporary folder):", "", "```sh", "python benchmarks/bench_batch.py "
              + shlex.join(sys.argv[1:])]
    for run in batches:
        lines.append(f"wpmigrate batch {bc.show(folder)} -o OUT --jobs {run.jobs} -q")
    for peer in peers:
        lines.append(shlex.join(peer.command).replace(scratch, "OUT").replace(str(bc.HERE.parent) + "/", ""))
    lines += ["```", END]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=24, metavar="N", help="exports in the folder (default 24)")
    parser.add_argument("--min-size", default="1M", help="smallest export (default 1M)")
    parser.add_argument("--max-size", default="8M", help="largest export (default 8M)")
    parser.add_argument("--jobs", default="1,2", help="--jobs values to compare, the first is the base (default 1,2)")
    parser.add_argument("--runs", type=int, default=1, metavar="N", help="runs per --jobs value, best kept (default 1)")
    parser.add_argument("--peer-size", default="100M", help="size of the export the peers convert (default 100M)")
    parser.add_argument("--peer-timeout", type=float, default=3600, metavar="S", help="seconds per peer (default 3600)")
    parser.add_argument("--no-peers", action="store_true", help="only the batch runs")
    parser.add_argument("--no-write", action="store_true", help="print the section, leave RESULTS.md alone")
    args = parser.parse_args(argv)
    folder = ensure_sites(args.sites, args.min_size, args.max_size)
    scratch = tempfile.mkdtemp(prefix="bench-batch-")
    try:
        batches = [measure_batch(folder, int(jobs), args.runs, Path(scratch)) for jobs in args.jobs.split(",")]
        peer_export = None if args.no_peers else bc.ensure_input(args.peer_size.lower(), args.peer_size)
        peers = measure_peers(peer_export, args.peer_timeout, Path(scratch)) if peer_export else []
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    section = report(args, folder, batches, peers, peer_export, scratch)
    bc.publish(START, END, section, write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
