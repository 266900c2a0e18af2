"""Generated content through WordPress and the cleaner: nested blocks, shortcodes (in attribute
values too), <pre>, HTML comments and odd newlines, as a post and as a comment. Every stage
must agree or differ for a listed reason (tests/oracle/compare.py).

One harness process answers all examples. The number of examples is bounded
(WPMIGRATE_ORACLE_EXAMPLES, default 60) and the examples are the same on every run, so that CI
stays quick and steady; raise the number, and set WPMIGRATE_ORACLE_RANDOM=1 for new examples,
to search harder.
"""

from __future__ import annotations

import difflib
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.oracle import agreement, wordpress

EXAMPLES = int(os.environ.get("WPMIGRATE_ORACLE_EXAMPLES", "60"))

WORDS = st.sampled_from(["alpha", "beta", "x", "Hello", "l'été", "a&b", "1 < 2", "5 > 3", "say \"hi\"", "http://example.org/p"])
NEWLINES = st.sampled_from(["", " ", "\n", "\n\n", "\r\n", "\r\n\r\n", "\n \n", "\n\n\n", "\t\n"])
INLINE = st.sampled_from(["<em>", "</em>", "<strong>", "</strong>", "<br>", "<br />", '<a href="http://example.org/">', "</a>"])


def _text() -> st.SearchStrategy[str]:
    return st.lists(st.one_of(WORDS, INLINE, NEWLINES), min_size=1, max_size=6).map(" ".join)


@st.composite
def _shortcode(draw, inner: st.SearchStrategy[str]) -> str:
    tag = draw(st.sampled_from(["caption", "gallery", "audio", "code", "youtube", "unknown-tag", "embed"]))
    attrs = draw(st.sampled_from(["", ' id="attachment_5" width="300"', " ids=1,2", " http://example.org/v", ' a="[b]"']))
    if draw(st.booleans()):
        return f"[{tag}{attrs}]"
    escaped = draw(st.sampled_from(["", "["]))
    return f"{escaped}[{tag}{attrs}]{draw(inner)}[/{tag}]{']' if escaped else ''}"


def _piece(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        _text(),
        _shortcode(inner),
        inner.map(lambda t: f"<pre>{t}\n\nend</pre>"),
        inner.map(lambda t: f"<!-- {t} -->"),
        inner.map(lambda t: f"<div>{t}</div>"),
        inner.map(lambda t: f"<blockquote>{t}</blockquote>"),
        inner.map(lambda t: f"<ul>\n<li>{t}</li>\n</ul>"),
        st.sampled_from(['<a title="[caption]x[/caption]" href="#">t</a>', '<img src="a.jpg" alt="[gallery]" />',
                         "<!--more-->", "<hr>", "<p>para</p>"]),
        inner.map(lambda t: f"<!-- wp:paragraph -->\n<p>{t}</p>\n<!-- /wp:paragraph -->"),
        inner.map(lambda t: f'<!-- wp:group {{"layout":{{"type":"flow"}}}} -->\n<div class="wp-block-group">'
                            f"<!-- wp:quote -->\n<blockquote>{t}</blockquote>\n<!-- /wp:quote --></div>\n<!-- /wp:group -->"),
    )


CONTENT = st.recursive(
    _text(),
    lambda inner: st.lists(st.tuples(_piece(inner), NEWLINES), min_size=1, max_size=4).map(
        lambda parts: "".join(p + sep for p, sep in parts)),
    max_leaves=8,
)


@pytest.fixture(scope="module")
def session():
    wordpress.require()
    with wordpress.Session(agreement.settings()) as running:
        yield running


@settings(max_examples=EXAMPLES, deadline=None, derandomize=os.environ.get("WPMIGRATE_ORACLE_RANDOM") != "1",
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(CONTENT)
def test_generated_content_renders_as_wordpress_does(session, text):
    tally = agreement.compare_text(session, text)
    failed = {stage: dict(c) for stage, c in tally.counts.items() if c["differ"] or c["error"]}
    if failed or tally.errors:
        lines = [f"{stage}: {dict(c)}" for stage, c in failed.items()] + [f"WordPress failed: {m}" for m in tally.errors]
        for d in tally.disagreements[:2]:
            lines += [f"-- {d.stage}"] + list(difflib.unified_diff(d.ours.splitlines(), d.theirs.splitlines(),
                                                                     "cleaner", "wordpress", n=1, lineterm=""))[:30]
        pytest.fail("\n".join(lines))
