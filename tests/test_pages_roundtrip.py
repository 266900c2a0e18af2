"""A blog recovered from its pages is a whole site: it round-trips through WXR (what WordPress's
importer reads) and builds with Hugo into pages a reader sees the posts and threads on.

WordPress's importer reads back the file ``--to wxr`` writes; our WXR reader is held to the same
file (tests/test_writer_wxr.py holds the writer to WordPress's exporter over the corpus).
"""

from __future__ import annotations

import json

import pytest
from lxml import html

from tests.pagesdata import MIRROR, PAGES, build_warc
from tests.sitebuild import build, page_thread_shape, tool, visible_text, write_site
from wpmigrate.convert import ConvertOptions, convert

CASES = sorted(p.name[: -len(".expected.json")] for p in PAGES.glob("*.expected.json")
               if "error" not in json.loads(p.read_text(encoding="utf-8")))


def _inputs(name: str) -> list[str]:
    expected = json.loads((PAGES / f"{name}.expected.json").read_text(encoding="utf-8"))
    if "inputs" in expected:
        return [str(PAGES / n) for n in expected["inputs"]]
    page = PAGES / f"{name}.html"
    return [str(page if page.exists() else PAGES / name)]


def _json(inputs: list[str], out) -> dict:
    convert(inputs, ConvertOptions(output=str(out), force=True))
    document = json.loads(out.read_text(encoding="utf-8"))
    document["site"].pop("wxr_version")
    document.pop("wpmigrate")
    return document


def _placeless(document: dict) -> dict:
    """``document`` without the thread places of comments the page showed with no date: the page
    reader keeps them where the page showed them, a WXR file has nothing but dates to order by
    (WordPress, and our WXR reader, show a dateless comment first)."""
    for post in document["posts"]:
        for comment in post["comments"]:
            if comment["date"] is None and comment["date_local"] is None:
                comment["thread"] = "dateless"
    for post in document["posts"]:
        dated = [c["thread"] for c in post["comments"] if c["thread"] not in (None, "dateless")]
        for thread in dated:
            thread["position"] = None  # positions count the dateless ones too
    return document


@pytest.mark.parametrize("name", CASES)
def test_pages_written_as_wxr_read_back_the_same(name, tmp_path):
    inputs = _inputs(name)
    direct = _json(inputs, tmp_path / "direct.json")
    convert(inputs, ConvertOptions(to="wxr", output=str(tmp_path / "site.xml")))
    again = _json([str(tmp_path / "site.xml")], tmp_path / "again.json")
    if again != direct:
        assert _placeless(again) == _placeless(direct)
    if name == "mirror":
        assert any(p["comments"] for p in direct["posts"]), "the round trip must carry comments"


def test_a_warc_written_as_wxr_reads_back_the_same(tmp_path):
    crawl = tmp_path / "crawl.warc.gz"
    build_warc(crawl, broken=False)
    direct = _json([str(crawl)], tmp_path / "direct.json")
    convert([str(crawl)], ConvertOptions(to="wxr", output=str(tmp_path / "site.xml")))
    assert _placeless(_json([str(tmp_path / "site.xml")], tmp_path / "again.json")) == _placeless(direct)


def test_the_recovered_mirror_builds_with_hugo_and_reads_right(tmp_path):
    """The mirror's posts at their old addresses, their text, their threads, and no chrome."""
    tool("hugo")
    write_site([MIRROR], "hugo", tmp_path / "site")
    build("hugo", tmp_path / "site", tmp_path / "public")
    document = _json([str(MIRROR)], tmp_path / "site.json")
    for post in (p for p in document["posts"] if p["type"] in ("post", "page")):
        built = tmp_path / "public" / post["path"].strip("/") / "index.html"
        assert built.exists(), f"{post['path']} is not where the old site had it"
        page = html.fromstring(built.read_bytes())
        text = visible_text(page)
        assert post["title"] in text
        first_words = visible_text(post["content"]["html"]).split(".")[0]
        assert first_words and first_words in text
        shown = [c for c in post["comments"] if c["thread"]]
        assert len(page_thread_shape(page)) == len([c for c in shown if c["thread"]["depth"] == 1])
        for chrome in ("Leave a Reply", "Proudly powered by WordPress", "says:", "Posts navigation"):
            assert chrome not in text, f"{chrome!r} on {post['path']}"


def test_the_seed_kind_of_page_reads_the_same_saved_mirrored_and_archived(tmp_path):
    """The issue's case: a WordPress.com post page like the seed gives the same post, author,
    terms and threaded comments (with the Facebook identity) from a saved page, from a mirror
    folder holding it, and from a WARC of that mirror."""
    page = PAGES / "wpcom-classic-post.html"
    mirror = tmp_path / "mirror"
    place = mirror / "harbourwatch.example.test" / "2016/11/22/port-authority-lighthouse-cooperative" / "index.html"
    place.parent.mkdir(parents=True)
    place.write_bytes(page.read_bytes())
    build_warc(tmp_path / "crawl.warc.gz", mirror=mirror, broken=False)
    saved = _json([str(page)], tmp_path / "saved.json")
    for source in (mirror, tmp_path / "crawl.warc.gz"):
        assert _json([str(source)], tmp_path / "again.json") == saved, source
    post = saved["posts"][0]
    assert [(c["parent"], c["author"]["provider"]) for c in post["comments"]] == [
        (None, "facebook"), (9101, "wordpress.com"), (9102, "facebook"), (None, "facebook")]
