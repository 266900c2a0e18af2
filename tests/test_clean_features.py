"""WordPress behaviours beyond the_content's core filters: shortcodes inside HTML attribute
values (do_shortcodes_in_html_tags), autoembed of bare provider URLs, and make_clickable on
comment text. Expected values follow wp-includes (shortcodes.php, class-wp-embed.php,
formatting.php) and WordPress's own unit tests where they exist."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wpmigrate.clean import autoembed as autoembed_module
from wpmigrate.clean.autoembed import autoembed
from wpmigrate.clean.clickable import make_clickable
from wpmigrate.clean.pipeline import CleanOptions, clean_post
from wpmigrate.clean.shortcodes import render_shortcodes
from wpmigrate.model import Comment, Content, Post

YT = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
YT_FRAME = '<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"'


# --------------------------------------------------------------------------- shortcodes in attributes


@pytest.mark.parametrize(
    ("html", "expected", "count"),
    [
        ('<a href="[embed]https://example.org/x[/embed]">go</a>', '<a href="https://example.org/x">go</a>', "embed"),
        ("<img alt='[caption]A cap[/caption]' src=x>", "<img alt='A cap' src=x>", "caption"),
        ('<a href=[embed]https://e.org/[/embed]>x</a>', '<a href="https://e.org/">x</a>', "embed"),
    ],
)
def test_shortcode_in_an_attribute_value_is_rendered_to_text(html: str, expected: str, count: str) -> None:
    out, counts = render_shortcodes(html)
    assert out == expected
    assert counts == Counter({f"shortcode:converted:{count}": 1})


def test_attribute_rendering_leaves_comments_unknown_tags_and_escapes() -> None:
    html = '<!-- [gallery] --><a title="[foo x=1]" data-x="[[embed]]">t</a>'
    out, counts = render_shortcodes(html)
    assert out == '<!-- [gallery] --><a title="[foo x=1]" data-x="[embed]">t</a>'
    assert counts == Counter({"shortcode:unknown:foo": 1})


def test_tags_inside_a_comment_keep_their_attributes() -> None:
    """WordPress's do_shortcodes_in_html_tags skips comments whole, the tags inside them too
    (found by the WordPress oracle, tests/oracle)."""
    out, _ = render_shortcodes('<p><![CDATA[ <b title="[embed]u[/embed]"> ]]></p>')
    assert out == '<p><![CDATA[ <b title="[embed]u[/embed]"> ]]></p>'
    out, _ = render_shortcodes('<!-- <a title="[caption]x[/caption]"> --><a title="[caption]y[/caption]">')
    assert out == '<!-- <a title="[caption]x[/caption]"> --><a title="y">'


def test_attribute_output_is_text_in_quotes() -> None:
    out, counts = render_shortcodes('<a title=[embed]not-a-url[/embed] href="[caption]Bold  words[/caption]">t</a>')
    assert out == '<a title="not-a-url" href="Bold words">t</a>'
    assert counts == Counter({"shortcode:invalid:embed": 1, "shortcode:converted:caption": 1})


# --------------------------------------------------------------------------- autoembed


def test_a_provider_url_alone_on_its_line_becomes_the_embed() -> None:
    counts: Counter[str] = Counter()
    out = autoembed(f"Watch:\n{YT}\n\nText with {YT} inline.\n  https://example.org/page  \n", counts)
    assert out.count(YT_FRAME) == 1
    assert f"Text with {YT} inline." in out, "a URL inside a sentence stays"
    assert "  https://example.org/page  " in out, "an unknown provider's URL stays as written"
    assert counts == Counter({"embed:auto": 1})


def test_autoembed_takes_a_url_alone_in_its_paragraph_but_not_one_inside_a_tag() -> None:
    assert YT_FRAME in autoembed(f'<p class="x"> {YT} </p>')
    inside = f'<a title="a\n{YT}\n">x</a>'
    assert autoembed(inside) == inside


def test_autoembed_in_the_pipeline_classic_and_block_content() -> None:
    post = Post(id=1, content=Content(raw=f"Intro\n\n{YT}\n\nOutro"))
    cleaned = clean_post(post, {}, CleanOptions())
    assert YT_FRAME in cleaned.content.html and "<p>Intro</p>" in cleaned.content.html
    assert cleaned.content.diagnostics == {"embed:auto": 1}
    block = (
        '<!-- wp:embed {"url":"https://youtu.be/dQw4w9WgXcQ","providerNameSlug":"youtube"} -->\n'
        '<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">\nhttps://youtu.be/dQw4w9WgXcQ\n'
        "</div></figure>\n<!-- /wp:embed -->"
    )
    html = clean_post(Post(id=2, content=Content(raw=block)), {}, CleanOptions()).content.html
    assert YT_FRAME in html and "https://youtu.be/dQw4w9WgXcQ\n" not in html


# --------------------------------------------------------------------------- make_clickable


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # From WordPress's tests/formatting/makeClickable.php (rel as comment_text adds it).
        (
            "This is a really good post http://example.com/?d=1&e=2.",
            'This is a really good post <a href="http://example.com/?d=1&#038;e=2" rel="nofollow ugc">'
            "http://example.com/?d=1&#038;e=2</a>.",
        ),
        (
            "(http://en.wikipedia.org/wiki/PC_(disambiguation))",
            '(<a href="http://en.wikipedia.org/wiki/PC_(disambiguation)" rel="nofollow ugc">'
            "http://en.wikipedia.org/wiki/PC_(disambiguation)</a>)",
        ),
        ("www.wordpress.org,", '<a href="http://www.wordpress.org" rel="nofollow ugc">http://www.wordpress.org</a>,'),
        ("mail foo@example.com now", 'mail <a href="mailto:foo@example.com">foo@example.com</a> now'),
        ('<a href="http://x.org">http://x.org</a>', '<a href="http://x.org">http://x.org</a>'),
        ("<code>http://x.org</code>", "<code>http://x.org</code>"),
        ("<pre>www.x.org</pre> and", "<pre>www.x.org</pre> and"),
        ("javascript://x.org/%0Aalert(1)", "javascript://x.org/%0Aalert(1)"),
        ("nothing to link", "nothing to link"),
        # esc_url() encodes brackets after the host and lower-cases the protocol (found by the
        # WordPress oracle, tests/oracle; expected strings are WordPress 6.1's own output).
        ("[youtube http://y.test/v]", '[youtube <a href="http://y.test/v%5D" rel="nofollow ugc">http://y.test/v%5D</a>'),
        (
            "see http://x.org/a[1]=b&c[]=d ok",
            'see <a href="http://x.org/a%5B1%5D=b&#038;c%5B%5D=d" rel="nofollow ugc">'
            "http://x.org/a%5B1%5D=b&#038;c%5B%5D=d</a> ok",
        ),
        (
            "mail http://u:p@h.org/[z] ok",
            'mail <a href="http://u:p@h.org/%5Bz%5D" rel="nofollow ugc">http://u:p@h.org/%5Bz%5D</a> ok',
        ),
        ("at http://[::1]:8080/p[x] ok", 'at <a href="http://[" rel="nofollow ugc">http://[</a>::1]:8080/p[x] ok'),
        ("HTTP://X.org/[a] ok", '<a href="http://X.org/%5Ba%5D" rel="nofollow ugc">http://X.org/%5Ba%5D</a> ok'),
    ],
)
def test_make_clickable(text: str, expected: str) -> None:
    assert make_clickable(text) == expected


def test_comment_urls_become_links_in_content_html() -> None:
    post = Post(id=1, comments=(Comment(id=1, content="See http://example.org/a and\nwww.example.net."),))
    html = clean_post(post, {}, CleanOptions()).comments[0].content_html
    assert '<a href="http://example.org/a" rel="nofollow ugc">http://example.org/a</a>' in html
    assert '<a href="http://www.example.net" rel="nofollow ugc">http://www.example.net</a>.' in html
    assert html.startswith("<p>") and "<br>" in html


def test_make_clickable_is_linear_on_a_huge_piece() -> None:
    text = ("http://e.org/" + "a" * 30000 + " ") * 3 + "www.x.org " * 2000
    out = make_clickable(text)
    assert out.count("<a ") == 2000 and "a" * 30000 in out


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["http", "https", "HTTP", "hTtPs", "://", "x", " ", "\n", ">", "\t", "\xa0", "s"]),
                max_size=12).map("".join))  # fmt: skip
def test_autoembed_guard_is_wordpress_guard_tightened(text: str) -> None:
    """The hand-written guard answers as the pattern it stands for."""
    assert autoembed_module._may_embed(text) == bool(autoembed_module._MAY_EMBED.search(text))


@pytest.mark.parametrize("start, query", [("²", ""), ("9" * 5000, ""), ("9" * 5000 + "s", ""), ("1h²m", "?start=3600")])
def test_autoembed_of_a_url_with_an_odd_start_time(start: str, query: str) -> None:
    """``²`` passes str.isdigit() but not int(), and int() refuses 5,000 digits: no start, no crash."""
    out = autoembed(f"Watch:\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ&t={start}\n")
    assert f'{YT_FRAME[:-1]}{query}" width=' in out


def test_autoembed_keeps_a_start_time_in_hours_minutes_seconds() -> None:
    assert f'{YT_FRAME[:-1]}?start=3723" width=' in autoembed(f"{YT}&t=1h2m3s\n")
