"""Names and titles as WordPress shows them: decoded once, in every format; JSON keeps the
exported value beside the decoded one where they differ (fixtures/names/entities.xml)."""

from __future__ import annotations

import json
import sqlite3
import tomllib

import pytest

from tests.conftest import FIXTURES
from wpmigrate.readers.elements import displayed
from wpmigrate.schema import post_from_dict

ENTITIES = FIXTURES / "names" / "entities.xml"

SITE_TITLE = "Pots & Pans – a kitchen blog"
AUTHOR = "Jo & Lee"
CATEGORY, CATEGORY_DESCRIPTION, TAG = "JavaScript & jQuery", "Scripts <and> snippets", "Salt & pepper"
TITLE, DOUBLE = "Bread & butter: the “basics”", "Writing &amp; in HTML &lt;code&gt;"
COMMENTER, PINGBACK = "Ana & Bo", "Some Blog – Notes"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [("Sport &amp; exercise", "Sport & exercise"), ("a &amp;amp; b", "a &amp; b"), ("x &#8211; y", "x – y"),
     ("&lt;b&gt;", "<b>"), ("plain", "plain"), ("a & b", "a & b"), ("&bogus; &#38;", "&bogus; &")],
)
def test_a_name_is_decoded_once(raw, shown):
    assert displayed(raw) == (shown, raw if shown != raw else None)


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    from click.testing import CliRunner

    from wpmigrate.cli import cli

    out = tmp_path_factory.mktemp("names")
    for to, name in (("json", "site.json"), ("ndjson", "site.ndjson"), ("sqlite", "site.db"), ("markdown", "md")):
        args = ["convert", str(ENTITIES), "--to", to, "-o", str(out / name)]
        if to == "markdown":
            args += ["--profile", "hugo", "--front-matter", "toml"]
        result = CliRunner().invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
    return out


def test_json_has_every_name_decoded_and_the_exported_value_where_it_differs(converted):
    data = json.loads((converted / "site.json").read_text())
    assert (data["site"]["title"], data["site"]["title_raw"]) == (SITE_TITLE, "Pots &amp; Pans – a kitchen blog")
    assert data["site"]["description"] == "Recipes & more"
    assert (data["authors"][0]["display_name"], data["authors"][0]["display_name_raw"]) == (AUTHOR, "Jo &amp; Lee")
    terms = {t["slug"]: t for t in data["terms"]}
    assert (terms["javascript-jquery"]["name"], terms["javascript-jquery"]["name_raw"]) == (
        CATEGORY, "JavaScript &amp; jQuery")
    assert terms["javascript-jquery"]["description"] == CATEGORY_DESCRIPTION
    assert terms["salt-pepper"]["name"] == TAG
    assert "name_raw" not in terms["plain"], "the exported value only where it differs"
    first, second = data["posts"]
    assert (first["title"], first["title_raw"]) == (TITLE, "Bread &amp; butter: the “basics”")
    assert (second["title"], second["title_raw"]) == (DOUBLE, "Writing &amp;amp; in HTML &amp;lt;code&amp;gt;")
    assert {t["name"] for t in first["terms"]} == {CATEGORY, "Plain", TAG}
    names = [(c["author"]["name"], c["author"].get("name_raw")) for c in first["comments"]]
    assert names == [(COMMENTER, "Ana &amp; Bo"), (PINGBACK, "Some Blog &#8211; Notes")]
    assert post_from_dict(first).title_raw == first["title_raw"], "the JSON form reads back"


def test_ndjson_as_json(converted):
    lines = [json.loads(line) for line in (converted / "site.ndjson").read_text().splitlines()]
    titles = [line.get("title") for line in lines if line.get("kind") == "post"]
    assert titles == [TITLE, DOUBLE]


def test_sqlite_stores_the_names_as_shown(converted):
    with sqlite3.connect(converted / "site.db") as db:
        assert db.execute("SELECT title FROM site").fetchone()[0] == SITE_TITLE
        assert db.execute("SELECT display_name FROM authors").fetchone()[0] == AUTHOR
        assert {row[0] for row in db.execute("SELECT name FROM terms")} == {CATEGORY, "Plain", TAG}
        assert [row[0] for row in db.execute("SELECT title FROM posts ORDER BY id")] == [TITLE, DOUBLE]
        assert [row[0] for row in db.execute("SELECT author_name FROM comments ORDER BY id")] == [COMMENTER, PINGBACK]


def test_markdown_front_matter_and_comments_show_the_names(converted):
    root = converted / "md"
    text = "".join(path.read_text() for path in root.rglob("*") if path.is_file())
    for escaped in ("&amp;", "&#8211;", "&#038;", "&lt;code"):
        assert escaped not in text.replace(DOUBLE, ""), escaped
    post = next(root.rglob("bread-butter.md")).read_text().split("+++")[1]
    front = tomllib.loads(post)
    assert front["title"] == TITLE and front["author"] == AUTHOR
    assert set(front["categories"]) == {CATEGORY, "Plain"} and front["tags"] == [TAG]
    other = tomllib.loads(next(root.rglob("code-tag.md")).read_text().split("+++")[1])
    assert other["title"] == DOUBLE
    comments = json.loads(next((root / "data" / "comments").rglob("*.json")).read_text())["comments"]
    assert [c["author"] for c in comments] == [COMMENTER, PINGBACK]
