"""The noise pre-check: derived from the rule table, never "no" where the noise pass would
remove something (a superset), and "no" for ordinary content (so it saves the parse)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wpmigrate.clean.noise import DEFAULT_RULES, NoiseRule, parse_fragment, strip_noise_soup
from wpmigrate.clean.noise_filter import NoiseFilter, noise_filter, required_literals
from wpmigrate.clean.noise_rules import RULES
from wpmigrate.clean.autop import wpautop
from tests.conftest import corpus_export, corpus_files

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seed-noise"


def _removes_something(html: str, rules=DEFAULT_RULES) -> bool:
    return bool(strip_noise_soup(parse_fragment(html), rules))


@pytest.mark.parametrize(
    ("pattern", "literals"),
    [
        ("Share this:", {"Share this:"}),
        (r"(?:Loading|Wird geladen)(?: Comments)?(?:\.\.\.|…)", {"Loading", "Wird geladen"}),
        (r"(?:%d|\d[\d,.]*) bloggers? like", {" blogger"}),
        (r"a?b*", None),  # nothing is required
        (r"(?i:Share) this", {" this"}),  # a case-blind part requires no literal
        (r"(?i)Share this", None),
        (r"x|\d+", None),  # one alternative requires nothing
        (r"(?:ab){2,}", {"ab"}),
    ],
)
def test_required_literals(pattern: str, literals: set[str] | None) -> None:
    assert required_literals(pattern) == (None if literals is None else frozenset(literals))


def test_every_default_rule_can_be_prechecked() -> None:
    """Were one rule not reducible, every post would take the full parse."""
    assert not noise_filter(DEFAULT_RULES).always
    assert len(RULES) == len(DEFAULT_RULES)


def test_plain_content_skips_the_parse() -> None:
    check = noise_filter(DEFAULT_RULES)
    assert not check.may_match('<p>A <a href="https://e.org/?share=1">post</a> about likes.</p>\n<ul><li>x</li></ul>')
    assert not check.may_match('<figure class="wp-block-image"><img src="a.jpg" width="1" alt=""></figure>')
    assert check.may_match('<div class="sharedaddy sd-sharing-enabled"><h3>Share this:</h3></div>')


def test_unreducible_rules_make_every_document_a_maybe() -> None:
    check = NoiseFilter((NoiseRule(name="noise:any", selector="*"),))
    assert check.always and check.may_match("<p>x</p>")
    assert NoiseFilter((NoiseRule(name="noise:t", text=r"\d+"),)).may_match("plain")


@pytest.mark.parametrize("name", sorted(p.name for p in SEEDS.glob("*.html")))
def test_seed_fixtures(name: str) -> None:
    html = (SEEDS / name).read_text()
    if _removes_something(html):
        assert noise_filter(DEFAULT_RULES).may_match(html)


# Pieces of noise as WordPress.com writes it, and as scrapers and editors mangle it.
_PIECES = [
    '<div class="sharedaddy sd-sharing-enabled">', '<div class="share&#100;addy">', "</div>",
    '<div class="x\tsd-like y">', '<li class="share-twitter">', "</li>", '<img width="1" height="1" src="t.gif">',
    '<img src="https://pixel.wp.com/g.gif">', '<img src="https://pixel&#46;wp.com/g.gif">',
    '<a class="a  share-b" href="#">', "</a>", '<div id="jp-relatedposts">', '<div id="respond">',
    '<iframe src="https://widgets.wp.com/likes/x">', "<p>", "</p>", "<div>", "<h3>", "</h3>", "<b>", "</b>",
    "Share this:", "Share <b>this:</b>", "Share&#32;this:", "Share&nbsp;\n this:", "Sh<!-- c -->are this:",
    "Share <script>x</script>this:", "Share <template>t</template>this:", "Like this:", "Like", "Loading...",
    "Loading&hellip;", "Lo<i>ading</i>...", "12 bloggers like this.", "One blogger likes this", "Advertisements",
    "<!-- Jetpack Related Posts is not supported in this context. -->", "<!--Jetpack Related Posts is not supported"
    " in this context.-->", "Blog at WordPress.com.", "Report this ad", "words", " ", "\n", "&amp;", "<",
    "<![CDATA[Loading...]]>", "<style>Loading...</style>", "<rt>Loading...</rt>", "<title>Loading...</title>",
    "</body>", "<html>", "<p class=", '"', "'",
]  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), max_size=14))
def test_never_says_no_where_the_noise_pass_removes_something(pieces: list[str]) -> None:
    html = "".join(pieces)
    if _removes_something(html):
        assert noise_filter(DEFAULT_RULES).may_match(html)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' &;#!-[]abdiplstv:.\n")), max_size=60))
def test_superset_on_arbitrary_markup(html: str) -> None:
    rules = (*DEFAULT_RULES, NoiseRule(name="noise:t", text="a", tags=("p", "div", "b")),
             NoiseRule(name="noise:s", selector="b.a, [id|=a], i[title~=b]"))  # fmt: skip
    if _removes_something(html, rules):
        assert noise_filter(rules).may_match(html)


@pytest.mark.parametrize("name", corpus_files())
def test_superset_on_the_corpus(name: str) -> None:
    _, posts = corpus_export(name)
    check = noise_filter(DEFAULT_RULES)
    for html in [p.content.raw for p in posts] + [wpautop(p.content.raw) for p in posts]:
        if _removes_something(html):
            assert check.may_match(html)


@pytest.mark.parametrize("depth", [100, 300, 3000])
def test_noise_below_what_libxml2_keeps_in_its_own_tree(depth: int) -> None:
    """bs4 gets every level by events; lxml's own tree stops near 2,000: the check says
    "maybe" rather than miss noise it cannot see."""
    html = "<div>" * depth + '<div class="sharedaddy"><h3>Share this:</h3></div>'
    assert _removes_something(html)
    assert noise_filter(DEFAULT_RULES).may_match(html)
