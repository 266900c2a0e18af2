"""`hugo` builds the Hugo profile's output of a corpus export (skips where hugo is not installed).

CI installs hugo (.ci/setup-tools) and sets WPMIGRATE_REQUIRE_TOOLS=1, so there a
missing hugo fails instead of skipping.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
import yaml

from tests.conftest import CORPUS, corpus_expected
from wpmigrate.convert import ConvertOptions, convert

EXPORT = "theme-test-data/themeunittestdata.wordpress.xml"
#: Layouts just enough to render each page's content; the test adds them as a user would.
LAYOUTS = {"single.html": "<main>{{ .Content }}</main>\n", "list.html": "{{ range .Pages }}{{ .Title }}\n{{ end }}"}


def _hugo() -> str:
    found = shutil.which("hugo")
    if found:
        return found
    if os.environ.get("WPMIGRATE_REQUIRE_TOOLS") == "1":
        pytest.fail("hugo is required (WPMIGRATE_REQUIRE_TOOLS=1): run .ci/setup-tools")
    pytest.skip("hugo is not installed (Debian: apt-get install hugo)")


def test_hugo_builds_the_hugo_profile(tmp_path):
    hugo = _hugo()
    corpus_expected()
    site = tmp_path / "site"
    convert([str(CORPUS / EXPORT)], ConvertOptions(to="markdown", output=str(site), format_options={"profile": "hugo"}))
    layouts = site / "layouts" / "_default"
    layouts.mkdir(parents=True)
    for name, text in LAYOUTS.items():
        (layouts / name).write_text(text)
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
        page = public / "posts" / front["slug"] / "index.html"
        assert page.is_file(), f"{post.name} was not built"
        for alias in front.get("aliases") or []:
            alias_page = public / alias.strip("/") / "index.html"
            assert f'/posts/{front["slug"]}/' in alias_page.read_text(), f"alias {alias} does not redirect"
            checked += 1
    assert checked > 0
