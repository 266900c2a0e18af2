"""Text stays text: the Markdown, read back by an independent CommonMark parser (markdown-it-py,
with GFM's tables and strike-through), shows the words the HTML showed, and no element the
HTML did not have. Hugo's own build of the same text is in test_site_builds/test_hugo tests.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html
from markdown_it import MarkdownIt

from tests.sitebuild import visible_text
from wpmigrate.clean.sanitize import sanitize
from wpmigrate.writers.markdown.convert_html import HtmlOptions, to_markdown
from wpmigrate.writers.markdown.escape import needs_raw_liquid

COMMONMARK = MarkdownIt("commonmark").enable(["strikethrough", "table"])


def _visible(fragment: str) -> str:
    return visible_text(fragment)  # words split at block boundaries, as a browser shows them


def _tags(fragment: str) -> list[str]:
    if not fragment.strip():
        return []
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    skip = {"thead", "tbody"}  # implied by a table, written by the Markdown renderer
    return sorted(el.tag for el in root.iter() if isinstance(el.tag, str) and el is not root and el.tag not in skip)


def _round_trip(source: str, profile: str = "") -> str:
    return COMMONMARK.render(to_markdown(source, HtmlOptions(shortcodes=profile)).markdown)


TEXTS = {
    "escaped tags": "<p>mount -t smbfs //&lt;username&gt;@&lt;host&gt;/&lt;share&gt; /mnt</p>",
    "element names": "<p>Learn &lt;canvas&gt;, &lt;svg&gt; and &lt;path&gt;.</p>",
    "escaped comment": "<p>&lt;!-- not a comment --&gt; and &lt;?php echo 1; ?&gt;</p>",
    "escaped entity": "<p>Write &amp;copy; or &amp;#169; or &amp;#xA9; to get a copyright sign.</p>",
    "backticks": "<p>Quote with `single` and ``double`` backticks.</p>",
    "link syntax": "<p>Markdown links look like [text](page.html) or [text][ref].</p>",
    "footnote syntax": "<p>A footnote reference looks like [^1].</p>",
    "tildes": "<p>~~not struck~~ and ~/home and ~x~</p>",
    "list after break": "<p>first line<br />- not a list<br />+ nor this<br />* nor this</p>",
    "number after break": "<p>first line<br />1. not a list<br />2) nor this</p>",
    "heading after break": "<p>first line<br /># not a heading<br />&gt; not a quote</p>",
    "setext after break": "<p>first line<br />===</p><p>second<br />---</p>",
    "stars and underscores": "<p>2 * 3 * 4 and snake_case_name and _leading and trailing_</p>",
    "backslashes": "<p>C:\\Users\\name\\*.txt and \\[brackets\\]</p>",
    "angle in list": "<ul><li>&lt;canvas&gt; draws pixels</li><li>&lt;svg&gt; draws shapes</li></ul>",
    "angle in table": "<table><tr><th>tag</th></tr><tr><td>&lt;b&gt; | bold</td></tr></table>",
    "template syntax": "<p>{{&lt; ref \"x\" &gt;}} {{% note %}} {% raw %} {{ page.title }}</p>",
}


@pytest.mark.parametrize("profile", ["", "hugo"])
@pytest.mark.parametrize("name", sorted(TEXTS))
def test_text_reads_back_as_the_same_text(name, profile):
    source = TEXTS[name]
    rendered = _round_trip(source, profile)
    assert _visible(rendered) == _visible(source)
    assert _tags(rendered) == _tags(source), rendered


@pytest.mark.parametrize("url, after", [
    ("https://example.org/files/netatalk_2.2.0_source.tar.gz", " now"),
    ("http://en.wikipedia.org/wiki/Songbird_(software)", ". Next"),
    ("http://example.org/_a_/x*y*?q=1&amp;r=[2]", ""),
])
def test_bare_url_is_one_link_with_its_characters(url, after):
    page = _round_trip(f"<p>Get {url}{after}</p>")
    root = lxml_html.fragment_fromstring(page, create_parent="div")
    plain = url.replace("&amp;", "&")
    assert [(a.get("href"), a.text) for a in root.iter("a")] == [(plain.replace("[", "%5B").replace("]", "%5D"), plain)]
    assert _visible(page) == f"Get {plain}{after}"


def test_url_in_a_links_text_stays_that_links_text():
    page = _round_trip('<p><a href="http://x.org/a_b">http://x.org/a_b</a> and <a href="/y">see http://z.org</a></p>')
    root = lxml_html.fragment_fromstring(page, create_parent="div")
    assert [(a.get("href"), a.text) for a in root.iter("a")] == [("http://x.org/a_b", "http://x.org/a_b"),
                                                                ("/y", "see http://z.org")]


def test_inline_code_shows_its_whitespace_as_a_browser_does():
    source = "<p><code>&lt;figure&gt;<br>\n    &lt;!-- here --&gt;<br>\n&lt;/figure&gt;</code> and <code> a  b </code></p>"
    for hard_break in ("backslash", "spaces"):
        markdown = to_markdown(source, HtmlOptions(hard_break=hard_break)).markdown
        assert "`<!-- here -->`" in markdown and "`a b`" in markdown, markdown
        assert _visible(COMMONMARK.render(markdown)) == _visible(source)


def test_code_keeps_its_characters_literally():
    source = '<pre><code class="language-html">&lt;b&gt;`x`&amp;amp; [a](b) ~~s~~</code></pre><p><code>&lt;i&gt;</code></p>'
    rendered = _round_trip(source)
    assert _visible(rendered) == _visible(source)


def test_hugo_delimiters_in_code_are_hidden_from_hugo_but_shown():
    source = "<pre><code>{{&lt; youtube abc &gt;}}\n{{% note %}}</code></pre><p>Use <code>{{&lt; ref &gt;}}</code>.</p>"
    markdown = to_markdown(source, HtmlOptions(shortcodes="hugo")).markdown
    assert "{{<" not in markdown and "{{%" not in markdown
    assert _visible(COMMONMARK.render(markdown)) == _visible(source)


def test_hugo_own_shortcodes_are_not_escaped():
    source = '<figure><img src="https://e.org/a.jpg" alt="A"><figcaption>The &lt;b&gt; cap</figcaption></figure>'
    markdown = to_markdown(source, HtmlOptions(shortcodes="hugo")).markdown
    assert markdown.startswith("{{< figure ")


def test_liquid_is_detected_for_jekyll_and_eleventy():
    assert needs_raw_liquid("{{ page.title }}") and needs_raw_liquid("{% raw %}")
    assert not needs_raw_liquid("{ x } and %")


# Text made of the characters Markdown reads as syntax, in paragraphs and after line breaks.
_PIECES = st.sampled_from(["<", ">", "&", "&lt;", "`", "*", "_", "[", "]", "(", ")", "~", "#", "-", "+", "=", "!",
                           "\\", "|", "1.", "2)", "{{", "}}", "{%", "%}", "a", "b", "x_y", " ", "https://e.org/a_b"])
_LINES = st.lists(st.lists(_PIECES, min_size=1, max_size=12).map("".join), min_size=1, max_size=4)


@settings(max_examples=int(__import__("os").environ.get("ESC_EXAMPLES", "300")), deadline=None)
@given(_LINES, st.sampled_from(["", "hugo"]), st.sampled_from(["backslash", "spaces"]))
def test_any_text_reads_back_as_itself(lines, profile, hard_break):
    source = sanitize("<p>" + "<br />".join(_escape(line) for line in lines) + "</p>")
    rendered = COMMONMARK.render(to_markdown(source, HtmlOptions(shortcodes=profile, hard_break=hard_break)).markdown)
    assert _words(rendered) == _words(source), rendered


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _words(fragment: str) -> str:
    """Visible text without the spaces Markdown may fold (a line's start and end)."""
    return re.sub(r"\s+", "", _visible(fragment))
