"""The run says what it could not carry over: report.json per post, and the summary lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import CORPUS
from wpmigrate.cli import cli
from wpmigrate.writers.markdown.links import lookup_keys, site_links
from wpmigrate.writers.markdown.report import UNRESOLVED_FILE, Report, notes_of

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
    assert "content/posts/figures.md" not in by_file, "its links to the site lead to pages of the new site"
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
    assert "unresolved-links" not in totals
    pictures = (tmp_path / "site" / "content" / "posts" / "pictures.md").read_text(encoding="utf-8")
    # www. or not, http or https, the WordPress.com alias: each made root-relative
    for link in ("(/blog/2018/01/04/videos-and-maps/)", "(/blog/2018/01/02/two_code_samples/)", "(/?p=202)"):
        assert link in pictures
    assert "blog.example.com/blog" not in pictures.split("---", 2)[2] and "wordpress.com" not in pictures
    assert (tmp_path / "site" / UNRESOLVED_FILE).read_text() == "post,link\n"


def test_site_links_become_root_relative():
    links = site_links("https://www.blog.example.test/home", "http://wordpress.com", "")
    assert links.hosts == {"blog.example.test", "blog.example.wordpress.com"}
    html = ('<a href="http://blog.example.test/home/a/">a</a> <a href="https://www.blog.example.test/home/?p=2#c">b</a> '
            '<a href="https://blog.example.test/wp-content/uploads/x.pdf">pdf</a> <a href="https://other.test/">c</a> '
            '<a href="https://blog.example.wordpress.com/home/b/">d</a> <a href="/home/e/">e</a>')
    rewritten, found = links.rewrite(html)
    assert found == ["/a/", "/?p=2#c", "/b/", "/e/"]
    assert 'href="/a/"' in rewritten and 'href="/?p=2#c"' in rewritten and 'href="https://other.test/"' in rewritten
    assert "x.pdf" in rewritten and "https://blog.example.test/wp-content" in rewritten, "media is left to --download-media"
    assert lookup_keys("/caf%C3%A9/?utm=1#x") == ["/café/", "/café"]
    assert lookup_keys("/?p=2&utm=x") == ["/?p=2"]


def test_unresolved_internal_links_are_listed_and_counted(tmp_path):
    source = tmp_path / "links.xml"
    text = FIXTURE.read_text(encoding="utf-8")
    missing = '<a href="https://fidelity.example.test/no-such-page/">gone</a>'
    moved = '<a href="https://fidelity.example.test/2019/01/code-samples/">moved</a>'  # a wrong address
    source.write_text(text.replace("Beside it; see ", f"Beside it; {missing} {moved} see ", 1), encoding="utf-8")
    assert missing in source.read_text(encoding="utf-8"), "the fixture has the paragraph the link goes in"
    output = _run(tmp_path / "site", source)
    listed = (tmp_path / "site" / UNRESOLVED_FILE).read_text(encoding="utf-8").splitlines()
    assert listed[0] == "post,link" and len(listed) == 2 and listed[1].endswith(",/no-such-page/")
    assert "links to the site's own pages that lead nowhere on the new site: 1 in 1 post" in output
    # as WordPress guessed a post from its slug, the wrong address redirects to it
    assert "/2019/01/code-samples/,/code-samples/" in (tmp_path / "site" / "redirects" / "redirects.csv").read_text()
    assert "1 link to a wrong address of a post redirected to it by its slug" in output
    totals = json.loads((tmp_path / "site" / "report.json").read_text(encoding="utf-8"))["totals"]
    assert totals["unresolved-links"] == {"links:unresolved": 1}
