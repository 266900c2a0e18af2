"""`hugo` builds the Hugo profile's output of a corpus export, with the shipped starter layouts
(skips where hugo is not installed; CI installs it and fails without it: tests/sitebuild.py).
"""

from __future__ import annotations

import subprocess

import yaml

from tests import sitebuild
from tests.conftest import CORPUS, corpus_expected
from wpmigrate.convert import ConvertOptions, convert

EXPORT = "theme-test-data/themeunittestdata.wordpress.xml"


def _hugo() -> str:
    return sitebuild.tool("hugo")


def test_hugo_builds_the_hugo_profile(tmp_path):
    hugo = _hugo()
    corpus_expected()
    site = tmp_path / "site"
    convert([str(CORPUS / EXPORT)], ConvertOptions(to="markdown", output=str(site), format_options={"profile": "hugo"}))
    public = tmp_path / "public"
    done = subprocess.run([hugo, "--source", str(site), "--destination", str(public), "--buildDrafts",
                           "--buildFuture"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ERROR" not in done.stdout + done.stderr
    posts = sorted((site / "content" / "posts").glob("*.md"))
    assert posts
    checked = 0
    for post in posts:
        front = yaml.safe_load(post.read_text(encoding="utf-8").split("---\n", 2)[1])
        page = public / front["url"].strip("/") / "index.html"
        assert page.is_file(), f"{post.name} was not built"
        for alias in front.get("aliases") or []:
            alias_page = public / alias.strip("/") / "index.html"
            assert front["url"] in alias_page.read_text(), f"alias {alias} does not redirect"
            checked += 1
    assert checked > 0
