"""``--with-layouts/--no-layouts``: starter layouts copied into a new folder, never over the user's files."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from tests.conftest import CORPUS, ROOT, SAMPLE
from wpmigrate.writers.markdown.profiles import PROFILES
from wpmigrate.model import Site
from wpmigrate.writers.markdown.theme import layout_files, starter_files

GENERATOR_PROFILES = ("hugo", "jekyll", "eleventy", "astro")


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("profile", GENERATOR_PROFILES)
def test_a_new_folder_gets_the_layouts_once(run_cli, tmp_path, profile):
    site = tmp_path / "site"
    first = run_cli("convert", SAMPLE, "--to", "markdown", "--profile", profile, "-o", site)
    assert first.exit_code == 0, first.stderr
    shipped = [relative for relative, _ in starter_files(PROFILES[profile], Site())]
    assert shipped and all((site / relative).is_file() for relative in shipped)
    assert f"{PROFILES[profile].data_dir}/site.json" in shipped and any(r.endswith("site.css") for r in shipped)
    assert f"layouts: {len(shipped)} files written, 0 kept" in first.stderr
    before = _files(site)
    again = run_cli("convert", SAMPLE, "--to", "markdown", "--profile", profile, "-o", site)
    assert again.exit_code == 0, again.stderr
    assert "layouts:" not in again.stderr, "a folder with files gets no layouts unless asked"
    assert _files(site) == before, "same input, byte-identical files"


def test_a_file_the_user_has_is_kept(run_cli, tmp_path):
    site = tmp_path / "site"
    assert run_cli("convert", SAMPLE, "--to", "markdown", "--profile", "hugo", "-o", site).exit_code == 0
    mine = site / "layouts" / "_default" / "single.html"
    mine.write_text("my own single page\n")
    (site / "static" / "site.css").unlink()
    done = run_cli("convert", SAMPLE, "--to", "markdown", "--profile", "hugo", "-o", site, "--with-layouts")
    assert done.exit_code == 0, done.stderr
    assert mine.read_text() == "my own single page\n"
    assert (site / "static" / "site.css").is_file()
    total = len(list(starter_files(PROFILES["hugo"], Site())))
    assert f"layouts: 1 files written, {total - 1} kept" in done.stderr


def test_no_layouts_and_the_plain_profile_write_none(run_cli, tmp_path):
    done = run_cli("convert", SAMPLE, "--to", "markdown", "--profile", "hugo", "-o", tmp_path / "a", "--no-layouts")
    assert done.exit_code == 0, done.stderr
    assert not (tmp_path / "a" / "layouts").exists() and "layouts:" not in done.stderr
    done = run_cli("convert", SAMPLE, "--to", "markdown", "-o", tmp_path / "b", "--with-layouts")
    assert done.exit_code == 0 and not (tmp_path / "b" / "data" / "site.json").exists()


def test_layouts_apply_to_markdown_only(run_cli, tmp_path):
    done = run_cli("convert", SAMPLE, "--to", "json", "-o", tmp_path / "x.json", "--with-layouts")
    assert done.exit_code != 0 and "--with-layouts/--no-layouts applies to --to markdown only" in done.stderr


def test_the_wheel_ships_every_layout_file(tmp_path):
    """A wheel built from the source (pyproject.toml's package-data) holds every layout file.
    pip builds it as a user's install would: in isolation, with the setuptools pyproject.toml asks for."""
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
                           "--wheel-dir", str(tmp_path), str(ROOT)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    names = set(zipfile.ZipFile(next(tmp_path.glob("*.whl"))).namelist())
    for profile in GENERATOR_PROFILES:
        for relative, _ in layout_files(PROFILES[profile]):
            assert f"wpmigrate/writers/markdown/layouts/{profile}/{relative}" in names
    assert "wpmigrate/writers/markdown/layouts/_shared/site.css" in names


def test_no_redirect_from_a_page_to_itself(run_cli, tmp_path):
    """An old URL equal to the new one is no alias: jekyll-redirect-from would write its redirect
    page over the page itself (the quirks blog's contact page kept its /contact/ URL)."""
    quirks = CORPUS / "real-blog-quirks" / "wordpress.xml"
    if not quirks.exists():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    site = tmp_path / "site"
    assert run_cli("convert", quirks, "--to", "markdown", "--profile", "jekyll", "-o", site).exit_code == 0
    fronts = [yaml.safe_load(p.read_text(encoding="utf-8").split("---\n", 2)[1]) for p in site.rglob("*.md")]
    assert any(f["permalink"] == "/contact/" for f in fronts)
    for front in fronts:
        assert front["permalink"] not in (front.get("redirect_from") or []), front["slug"]
