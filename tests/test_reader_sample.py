"""The seed-like sample export read field by field."""

from __future__ import annotations

import pytest

from tests.conftest import SAMPLE
from wpmigrate.diagnostics import Diagnostics
from wpmigrate.model import Attachment, TermRef
from wpmigrate.readers.wxr import read


@pytest.fixture(scope="module")
def sample():
    diagnostics = Diagnostics()
    export = read([str(SAMPLE)], diagnostics=diagnostics)
    return export, {p.id: p for p in export.posts}, diagnostics


def test_site_header(sample):
    export, _, _ = sample
    site = export.site
    assert site.title == "intelNews.org"
    assert site.base_blog_url == "https://intelnews.example.test"
    assert site.base_site_url == "https://wordpress.com/"
    assert site.wxr_version == "1.2"
    assert site.generator == "http://wordpress.com/"
    assert site.exported_at == "2016-11-29T10:00:00Z"
    assert [a.login for a in export.authors] == ["ianallen"]
    assert export.authors[0].display_name == "Ian Allen"


def test_terms_keep_hierarchy(sample):
    export, _, _ = sample
    terms = {(t.taxonomy, t.slug): t for t in export.terms}
    assert terms[("category", "asia")].parent == "news-and-analysis"
    assert terms[("category", "news-and-analysis")].parent is None
    assert terms[("post_tag", "gsomia")].name == "GSOMIA"
    assert len(terms) == 5


def test_the_article(sample):
    _, posts, _ = sample
    post = posts[2002]
    assert post.title == "South Korean cabinet approves closer intelligence cooperation with Japan"
    assert post.author == "ianallen"
    assert post.date == "2016-11-22T10:00:52Z"
    assert post.date_local == "2016-11-22T05:00:52"
    assert post.link == "https://intelnews.example.test/2016/11/22/01-2002/"
    assert post.path == "/2016/11/22/01-2002/"
    assert post.guid == "http://intelnews.example.test/?p=2002"
    assert post.content.raw.startswith('<img class="alignleft"')
    assert "<!--more-->" in post.content.raw
    assert TermRef("category", "asia", "Asia") in post.terms
    assert len(post.terms) == 4


def test_featured_image_resolves_to_a_later_attachment(sample):
    _, posts, _ = sample
    assert posts[2002].featured_image == "https://intelnews.example.test/files/2016/11/south-korea.jpg"
    attachment = posts[2003]
    assert attachment.type == "attachment"
    assert attachment.parent == 2002
    assert attachment.attachment_url == posts[2002].featured_image
    assert attachment.excerpt == "The flag of South Korea"


def test_meta_keeps_repeats_and_decodes_serialized_values(sample):
    _, posts, _ = sample
    meta = posts[2002].meta
    assert [m.value for m in meta if m.key == "_wp_old_slug"] == ["south-korea-japan-gsomia", "korea-japan-intelligence"]
    publicize = next(m.value for m in meta if m.key == "publicize_results")
    assert publicize == {"twitter": {"17": {"user_id": "intelnws", "post_id": "123"}}}


def test_comments_are_threaded_with_identity(sample):
    _, posts, _ = sample
    comments = {c.id: c for c in posts[2002].comments}
    assert [c.id for c in posts[2002].comments] == [501, 502, 503, 504, 505]
    assert comments[502].parent == 501 and comments[503].parent == 502 and comments[501].parent is None
    facebook = comments[501].author
    assert (facebook.provider, facebook.provider_id) == ("facebook", "100001234567")
    assert facebook.avatar.startswith("https://graph.facebook.com/")
    assert (comments[502].author.provider, comments[502].author.provider_id) == ("wordpress.com", "4567890")
    assert comments[502].author.user_id == 1
    assert comments[503].author.provider == "guest"
    assert (comments[504].author.provider, comments[504].author.provider_id) == ("twitter", "98765")
    assert comments[505].status == "pending" and comments[501].status == "approved"
    assert comments[503].type == "comment" and comments[501].type == "comment"
    assert comments[501].date == "2016-11-22T13:12:00Z"
    assert comments[501].author.name == "Jones"


def test_draft_has_no_utc_date(sample):
    _, posts, _ = sample
    draft = posts[2010]
    assert draft.status == "draft"
    assert draft.date is None
    assert draft.date_local == "2016-12-30T09:00:00"
    assert draft.slug == ""


def test_no_warnings_on_a_clean_export(sample):
    _, _, diagnostics = sample
    assert diagnostics.warnings == 0 and diagnostics.errors == 0


def test_attachment_index_is_known_before_the_items(sample):
    export, _, _ = sample
    assert export.attachments == {
        2003: Attachment("https://intelnews.example.test/files/2016/11/south-korea.jpg", 2002, "south-korea",
                         caption="The flag of South Korea", alt="South Korea")
    }
