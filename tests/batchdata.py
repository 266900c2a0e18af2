"""Inputs for the batch tests, made from the fixtures or generated: never corpus copies."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

GENERATOR = ROOT.parent / "shared" / "tools" / "gen_wxr.py"
#: What batch writes in OUTDIR besides the outputs.
BOOKKEEPING = {"report.json", ".wpmigrate-batch.json", ".wpmigrate-batch.lock"}


def split_export(source: Path, folder: Path, stem: str, parts: int) -> list[Path]:
    """Cut ``source`` into ``parts`` WXR documents ``stem.000.xml`` ..., each with the full header,
    as WordPress.com splits a large export."""
    data = source.read_bytes()
    first, end = data.index(b"<item>"), data.rindex(b"</channel>")
    items = [item for item in re.split(rb"(?=<item>)", data[first:end]) if item.strip()]
    size = -(-len(items) // parts)
    paths = []
    for number in range(parts):
        path = folder / f"{stem}.{number:03d}.xml"
        path.write_bytes(data[:first] + b"".join(items[number * size:(number + 1) * size]) + data[end:])
        paths.append(path)
    return paths


def generate(path: Path, posts: int, seed: int) -> Path:
    """A realistic export from the shared generator (skips the test where it is absent)."""
    if not GENERATOR.exists():
        pytest.skip(f"the WXR generator is not at {GENERATOR}")
    subprocess.run([sys.executable, str(GENERATOR), "--posts", str(posts), "--seed", str(seed),
                    "--out", str(path), "-q"], check=True)
    return path


def many_items_gz(path: Path, items: int) -> Path:
    """A valid, gzipped export of ``items`` tiny posts: small on disk, long to convert."""
    head = (b'<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
            b'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            b'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">\n'
            b"<channel><title>Huge</title><link>http://huge.example.test</link>"
            b"<wp:wxr_version>1.2</wp:wxr_version>\n")
    with gzip.open(path, "wb", compresslevel=1) as stream:
        stream.write(head)
        for number in range(1, items + 1):
            stream.write(
                b"<item><title>Post %d</title><link>http://huge.example.test/?p=%d</link>"
                b"<dc:creator>admin</dc:creator><content:encoded><![CDATA[<p>Hello %d</p>]]></content:encoded>"
                b"<wp:post_id>%d</wp:post_id><wp:status>publish</wp:status>"
                b"<wp:post_type>post</wp:post_type></item>\n" % (number, number, number, number)
            )
        stream.write(b"</channel></rss>\n")
    return path


def outputs(outdir: Path) -> dict[str, bytes]:
    """The outputs under their final names in ``outdir`` (files, or files in output folders),
    by relative path: no bookkeeping, no hidden staging folders."""
    found = {}
    for path in sorted(outdir.rglob("*")):
        relative = path.relative_to(outdir)
        if path.is_file() and path.name not in BOOKKEEPING and not relative.parts[0].startswith("."):
            found[str(relative)] = path.read_bytes()
    return found


def leftovers(outdir: Path) -> list[str]:
    """Hidden staging folders or temporary files left in ``outdir``."""
    return sorted(p.name for p in outdir.iterdir() if p.name.startswith(".") and p.name not in BOOKKEEPING)


def report(outdir: Path) -> dict:
    return json.loads((outdir / "report.json").read_text())


def by_name(report_data: dict) -> dict[str, dict]:
    return {site["name"]: site for site in report_data["sites"]}
