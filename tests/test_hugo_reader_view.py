"""The real-blog-quirks export built with Hugo and its shipped starter layouts, read as its readers
would: replies under the comments they answer, names as WordPress showed them, no contact-form
page or sender address.

Skips without hugo (CI installs it and requires it) or without the shared corpus.
"""

from __future__ import annotations

import subprocess

import pytest
from lxml import html

from tests.conftest import CORPUS
from tests.test_markdown_hugo import _hugo
from wpmigrate.convert import ConvertOptions, convert

QUIRKS = CORPUS / "real-blog-quirks" / "wordpress.xml"


@pytest.fixture(scope="module")
def public(tmp_path_factory):
    if not QUIRKS.exists():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    hugo = _hugo()
    root = tmp_path_factory.mktemp("quirks")
    site, public = root / "site", root / "public"
    convert([str(QUIRKS)], ConvertOptions(to="markdown", output=str(site), format_options={"profile": "hugo"}))
    done = subprocess.run([hugo, "--source", str(site), "--destination", str(public)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return public


def _page(public, path: str):
    return html.fromstring((public / path / "index.html").read_text(encoding="utf-8"))


def test_replies_are_read_under_the_comments_they_answer(public):
    page = _page(public, "blog/2018/01/12/replies-out-of-order")  # its WordPress address
    thread = '//section[@class="comments"]/ol'
    assert [li.get("id") for li in page.xpath(f"{thread}/li")] == ["comment-903", "comment-906", "comment-907"]
    nested = page.xpath('//li[@id="comment-903"]/ol/li[@id="comment-905"]/ol/li[@id="comment-902"]')
    assert nested, "the answer sits under the question, under the first comment"
    assert page.xpath('string(//li[@id="comment-906"]/article/header/cite)') == "Some Blog – Notes"


def test_term_pages_and_titles_show_the_names(public):
    category = _page(public, "categories/sport-exercise")
    assert category.xpath("string(//main/h1)") == "Sport & exercise"
    assert not list(public.glob("categories/*amp*")), "no taxonomy URL built from an escaped name"


def test_no_contact_form_page_and_no_sender_address(public):
    built = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in public.rglob("*") if p.is_file())
    assert "Pat - Hello" not in built
    assert "pat.sender@" not in built and "198.51.100.23" not in built
    assert not (public / "feedback").exists()
