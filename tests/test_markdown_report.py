"""The run says what it could not carry over: report.json per post, and the summary lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import CORPUS
from wpmigrate.cli import cli
from wpmigrate.writers.markdown.report import Report, notes_of, old_site_links, site_hosts

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "fidelity" / "blog.xml"


def _run(out: Path, source: Path = FIXTURE) -> str:
    result = CliRunner().invoke(cli, ["convert", str(source), "--to", "markdown", "--profile", "hugo", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> tuple[Path, str, dict]:
    out = tmp_path_factory.mktemp("report") / "site"
    output = _run(out)
    return out, output, json.loads((out / "report.json").read_text(encoding="utf-8"))


def test_report_lists_each_post_with_what_it_lost(run):
    _, _, report = run
    by_file = {p["file"]: p for p in report["posts"]}
    contact = by_file["content/contact.md"]
    assert contact["notes"] == {"forms-removed": {"contact-form": 1}, "leftover-shortcodes": {"codepen": 1}}
    assert contact["url"] == "/contact/" and contact["original_url"] == "https://fidelity.example.test/contact/"
    embeds = by_file["content/posts/embeds.md"]["notes"]
    assert embeds["embeds-linked"] == {"facebook": 1, "instagram": 1, "object": 1}
    assert embeds["embeds-from-cache"] == {"twitter": 1}
    assert by_file["content/posts/figures.md"]["notes"] == {"old-site-links": {"links:old-site": 2}}
    assert "content/posts/structure.md" not in by_file, "a post carried over whole is not listed"


def test_report_totals_add_up(run):
    _, _, report = run
    totals: dict[str, dict[str, int]] = {}
    for post in report["posts"]:
        for category, items in post["notes"].items():
            for item, n in items.items():
                totals.setdefault(category, {}).setdefault(item, 0)
                totals[category][item] += n
    assert report["totals"] == totals


def test_summary_names_the_losses(run):
    _, output, _ = run
    assert "markdown: forms removed (a static site cannot send them): 1 in 1 post (contact-form 1; see report.json)" in output
    assert "markdown: shortcodes left as text: 1 in 1 post (codepen 1; see report.json)" in output
    assert "markdown: embeds written as a link: 3 in 1 post (facebook 1, instagram 1, object 1; see report.json)" in output


def test_removed_form_does_not_publish_its_address(run):
    out, _, _ = run
    text = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*") if p.is_file())
    assert "owner@fidelity.example.test" not in text


def test_report_is_byte_identical_on_a_second_run(run, tmp_path):
    out, _, _ = run
    _run(tmp_path / "again")
    assert (tmp_path / "again" / "report.json").read_bytes() == (out / "report.json").read_bytes()


def test_notes_keep_only_what_a_reader_would_notice():
    diagnostics = {"shortcode:converted:caption": 2, "shortcode:unknown:scribd": 1, "embed:auto": 1,
                   "embed:linked:twitter": 1, "shortcode:missing-attachment": 2, "format:textile": 1}
    assert notes_of(diagnostics) == {
        "leftover-shortcodes": {"scribd": 1}, "embeds-linked": {"twitter": 1},
        "missing-attachments": {"shortcode:missing-attachment": 2}, "text-format": {"textile": 1},
    }
    report = Report()
    report.add({"id": 1}, notes_of(diagnostics))
    report.add({"id": 2}, {})
    assert [p["id"] for p in report.posts] == [1]
    assert any(line.startswith("markdown: gallery images not in the export: 2 in 1 post") for line in report.lines())


def test_quirks_export_reports_its_form_textile_and_tweet(tmp_path):
    quirks = CORPUS / "real-blog-quirks" / "wordpress.xml"
    if not quirks.exists():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    _run(tmp_path / "site", quirks)
    totals = json.loads((tmp_path / "site" / "report.json").read_text(encoding="utf-8"))["totals"]
    assert totals["forms-removed"] == {"contact-form": 1}
    assert totals["text-format"]["textile"] == 1
    assert totals["embeds-linked"] == {"twitter": 1}
    assert totals["old-site-links"] == {"links:old-site": 2}  # www. or not; not the .wordpress.com alias


def test_site_hosts_and_old_site_links():
    hosts = site_hosts("https://www.blog.example.test/", "http://wordpress.com", "")
    assert hosts == {"blog.example.test"}
    html = ('<a href="http://blog.example.test/a/">a</a> <a href="https://www.blog.example.test/?p=2">b</a> '
            '<a href="https://blog.example.test/wp-content/uploads/x.pdf">pdf</a> <a href="https://other.test/">c</a>')
    assert old_site_links(html, hosts) == 2
