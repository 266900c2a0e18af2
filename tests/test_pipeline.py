"""The cleaning pipeline end to end on the seed-like sample, as `convert` applies it."""

from __future__ import annotations

import json

import pytest

from tests.conftest import SAMPLE
from wpmigrate.clean.pipeline import CleanOptions, clean_post
from wpmigrate.model import Content, Post
from wpmigrate.readers.wxr import read

NOISE = ("Share this", "Like this", "Loading...", "sharedaddy", "sd-sharing", "jetpack-likes", "share-twitter")


@pytest.fixture(scope="module")
def article(tmp_path_factory):
    out = tmp_path_factory.mktemp("pipeline") / "sample.json"
    from wpmigrate.convert import ConvertOptions, convert

    convert([str(SAMPLE)], ConvertOptions(output=str(out)))
    return json.loads(out.read_text())["posts"][0]


def test_article_paragraphs_without_noise(article):
    html = article["content"]["html"]
    assert html.count("<p>") == 4
    assert "<p>The proposed treaty is known as the General Security" in html
    assert html.rstrip().endswith("Ministry of National Defense.</p>")
    for marker in NOISE:
        assert marker not in html
    assert article["content"]["diagnostics"] == {"noise:likes": 1, "noise:sharing": 1}
    assert article["content"]["raw"].count("Share this:") == 1, "raw stays exactly as exported"


def test_teaser_is_the_part_before_more(article):
    teaser = article["content"]["teaser"]
    assert teaser.count("<p>") == 2
    assert "The agreement is surprising" not in teaser
    assert "<!--more-->" not in article["content"]["html"]


def test_comments_get_paragraphs(article):
    first = article["comments"][0]["content_html"]
    assert first.startswith("<p>Given tenuous status") and first.count("<p>") == 2


def test_keep_noise_and_raw_content(tmp_path):
    from wpmigrate.convert import ConvertOptions, convert

    out = tmp_path / "noisy.json"
    convert([str(SAMPLE)], ConvertOptions(output=str(out), keep_noise=True))
    assert "Share this:" in json.loads(out.read_text())["posts"][0]["content"]["html"]
    out = tmp_path / "raw.json"
    convert([str(SAMPLE)], ConvertOptions(output=str(out), raw_content=True))
    assert list(json.loads(out.read_text())["posts"][0]["content"]) == ["raw"]


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("One\n\nTwo", "<p>One</p>\n<p>Two</p>\n"),
        ('<!-- wp:paragraph --><p>Block</p><!-- /wp:paragraph -->', "<p>Block</p>"),
        ("[caption id=\"attachment_1\" width=\"300\"]<img src=\"https://x.test/a.jpg\" /> A cat[/caption]", "<figcaption"),
        ("Hi<script>alert(1)</script>", "<p>Hi</p>"),
    ],
)
def test_pieces_work_together(raw, expected):
    post = clean_post(Post(id=1, content=Content(raw=raw)), {}, CleanOptions())
    assert expected in post.content.html
    assert "<script" not in post.content.html and "wp:paragraph" not in post.content.html


def test_every_sample_post_is_cleaned():
    export = read([str(SAMPLE)])
    for post in export.posts:
        cleaned = clean_post(post, export.attachments, CleanOptions())
        assert cleaned.content.html is not None and cleaned.content.raw == post.content.raw


def test_galleries_without_ids_share_one_index_of_attachments_by_parent(monkeypatch):
    """Built once per export (it sorts every attachment), not once per post with a [gallery]."""
    from wpmigrate.clean import pipeline
    from wpmigrate.clean.shortcodes import render
    from wpmigrate.model import Attachment

    built = []
    real = render.attachments_by_parent
    monkeypatch.setattr(pipeline, "attachments_by_parent", lambda found: built.append(1) or real(found))
    monkeypatch.setattr(render, "attachments_by_parent", lambda found: pytest.fail("index built for one post"))
    attachments = {
        12: Attachment("http://example.test/b.jpg", 1, "b"),
        10: Attachment("http://example.test/a.jpg", 1, "a"),
        11: Attachment("http://example.test/c.jpg", 2, "c"),
    }
    transform = pipeline.clean_transform(attachments, CleanOptions())
    first, second, again = (transform(Post(id=i, content=Content(raw="[gallery]"))).content.html for i in (1, 2, 1))
    assert built == [1]
    assert first == again and first.index("a.jpg") < first.index("b.jpg") and "c.jpg" not in first
    assert "c.jpg" in second and "a.jpg" not in second
