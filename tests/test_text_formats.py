"""Posts written in Textile or Markdown: detection, rendering, and both writers end to end."""

from __future__ import annotations

import json

import pytest

from tests.conftest import CORPUS, FIXTURES, corpus_files
from wpmigrate.clean.pipeline import CleanOptions, clean_post
from wpmigrate.clean.textformats import (
    detect_format,
    looks_like_markdown,
    looks_like_textile,
    markdown_body,
    markdown_to_html,
    textile_to_html,
)
from wpmigrate.model import Content, Meta, Post

EXPORT = FIXTURES / "textformats" / "textformats.xml"


def _clean(raw: str, *meta: tuple[str, str]) -> Content:
    post = Post(id=1, content=Content(raw=raw), meta=tuple(Meta(k, v) for k, v in meta))
    return clean_post(post, {}, CleanOptions()).content


# --------------------------------------------------------------------------- detection


@pytest.mark.parametrize(("meta", "expected"), [
    (("_wp_textile", "1"), ("textile", "meta")),
    (("_tc_post_format", "textile2"), ("textile", "meta")),
    (("_tc_post_format", "markdown"), ("markdown", "meta")),
    (("_tc_post_format", "wpautop"), ("html", "meta")),
    (("_wp_textile", "0"), ("html", "default")),
    # Rendered on save: post_content is HTML, the meta is no evidence of Markdown source.
    (("_wpcom_is_markdown", "1"), ("html", "default")),
    (("_cws_is_markdown", "1"), ("html", "default")),
])
def test_meta_declares_the_format(meta, expected):
    assert detect_format("Just a sentence.", [Meta(*meta)]) == expected


def test_jetpack_meta_with_markdown_source_is_markdown():
    source = "## Heading\n\nA [link](https://example.org/)."
    assert detect_format(source, [Meta("_wpcom_is_markdown", "1")]) == ("markdown", "content")


@pytest.mark.parametrize("text", [
    "h2. Heading\n\nA \"link\":https://example.org/ here.",
    "bq. Quoted.\n\n* one\n* two",
    'Two "links":https://a.example/ and "more":/about/ only.',
    "Text[1].\n\nfn1. Note.\n\nfn2. Another.",
])
def test_textile_signatures(text):
    assert looks_like_textile(text)
    assert detect_format(text) == ("textile", "content")


@pytest.mark.parametrize("text", [
    "## Heading\n\nSome **bold**.",
    "A [link](https://example.org/).\n\n- one\n- two",
    "```\ncode\n```\n\nSee [this](/about/).",
    "Title\n=====\n\nA [link](#top).",
])
def test_markdown_signatures(text):
    assert looks_like_markdown(text)
    assert detect_format(text) == ("markdown", "content")


@pytest.mark.parametrize("text", [
    "",
    "Plain text with *stars* and _underscores_, p. 45 of the book.",
    "One \"quoted\":https://example.org/ link only.",
    "h2. Heading\n\nAlone, nothing else Textile about it.",
    "<p>h2. A heading</p>\n<p>A \"link\":https://example.org/ and \"another\":https://example.org/</p>",
    "## Heading\n\n<div>A [link](https://example.org/)</div>",
    "Only a heading:\n\n## Heading",
    "A `backtick` and **bold**, no heading, fence or link.",
    "<!-- wp:paragraph -->\n<p>## Block</p>\n<!-- /wp:paragraph -->\n[x](https://e.org/) **b**",
    "Code only: [code]## comment\nprint(f(**kw))\n[link](https://e.org/)[/code]",
    'JSON {"url":"https://example.org/", "next":"https://example.org/2"}',
])
def test_html_and_plain_posts_are_left_alone(text):
    assert detect_format(text) == ("html", "default")


def test_no_post_of_the_shared_corpus_is_taken_for_markdown_or_textile_wrongly():
    """Every post of the corpus: only these are flagged, each checked by eye to be Textile (the
    cc-labs blog ran a site-wide Textile plugin; ``"text":url`` links, ``* `` lists, ``fn1.``)."""
    from wpmigrate.errors import InputError  # noqa: PLC0415
    from wpmigrate.readers.wxr import read  # noqa: PLC0415

    names = corpus_files()
    if not names:
        pytest.skip(f"the shared WXR corpus is not at {CORPUS}")
    flagged, scanned = [], 0
    for name in names:
        try:
            posts = list(read([str(CORPUS / name)], recover=True).posts)
        except InputError:
            continue
        for post in posts:
            scanned += 1
            text_format, how = detect_format(post.content.raw, post.meta)
            if text_format != "html":
                flagged.append((name, post.id, text_format, how))
    assert scanned > 900
    assert flagged == [
        *(("cc-labs/wordpress.xml", i, "textile", "content") for i in (8, 9, 15, 1703, 1704, 22)),
        ("real-blog-quirks/wordpress.xml", 205, "textile", "meta"),
    ]


# --------------------------------------------------------------------------- rendering


def test_textile_features_render():
    html = textile_to_html(
        'h2. Heading\n\nSome *strong*, _em_, "link":https://example.org/ and @code@.\n\n'
        "* one\n* two\n\n# first\n\nbq. Quoted.\n\nbc. x = <y>"
    )
    for part in ("<h2>Heading</h2>", "<strong>strong</strong>", "<em>em</em>",
                 '<a href="https://example.org/">link</a>', "<code>code</code>", "<li>two</li>",
                 "<ol>", "<blockquote>", "<pre><code>x = &lt;y&gt;</code></pre>"):
        assert part in html


def test_textile_caps_spans_do_not_split_words():
    assert textile_to_html("About RDFa and NASA.") == "<p>About RDFa and NASA.</p>"


def test_textile_footnote_ids_are_the_same_every_run():
    text = "Text[1].\n\nfn1. Note."
    assert textile_to_html(text) == textile_to_html(text)
    assert 'href="#fnnote-1"' in textile_to_html(text)


def test_markdown_features_render():
    html = markdown_to_html("# H1\n\n**b** *i* ~~s~~ [l](https://e.org/)\n\n| a |\n|---|\n| 1 |\n\n```js\nx\n```")
    for part in ("<h1>H1</h1>", "<strong>b</strong>", "<em>i</em>", "<s>s</s>", '<a href="https://e.org/">l</a>',
                 "<td>1</td>", '<code class="language-js">'):
        assert part in html


def test_shortcodes_are_kept_out_of_the_renderers():
    for render in (textile_to_html, markdown_to_html):
        html = render('Before.\n\n[caption id="a_1" width="300"]text[/caption]\n\n[code]a *b* "c"[/code]')
        assert '[caption id="a_1" width="300"]' in html
        assert '[code]a *b* "c"[/code]' in html


def test_textile_post_skips_wpautop_and_runs_shortcodes():
    content = _clean('h2. Title\n\n[caption id="a" width="1"]<img src="https://e.org/i.jpg"> Cap[/caption]',
                     ("_wp_textile", "1"))
    assert content.html.startswith("<h2>Title</h2>")
    assert "<figure>" in content.html and "[caption" not in content.html
    assert content.diagnostics["format:textile"] == 1
    assert content.markdown is None


def test_markdown_post_teaser_and_source():
    content = _clean("## Top\n\nIntro.\n\n<!--more-->\n\nRest [l](https://e.org/).", ("_tc_post_format", "markdown"))
    assert content.teaser == "<h2>Top</h2>\n<p>Intro.</p>"
    assert content.markdown.startswith("## Top")
    assert content.diagnostics == {"format:markdown": 1, "format:markdown-source-kept": 1}


@pytest.mark.parametrize("source", [
    "## H\n\n<div>raw html</div>",
    "## H\n\n[gallery ids=\"1\"]",
    "## H\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n\n[l](https://e.org/)",
    "## H\n\n{{< ref x >}} [l](https://e.org/)",
])
def test_markdown_source_goes_the_html_route_when_it_must(source):
    assert markdown_body(source) is None


def test_markdown_source_may_hold_html_and_shortcodes_inside_code():
    assert markdown_body("## H\n\n```\n<div>[gallery]</div>\n```\n\nA `<b>` tag.") is not None


# --------------------------------------------------------------------------- end to end


def _posts(out) -> dict[int, dict]:
    return {p["id"]: p for p in json.loads(out.read_text())["posts"]}


def test_json_end_to_end(run_cli, tmp_path):
    out = tmp_path / "out.json"
    assert run_cli("convert", EXPORT, "-o", out).exit_code == 0
    posts = _posts(out)
    assert posts[1]["content"]["diagnostics"]["format:textile"] == 1
    assert "<blockquote>" in posts[1]["content"]["html"]
    assert posts[2]["content"]["diagnostics"] == {"format:detected-by-content": 1, "format:textile": 1}
    assert "<table>" in posts[3]["content"]["html"] and "<s>2</s>" in posts[3]["content"]["html"]
    assert "shortcode:converted:caption" in posts[4]["content"]["diagnostics"]
    assert posts[5]["content"]["diagnostics"] == {} and posts[6]["content"]["diagnostics"] == {}
    assert "<p>## not a heading" in posts[6]["content"]["html"]
    again = tmp_path / "again.json"
    run_cli("convert", EXPORT, "-o", again)
    assert again.read_bytes() == out.read_bytes()


def _body(folder, slug: str) -> str:
    return (folder / "content" / "posts" / f"{slug}.md").read_text().split("\n---\n", 1)[1]


def test_markdown_end_to_end(run_cli, tmp_path):
    out = tmp_path / "site"
    assert run_cli("convert", EXPORT, "--to", "markdown", "--profile", "hugo", "-o", out).exit_code == 0
    textile = _body(out, "textile-meta")
    assert textile.startswith("\n## A heading\n\nSome **strong** and *emphasised* text, a [link](https://www.example.org/)")
    assert "\n- one\n- two\n\n1. first\n2. second\n\n> A quotation.\n" in textile
    assert "```\ncode <kept> as *text*\n```" in textile
    source = _body(out, "markdown-text-control")
    written = EXPORT.read_text().split("<![CDATA[## A heading", 1)[1].split("]]>", 1)[0]
    assert source == "\n## A heading" + written + "\n"  # as written, no escapes added
    shortcode = _body(out, "markdown-shortcode")
    assert "{{< figure src=`https://site.example.test/wp-content/uploads/x.jpg`" in shortcode
    assert "\\" not in _body(out, "textile-content")


def test_markdown_source_media_rewritten_and_listed(run_cli, tmp_path):
    from wpmigrate.writers.markdown.convert_html import HtmlOptions  # noqa: PLC0415
    from wpmigrate.writers.markdown.media import MediaPaths  # noqa: PLC0415
    from wpmigrate.writers.markdown.source import markdown_source_body  # noqa: PLC0415

    options = HtmlOptions("", MediaPaths(frozenset({"site.example.test"})))
    source = ("Intro\n\n<!--more Read on-->\n\n![a](https://site.example.test/wp-content/uploads/a.jpg)\n"
              "[pdf](https://e.org/f.pdf) [page](https://e.org/page/)\n\n[r]: https://e.org/b.png\n\n"
              "`![c](https://e.org/c.jpg)`")
    converted = markdown_source_body(source, options, "<!--more-->")
    assert converted.markdown == (
        "Intro\n\n<!--more-->\n\n![a](/media/a.jpg)\n"
        "[pdf](/media/e.org/f.pdf) [page](https://e.org/page/)\n\n[r]: /media/e.org/b.png\n\n"
        "`![c](https://e.org/c.jpg)`\n"
    )
    assert converted.media == ["https://site.example.test/wp-content/uploads/a.jpg", "https://e.org/f.pdf",
                               "https://e.org/b.png"]


def test_a_textile_post_its_renderer_fails_on_is_shown_as_html_and_said_so():
    # python-textile raises ValueError ("Invalid IPv6 URL") on this link; found by fuzzing
    raw = 'h2. Notes\n\nA "link":https://a.exa[mple/ and "another":https://b.example.org/ here.'
    post = clean_post(Post(id=1, content=Content(raw=raw), meta=(Meta("_wp_textile", "1"),)), {}, CleanOptions())
    assert post.content.diagnostics["format:textile-failed"] == 1
    assert "<p>h2. Notes</p>" in post.content.html and "another" in post.content.html
