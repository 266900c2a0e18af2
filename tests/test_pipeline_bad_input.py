"""The whole cleaning pipeline (clean_post) on bad input: it is total, it does not hang, and
no visible word that is not noise disappears. The stages have their own such tests; these
feed the pipeline as convert runs it, where the stages meet."""

from __future__ import annotations

import re
import time

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wpmigrate.clean.pipeline import CleanOptions, clean_post
from wpmigrate.model import Comment, Content, Post


def _clean(raw: str) -> Post:
    post = Post(id=7, content=Content(raw=raw), comments=(Comment(id=1, content=raw),))
    return clean_post(post, {}, CleanOptions())


def _words(html: str) -> list[str]:
    return BeautifulSoup(html, "lxml").get_text(" ").split()


SHARING = (
    '<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social">'
    '<h3 class="sd-title">Share this:</h3><ul><li class="share-twitter"><a href="#">Twitter</a></li></ul></div></div>'
)

BAD = {
    "unbalanced tags": "<p><b>bold <i>both</b> italic</i></div></div></span><table><td>cell<p>para",
    "stray closers": "</p></p></body></html>text after</html> more",
    "unterminated shortcodes": '[caption id="x" [gallery ids="1,2" [embed]https://youtu.be/x [code lang="py"]print(1)',
    "unterminated attribute": '<a href="[embed]https://e.org/[/embed] title="x>text</a> [video src="a.mp4',
    "nested block comments": "<!-- wp:group --><!-- wp:group --><!-- wp:paragraph --><p>in</p>"
    "<!-- /wp:group -->text<!-- /wp:paragraph --><!-- wp:columns {bad json} -->",
    "malformed block comments": '<!-- wp:paragraph {"a": --><!-- wp: --><!--wp:x/--><!-- /wp:y {} -->'
    "<!-- wp:latest-posts /--><!-- wp:core/embed {} /-->left",
    "unterminated comment": "before <!-- wp:paragraph <p>never closed",
    "brackets everywhere": "[[[[ ]]]] [/] [/caption] [[caption]] [ caption ] [" * 200,
    "nul and controls": "a\x00b\x01c\x0bd\x1fe\ud800f\r\n\rg",
    "latex": "$latex x^2 $latex y [latex]z",
}


@pytest.mark.parametrize("raw", BAD.values(), ids=BAD.keys())
def test_bad_input_is_cleaned_without_error(raw: str) -> None:
    cleaned = _clean(raw)
    assert isinstance(cleaned.content.html, str) and cleaned.content.raw == raw
    assert isinstance(cleaned.comments[0].content_html, str)
    assert "<script" not in cleaned.content.html


def test_enormous_single_paragraph_and_deep_nesting_do_not_hang() -> None:
    start = time.perf_counter()
    paragraph = ("word " * 1_000_000).strip()  # 5 MB, one paragraph, no newline
    html = _clean(paragraph).content.html
    assert html.startswith("<p>word word") and html.count("word") == 1_000_000
    deep = "<div>" * 10_000 + "deep text" + "</div>" * 10_000
    assert "deep text" in _clean(deep).content.html
    unclosed = "<blockquote><ul><li><b>x" * 3_000 + SHARING
    cleaned = _clean(unclosed)  # 12,000 levels: what is below 512 is kept as text
    assert cleaned.content.html.count("x") == 3_000 and "sharedaddy" not in cleaned.content.html
    shortcodes = "[gallery " * 50_000 + "[caption]" * 20_000
    assert isinstance(_clean(shortcodes).content.html, str)
    # Generous (shared CI cores); quadratic behaviour would take many minutes here.
    assert time.perf_counter() - start < 120


# --------------------------------------------------------------------------- properties

VOCABULARY = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima".split()
WORDS = st.sampled_from(VOCABULARY)
_VOCABULARY_WORD = re.compile("|".join(VOCABULARY))
_WRAPS = ["{}", "<em>{}</em>", "<strong>{}</strong>", '<a href="https://e.org/">{}</a>', "<span>{}</span>"]
_BLOCKS = [
    "{}", "<p>{}</p>", "<div>{}</div>", "<blockquote>{}</blockquote>", "<ul><li>{}</li></ul>", "<h2>{}</h2>",
    "<!-- wp:paragraph -->\n<p>{}</p>\n<!-- /wp:paragraph -->", "[unknown_tag]{}[/unknown_tag]", "<pre>{}</pre>",
    "[caption]{}[/caption]", "<table><tr><td>{}</td></tr></table>",
]  # fmt: skip
_NOISE = [SHARING, '<div class="wpcnt"><div class="wpa"><span class="wpa-about">Advertisements</span></div></div>',
          '<img src="https://pixel.wp.com/g.gif" width="1" height="1">', "<p>Loading...</p>"]  # fmt: skip


@st.composite
def _post(draw) -> tuple[str, list[str]]:
    blocks, words = [], []
    for _ in range(draw(st.integers(1, 6))):
        if draw(st.integers(0, 4)) == 0:
            blocks.append(draw(st.sampled_from(_NOISE)))
            continue
        para = draw(st.lists(WORDS, min_size=1, max_size=8))
        inline = " ".join(draw(st.sampled_from(_WRAPS)).format(w) for w in para)
        blocks.append(draw(st.sampled_from(_BLOCKS)).format(inline))
        words += para
    sep = draw(st.sampled_from(["\n\n", "\n", " ", ""]))
    return sep.join(blocks), words


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_post())
def test_every_visible_word_that_is_not_noise_survives(post: tuple[str, list[str]]) -> None:
    raw, words = post
    html = _clean(raw).content.html
    # Unknown shortcodes stay as written, so words are read between brackets too. Words of blocks
    # written with nothing between them run together ("alphaalpha"), as a browser shows them: each
    # word is found on its own (no word of the vocabulary is the start of another).
    found = _VOCABULARY_WORD.findall(" ".join(_words(html)))
    assert found == words


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_total_on_any_text(raw: str) -> None:
    cleaned = _clean(raw)
    assert isinstance(cleaned.content.html, str)
    assert cleaned.content.teaser is None or isinstance(cleaned.content.teaser, str)


_SOUP = st.sampled_from(
    ["<p>", "</p>", "<div>", "</div>", "[caption]", "[/caption]", "[gallery", "]", "[[", "]]", "<!-- wp:para -->",
     "<!-- /wp:para -->", "<!--more-->", "<!--nextpage-->", "<!--", "-->", "\n", "\n\n", " ", "word", "<", ">",
     "https://www.youtube.com/watch?v=dQw4w9WgXcQ", '<a href="[embed]', "[/embed]", '">', "<pre>", "</pre>",
     "$latex", "$", "&", "&amp;", SHARING, "<script>", "</script>", "\x00", "\ud800"]
)  # fmt: skip


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_SOUP, max_size=40))
def test_total_on_soup(tokens: list[str]) -> None:
    cleaned = _clean("".join(tokens))
    assert isinstance(cleaned.content.html, str)
    assert "<script" not in cleaned.content.html


def test_markup_nested_past_the_sanitisers_depth_is_counted() -> None:
    """Elements nested past MAX_DEPTH keep only their text (a link, an image go): that is said in
    the diagnostics rather than done silently."""
    from wpmigrate.clean.sanitize import MAX_DEPTH

    def nested(depth: int) -> str:
        return "<div>" * depth + '<a href="https://x.test/">link</a>' + "</div>" * depth

    shallow = _clean(nested(MAX_DEPTH - 10)).content
    assert 'href="https://x.test/"' in shallow.html and shallow.diagnostics == {}
    deep = _clean(nested(MAX_DEPTH + 100)).content
    assert "link" in deep.html and "href" not in deep.html
    assert deep.diagnostics == {"html:too-deep": 1}
