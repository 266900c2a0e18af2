"""<!--more-->, <!--noteaser--> and <!--nextpage-->."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wpmigrate.clean.teaser import NEXTPAGE_MARKER, mark_pages, split_more

BREAK = f"\n\n{NEXTPAGE_MARKER}\n\n"


# --------------------------------------------------------------------------- split_more


def test_no_marker():
    assert split_more("<p>Just a post</p>") == (None, "<p>Just a post</p>", None)


def test_classic_marker():
    assert split_more("Intro text.\n\n<!--more-->\n\nThe rest.") == ("Intro text.", "Intro text.\n\n\n\nThe rest.", None)
    assert split_more("Intro <!--more--> rest") == ("Intro", "Intro  rest", None)


def test_custom_more_text():
    teaser, full, more = split_more("<p>Intro</p>\n<!--more Read on &raquo; <b>now</b>-->\n<p>Rest</p>")
    assert (teaser, full, more) == ("<p>Intro</p>", "<p>Intro</p>\n\n<p>Rest</p>", "Read on » now")
    assert split_more("a<!--more   -->b") == ("a", "ab", None)


def test_only_the_first_marker_splits_and_all_are_removed():
    assert split_more("a<!--more-->b<!--more Again-->c") == ("a", "abc", None)


def test_marker_spanning_lines_is_not_a_marker():
    text = "a<!--more\nnot this-->b"
    assert split_more(text) == (None, text, None)


def test_marker_at_the_start_means_no_teaser():
    assert split_more("<!--more-->\n<p>Body</p>") == (None, "\n<p>Body</p>", None)


def test_noteaser_gives_what_the_single_page_shows():
    assert split_more("Intro<!--noteaser--><!--more-->Rest") == ("Intro", "Rest", None)
    assert split_more("Intro\n<!--more-->\n<!--noteaser-->\nRest") == ("Intro", "Rest", None)
    assert split_more("No split<!--noteaser-->") == (None, "No split", None)


def test_block_form():
    text = (
        "<!-- wp:paragraph -->\n<p>Intro</p>\n<!-- /wp:paragraph -->\n\n"
        '<!-- wp:more {"customText":"Keep reading","noTeaser":true} -->\n<!--more Keep reading-->\n<!--noteaser-->\n<!-- /wp:more -->\n\n'
        "<!-- wp:paragraph -->\n<p>Rest</p>\n<!-- /wp:paragraph -->"
    )
    teaser, full, more = split_more(text)
    assert teaser == "<!-- wp:paragraph -->\n<p>Intro</p>\n<!-- /wp:paragraph -->"
    assert full == "<!-- wp:paragraph -->\n<p>Rest</p>\n<!-- /wp:paragraph -->"
    assert more == "Keep reading"
    assert split_more("<p>a</p>\n<!-- wp:more -->\n<!--more-->\n<!-- /wp:more -->\n<p>b</p>") == (
        "<p>a</p>",
        "<p>a</p>\n\n<p>b</p>",
        None,
    )


def test_marker_alone_in_a_paragraph_after_wpautop():
    assert split_more("<p>Intro</p>\n<p><!--more--></p>\n<p>Rest</p>") == ("<p>Intro</p>", "<p>Intro</p>\n\n<p>Rest</p>", None)


@pytest.mark.parametrize(
    "html, teaser, full",
    [
        ('<p>Intro</p>\n<p><span id="more-42"></span></p>\n<p>Rest</p>', "<p>Intro</p>", "<p>Intro</p>\n\n<p>Rest</p>"),
        ('<p>Intro</p>\n<p><span id="more-42"></span>Rest</p>', "<p>Intro</p>", "<p>Intro</p>\n<p>Rest</p>"),
        ('<p>Intro<span id="more-42"></span></p>\n<p>Rest</p>', "<p>Intro</p>", "<p>Intro</p>\n<p>Rest</p>"),
    ],
)
def test_rendered_more_span(html, teaser, full):
    assert split_more(html) == (teaser, full, None)


def test_more_soup_is_fast():
    started = time.perf_counter()
    split_more("<!--more " * 200_000 + "\n-->" + "<!-- wp:more " * 100_000)
    assert time.perf_counter() - started < 5


# --------------------------------------------------------------------------- mark_pages


def test_no_pages():
    assert mark_pages("<p>one page</p>") == "<p>one page</p>"


def test_pages_are_marked():
    assert mark_pages("Page 1\n<!--nextpage-->\nPage 2<!--nextpage-->Page 3") == f"Page 1{BREAK}Page 2{BREAK}Page 3"


def test_leading_and_trailing_markers_are_ignored():
    assert mark_pages("<!--nextpage-->\nPage 1\n<!--nextpage-->\nPage 2\n<!--nextpage-->\n") == f"Page 1{BREAK}Page 2"


def test_block_form_pages():
    text = (
        "<!-- wp:paragraph -->\n<p>1</p>\n<!-- /wp:paragraph -->\n\n"
        "<!-- wp:nextpage -->\n<!--nextpage-->\n<!-- /wp:nextpage -->\n\n"
        "<!-- wp:paragraph -->\n<p>2</p>\n<!-- /wp:paragraph -->"
    )
    assert mark_pages(text) == (
        "<!-- wp:paragraph -->\n<p>1</p>\n<!-- /wp:paragraph -->"
        + BREAK
        + "<!-- wp:paragraph -->\n<p>2</p>\n<!-- /wp:paragraph -->"
    )


def test_marker_wrapped_by_wpautop():
    assert mark_pages("<p>1</p>\n<p><!--nextpage--></p>\n<p>2</p>") == f"<p>1</p>{BREAK}<p>2</p>"


def test_theme_unit_test_gallery_page():
    text = "[gallery]\n\n<!--nextpage-->\n\nYou can use this page"
    assert mark_pages(text) == f"[gallery]{BREAK}You can use this page"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["z", " b ", "\n", "<!--nextpage-->", "<!--more-->", "<!--more x-->", "<p>", "</p>",
                                 "<!--noteaser-->", "<!-- wp:more -->", '<span id="more-1"></span>']), max_size=25))  # fmt: skip
def test_total_and_text_kept(pieces):
    text = "".join(pieces)
    teaser, full, _ = split_more(text)
    assert isinstance(full, str) and (teaser is None or isinstance(teaser, str))
    if "<!--noteaser-->" not in text:
        assert full.count("z") == text.count("z")
    assert mark_pages(text).count("z") == text.count("z")
