"""What real blogs carry, converted as the reader saw it (fixtures/fidelity/blog.xml, written from
issue 15's description): code shortcodes, Flash and unknown embeds, cached tweets, linked and
aligned figures, galleries with alt text and captions, structure Markdown has no syntax for.

Each post is converted end to end (library and CLI) and read back as a reader would: the
Markdown through markdown-it, an independent CommonMark parser.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import html as lxml_html
from markdown_it import MarkdownIt

from wpmigrate.cli import cli
from wpmigrate.clean.sanitize import IFRAME_SANDBOX
from wpmigrate.writers.markdown.convert_html import HtmlOptions, to_markdown

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "fidelity" / "blog.xml"
COMMONMARK = MarkdownIt("commonmark").enable(["strikethrough", "table"])


def _convert(tmp_path: Path, *args: str) -> Path:
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["convert", str(FIXTURE), "-o", str(out), "-q", *args])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def hugo(tmp_path_factory) -> dict[str, str]:
    out = _convert(tmp_path_factory.mktemp("hugo"), "--to", "markdown", "--profile", "hugo")
    return {p.stem: p.read_text(encoding="utf-8").split("\n---\n", 1)[1] for p in (out / "content/posts").glob("*.md")}


@pytest.fixture(scope="module")
def plain(tmp_path_factory) -> dict[str, str]:
    out = _convert(tmp_path_factory.mktemp("plain"), "--to", "markdown", "--profile", "plain")
    return {p.stem: p.read_text(encoding="utf-8").split("\n---\n", 1)[1] for p in (out / "posts").glob("*.md")}


@pytest.fixture(scope="module")
def posts(tmp_path_factory) -> dict[str, dict]:
    out = _convert(tmp_path_factory.mktemp("json"), "--to", "json")
    return {p["slug"]: p for p in json.loads(out.read_text(encoding="utf-8"))["posts"]}


def _fences(markdown: str) -> list[tuple[str, str]]:
    return re.findall(r"^```(\w*)\n(.*?)\n```$", markdown, re.S | re.M)


def test_code_shortcodes_keep_clean_lines_and_their_language(hugo):
    fences = _fences(hugo["code-samples"])
    assert [lang for lang, _ in fences] == ["python", "javascript", "php", "bash", "python"]
    for _, code in fences:
        assert "<br" not in code and "<p>" not in code and "</p>" not in code
    python = fences[0][1]
    assert "\n\n\nprint(area(2) < 13)" in python, "blank lines and '<' kept as written"
    assert fences[1][1] == "if (a < b && b > c) {\n  return [a, b];\n}"
    assert fences[2][1] == '<?php echo "<b>hi</b>"; ?>'


def test_code_title_is_shown_above_the_code(hugo):
    assert hugo["code-samples"].index("area.py") < hugo["code-samples"].index("```python")


def test_code_saved_by_the_visual_editor_is_decoded_once(hugo):
    assert _fences(hugo["encoded-code"]) == [("html", "<ul>\n  <li>one</li>\n</ul>")]


def test_every_embed_is_carried_over_and_counted(posts):
    counts = posts["embeds"]["content"]["diagnostics"]
    assert counts["embed:converted:object"] == 1  # the Flash YouTube player: today's player
    assert counts["embed:linked:object"] == 1  # the Flash game: a link
    assert counts["embed:cached:twitter"] == 1  # the tweet WordPress cached
    assert counts["embed:linked:instagram"] == 1 and counts["embed:linked:facebook"] == 1


def test_flash_video_becomes_the_same_video(hugo, plain):
    assert "{{< youtube M7lc1UVf-VE >}}" in hugo["embeds"]
    assert 'src="https://www.youtube-nocookie.com/embed/M7lc1UVf-VE"' in plain["embeds"]


def test_unknown_iframe_is_kept_sandboxed(plain):
    frame = re.search(r'<iframe[^>]*src="https://maps\.example\.org/embed\?route=42"[^>]*></iframe>', plain["embeds"])
    assert frame and f'sandbox="{IFRAME_SANDBOX}"' in frame.group()


def test_cached_tweet_shows_its_text_and_no_script(plain):
    page = COMMONMARK.render(plain["embeds"])
    assert "Hello from the fixture tweet" in page
    assert "<script" not in plain["embeds"]
    assert "https://www.instagram.com/p/Example123/" in page and "https://www.facebook.com/example/posts/2222222222" in page


def test_figure_keeps_its_link_and_alignment(hugo, plain):
    figure = re.search(r"\{\{< figure [^\n]*caption=`The bell, linked`[^\n]*>\}\}", hugo["figures"]).group()
    assert "link=`https://www.example.org/project`" in figure and "class=`alignright`" in figure
    assert "[![Bell on the wharf](" in plain["figures"] and "](https://www.example.org/project)" in plain["figures"]


def test_gallery_items_have_their_alt_text_and_captions(plain):
    page = lxml_html.fragment_fromstring(COMMONMARK.render(plain["figures"]), create_parent="div")
    assert [img.get("alt") for img in page.iter("img")] == ["Bell on the wharf", "Bell on the wharf",
                                                           "Two boats in the harbour"]
    text = page.text_content()
    assert "The bell at dawn" in text and "Boats at rest" in text
    assert len(page.findall(".//p/img")) == 2, "each gallery image in its own paragraph"


def test_structure_without_markdown_syntax_is_kept_as_html(plain):
    page = lxml_html.fragment_fromstring(COMMONMARK.render(plain["structure"]), create_parent="div")
    assert [el.text for el in page.iter("dt", "dd")] == ["Wharf", "Where boats tie up."]
    assert page.find(".//ol").get("reversed") is not None
    assert page.find(".//details/summary").text == "Spoiler"
    rows = [[td.text for td in tr.iter("td")] for tr in page.iter("tr")]
    assert rows[1:] == [["Mon", "closed"], ["Tue", "open"]], "no data row promoted to the header"
    assert all(not (th.text or "").strip() for th in page.iter("th"))


@pytest.mark.parametrize("slug", ["code-samples", "encoded-code", "embeds", "figures", "structure"])
def test_the_words_the_reader_saw_are_all_there(slug, posts, plain):
    seen = _words(posts[slug]["content"]["html"])
    shown = _words(COMMONMARK.render(plain[slug]))
    missing = [w for w in seen if w not in shown]
    assert not missing, missing


def _words(fragment: str) -> set[str]:
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    return set(re.findall(r"\w+", " ".join(root.itertext()).casefold()))


def _md(source: str, **options) -> str:
    return to_markdown(source, HtmlOptions(**options)).markdown


def test_inline_elements_without_markdown_syntax_stay_html():
    page = COMMONMARK.render(_md("<p>H<sub>2</sub>O, E=mc<sup>2</sup>, <mark>marked</mark>, <abbr title=\"x\">NASA</abbr></p>"))
    root = lxml_html.fragment_fromstring(page, create_parent="div")
    assert [el.tag for el in root.iter("sub", "sup", "mark", "abbr")] == ["sub", "sup", "mark", "abbr"]
    assert " ".join(root.text_content().split()) == "H2O, E=mc2, marked, NASA"


def test_footnote_reference_sup_still_becomes_a_markdown_footnote():
    source = ('<p>Claim<sup class="fn"><a href="#a1" id="a1-link">1</a></sup> and x<sup>2</sup>.</p>'
              '<ol class="wp-block-footnotes"><li id="a1">Source. <a href="#a1-link">↩︎</a></li></ol>')
    assert _md(source) == "Claim[^1] and x<sup>2</sup>.\n\n[^1]: Source.\n"


@pytest.mark.parametrize("profile", ["", "hugo"])
def test_block_gallery_keeps_every_caption_each_image_its_own_block(profile):
    source = ('<figure class="wp-block-gallery"><figure class="wp-block-image"><img src="https://e.org/a.jpg" alt="A">'
              '<figcaption>Single caption</figcaption></figure><figure class="wp-block-image">'
              '<img src="https://e.org/b.jpg" alt="B"></figure><figcaption class="blocks-gallery-caption">'
              'Gallery caption</figcaption></figure>')
    markdown = _md(source, shortcodes=profile)
    assert "Single caption" in markdown and markdown.rstrip().endswith("_Gallery caption_")
    assert "\n\n![B](https://e.org/b.jpg)\n\n" in markdown


def test_relative_image_sources_point_at_the_old_site():
    source = '<p><img src="../wp-includes/img/trans.gif" alt="t"><img src="data:image/png;base64,AA" alt="d"></p>'
    markdown = _md(source, base_url="https://old.example/2020/01/post/")
    assert "![t](https://old.example/2020/01/wp-includes/img/trans.gif)" in markdown
    assert "![d](data:image/png;base64,AA)" in markdown


def test_footnotes_stay_links_and_a_list_where_the_generator_has_no_footnote_syntax():
    source = ('<p>Claim<sup class="fn"><a href="#a1" id="a1-link">1</a></sup>.</p>'
              '<ol class="wp-block-footnotes"><li id="a1">Source here. <a href="#a1-link">↩︎</a></li></ol>')
    page = COMMONMARK.render(_md(source, footnotes=False))  # markdown-it, as Eleventy reads it
    root = lxml_html.fragment_fromstring(page, create_parent="div")
    assert root.xpath("string(//p[1])") == "Claim1." and "Source here." in root.xpath("string(//ol/li)")


def test_a_caption_over_several_lines_stays_one_emphasis():
    source = ('<ul><li><figure><img src="https://e.org/a.jpg" alt="A"><figcaption>Lorem ipsum,\n\n'
              'dolor sit.</figcaption></figure></li></ul>')
    root = lxml_html.fragment_fromstring(COMMONMARK.render(_md(source)), create_parent="div")
    assert root.xpath("string(//em)") == "Lorem ipsum, dolor sit."
