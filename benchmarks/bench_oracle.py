#!/usr/bin/env python3
"""Agreement with WordPress: every post and approved comment through WordPress's own PHP and
through the cleaner, compared stage by stage (tests/oracle, docs/wordpress-differences.md).

Inputs: every file of the shared corpus, and exports made by ``gen_wxr.py`` (``--generated``
sizes in posts, default 300 and 2000). For each file and stage the table gives the items that
agree out of those compared: identical bytes, equal trees after the normalisation, or a named
difference (deliberate: switched off on both sides; listed: recognised, with a fixture). Items
that still differ, and stages WordPress could not render, are counted apart; both should be 0.
Needs PHP and Debian's WordPress (.ci/setup-tools installs them).

Usage::

    python benchmarks/bench_oracle.py [--generated N ...] [--no-write] [--worst N]
"""

from __future__ import annotations

import argparse
import datetime
import difflib
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from bench_convert import GENERATOR, git_revision, publish  # noqa: E402

from tests.conftest import CORPUS, corpus_files  # noqa: E402
from tests.oracle import wordpress  # noqa: E402
from tests.oracle.agreement import STAGES, Tally, compare_export  # noqa: E402
from wpmigrate.errors import InputError  # noqa: E402

START, END = "<!-- bench_oracle:start -->", "<!-- bench_oracle:end -->"
#: Short column names for the stages.
COLUMNS = {"wpautop": "autop", "shortcode_unautop": "unautop", "do_blocks": "blocks", "do_shortcode": "shortcode",
           "the_content": "the_content", "comment:make_clickable": "c:clickable", "comment:wpautop": "c:autop",
           "comment_text": "comment_text"}


def generate(posts: int, folder: Path) -> Path:
    path = folder / f"generated-{posts}.xml"
    subprocess.run([sys.executable, str(GENERATOR), "--posts", str(posts), "--seed", "18", "--out", str(path), "-q"],
                   check=True)
    return path


def measure(inputs: dict[str, Path]) -> tuple[dict[str, Tally], float]:
    tallies: dict[str, Tally] = {}
    started = time.perf_counter()
    for label, path in inputs.items():
        try:
            tally = compare_export(path)
        except InputError:
            continue
        if tally.counts:
            tallies[label] = tally
    return tallies, time.perf_counter() - started


def cell(tally: Tally, stage: str) -> str:
    agree, total = tally.agreeing(stage)
    return f"{agree}/{total}" if total else "–"


def section(tallies: dict[str, Tally], seconds: float) -> str:
    total = Tally()
    for tally in tallies.values():
        total.merge(tally)
    head = "| file | " + " | ".join(COLUMNS[s] for s in STAGES) + " | differ | errors |"
    rule = "|---|" + "---:|" * (len(STAGES) + 2)
    rows = [f"| {label} | " + " | ".join(cell(t, s) for s in STAGES)
            + f" | {sum(c['differ'] for c in t.counts.values())} | {sum(c['error'] for c in t.counts.values())} |"
            for label, t in tallies.items()]
    rows.append("| **all** | " + " | ".join(cell(total, s) for s in STAGES)
                + f" | {sum(c['differ'] for c in total.counts.values())} | {sum(c['error'] for c in total.counts.values())} |")
    kinds = ["| stage | identical | equivalent | deliberate | listed | differ | error |", "|---|" + "---:|" * 6]
    kinds += [f"| {s} | " + " | ".join(str(total.counts.get(s, Counter())[k]) for k in
                                       ("identical", "equivalent", "deliberate", "listed", "differ", "error")) + " |"
              for s in STAGES]
    listed = ", ".join(f"{name} {n}" for name, n in sorted(total.listed.items())) or "none"
    return "\n".join([
        START,
        "## Agreement with WordPress (bench_oracle.py)",
        "",
        f"{datetime.date.today().isoformat()}, revision {git_revision()}, WordPress {wordpress_version()} "
        f"(Debian) under {php_version()}; {seconds:.0f} s for all.",
        "Items that agree with WordPress / items compared, per stage (see docs/wordpress-differences.md",
        "for what \"agree\" allows):",
        "",
        head, rule, *rows,
        "",
        "All files together, by outcome:",
        "",
        *kinds,
        "",
        f"Listed differences found: {listed}.",
        END,
    ]) + "\n"


def wordpress_version() -> str:
    text = (wordpress.WORDPRESS / "wp-includes" / "version.php").read_text(encoding="utf-8")
    return next((line.split("'")[1] for line in text.splitlines() if line.startswith("$wp_version")), "?")


def php_version() -> str:
    out = subprocess.run(["php", "-r", "echo PHP_VERSION;"], capture_output=True, text=True, check=False)
    return f"PHP {out.stdout.strip()}"


def show_worst(tallies: dict[str, Tally], count: int) -> None:
    for label, tally in tallies.items():
        for d in tally.disagreements[:count]:
            print(f"--- {label}: {d.item}, {d.stage}", file=sys.stderr)
            diff = difflib.unified_diff(d.ours.splitlines(), d.theirs.splitlines(), "cleaner", "wordpress", lineterm="")
            print("\n".join(list(diff)[:30]), file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--generated", type=int, nargs="*", default=[300, 2000], metavar="POSTS",
                        help="sizes of the generated exports, in posts (default 300 2000)")
    parser.add_argument("--no-write", action="store_true", help="print the section, leave RESULTS.md alone")
    parser.add_argument("--worst", type=int, default=3, metavar="N", help="disagreements shown per file (stderr)")
    args = parser.parse_args(argv)
    if (reason := wordpress.missing()) is not None:
        print(f"bench_oracle: {reason}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        inputs = {name: CORPUS / name for name in corpus_files()}
        try:
            inputs |= {f"gen_wxr --posts {n}": generate(n, Path(tmp)) for n in args.generated}
            tallies, seconds = measure(inputs)
        except (wordpress.OracleError, OSError, subprocess.CalledProcessError) as exc:
            print(f"bench_oracle: {exc}", file=sys.stderr)
            return 1
    show_worst(tallies, args.worst)
    publish(START, END, section(tallies, seconds), write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
