"""Shortcodes on the real exports of the shared corpus: how many stay unconverted per file
(printed as a table; run with -s to see it), and none of the issue's core and Jetpack
shortcodes ever does."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.conftest import CORPUS, corpus_export, corpus_files
from wpmigrate.clean.pipeline import CleanOptions, clean_post
from wpmigrate.clean.shortcodes import KNOWN_TAGS, find_shortcodes

#: The shortcodes the issue names: WordPress core's and Jetpack's that must always convert.
MUST_CONVERT = ("caption", "gallery", "embed", "youtube", "vimeo", "audio", "video", "googlemaps", "code",
                "sourcecode", "tweet")  # fmt: skip


def _file_report(name: str) -> tuple[Counter[str], list[str]]:
    """Unconverted shortcodes of one file by name, and listed ones left in the output."""
    attachments, posts = corpus_export(name)
    unconverted: Counter[str] = Counter()
    leftovers: list[str] = []
    for post in posts:
        cleaned = clean_post(post, attachments, CleanOptions())
        for key, n in cleaned.content.diagnostics.items():
            kind, _, tag = key.partition(":")[2].partition(":")
            if kind in ("unknown", "error"):
                unconverted[tag] += n
        escaped = sum(m.escaped for m in find_shortcodes(post.content.raw, MUST_CONVERT))
        left = [m for m in find_shortcodes(cleaned.content.html, MUST_CONVERT)]
        if len(left) > escaped:  # an escaped [[tag]] is meant to show as [tag]
            leftovers += [f"post {post.id}: {m.text[m.start : m.end][:80]}" for m in left]
    return unconverted, leftovers


def test_unconverted_shortcodes_per_corpus_file() -> None:
    assert set(MUST_CONVERT) <= KNOWN_TAGS
    if not corpus_files():
        pytest.skip(f"the shared WXR corpus is not at {CORPUS}")
    rows, problems = [], []
    for name in corpus_files():
        try:
            unconverted, leftovers = _file_report(name)
        except pytest.skip.Exception:  # the reader refuses it: not an export at all
            rows.append((name, "-", "not an export"))
            continue
        listed = {tag: n for tag, n in unconverted.items() if tag in MUST_CONVERT}
        if listed or leftovers:
            problems.append(f"{name}: {listed} {leftovers[:3]}")
        names = ", ".join(f"{tag} {n}" for tag, n in unconverted.most_common(6))
        rows.append((name, str(sum(unconverted.values())), names))
    width = max(len(r[0]) for r in rows)
    table = "\n".join(f"{a:<{width}}  {b:>5}  {c}" for a, b, c in [("file", "left", "unconverted names"), *rows])
    print("\nShortcodes left unconverted per corpus file:\n" + table)
    assert not problems, "core/Jetpack shortcodes left unconverted:\n" + "\n".join(problems) + "\n" + table
