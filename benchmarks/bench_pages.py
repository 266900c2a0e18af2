#!/usr/bin/env python3
"""Speed and memory of reading a blog from its pages (issue 19): a mirror folder and a WARC.

The input is generated, deterministic: ``--pages`` copies of the Twenty Twenty post fixture
(``fixtures/pages/twentytwenty-post.html``: about 25 KB, Yoast JSON-LD, six threaded
comments), each with its own post id, slug and comment ids, laid out as ``wget --mirror``
does, plus a gzipped WARC of the same pages (tests/pagesdata.py). Both go through
``convert --to json`` (``--jobs 1`` and ``--jobs 2``) and the mirror through
``--to markdown``. The floor, measured in the same run: reading every file and parsing it
with lxml.html, nothing else. Reported: wall, CPU, pages per second, the ratio to the floor,
and peak memory (``ru_maxrss`` of the main process, sampled PSS of the process tree).

Results go to ``benchmarks/RESULTS.md`` between the ``bench_pages`` markers.

Usage::

    python benchmarks/bench_pages.py [--pages 2000] [--runs 3] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))
import bench_convert as bc  # noqa: E402 - the shared helpers: the CLI, the memory sampler, RESULTS.md

START, END = "<!-- bench_pages:start -->", "<!-- bench_pages:end -->"
TEMPLATE = ROOT / "fixtures" / "pages" / "twentytwenty-post.html"
HOST, SLUG, POST_ID = "slowroads.example.test", "2019/03/14/crossing-the-salt-flats", 88
_COMMENT_ID = re.compile(r"(comment-|replytocom=|data-commentid=\")(\d+)")
FLOOR = """
import os, sys, lxml.html
for folder, _, files in os.walk(sys.argv[1]):
    for name in files:
        with open(os.path.join(folder, name), "rb") as stream:
            lxml.html.document_fromstring(stream.read())
"""


def make_mirror(folder: Path, pages: int) -> int:
    """``pages`` post pages under ``folder``/HOST; their total size."""
    template = TEMPLATE.read_text(encoding="utf-8")
    total = 0
    for number in range(pages):
        post_id = 1000 + number
        html = template.replace(SLUG, f"2019/03/14/post-{number}").replace(f"post-{POST_ID}", f"post-{post_id}")
        html = html.replace(f"postid-{POST_ID}", f"postid-{post_id}").replace(f"?p={POST_ID}", f"?p={post_id}")
        html = html.replace(f"value='{POST_ID}'", f"value='{post_id}'").replace(f'value="{POST_ID}"', f'value="{post_id}"')
        html = _COMMENT_ID.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + 1000 * (number + 1)}", html)
        place = folder / HOST / "2019" / "03" / "14" / f"post-{number}" / "index.html"
        place.parent.mkdir(parents=True, exist_ok=True)
        place.write_text(html, encoding="utf-8")
        total += len(html.encode("utf-8"))
    return total


def runs_of(command: list[str], runs: int) -> tuple[float, float, float, float]:
    """Best wall, best CPU, largest RSS and tree PSS of ``runs`` runs."""
    results = [bc.run_once(command) for _ in range(runs)]
    return (min(r[0] for r in results), min(r[1] for r in results), max(r[2] for r in results),
            max(r[3] for r in results))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "tests"))
    from pagesdata import build_warc  # noqa: PLC0415 - the tests' WARC writer (warcio)

    with tempfile.TemporaryDirectory(prefix="wpmigrate-bench-pages-") as work:
        work_dir = Path(work)
        size = make_mirror(work_dir / "mirror", args.pages)
        build_warc(work_dir / "crawl.warc.gz", mirror=work_dir / "mirror", broken=False)
        cli = bc.wpmigrate_command()
        floor = runs_of([sys.executable, "-c", FLOOR, str(work_dir / "mirror")], args.runs)
        rows = [("lxml.html parse of every file (floor)", floor)]
        for label, source, extra in (
            ("mirror --to json --jobs 1", "mirror", ["--to", "json", "--jobs", "1"]),
            ("mirror --to json --jobs 2", "mirror", ["--to", "json", "--jobs", "2"]),
            ("mirror --to markdown --jobs 2", "mirror", ["--to", "markdown", "--jobs", "2"]),
            ("crawl.warc.gz --to json --jobs 2", "crawl.warc.gz", ["--to", "json", "--jobs", "2"]),
        ):
            out = work_dir / f"out-{len(rows)}"
            command = [*cli, "convert", str(work_dir / source), "-o", str(out), "--force", "-q", *extra]
            rows.append((label, runs_of(command, args.runs)))
    bc.publish(START, END, section(rows, args.pages, size, args.runs), write=not args.no_write)
    return 0


def section(rows, pages: int, size: int, runs: int) -> str:
    floor_wall = rows[0][1][0]
    lines = [
        START,
        "## bench_pages: a blog read from its pages (mirror folder, WARC)",
        "",
        f"Run {datetime.date.today()} at revision `{bc.git_revision()}` on {os.cpu_count()} cores, "
        f"load average {'/'.join(f'{x:.1f}' for x in os.getloadavg())} at the end. "
        f"{pages:,} generated Twenty Twenty post pages ({size / 2**20:.0f} MB, six comments each), "
        f"best of {runs}.",
        "",
        "| run | wall s | CPU s | pages/s | × floor (wall) | RSS MB | tree PSS MB |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, (wall, cpu, rss, tree) in rows:
        lines.append(f"| {label} | {wall:.2f} | {cpu:.2f} | {pages / wall:,.0f} | {wall / floor_wall:.1f} "
                     f"| {rss:.0f} | {tree:.0f} |")
    lines += ["", "```", f"python benchmarks/bench_pages.py --pages {pages} --runs {runs}", "```", END]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
