"""Clean HTML to Markdown: the shapes WordPress content takes."""

from __future__ import annotations

import pytest

from wpmigrate.writers.markdown.convert_html import HtmlOptions, is_media_url, to_markdown

PLAIN = HtmlOptions()
HUGO = HtmlOptions(shortcodes="hugo")


def md(html: str, options: HtmlOptions = PLAIN) -> str:
    return to_markdown(html, options).markdown


def test_paragraphs_are_blank_line_separated_and_text_is_escaped():
    assert md("<p>One *not em* snake_case</p>\n<p>Two</p>") == "One \\*not em\\* snake\\_case\n\nTwo\n"


def test_figure_with_caption():
    html = '<figure><img src="https://x.test/a.jpg" alt="A cat"><figcaption>The <em>cat</em></figcaption></figure>'
    assert md(html) == "![A cat](https://x.test/a.jpg)\n\n_The *cat*_\n"
    assert md(html, HUGO) == "{{< figure src=`https://x.test/a.jpg` alt=`A cat` caption=`The *cat*` >}}\n"


def test_gallery_keeps_every_image():
    html = ('<figure class="gallery"><a href="https://x.test/1.jpg"><img src="https://x.test/1.jpg" alt=""></a>'
            '<img src="https://x.test/2.jpg" alt="two"></figure>')
    out = md(html)
    assert "[![](https://x.test/1.jpg)](https://x.test/1.jpg)" in out and "![two](https://x.test/2.jpg)" in out


def test_code_block_keeps_its_language_and_text():
    html = '<pre><code class="language-python">if a &lt; b:\n    print("*x*")\n</code></pre>'
    assert md(html) == '```python\nif a < b:\n    print("*x*")\n```\n'


def test_table_and_nested_lists():
    table = md("<table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table>")
    assert table.splitlines()[0].replace(" ", "") == "|A|B|" and "| 1" in table
    lists = md("<ul><li>one<ul><li>inner</li></ul></li><li>two<ol><li>a</li></ol></li></ul>")
    assert lists == "- one\n  - inner\n- two\n  1. a\n"


def test_embeds_stay_html_or_become_hugo_shortcodes():
    html = '<figure class="embed embed-youtube"><iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" width="640"></iframe></figure>'
    assert md(html) == '<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" width="640"></iframe>\n'
    assert md(html, HUGO) == "{{< youtube dQw4w9WgXcQ >}}\n"
    assert md('<iframe src="https://player.vimeo.com/video/123"></iframe>', HUGO) == "{{< vimeo 123 >}}\n"
    video = md('<video controls src="https://x.test/v.mp4"><a href="https://x.test/v.mp4">v</a></video>')
    assert video == '<video controls src="https://x.test/v.mp4"></video>\n'


def test_block_editor_footnotes():
    html = ('<p>Claim<sup class="fn"><a href="#a1" id="a1-link">1</a></sup>.</p>'
            '<ol class="wp-block-footnotes"><li id="a1">Source <em>here</em>. <a href="#a1-link">↩︎</a></li></ol>')
    assert md(html) == "Claim[^1].\n\n[^1]: Source *here*.\n"


def test_media_urls_are_collected_and_mapped():
    html = ('<p><img src="https://x.test/wp-content/uploads/a.png" alt="">'
            '<a href="https://x.test/wp-content/uploads/doc.pdf">doc</a> <a href="https://x.test/page/">page</a></p>')
    converted = to_markdown(html, HtmlOptions(media_map=lambda url: "/media/" + url.rsplit("/", 1)[1]))
    assert converted.media == ["https://x.test/wp-content/uploads/a.png", "https://x.test/wp-content/uploads/doc.pdf"]
    assert converted.markdown == "![](/media/a.png)[doc](/media/doc.pdf) [page](https://x.test/page/)\n"


@pytest.mark.parametrize("url, media", [
    ("https://x.test/wp-content/uploads/2020/01/a.jpg", True),
    ("https://x.test/files/2016/11/a.JPG?w=150", True),
    ("https://x.test/2016/11/22/post/", False),
])
def test_is_media_url(url, media):
    assert is_media_url(url) is media


FIGURE = '<figure><img src="https://x.test/a.jpg" alt="A cat"><figcaption>The cat</figcaption></figure>'


@pytest.fixture
def broken_callback(monkeypatch):
    """Make our ``visit_figcaption`` callback raise ``error`` (visitor classes are rebuilt)."""
    from wpmigrate.writers.markdown import convert_html

    def install(error: BaseException):
        def visit_figcaption(self, ctx, text):
            raise error

        monkeypatch.setattr(convert_html._Visitor, "visit_figcaption", visit_figcaption)
        monkeypatch.setattr(convert_html, "_VISITOR_CLASSES", {})

    return install


def test_a_callback_that_raises_is_an_error_not_a_silent_fallback(broken_callback):
    broken_callback(KeyError("caption"))
    with pytest.raises(RuntimeError, match="visit_figcaption raised KeyError") as raised:
        md(FIGURE)
    assert type(raised.value).__name__ == "CallbackError" and isinstance(raised.value.__cause__, KeyError)
    assert md("<p>No figure here</p>") == "No figure here\n", "posts without the callback still convert"


def test_ctrl_c_in_a_callback_propagates(broken_callback):
    broken_callback(KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        md(FIGURE)


def test_the_cli_names_the_post_whose_conversion_failed(broken_callback, run_cli, tmp_path):
    from click.testing import CliRunner

    from tests.conftest import SAMPLE
    from wpmigrate.cli import cli

    sample = SAMPLE.read_text(encoding="utf-8").replace(
        "The proposed treaty", '<figure><img src="https://x.test/a.jpg" alt=""><figcaption>C</figcaption>'
        "</figure>\n\nThe proposed treaty", 1)
    assert "<figcaption>" in sample
    source = tmp_path / "in.xml"
    source.write_text(sample, encoding="utf-8")
    broken_callback(ValueError("bug"))
    result = CliRunner().invoke(cli, ["convert", str(source), "--to", "markdown", "-o", str(tmp_path / "out")])
    assert result.exit_code == 70, result.output
    assert "internal error (a bug) while writing post 2002 (" in result.stderr, result.stderr
