"""The cleaner against WordPress itself (tests/oracle): the harness, the shared corpus, generated
exports, and the listed differences' fixtures (docs/wordpress-differences.md).

Needs PHP and Debian's WordPress (.ci/setup-tools installs them); skipped without them,
failed instead with WPMIGRATE_REQUIRE_TOOLS=1.
"""

from __future__ import annotations

import difflib
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import CORPUS, FIXTURES, corpus_files
from tests.oracle import agreement, compare, wordpress
from tests.oracle.agreement import STAGES, Tally
from wpmigrate.clean.pipeline import CleanOptions, _clean_comment, clean_html
from wpmigrate.clean.shortcodes import ShortcodeContext
from wpmigrate.clean.textformats import detect_format
from wpmigrate.errors import InputError
from wpmigrate.model import Comment

GEN_WXR = CORPUS.parent / "tools" / "gen_wxr.py"
DIFFERENCES = FIXTURES / "wordpress-differences"


@pytest.fixture(scope="module")
def oracle() -> None:
    wordpress.require()


@pytest.fixture(scope="module")
def session(oracle):
    with wordpress.Session(agreement.settings()) as running:
        yield running


def render_one(text: str, kind: str = "post", **settings) -> wordpress.Rendered:
    item = wordpress.Item("x", kind, text, 1)
    return wordpress.render([item], {**agreement.settings(), **settings})["x"]


def assert_all_agree(tally: Tally, where: str) -> None:
    """Every stage of every item agrees, or differs for a named reason; WordPress rendered all."""
    assert tally.counts, f"{where}: nothing was compared"
    failed = {stage: dict(c) for stage, c in tally.counts.items() if c["differ"] or c["error"]}
    if failed or tally.errors:
        first = tally.disagreements[0] if tally.disagreements else None
        diff = "" if first is None else f"\nfirst: {first.item}, {first.stage}\n" + "\n".join(
            list(difflib.unified_diff(first.ours.splitlines(), first.theirs.splitlines(),
                                      "cleaner", "wordpress", n=1, lineterm=""))[:40])
        errors = "".join(f"\nWordPress failed: {msg} (x{n})" for msg, n in tally.errors.most_common(3))
        pytest.fail(f"{where}: {failed}{errors}{diff}")


# --------------------------------------------------------------------------- the harness


def test_harness_runs_wordpress(oracle):
    """The stages are WordPress's own: curly quotes, smilies, paragraphs, caption markup."""
    rendered = render_one('"Hi" :)\n\n[caption id="attachment_3" width="50"]<img src="a.jpg" /> Cap[/caption]',
                          markers=[])
    assert rendered.errors == {}
    assert rendered.stages["wptexturize"].startswith("&#8220;Hi&#8221;")
    assert "\U0001f642" in rendered.stages["convert_smilies"]
    assert rendered.stages["wpautop"].startswith("<p>")
    assert 'class="wp-caption alignnone"' in rendered.stages["the_content"]
    assert "&#8220;Hi&#8221;" in rendered.stages["the_content"]
    assert "&#8220;" not in rendered.stages["the_content_comparable"]  # wptexturize skipped


def test_harness_reports_database_access_per_item(oracle):
    """What needs a database is that stage's error, not a crash of the run: an embed outside
    any post is cached by WordPress in a new post."""
    items = [wordpress.Item("a", "post", "[embed]http://v.test/1[/embed]", 0), wordpress.Item("b", "post", "plain", 1)]
    out = wordpress.render(items, {**agreement.settings(), "markers": []})
    assert "database" in out["a"].errors["the_content"]
    assert out["b"].errors == {} and out["b"].stages["the_content"] == "<p>plain</p>\n"


def test_galleries_come_from_the_export(oracle):
    attachments = [{"id": 5, "url": "http://example.org/a.jpg", "parent": 1, "title": "Aye", "caption": "", "alt": ""}]
    out = render_one("[gallery]", markers=[], attachments=attachments)
    assert "gallery-columns-3" in out.stages["the_content"]
    assert "?attachment_id=5" in out.stages["the_content"]


def test_each_post_starts_afresh(oracle):
    """do_blocks() moves wpautop after shortcode_unautop for later posts of the same page: the
    harness resets the hooks, so a classic post after a block post renders as on its own page."""
    items = [wordpress.Item("blocks", "post", "<!-- wp:paragraph --><p>a</p><!-- /wp:paragraph -->", 1),
             wordpress.Item("classic", "post", "[gallery]", 1)]
    out = wordpress.render(items, agreement.settings())
    assert out["classic"].stages["the_content_comparable"].startswith("<span class=\"wpm-shortcode\"")


def test_make_clickable_as_comment_text_runs_it(oracle):
    out = render_one("see http://example.org/x", kind="comment")
    assert 'rel="nofollow ugc"' in out.stages["make_clickable"]


def test_markers_are_the_same_on_both_sides(session):
    tally = agreement.compare_text(session, '[gallery ids="1,2" columns=3]\n\n[youtube http://y.test/v]\n\n'
                                            '[code lang="x"]a[b]c[/code]\n\n[[gallery]] [embed]http://v.test/1[/embed]')
    assert tally.counts["do_shortcode"]["identical"] == 1


def test_a_bad_first_line_is_a_clear_error(oracle):
    done = subprocess.run(["php", str(wordpress.HARNESS)], input="not json\n", capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "first line must be the run's settings" in done.stderr


def test_missing_wordpress_skips_or_fails(monkeypatch, tmp_path):
    monkeypatch.setattr(wordpress, "WORDPRESS", tmp_path)
    assert "WordPress is not at" in wordpress.missing()
    monkeypatch.setenv("WPMIGRATE_REQUIRE_TOOLS", "1")
    with pytest.raises(pytest.fail.Exception, match="WPMIGRATE_REQUIRE_TOOLS=1"):
        wordpress.require()
    monkeypatch.delenv("WPMIGRATE_REQUIRE_TOOLS")
    with pytest.raises(pytest.skip.Exception, match="apt-get install wordpress"):
        wordpress.require()


def test_normal_tree_ignores_only_what_html_does_not_show():
    assert compare.agree("<p>a</p>\n\n<p>b</p>", "<p>a</p><p>b</p>") == "equivalent"
    assert compare.agree('<p class="x y">a  b</p>', '<p class="y x">a b</p>') == "equivalent"
    assert compare.agree("<pre>a\n b</pre>", "<pre>a\nb</pre>") is None
    assert compare.agree("<p>a <em>b</em></p>", "<p>a<em>b</em></p>") is None
    assert compare.agree("<p>a</p><!-- c -->", "<p>a</p>") == "equivalent"


# --------------------------------------------------------------------------- whole exports


@pytest.mark.parametrize("name", corpus_files())
def test_corpus_file_renders_as_wordpress_does(oracle, name):
    try:
        tally = agreement.compare_export(CORPUS / name)
    except InputError as exc:
        pytest.skip(f"{name} is not readable as an export: {exc}")
    if not tally.counts:
        pytest.skip(f"{name} holds no post content and no approved comment")
    assert_all_agree(tally, name)


def test_generated_export_renders_as_wordpress_does(oracle, tmp_path):
    if not GEN_WXR.is_file():
        pytest.skip(f"the export generator is not at {GEN_WXR}")
    path = tmp_path / "gen.xml"
    subprocess.run([sys.executable, str(GEN_WXR), "--posts", "60", "--seed", "18", "--out", str(path), "-q"], check=True)
    tally = agreement.compare_export(path)
    assert tally.counts["do_shortcode"]["identical"] > 0 and tally.counts["comment_text"]["identical"] > 0
    assert_all_agree(tally, "generated export")


# --------------------------------------------------------------------------- listed differences


def _fixtures() -> list[Path]:
    return sorted(DIFFERENCES.glob("*.html"))


def test_every_difference_is_documented():
    text = (FIXTURES.parent / "docs" / "wordpress-differences.md").read_text(encoding="utf-8")
    for name in [d.name for d in compare.DELIBERATE] + [item.name for item in compare.LISTED]:
        assert f"`{name}`" in text, f"{name} is not in docs/wordpress-differences.md"
    for name in compare.SKIPPED_FILTERS:
        assert name in text, f"the skipped filter {name} is not named in docs/wordpress-differences.md"


def test_every_difference_has_a_fixture():
    names = {path.name.split(".")[0] for path in _fixtures()}
    assert names == {d.name for d in compare.DELIBERATE} | {item.name for item in compare.LISTED}


@pytest.mark.parametrize("path", _fixtures(), ids=lambda p: p.name)
def test_difference_fixture(oracle, path):
    """The fixture differs between WordPress and the cleaner as they run, and the named
    difference is what explains it: switched off, they agree; for a filter WordPress runs
    and the project does not, keeping that one filter brings the difference back."""
    name, kind = path.name.split(".")[:2]
    text = path.read_text(encoding="utf-8")
    real_stage, stage = ("comment_text", "comment_text") if kind == "comment" else ("the_content", "the_content")
    theirs = render_one(text, kind, markers=[]).stages[real_stage]
    assert compare.agree(_cleaned(text, kind), theirs) is None, f"{name}: no difference shows"
    deliberate = next((d for d in compare.DELIBERATE if d.name == name), None)
    outcomes = _compared(text, kind)[stage]
    if deliberate is None:
        assert outcomes["listed"] == 1, f"{name}: not recognised as listed: {dict(outcomes)}"
        return
    assert outcomes["differ"] == 0, f"{name}: still differs with the deliberate differences off"
    if deliberate.skip:
        kept = [f for f in compare.SKIPPED_FILTERS if f not in deliberate.skip]
        assert _compared(text, kind, skip=kept)[stage]["differ"] == 1, f"{name}: its filters change nothing"


def _cleaned(text: str, kind: str) -> str:
    if kind == "comment":
        return _clean_comment(Comment(id=1, content=text)).content_html
    return clean_html(text, ShortcodeContext(post_id=1), CleanOptions(), Counter(), detect_format(text)[0])


def _compared(text: str, kind: str, **settings) -> dict[str, Counter]:
    with wordpress.Session({**agreement.settings(), **settings}) as running:
        tally = agreement.compare_text(running, text)
    return {stage: tally.counts.get(stage, Counter()) for stage in STAGES}

