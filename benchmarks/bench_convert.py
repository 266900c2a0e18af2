#!/usr/bin/env python3
"""Benchmark ``wpmigrate convert`` against the bare lxml floor.

Targets (the core issue): peak memory under 150 MB whatever the file size, and
``--to json`` within 3x the wall time of a bare ``lxml.etree.iterparse`` loop
over the same file.

For each input (100 MB; 1 GB too with ``--large``) it measures, each run in a
fresh child process:

* ``floor``: ``lxml.etree.iterparse(path, tag="item")`` that only clears each
  item and deletes its previous siblings (so memory stays flat);
* ``json``: ``wpmigrate convert FILE --to json -o OUT --force`` (content
  cleaning on, workers on every core: the defaults), then the same with
  ``-j 1`` (one process), with ``--raw-content`` (the reader and writer
  alone, the core's own cost), and with both;
* ``ndjson``: the default command with ``--to ndjson``.

Wall time is the best of N runs (default 3: the machine is shared, so the best
run is the one least disturbed by other processes), taken in rounds: each tool
runs once a round, so that a machine that slows down or speeds up during the
benchmark weighs on the floor and the conversions alike; CPU time (user + system,
from the same rusage) is reported too, as the least of the runs. Peak RSS is
the child's ``ru_maxrss`` as returned by ``os.wait4`` for that one child (the
kernel's high-water mark of its resident set; no polling, so no peak is
missed); the largest over the runs is reported.

Inputs are generated with ``/work/shared/tools/gen_wxr.py --seed 1`` into
``benchmarks/data/`` (git-ignored) and reused when already there. Results go to
``benchmarks/RESULTS.md``, between the ``bench_convert`` markers; the rest of
that file is left as it is.

Usage::

    python benchmarks/bench_convert.py [--large] [--runs N] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
RESULTS = HERE / "RESULTS.md"
GENERATOR = Path(os.environ.get("WPMIGRATE_GEN_WXR", "/work/shared/tools/gen_wxr.py"))
START = "<!-- bench_convert:start -->"
END = "<!-- bench_convert:end -->"
#: (label, --target-size); the label is also the data file's name.
SIZES = {"100m": "100M", "1g": "1G"}
SEED = 1
#: The bare floor: what parsing the file with lxml costs, and nothing else.
FLOOR = """\
import sys
from lxml import etree
count = 0
for _, item in etree.iterparse(sys.argv[1], tag="item"):
    item.clear(keep_tail=False)
    parent = item.getparent()
    while item.getprevious() is not None:
        del parent[0]
    count += 1
print(count, "items")
"""
TARGET_RSS_MB = 150
#: The 1 GB export takes minutes a run: one timed run of these tools only.
LARGE_ONLY = {"1g": ("floor", "json", "json --raw-content")}
# Time the tool as installed: pip writes bytecode at install time, so a user's runs never
# compile source; a shell with PYTHONDONTWRITEBYTECODE set would add that to every start.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
TARGET_RATIO = 3.0


@dataclass
class Measure:
    input: str
    size: int
    tool: str
    command: list[str]
    wall: float  # best of the runs, seconds
    walls: list[float]
    cpu: float  # user + system seconds of the fastest-CPU run
    rss_mb: float  # the largest peak RSS of one process over the runs
    tree_mb: float  # the largest sampled PSS of the whole process tree (main + workers)

    @property
    def mb_per_s(self) -> float:
        return self.size / 1e6 / self.wall


def parse_size(text: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([KMG])", text).groups()  # type: ignore[union-attr]
    return int(number) * 1024 ** " KMG".index(unit)


def ensure_input(label: str, target: str) -> Path:
    """The generated export for ``target``, reusing a file of the right size."""
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"{label}.xml"
    wanted = parse_size(target)
    # gen_wxr.py stops at the first item past the target: a little over it.
    if path.exists() and wanted <= path.stat().st_size <= wanted * 1.05:
        return path
    command = [sys.executable, str(GENERATOR), "--seed", str(SEED), "--target-size", target, "--out", str(path), "-q"]
    print("generating:", shlex.join(command), file=sys.stderr, flush=True)
    partial = path.with_suffix(".xml.part")
    subprocess.run([*command[:-2], str(partial), "-q"], check=True)
    partial.replace(path)
    return path


def wpmigrate_command() -> list[str]:
    """The installed CLI next to this interpreter, or ``python -m wpmigrate``."""
    script = Path(sys.executable).parent / "wpmigrate"
    return [str(script)] if script.exists() else [sys.executable, "-m", "wpmigrate"]


def tree_rss(group: int) -> int:
    """Bytes resident in the processes of process group ``group`` now (Linux /proc).

    Counted as PSS (proportional set size): pages that forked workers share
    with their parent count once in all, not once per process.
    """
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            if int(fields[2]) == group:  # field 5, pgrp, counted after the ")" of the name
                with open(f"/proc/{entry.name}/smaps_rollup", "rb") as rollup:
                    pss = next(line for line in rollup if line.startswith(b"Pss:"))
                total += int(pss.split()[1]) * 1024
        except (OSError, IndexError, ValueError, StopIteration):
            continue  # the process ended meanwhile
    return total


class TreeSampler(threading.Thread):
    """Samples the PSS of a process tree every 50 ms and keeps the largest sum.

    ``ru_maxrss`` is the peak of the largest single process; with worker
    processes the tree's total is what a machine has to hold.
    """

    def __init__(self, group: int) -> None:
        super().__init__(daemon=True)
        self.group, self.peak, self.done = group, 0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.05):
            self.peak = max(self.peak, tree_rss(self.group))


@dataclass(frozen=True)
class ChildRun:
    """One run of a command in a fresh child process."""

    returncode: int
    wall: float
    cpu: float
    #: Peak RSS of the child itself (``ru_maxrss``), and the sampled peak PSS of its whole tree, MB.
    rss_mb: float
    tree_mb: float
    stderr: str


def run_child(command: list[str], sample: bool = True) -> ChildRun:
    """Run ``command`` once, whatever it exits with.

    Sampling reads /proc 20 times a second, which takes CPU from the run: with
    ``sample`` False the tree PSS is 0 and the time is the run's own.
    """
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    sampler = TreeSampler(child.pid)
    if sample:
        sampler.start()
    assert child.stderr is not None
    errors = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if sample:
        sampler.done.set()
        sampler.join()
    child.stderr.close()
    # ru_maxrss is in KiB on Linux
    return ChildRun(os.waitstatus_to_exitcode(status), wall, usage.ru_utime + usage.ru_stime,
                    usage.ru_maxrss / 1024, sampler.peak / 2**20, errors.decode(errors="replace"))


def run_once(command: list[str], sample: bool = True) -> tuple[float, float, float, float]:
    """Wall s, CPU s, peak RSS of one process (MB) and sampled tree PSS (MB) of a fresh child;
    a failed run stops the benchmark."""
    run = run_child(command, sample)
    if run.returncode != 0:
        raise SystemExit(f"failed ({run.returncode}): {shlex.join(command)}\n{run.stderr}")
    return run.wall, run.cpu, run.rss_mb, run.tree_mb


def measure(label: str, path: Path, tool: str, command: list[str], runs: int,
            before_run: Callable[[], None] | None = None) -> Measure:
    """``runs`` timed runs, then one more that samples the process tree's memory;
    ``before_run`` is called before each, untimed."""
    return measure_rounds(label, path, {tool: command}, runs, before_run)[0]


def measure_rounds(label: str, path: Path, tools: dict[str, list[str]], runs: int,
                   before_run: Callable[[], None] | None = None) -> list[Measure]:
    """:func:`measure` for several tools, their timed runs taken in rounds (each tool once a
    round), so that a machine that slows down or speeds up weighs on every tool alike and
    the ratios between them hold; then each tool's memory run."""
    timed: dict[str, list[tuple[float, float, float]]] = {tool: [] for tool in tools}
    for run in range(runs):
        for tool, command in tools.items():
            if before_run is not None:
                before_run()
            wall, cpu, rss, _ = run_once(command, sample=False)
            timed[tool].append((wall, cpu, rss))
            print(f"  {label} {tool} run {run + 1}: {wall:.2f} s, cpu {cpu:.2f} s, {rss:.0f} MB",
                  file=sys.stderr, flush=True)
    results = []
    for tool, command in tools.items():
        if before_run is not None:
            before_run()
        _, _, rss, tree = run_once(command, sample=True)
        print(f"  {label} {tool} memory run: {rss:.0f} MB, tree {tree:.0f} MB", file=sys.stderr, flush=True)
        walls, cpus, peaks = (list(column) for column in zip(*timed[tool]))
        results.append(Measure(label, path.stat().st_size, tool, command, min(walls), walls, min(cpus),
                               max(*peaks, rss), tree))
    return results


def lxml_version() -> str:
    out = subprocess.run(
        [sys.executable, "-c", "from lxml import etree; print(etree.__version__, 'libxml2', '.'.join(map(str, etree.LIBXML_VERSION)))"],
        capture_output=True, text=True, check=True,
    )
    return out.stdout.strip()


def git_revision() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(HERE), "describe", "--always", "--dirty"], capture_output=True, text=True, check=True
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def show(path: Path) -> str:
    try:
        return str(path.relative_to(HERE.parent))
    except ValueError:
        return str(path)


def report(results: list[Measure], runs: int, out_dir: str) -> str:
    floors = {m.input: m for m in results if m.tool == "floor"}
    lines = [
        START,
        "## bench_convert: convert vs the bare lxml floor",
        "",
        f"Run {datetime.date.today().isoformat()} at revision `{git_revision()}` on {os.cpu_count()} cores "
        f"(`nproc` {len(os.sched_getaffinity(0))}), {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}, lxml {lxml_version()}. The machine is shared with other "
        f"workers: wall is the best of {runs} runs, taken in rounds (each tool once a round); peak RSS "
        "is the largest `ru_maxrss` of the runs "
        "(from `os.wait4` on each fresh child process: the largest single process); tree PSS is the "
        "largest sum of PSS over the child and its worker processes, sampled every 50 ms in one more "
        "run (sampling takes CPU, so the timed runs are not sampled); CPU is the "
        "least user+system time of the runs (workers included), steadier than wall when other "
        "processes compete for the cores. Targets are judged on wall, and memory on the larger of the "
        "two memory figures.",
        "",
        f"Targets: peak RSS under {TARGET_RSS_MB} MB at any size; json within {TARGET_RATIO:g}x the floor.",
        *(["", "The 1 GB export (`--large`) gets one timed run, of "
           + ", ".join(LARGE_ONLY["1g"]) + " only: each takes minutes."] if any(m.input == "1g" for m in results) else []),
        "",
        "| input | size MB | tool | wall s | MB/s | peak RSS MB | tree PSS MB | ratio to floor | CPU s | CPU ratio | target |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for m in results:
        floor = floors.get(m.input)
        ratio = m.wall / floor.wall if floor else float("nan")
        cpu_ratio = m.cpu / floor.cpu if floor else float("nan")
        ok = max(m.rss_mb, m.tree_mb) < TARGET_RSS_MB and (not m.tool.startswith("json") or ratio <= TARGET_RATIO)
        lines.append(
            f"| {m.input} | {m.size / 1e6:.0f} | {m.tool} | {m.wall:.2f} | {m.mb_per_s:.1f} | {m.rss_mb:.0f} "
            f"| {m.tree_mb:.0f} "
            f"| {ratio:.2f}x | {m.cpu:.2f} | {cpu_ratio:.2f}x | {'met' if ok else '**missed**'} |"
        )
    lines += [
        "",
        "All runs (s): " + "; ".join(f"{m.input} {m.tool} " + ", ".join(f"{w:.2f}" for w in m.walls) for m in results),
        "",
        "Commands (`OUT` is a temporary folder; `floor.py` is the floor loop in `bench_convert.py`):",
        "",
        "```sh",
        f"python benchmarks/bench_convert.py{' --large' if any(m.input == '1g' for m in results) else ''} --runs {runs}",
    ]
    for label, target in SIZES.items():
        if label in floors:
            lines.append(
                f"python {GENERATOR} --seed {SEED} --target-size {target} --out benchmarks/data/{label}.xml"
            )
    seen: set[str] = set()
    for m in results:
        text = shlex.join(m.command).replace(out_dir, "OUT")
        text = text.replace(str(HERE.parent) + "/", "")
        if text not in seen:
            seen.add(text)
            lines.append(text)
    lines += ["```", END]
    return "\n".join(lines) + "\n"


def publish(start: str, end: str, section: str, *, write: bool) -> None:
    """Print a benchmark's section, and put it in RESULTS.md unless ``write`` is off (``--no-write``)."""
    print(section)
    if write:
        update_section(start, end, section)


def update_section(start: str, end: str, section: str) -> None:
    """Replace the section between ``start`` and ``end`` in RESULTS.md (or append it)."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end) + r"\n?", re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--large", action="store_true", help="also the 1 GB export")
    parser.add_argument("--runs", type=int, default=3, metavar="N", help="runs per measure, best kept (default 3)")
    parser.add_argument("--no-write", action="store_true", help="print the section, leave RESULTS.md alone")
    args = parser.parse_args(argv)
    labels = ["100m", "1g"] if args.large else ["100m"]
    inputs = {label: ensure_input(label, SIZES[label]) for label in labels}
    out_dir = tempfile.mkdtemp(prefix="bench-convert-")
    floor = Path(out_dir) / "floor.py"
    floor.write_text(FLOOR, encoding="utf-8")
    cli = wpmigrate_command()
    results = []
    try:
        for label, path in inputs.items():
            json = [*cli, "convert", str(path), "--to", "json", "-o", f"{out_dir}/out.json", "--force"]
            tools = {
                "floor": [sys.executable, str(floor), str(path)],
                "json": json,
                "json -j 1": [*json, "-j", "1"],
                "json --raw-content": [*json, "--raw-content"],
                "json --raw-content -j 1": [*json, "--raw-content", "-j", "1"],
                "ndjson": [*cli, "convert", str(path), "--to", "ndjson", "-o", f"{out_dir}/out.ndjson", "--force"],
            }
            if label in LARGE_ONLY:
                tools = {tool: command for tool, command in tools.items() if tool in LARGE_ONLY[label]}
            results += measure_rounds(label, path, tools, 1 if label in LARGE_ONLY else args.runs)
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    section = report(results, args.runs, out_dir)
    publish(START, END, section, write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
