"""Conformance over the shared corpus of real exports (skipped where it is absent).

The counts come from expected.json, computed independently of this project.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.conftest import CORPUS, corpus_expected, corpus_files
from wpmigrate.errors import MalformedInputError, NotWXRError
from wpmigrate.diagnostics import Diagnostics
from wpmigrate.readers.wxr import read

#: Not well-formed on purpose, with damage no automatic repair may paper over.
STRUCTURALLY_DAMAGED = {
    "wordpress-importer/crazy-cdata.xml",
    "wordpress-importer/malformed.xml",
    "wordpress-importer/malformed-simple.xml",
}
#: Not well-formed only through quirks the reader repairs, with a warning.
REPAIRED = {
    "tryghost-migrate/sample.xml": "xml-raw-ampersand",
    "tryghost-migrate/multiple/attachments-only.xml": "xml-raw-ampersand",
    "nikola/wordpress_unicode_export.xml": "xml-undeclared-prefix",
}
NOT_WXR = {"nikola/wordpress_qtranslate_item_raw_export.xml"}


def _counts(name: str, recover: bool = False):
    diagnostics = Diagnostics()
    export = read([str(CORPUS / name)], recover=recover, diagnostics=diagnostics)
    posts = list(export.posts)
    return export, posts, diagnostics


@pytest.mark.parametrize("name", corpus_files())
def test_corpus_file(name):
    expected = corpus_expected()[name]
    if name in NOT_WXR:
        with pytest.raises(NotWXRError):
            _counts(name)
        return
    if name in STRUCTURALLY_DAMAGED:
        with pytest.raises(MalformedInputError) as raised:
            _counts(name)
        assert raised.value.line == expected["error_line"]
        _, posts, diagnostics = _counts(name, recover=True)
        assert diagnostics.by_code["salvage-summary"] == 1
        return
    export, posts, diagnostics = _counts(name)
    if name in REPAIRED:
        assert diagnostics.by_code[REPAIRED[name]] >= 1
        return  # expected.json has no counts for files its strict parser rejected
    assert len(posts) == expected["items_total"]
    by_type = Counter(p.type for p in posts)
    wanted: Counter[str] = Counter()
    for post_type, count in expected["items_by_post_type"].items():
        wanted["post" if post_type == "(missing)" else post_type] += count  # a missing type reads as post
    assert by_type == wanted
    comments = [c for p in posts for c in p.comments]
    assert len(comments) == expected["comments_total"]
    assert sum(c.status == "approved" for c in comments) == expected["comments_approved_1"] + expected[
        "comment_approved_values"
    ].get("(missing)", 0)
    assert sum(len(c.meta) for c in comments) == expected["commentmeta_total"]
    assert sum(len(p.meta) for p in posts) == expected["postmeta"]
    assert sum(len(t.meta) for t in export.terms) <= expected["termmeta"]
    listed = expected["authors"] + expected.get("authors_as_wp_wp_author", 0)
    assert sum(a.id is not None or a.email != "" or a.display_name != a.login for a in export.authors) <= listed


def test_crazy_cdata_salvages_what_wordpress_reads():
    """WordPress's regex parser reads the nested CDATA; so does --recover."""
    corpus_expected()
    _, posts, _ = _counts("wordpress-importer/crazy-cdata.xml", recover=True)
    assert posts[0].content.raw == "Content with nested <![CDATA[ tags ]]> :)"


def test_repaired_files_keep_every_item():
    corpus_expected()
    _, posts, _ = _counts("tryghost-migrate/sample.xml")
    urls = [p.attachment_url for p in posts if p.type == "attachment"]
    assert any("&" in url for url in urls)
