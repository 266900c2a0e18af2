#!/usr/bin/env python3
"""Fidelity of the Markdown writer: do the built sites show the words readers saw on WordPress?

For each generator (Hugo, Jekyll, Eleventy, Astro) and each corpus file, the export is converted
with the generator's profile and its starter layouts, built with the generator, and every
published post (type post, status publish, no password) is compared with its built page: the
share of the words of the post's clean HTML (``content.html`` of the JSON output) that the page
shows. Words are ``\\w+`` runs of the visible text (script, style and head dropped, NFC),
case-folded, counted with repetition (tests/sitebuild.py: ``visible_text``, ``words``, ``coverage``).

The table, per generator and corpus file: published posts, posts at 100%, posts at 99% or more
(the test's threshold), the lowest share, and the build time. Hugo builds every corpus file;
the other generators the representative set of tests/test_site_builds.py unless ``--all``.
The tools are found as the tests find them (.ci/setup-tools installs them).

Usage::

    python benchmarks/bench_fidelity.py [--generator NAME ...] [--all] [--write] [--worst N]
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import sitebuild  # noqa: E402
from tests.conftest import CORPUS, corpus_files  # noqa: E402
from tests.test_site_builds import FIDELITY, REPRESENTATIVE, post_key, published_posts  # noqa: E402
from wpmigrate.convert import ConvertOptions, convert  # noqa: E402
from wpmigrate.errors import InputError  # noqa: E402

RESULTS = ROOT / "benchmarks" / "RESULTS.md"
START, END = "<!-- bench_fidelity:start -->", "<!-- bench_fidelity:end -->"


def measure(generator: str, name: str, work: Path) -> dict:
    """Convert, build and compare one corpus file; a failed build is reported, not raised."""
    folder = work / generator / name.replace("/", "__")
    exported = folder / "export.json"
    exported.parent.mkdir(parents=True, exist_ok=True)
    try:
        convert([str(CORPUS / name)], ConvertOptions(to="json", output=str(exported), recover=True))
    except InputError as exc:
        return {"posts": 0, "skipped": f"not a WordPress export ({type(exc).__name__})"}
    posts = published_posts(json.loads(exported.read_text(encoding="utf-8")))
    try:
        sitebuild.write_site([CORPUS / name], generator, folder / "site")
        built = sitebuild.build(generator, folder / "site", folder / "public")
    except AssertionError as exc:
        return {"posts": len(posts), "error": str(exc).splitlines()[0]}
    urls = {post_key(f): sitebuild.post_url(generator, f) for _, f in sitebuild.posts(built.site, generator)}
    shares, worst = [], []
    for post in posts:
        share, missing = 0.0, ["(not written)"]
        url = urls.get(post_key(post))
        if url and (built.public / url.strip("/") / "index.html").is_file():
            reference = sitebuild.words(sitebuild.visible_text(post["content"]["html"] or ""))
            shown = sitebuild.words(sitebuild.visible_text(built.page(url)))
            share, missing = sitebuild.coverage(reference, shown)
        shares.append(share)
        if share < 1:
            worst.append((share, post["id"], missing[:12]))
    return {"posts": len(posts), "full": sum(s >= 1 for s in shares), "ok": sum(s >= FIDELITY for s in shares),
            "min": min(shares, default=1.0), "seconds": built.seconds, "worst": sorted(worst)[:3]}


def table(results: dict[str, dict[str, dict]]) -> list[str]:
    """The Markdown table of ``results`` (generator -> corpus file -> measures)."""
    lines = ["| generator | corpus file | posts | at 100% | ≥ 99% | min | build s |", "|---|---|---:|---:|---:|---:|---:|"]
    for generator, files in results.items():
        for name, r in files.items():
            if "skipped" in r:
                lines.append(f"| {generator} | {name} | – | skipped: {r['skipped']} | | | |")
            elif "error" in r:
                lines.append(f"| {generator} | {name} | {r['posts']} | build failed: {r['error'][:80]} | | | |")
            else:
                lines.append(f"| {generator} | {name} | {r['posts']} | {r['full']} | {r['ok']} | "
                             f"{r['min']:.1%} | {r['seconds']:.1f} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generator", action="append", choices=sitebuild.GENERATORS)
    parser.add_argument("--all", action="store_true", help="every corpus file for every generator")
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    parser.add_argument("--worst", type=int, default=0, help="list up to N posts under 100%% per file")
    args = parser.parse_args()
    files = corpus_files()
    if not files:
        sys.exit(f"bench_fidelity: the shared corpus is not at {CORPUS}")
    results: dict[str, dict[str, dict]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for generator in args.generator or sitebuild.GENERATORS:
            chosen = files if generator == "hugo" or args.all else [n for n in REPRESENTATIVE if n in files]
            results[generator] = {name: measure(generator, name, Path(tmp)) for name in chosen}
            for name, r in results[generator].items():
                for share, post, missing in r.get("worst", [])[: args.worst]:
                    print(f"{generator} {name} post {post}: {share:.1%} missing {missing}", file=sys.stderr)
    lines = table(results)
    print("\n".join(lines))
    if args.write:
        _write(lines)


def _write(lines: list[str]) -> None:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    block = "\n".join([START, "## bench_fidelity: the words readers saw, on the built sites", "",
                       f"{datetime.date.today()}, at {commit}: `python benchmarks/bench_fidelity.py --write`. "
                       f"Threshold of tests/test_site_builds.py: {FIDELITY:.0%} of a post's words, every post.", "",
                       *lines, END])
    text = RESULTS.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + block + "\n"
    RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
