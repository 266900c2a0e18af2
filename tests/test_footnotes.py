"""Block-editor footnotes: the notes live in the post's ``footnotes`` meta and the block is
rendered by WordPress (render_block_core_footnotes); cleaning renders it, Markdown gets ``[^N]``."""

from __future__ import annotations

import json

import pytest

from tests.conftest import CORPUS, corpus_export
from wpmigrate.clean.pipeline import CleanOptions, clean_post
from wpmigrate.model import Content, Meta, Post
from wpmigrate.writers.markdown.convert_html import HtmlOptions, to_markdown

NOTES = [{"id": "a-1", "content": "A <em>first</em> note"}, {"id": "b-2", "content": "Tom &amp; Jerry"}]
RAW = (
    '<!-- wp:paragraph -->\n<p>One<sup data-fn="a-1" class="fn"><a href="#a-1" id="a-1-link">1</a></sup>'
    ' and two<sup data-fn="b-2" class="fn"><a href="#b-2" id="b-2-link">2</a></sup>.</p>\n<!-- /wp:paragraph -->\n\n'
    '<!-- wp:footnotes /-->'
)


def cleaned(meta_value) -> Content:
    meta = () if meta_value is None else (Meta("footnotes", meta_value),)
    return clean_post(Post(id=1, content=Content(raw=RAW), meta=meta), {}, CleanOptions()).content


def test_the_footnotes_block_is_rendered_from_the_meta():
    content = cleaned(json.dumps(NOTES))
    assert '<ol class="wp-block-footnotes"><li id="a-1">A <em>first</em> note <a href="#a-1-link"' in content.html
    assert '<li id="b-2">Tom &amp; Jerry <a href="#b-2-link"' in content.html
    assert content.diagnostics == {}, "nothing dropped"
    markdown = to_markdown(content.html, HtmlOptions()).markdown
    assert markdown == "One[^1] and two[^2].\n\n[^1]: A *first* note\n[^2]: Tom & Jerry\n"


@pytest.mark.parametrize("value, diagnostics", [
    (None, {"block:dropped:core/footnotes": 1}),
    ("", {"block:dropped:core/footnotes": 1}),
    ("[{not json", {"footnotes:bad-meta": 1, "block:dropped:core/footnotes": 1}),
    ('{"id": "a-1"}', {"footnotes:bad-meta": 1, "block:dropped:core/footnotes": 1}),
    ("[" * 100_000, {"footnotes:bad-meta": 1, "block:dropped:core/footnotes": 1}),  # json.loads: RecursionError
])
def test_without_readable_notes_the_block_is_dropped_and_counted(value, diagnostics):
    content = cleaned(value)
    assert "wp-block-footnotes" not in content.html
    assert content.diagnostics == diagnostics


def test_theme_test_data_footnotes_reach_the_markdown():
    name = "theme-test-data/64-block-test-data.xml"
    if not (CORPUS / name).exists():
        pytest.skip(f"{name} is not in the corpus at {CORPUS}")
    _, posts = corpus_export(name)
    post = next(p for p in posts if p.slug == "footnotes")
    html = clean_post(post, {}, CleanOptions()).content.html
    markdown = to_markdown(html, HtmlOptions()).markdown
    assert "A paragraph[^1]" in markdown and "Another paragraph[^2]" in markdown
    assert markdown.endswith("[^1]: A note\n[^2]: Another note\n")
