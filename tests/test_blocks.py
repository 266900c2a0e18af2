"""Gutenberg block delimiters."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wpmigrate.clean.blocks import Block, has_blocks, strip_blocks


def test_has_blocks():
    assert has_blocks("<!-- wp:paragraph -->\n<p>x</p>\n<!-- /wp:paragraph -->")
    assert not has_blocks("<p>classic</p><!--more-->")
    assert not has_blocks("<!--wp:paragraph-->")  # WordPress looks for "<!-- wp:" exactly


def test_classic_content_is_untouched():
    assert strip_blocks("<p>a</p>\n<!--more-->\n<!-- a comment -->") == ("<p>a</p>\n<!--more-->\n<!-- a comment -->", [], {})


def test_delimiters_removed_inner_html_kept():
    text = (
        "<!-- wp:paragraph -->\n<p>Hello</p>\n<!-- /wp:paragraph -->\n\n"
        '<!-- wp:image {"id":12,"sizeSlug":"large","linkDestination":"none"} -->\n'
        '<figure class="wp-block-image size-large"><img src="a.jpg" alt="" class="wp-image-12"/></figure>\n'
        "<!-- /wp:image -->"
    )
    html, blocks, counts = strip_blocks(text)
    assert html == (
        "<p>Hello</p>\n\n"
        '<figure class="wp-block-image size-large"><img src="a.jpg" alt="" class="wp-image-12"/></figure>\n'
    )
    assert blocks == [
        Block("core/paragraph", {}, start=0, end=57),
        Block("core/image", {"id": 12, "sizeSlug": "large", "linkDestination": "none"}, start=59, end=len(text)),
    ]
    assert counts == {}


def test_line_breaks_go_only_with_delimiters_on_their_own_line():
    assert strip_blocks("a<!-- /wp:x -->\nb")[0] == "a\nb"
    assert strip_blocks("a\n<!-- wp:x /-->\r\nb")[0] == "a\nb"
    assert strip_blocks("<!-- wp:x -->\n\nb")[0] == "\nb"


def test_namespaces_and_nesting():
    text = (
        '<!-- wp:columns --><div class="wp-block-columns"><!-- wp:column --><div>'
        "<!-- wp:jetpack/markdown {\"source\":\"# Hi\"} --><h1>Hi</h1><!-- /wp:jetpack/markdown -->"
        "</div><!-- /wp:column --></div><!-- /wp:columns -->"
    )
    html, blocks, counts = strip_blocks(text)
    assert html == '<div class="wp-block-columns"><div><h1>Hi</h1></div></div>'
    assert [(b.name, b.depth, b.parent) for b in blocks] == [
        ("core/columns", 0, None),
        ("core/column", 1, 0),
        ("jetpack/markdown", 2, 1),
    ]
    assert blocks[2].attrs == {"source": "# Hi"}
    assert all(b.closed for b in blocks) and counts == {}


def test_void_dynamic_blocks_are_dropped_and_counted():
    text = (
        '<p>Before</p>\n<!-- wp:latest-posts {"postsToShow":3} /-->\n'
        '<!-- wp:archives {"className":"extraclass","showPostCounts":true} /-->\n<p>After</p>'
    )
    html, blocks, counts = strip_blocks(text)
    assert html == "<p>Before</p>\n<p>After</p>"
    assert [(b.name, b.void, b.attrs) for b in blocks] == [
        ("core/latest-posts", True, {"postsToShow": 3}),
        ("core/archives", True, {"className": "extraclass", "showPostCounts": True}),
    ]
    assert counts == {"block:dropped:core/latest-posts": 1, "block:dropped:core/archives": 1}


def test_attribute_json_escapes():
    text = '<!-- wp:paragraph {"placeholder":"a \\u002d\\u002d\\u003e b \\u003cc\\u003e"} -->\n<p>x</p>\n<!-- /wp:paragraph -->'
    html, blocks, _ = strip_blocks(text)
    assert html == "<p>x</p>\n" and blocks[0].attrs == {"placeholder": "a --> b <c>"}


def test_shortcode_block_keeps_its_shortcode():
    text = '<!-- wp:shortcode -->\n[gallery columns=2 ids="769,767"]\n<!-- /wp:shortcode -->'
    assert strip_blocks(text)[0] == '[gallery columns=2 ids="769,767"]\n'


def test_unclosed_blocks():
    html, blocks, counts = strip_blocks("<!-- wp:group -->\n<div><!-- wp:paragraph --><p>never closed</p></div>")
    assert html == "<div><p>never closed</p></div>"
    assert [(b.name, b.closed) for b in blocks] == [("core/group", False), ("core/paragraph", False)]
    assert counts == {"block:unclosed:core/group": 1, "block:unclosed:core/paragraph": 1}


def test_closer_closes_the_innermost_block_of_its_name():
    html, blocks, counts = strip_blocks("<!-- wp:group --><!-- wp:quote --><q>x</q><!-- /wp:group -->after")
    assert html == "<q>x</q>after"
    assert [(b.name, b.closed) for b in blocks] == [("core/group", True), ("core/quote", False)]
    assert counts == {"block:unclosed:core/quote": 1}


def test_stray_closers():
    html, blocks, counts = strip_blocks("text<!-- /wp:paragraph -->more<!-- /wp:core/heading -->")
    assert (html, blocks) == ("textmore", [])
    assert counts == {"block:stray-closer:core/paragraph": 1, "block:stray-closer:core/heading": 1}


def test_attributes_that_do_not_parse():
    html, blocks, counts = strip_blocks('<!-- wp:image {"id":12,} -->\n<img src="a"/>\n<!-- /wp:image --><!-- wp:x ["a"] /-->')
    assert html == '<img src="a"/>\n'
    assert blocks[0].attrs == {} and blocks[0].bad_attrs == '{"id":12,}'
    assert counts == {"block:bad-attrs:core/image": 1, "block:malformed-delimiter": 1}


def test_malformed_delimiters_are_removed():
    text = '<!--wp:paragraph--><p>a</p><!-- wp:Paragraph --><!-- wp:image {"id":1 --><p>b</p>'
    html, blocks, counts = strip_blocks(text)
    assert (html, blocks) == ("<p>a</p><p>b</p>", [])
    assert counts == {"block:malformed-delimiter": 3}


def test_unterminated_delimiter_does_not_hide_the_rest():
    html, _, counts = strip_blocks("<p>a</p>\n<!-- wp:paragraph {\"x\":1}\n<p>still here</p>")
    assert html == "<p>a</p>\n<p>still here</p>"
    assert counts == {"block:malformed-delimiter": 1}
    assert strip_blocks("<p>a</p><!-- just a comment")[0] == "<p>a</p><!-- just a comment"


def test_delimiters_inside_other_comments_are_not_tokens():
    text = "<!-- note: <!-- wp:paragraph {} x --> -->x"  # one comment: its end is no delimiter
    assert strip_blocks(text) == (text, [], {})


def test_a_delimiter_ending_a_comment_is_found_as_wordpress_finds_it():
    """A block commented out by hand: WordPress's parser finds the delimiter inside the
    comment, and the "<!--" left before it hides the block on the site. Expected strings are
    WordPress 6.1's do_blocks() output (the oracle, tests/oracle)."""
    html, blocks, counts = strip_blocks("<!-- note: <!-- wp:paragraph --> -->x")
    assert html == "<!-- note:  -->x"
    assert [b.name for b in blocks] == ["core/paragraph"] and counts == {"block:unclosed:core/paragraph": 1}
    text = "Shown.\n\n<!-- <!-- wp:paragraph -->\n<p>Hidden.</p>\n<!-- /wp:paragraph --> -->\n"
    assert strip_blocks(text)[0] == "Shown.\n\n<!-- \n<p>Hidden.</p>\n -->\n"
    assert strip_blocks("<!-- a <!-- b <!-- wp:p -->x<!-- /wp:p -->")[0] == "<!-- a <!-- b x"


@pytest.mark.parametrize(
    "text",
    [
        "<!-- wp:group -->" * 50_000,
        "<!-- /wp:group -->" * 50_000,
        "<!-- wp:image {" * 50_000,
        '<!-- wp:image {"a":"' + "}" * 200_000 + " -->",
        "<!--" * 100_000,
        "<!-- wp:p " + "{" * 100_000 + " -->",
        '<!-- wp:x {"a":' + "[" * 100_000 + "1" + "]" * 100_000 + "} /-->",
        ("<!-- wp:paragraph -->\n<p>" + "lorem ipsum " * 40 + "</p>\n<!-- /wp:paragraph -->\n\n") * 4_000,
    ],
    ids=["openers", "closers", "unterminated-json", "brace-run", "comment-soup", "brace-soup", "deep-json", "2mb"],
)
def test_pathological_input_is_fast(text):
    started = time.perf_counter()
    html, blocks, counts = strip_blocks(text)
    assert isinstance(html, str) and time.perf_counter() - started < 10


def test_theme_unit_test_block_sample():
    text = (
        "<!-- wp:paragraph -->\n<p>The Archive Widget:</p>\n<!-- /wp:paragraph -->\n\n"
        '<!-- wp:archives {"className":"extraclass","showPostCounts":true} /-->\n\n'
        '<!-- wp:core-embed/youtube {"url":"https://youtu.be/x","type":"video"} -->\n'
        '<figure class="wp-block-embed-youtube"><div class="wp-block-embed__wrapper">\nhttps://youtu.be/x\n</div></figure>\n'
        "<!-- /wp:core-embed/youtube -->"
    )
    html, blocks, counts = strip_blocks(text)
    assert html == (
        "<p>The Archive Widget:</p>\n\n\n"
        '<figure class="wp-block-embed-youtube"><div class="wp-block-embed__wrapper">\nhttps://youtu.be/x\n</div></figure>\n'
    )
    assert blocks[2].name == "core-embed/youtube" and blocks[2].attrs["url"] == "https://youtu.be/x"


# --------------------------------------------------------------------------- properties

PLAIN = st.text(alphabet=st.characters(blacklist_characters="<>[]", blacklist_categories=("Cs",)), max_size=30)
SPACED = PLAIN.map(lambda s: f" {s} ")  # adjacent pieces must not merge into one word
NAME = st.sampled_from(["paragraph", "group", "image", "jetpack/slideshow", "core/heading", "Bad", "x_y-z"])
ATTRS = st.sampled_from(["", '{"id":12} ', "{broken} ", '{"a":"}"} ', "[1] ", '{"u":"\\u003c"} '])
DELIMITER = st.one_of(
    st.builds(lambda n, a: f"<!-- wp:{n} {a}-->", NAME, ATTRS),
    st.builds(lambda n, a: f"<!-- wp:{n} {a}/-->", NAME, ATTRS),
    st.builds(lambda n: f"<!-- /wp:{n} -->", NAME),
    st.sampled_from(["<!--wp:x-->", "<!-- other -->", "<!--more-->", "\n", "<p>", "</p>"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(SPACED, DELIMITER), max_size=30))
def test_words_survive_and_no_delimiter_remains(pieces):
    text = "".join(pieces)
    html, blocks, counts = strip_blocks(text)
    words = [w for p in pieces if p.startswith(" ") for w in re.findall(r"\w+", p)]
    found = iter(re.findall(r"\w+", html))
    assert all(any(w == f for f in found) for w in words), (text, html)
    assert not re.search(r"<!--\s*/?wp:", html)
    assert all(isinstance(b, Block) for b in blocks)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="<!-/wp:{}\" agxy\n", max_size=80))
def test_total_on_delimiter_soup(text):
    html, blocks, counts = strip_blocks(text)
    assert isinstance(html, str)


def test_attributes_nested_past_the_limit_are_bad_wherever_they_are_parsed():
    """json.loads ran out of stack at a depth that depends on the caller's stack, so a block with
    attributes nested ~960 deep was bad in the main process and fine in a worker (-j 2).
    The limit is now 200 levels (clean.blocks.MAX_ATTR_DEPTH)."""

    def block(depth: int) -> str:  # the attributes' own {} is one level; brackets in strings count for none
        inner = "[" * (depth - 1) + "]" * (depth - 1)
        return f'<!-- wp:image {{"a":{inner},"s":"[[[{{{{"}} --><img src="a.jpg"><!-- /wp:image -->'

    _, [fine], counts = strip_blocks(block(200))
    assert fine.bad_attrs is None and fine.attrs["s"] == "[[[{{" and counts == {}
    _, [bad], counts = strip_blocks(block(201))
    assert bad.attrs == {} and bad.bad_attrs and counts == {"block:bad-attrs:core/image": 1}
