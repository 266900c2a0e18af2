#!/usr/bin/env python3
"""Benchmark ``wpmigrate convert --to markdown`` against ``wordpress-export-to-markdown`` (npm).

Target (the Markdown issue): a 100 MB export to Markdown in at most 10 s with
peak memory at most 200 MB on this 2-core machine.

On the generated 100 MB export (``gen_wxr.py --seed 1``, shared with
bench_convert.py) it measures, each run in a fresh child process:

* ``markdown``: ``wpmigrate convert FILE --to markdown -o OUT``;
* ``markdown-hugo``: the same with ``--profile hugo``;
* ``wordpress-export-to-markdown``: the npm tool, installed by this script into
  a throwaway temporary folder (never a project dependency), run without its
  wizard and without downloading images (``--save-attached-images=false
  --save-scraped-images=false``), pages included (``--include-other-types=true``)
  so that it writes what wpmigrate writes. Its own settings, such as the 25 ms
  pause between file writes, are left as shipped. Skipped with ``--no-peer``
  or when npm is missing.

Every run writes a new folder, as a first conversion does: the previous run's
folder is renamed aside (untimed) and all are deleted at the end. (A re-run into
the same folder compares files and rewrites only changed ones, which is faster
and not what a first migration costs.)

Wall time (best of N runs), CPU time and peak RSS (``ru_maxrss`` from
``os.wait4``) come from bench_convert.py's helpers. Results go to
``benchmarks/RESULTS.md`` between the ``bench_markdown`` markers.

Usage::

    python benchmarks/bench_markdown.py [--runs N] [--peer-runs N] [--no-peer] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_convert as bench  # noqa: E402 - the shared helpers live beside this script

START = "<!-- bench_markdown:start -->"
END = "<!-- bench_markdown:end -->"
PEER = "wordpress-export-to-markdown"
TARGET_SECONDS = 10.0
TARGET_RSS_MB = 200


def install_peer(folder: str) -> tuple[list[str], str] | None:
    """The npm tool installed into ``folder``: (command, version), or None without npm."""
    npm = shutil.which("npm")
    if npm is None:
        print("npm not found: skipping the peer", file=sys.stderr)
        return None
    subprocess.run([npm, "install", "--no-audit", "--no-fund", "--silent", "--prefix", folder, PEER], check=True,
                   stdout=subprocess.DEVNULL)
    package = Path(folder) / "node_modules" / PEER
    version = json.loads((package / "package.json").read_text())["version"]
    return [shutil.which("node") or "node", str(package / "index.js")], version


def set_aside(folder: str) -> Callable[[], None]:
    """Renames ``folder`` away if a run made it, so that the next run starts without it.
    A rename, not a deletion: right after thousands of files were deleted, creating files
    on this machine was seen 5 to 10 times slower, which would weigh on the next run."""
    count = itertools.count(1)

    def move() -> None:
        if os.path.exists(folder):
            os.rename(folder, f"{folder}.{next(count)}")

    return move


def peer_command(base: list[str], path: Path, out: str) -> list[str]:
    return [*base, "--wizard=false", f"--input={path}", f"--output={out}", "--save-attached-images=false",
            "--save-scraped-images=false", "--include-other-types=true"]


def report(results: list[bench.Measure], runs: int, peer_version: str | None, out_dir: str) -> str:
    lines = [
        START,
        "## bench_markdown: convert --to markdown vs wordpress-export-to-markdown",
        "",
        f"Run {datetime.date.today().isoformat()} at revision `{bench.git_revision()}` on {os.cpu_count()} cores "
        f"(`nproc` {len(os.sched_getaffinity(0))}), {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}" + (f", {PEER} {peer_version} (npm)" if peer_version else "") + ". "
        "Wall is the best of the runs; peak RSS the largest `ru_maxrss` of one process (from `os.wait4` on "
        "each fresh child process); tree MB the sampled PSS of the whole process tree (convert's "
        "worker processes included), from one more run, as bench_convert measures it; CPU the least "
        "user+system time. Every run writes a new folder, as a first conversion does. The "
        "machine is shared: re-run on a quiet one.",
        "",
        f"Target: 100 MB to Markdown in at most {TARGET_SECONDS:g} s with peak RSS at most {TARGET_RSS_MB} MB.",
        "",
        "| input | size MB | tool | wall s | MB/s | peak RSS MB | tree MB | CPU s | target |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for m in results:
        # Memory is judged on the whole process tree: convert's workers count too.
        ok = m.wall <= TARGET_SECONDS and max(m.rss_mb, m.tree_mb) <= TARGET_RSS_MB
        verdict = ("met" if ok else "**missed**") if m.tool.startswith("markdown") else "-"
        lines.append(f"| {m.input} | {m.size / 1e6:.0f} | {m.tool} | {m.wall:.2f} | {m.mb_per_s:.1f} | "
                     f"{m.rss_mb:.0f} | {m.tree_mb:.0f} | {m.cpu:.2f} | {verdict} |")
    lines += [
        "",
        f"{PEER} waits 25 ms between file writes as shipped (its `settings.js`), which is most of its wall "
        "time; its CPU time is its work. Most of wpmigrate's CPU time is content cleaning "
        "(clean/pipeline.py), spread over the cores by convert's worker processes.",
        "",
        "All runs (s): " + "; ".join(f"{m.tool} " + ", ".join(f"{w:.2f}" for w in m.walls) for m in results),
        "",
        "Commands (`OUT` is a temporary folder, `PEER` the npm tool's install folder):",
        "",
        "```sh",
        f"python benchmarks/bench_markdown.py --runs {runs}",
        f"python {bench.GENERATOR} --seed {bench.SEED} --target-size 100M --out benchmarks/data/100m.xml",
    ]
    for m in results:
        text = shlex.join(m.command).replace(out_dir, "OUT").replace(str(bench.HERE.parent) + "/", "")
        lines.append(text)
    lines += ["```", END]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, metavar="N", help="runs of wpmigrate, best kept (default 3)")
    parser.add_argument("--peer-runs", type=int, default=1, metavar="N", help="runs of the npm tool (default 1)")
    parser.add_argument("--no-peer", action="store_true", help="leave out the npm tool")
    parser.add_argument("--no-write", action="store_true", help="print the section, leave RESULTS.md alone")
    args = parser.parse_args(argv)
    path = bench.ensure_input("100m", bench.SIZES["100m"])
    out_dir = tempfile.mkdtemp(prefix="bench-markdown-")
    cli = bench.wpmigrate_command()
    results = []
    peer_version = None
    try:
        tools = {
            "markdown": [*cli, "convert", str(path), "--to", "markdown", "-o", f"{out_dir}/md", "-q"],
            "markdown-hugo": [*cli, "convert", str(path), "--to", "markdown", "--profile", "hugo", "-o",
                              f"{out_dir}/hugo", "-q"],
        }
        for tool, command in tools.items():
            folder = command[command.index("-o") + 1]
            results.append(bench.measure("100m", path, tool, command, args.runs, set_aside(folder)))
        peer = None if args.no_peer else install_peer(f"{out_dir}/PEER")
        if peer is not None:
            base, peer_version = peer
            command = peer_command(base, path, f"{out_dir}/peer")
            measured = bench.measure("100m", path, PEER, command, args.peer_runs, set_aside(f"{out_dir}/peer"))
            results.append(measured)
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    section = report(results, args.runs, peer_version, out_dir)
    bench.publish(START, END, section, write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
