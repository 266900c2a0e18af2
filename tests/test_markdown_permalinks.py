"""Every post and page at its WordPress address: Greek, CJK and punctuation slugs, underscores,
200-character slugs, ``.html`` endings and an id permalink (fixtures/permalinks/slugs.xml),
written for each generator and built by it; ``--new-urls`` keeps the former addresses.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import unquote

import pytest
from lxml import etree

from tests import sitebuild
from tests.conftest import FIXTURES
from wpmigrate.writers.markdown.permalinks import (
    STEM_BYTES, as_directory, file_stem, hugo_pattern, served_path, structure, tagged,
)

SLUGS = FIXTURES / "permalinks" / "slugs.xml"


def wordpress_items() -> list[tuple[str, str]]:
    """``(old path decoded, title)`` of each item, read from the fixture's XML (not by wpmigrate)."""
    tree = etree.parse(str(SLUGS))
    items = []
    for item in tree.iter("item"):
        link = item.findtext("link")
        items.append((unquote(link.split("slugs.example.test", 1)[1]), item.findtext("title")))
    return items


def test_served_path_is_the_decoded_path_unless_no_file_can_have_it():
    assert served_path("/2020/01/02/%ce%b5%cf%80/") == "/2020/01/02/επ/"
    assert served_path("//greek/x/") == "/greek/x/"
    assert served_path("/?p=12") is None and served_path("/") is None and served_path("") is None
    assert served_path("/a%2Fb/") is None, "a / inside a segment"
    assert served_path("/" + "%ce%b5" * 130 + "/") is None, "a segment over 255 bytes"
    assert as_directory("/about") == "/about/" and as_directory("/a/b.html") == "/a/b.html"


def test_file_stems_keep_the_slug_and_fit_every_file_system():
    assert file_stem("two_words_here") == "two_words_here"
    assert file_stem("Ωμέγα-»-…") == "Ωμέγα-»-…"
    assert file_stem("a/b\x00c") == "a-b-c"
    cut = file_stem("λ" * 300)
    assert cut and len(cut.encode()) <= STEM_BYTES and set(cut) == {"λ"}
    assert file_stem("") is None and file_stem("..") is None


def test_the_structure_most_posts_follow_is_found_and_written_for_hugo():
    counts = Counter([
        tagged("/blog/2020/01/02/hello/", ("2020", "01", "02"), "hello", 1),
        tagged("/blog/2020/01/03/world/", ("2020", "01", "03"), "world", 2),
        tagged("/archives/3.html", ("2020", "01", "04"), "third", 3),
    ])
    assert structure(counts) == "/blog/%year%/%monthnum%/%day%/%postname%/"
    assert hugo_pattern("/blog/%year%/%monthnum%/%day%/%postname%/") == "/blog/:year/:month/:day/:slug/"
    assert hugo_pattern("/archives/%post_id%.html") is None
    assert structure(Counter({"": 4})) is None


@pytest.mark.parametrize("profile", ["hugo", "jekyll", "eleventy", "astro"])
def test_each_generator_serves_every_item_at_its_old_path(tmp_path, profile):
    sitebuild.tool(profile)
    site, public = tmp_path / "site", tmp_path / "public"
    sitebuild.write_site([SLUGS], profile, site)
    built = sitebuild.build(profile, site, public)
    for path, title in wordpress_items():
        page = built.page(as_directory(path) if profile != "hugo" else path)
        assert " ".join(page.xpath("string(//main//h1)").split()) == title, path
        links = page.xpath("//main//a/@href")
        assert "/2020/01/04/two_words_here/" in links or title == "Two words here", "links made root-relative"
        assert not [a for a in links if "slugs.example.test" in a], "no link left to the old host"


def test_new_urls_keeps_the_former_addresses(run_cli, tmp_path):
    out = tmp_path / "site"
    assert run_cli("convert", SLUGS, "--to", "markdown", "--profile", "hugo", "--new-urls", "-o", out).exit_code == 0
    names = sorted(p.name for p in (out / "content" / "posts").iterdir())
    assert "two-words-here.md" in names and not any(len(n) > 84 for n in names), "slugified, cut at 80"
    text = (out / "content" / "posts" / "two-words-here.md").read_text(encoding="utf-8")
    assert "\nurl:" not in text and "/2020/01/04/two_words_here/" in text, "an alias, no url"
    assert "/2020/01/04/two_words_here/,/posts/two-words-here/" in (out / "redirects" / "redirects.csv").read_text()


def test_new_urls_is_for_markdown_only(run_cli, tmp_path):
    done = run_cli("convert", SLUGS, "--to", "json", "--new-urls", "-o", tmp_path / "x.json")
    assert done.exit_code != 0 and "--new-urls applies to --to markdown only" in done.stderr


def test_redirect_files_hold_non_ascii_paths_as_each_server_matches_them(tmp_path):
    site = tmp_path / "site"
    sitebuild.write_site([SLUGS], "hugo", site)
    nginx = (site / "redirects" / "nginx.conf").read_text(encoding="utf-8")
    apache = (site / "redirects" / "apache.htaccess").read_text(encoding="utf-8")
    netlify = (site / "redirects" / "_redirects").read_text(encoding="utf-8")
    assert '"/?p=11" "/2020/01/02/%CE%B5%CF%80%CE%AF%CF%80%CE%B5%CE%B4%CE%BF-%CE%B4%CF%8D%CE%BF/";' in nginx
    assert '"/2020/01/04/two-words/" "/2020/01/04/two_words_here/";' in nginx, "old slug"
    assert "RewriteRule ^/?$ /2020/01/02/\\%CE\\%B5" in apache, "% escaped: %8 would be a back-reference"
    assert "/2020/01/02/%CE%B5%CF%80%CE%AF%CF%80%CE%B5%CE%B4%CE%BF-%CE%B4%CF%8D%CE%BF/feed/ " in netlify
    assert "/category/notes/ /categories/notes/ 301" in netlify
    assert not (site / "unresolved-links.csv").read_text(encoding="utf-8").strip().count("\n")

