"""The SQL writer: schema, quoting, batching, and loads into real databases."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Text, insert, literal

from tests.conftest import CORPUS, FIXTURES, SAMPLE
from tests.dbservers import (  # noqa: F401 - fixtures
    Postgres,
    compare_tables,
    expected_rows,
    fetch,
    json_output,
    mariadb,
    postgres,
    sqlite_shell,
)
from wpmigrate.cli import cli
from wpmigrate.errors import MalformedInputError, NotWXRError, UsageError
from wpmigrate.model import Comment, Content, Export, Meta, Post, Site
from wpmigrate.writers.sql import script as sql_script
from wpmigrate.writers.sql.rows import RowBuilder, parents_first
from wpmigrate.writers.sql.script import make_dialect
from wpmigrate.writers.sql.tables import TABLE_ORDER, build_schema

HOSTILE = FIXTURES / "sql" / "hostile.xml"
DIALECTS = ("sqlite", "postgresql", "mysql")


def script_for(path: Path, tmp: Path, dialect: str, **options) -> Path:
    """The script ``convert --to sql`` writes: the same transforms as the JSON it is compared with."""
    from wpmigrate.convert import ConvertOptions, convert

    out = tmp / f"{path.stem}.{dialect}.sql"
    convert([str(path)], ConvertOptions(to="sql", output=str(out), force=True,
                                        format_options={"dialect": dialect, **options}))
    return out


@pytest.fixture
def load(request, tmp_path):
    """``load(script, dialect) -> (database, handle)``, with the server for the dialect."""

    def run(script: Path, dialect: str):
        if dialect == "sqlite":
            shell = request.getfixturevalue("sqlite_shell")
            database = script.with_suffix(".db")
            shell.load(script, database)
            return database, None
        server = request.getfixturevalue("postgres" if dialect == "postgresql" else "mariadb")
        name = server.new_database()
        server.load(script, name)
        return server, name

    return run


# ---------------------------------------------------------------- units


def test_parents_first_orders_parents_before_children_and_breaks_cycles():
    order, parents = parents_first([1, None, 0, 3, 5, 4])
    assert parents == [1, None, 0, None, 5, None]
    position = {node: i for i, node in enumerate(order)}
    assert sorted(order) == list(range(6))
    for node, parent in enumerate(parents):
        if parent is not None:
            assert position[parent] < position[node]


def test_rows_consume_the_stream_once():
    def posts():
        yield Post(id=1, comments=(Comment(id=5, parent=7), Comment(id=7)))
        yield Post(id=1, parent=1, meta=(Meta("k", [1, "x"]),))

    export = Export(site=Site(), authors=(), terms=(), posts=iter(()))
    rows = list(RowBuilder(export).rows(posts()))
    names = [name for name, _ in rows]
    assert names == ["site", "posts", "comments", "comments", "posts", "post_meta"]
    comments = [row for name, row in rows if name == "comments"]
    assert [(c["id"], c["parent_id"]) for c in comments] == [(2, None), (1, 2)]  # parent first
    assert [row["id"] for name, row in rows if name == "posts"] == [1, 2]  # repeated wp id, two rows
    assert rows[-1][1]["meta_json"] == '[1,"x"]' and rows[-1][1]["meta_value"] is None


@pytest.mark.parametrize("dialect", DIALECTS)
def test_literals_are_what_sqlalchemy_itself_renders(dialect, tmp_path):
    """Our fast path (one compiler, render_literal_value) matches a full literal_binds compile."""
    nasty = "it's \\ ;-- $$ `x` 100% %s 😀 שלום\n\t"
    schema = build_schema()
    export = Export(site=Site(title=nasty), authors=(), terms=(), posts=iter(()))
    post = Post(id=3, title=nasty, content=Content(raw=nasty * 3), sticky=True, date="2020-01-01T00:00:00Z")
    row = next(row for name, row in RowBuilder(export).post_rows(post) if name == "posts")
    renderer = sql_script.Renderer(schema, "posts", make_dialect(dialect))
    ours = renderer.head + renderer.row(row)
    if dialect == "mysql":  # DATETIME text for MySQL
        row = {**row, "date": "2020-01-01 00:00:00"}
    # Text, JSON and dates go in as string literals; numbers and booleans as themselves.
    kinds = dict(schema.kinds["posts"])
    values = {k: literal(v, Text()) if kinds[k] not in ("int", "bigint", "bool") and v is not None else v
              for k, v in row.items()}
    theirs = sql_script.compiled(insert(schema.tables["posts"]).values(values), make_dialect(dialect))
    assert ours.replace("\n", " ") == theirs.replace("\n", " ")
    assert "100%%" not in ours  # never doubled as for a DB-API driver
    site = {column: "" for column, _ in schema.kinds["site"]}
    cr = sql_script.Renderer(schema, "site", make_dialect(dialect)).row(
        {**site, "id": 1, "schema_version": 1, "title": "a\r\nb"}
    )
    # The sqlite3 and mariadb shells would drop the CR of a CRLF inside a literal: hex.
    assert ("X'610d0a62'" in cr) == (dialect != "postgresql")


@pytest.mark.parametrize("dialect", DIALECTS)
def test_output_is_deterministic(dialect, tmp_path):
    (tmp_path / "again").mkdir()
    first = script_for(HOSTILE, tmp_path, dialect)
    second = script_for(HOSTILE, tmp_path / "again", dialect)
    assert first.read_bytes() == second.read_bytes()


def test_script_shape(tmp_path):
    text = script_for(SAMPLE, tmp_path, "postgresql").read_text(encoding="utf-8")
    assert text.count("BEGIN;") == 1 and text.rstrip().endswith("COMMIT;")
    assert "CREATE TABLE posts" in text and "CREATE INDEX ix_posts_type_status_date" in text
    assert "INSERT INTO posts (id, wp_id" in text
    mysql = script_for(SAMPLE, tmp_path, "mysql").read_text(encoding="utf-8")
    assert "ENGINE=InnoDB" in mysql and "START TRANSACTION;" in mysql
    assert mysql.index("CREATE TABLE") < mysql.index("START TRANSACTION;")  # DDL commits in MySQL
    schema = script_for(SAMPLE, tmp_path, "sqlite", schema_only=True).read_text()
    assert "CREATE TABLE" in schema and "INSERT" not in schema
    data = script_for(SAMPLE, tmp_path, "sqlite", data_only=True).read_text()
    assert "CREATE TABLE" not in data and "INSERT INTO" in data
    prefixed = script_for(SAMPLE, tmp_path, "sqlite", table_prefix="wp2_").read_text()
    assert "CREATE TABLE wp2_posts" in prefixed and "REFERENCES wp2_posts (id)" in prefixed


def test_bad_options_are_refused():
    with pytest.raises(UsageError):
        sql_script.check_options(schema_only=True, data_only=True)
    with pytest.raises(UsageError):
        sql_script.check_options(dialect="oracle")
    with pytest.raises(UsageError):
        sql_script.check_options(table_prefix="x; DROP")
    assert sql_script.dialect_name("MariaDB") == "mysql"


def test_cli(tmp_path):
    runner = CliRunner()
    out = tmp_path / "blog.sql"
    result = runner.invoke(cli, ["convert", str(SAMPLE), "--to", "sql", "--dialect", "mysql", "-o", str(out),
                                 "--table-prefix", "wp_"])
    assert result.exit_code == 0, result.output
    assert "CREATE TABLE wp_posts" in out.read_text(encoding="utf-8")
    result = runner.invoke(cli, ["convert", str(SAMPLE), "--to", "json", "--dialect", "mysql", "-o", "-"])
    assert result.exit_code == 2 and "--dialect" in result.output
    result = runner.invoke(cli, ["convert", str(SAMPLE), "--to", "sql", "--schema-only", "--data-only", "-o", "-"])
    assert result.exit_code == 2
    result = runner.invoke(cli, ["convert", str(SAMPLE), "--to", "sql", "-o", "-"])
    assert result.exit_code == 0 and "PRAGMA foreign_keys = ON;" in result.output


def test_batches_keep_foreign_keys_in_every_statement(tmp_path, monkeypatch, sqlite_shell):
    """Tiny batches interleave the tables; the load (foreign keys on) still succeeds."""
    monkeypatch.setattr(sql_script, "BATCH_ROWS", 2)
    script = script_for(HOSTILE, tmp_path, "sqlite")
    assert script.read_text(encoding="utf-8").count("INSERT INTO comments") > 2
    database = tmp_path / "b.db"
    sqlite_shell.load(script, database)
    compare_tables(database, None, expected_rows(json_output(HOSTILE, tmp_path)))


# ---------------------------------------------------------------- real databases


@pytest.mark.parametrize("dialect", DIALECTS)
def test_hostile_fixture_round_trips_exactly(dialect, tmp_path, load):
    script = script_for(HOSTILE, tmp_path, dialect)
    database, handle = load(script, dialect)
    doc = json_output(HOSTILE, tmp_path)
    assert max(len(p["content"]["raw"]) for p in doc["posts"]) > 1_000_000
    compare_tables(database, handle, expected_rows(doc))
    # References resolved to surrogate keys, as documented.
    posts = fetch(database, handle, "posts", ["id", "wp_id", "parent_id", "author_id"])
    by_wp = {}
    for post in posts:
        by_wp.setdefault(post["wp_id"], post["id"])
    assert [p["parent_id"] for p in posts] == [None, by_wp[12], None, None, None, None, None]
    assert {p["author_id"] for p in posts} == {1}
    comments = fetch(database, handle, "comments", ["id", "wp_id", "parent_id"])
    ids = {c["wp_id"]: c["id"] for c in comments[:7]}
    assert [c["parent_id"] for c in comments[:7]] == [ids[102], None, None, None, ids[106], None, None]
    terms = fetch(database, handle, "terms", ["slug", "parent_id"])
    assert terms[0]["parent_id"] == 2 and terms[2]["parent_id"] is None
    meta = fetch(database, handle, "post_meta", ["meta_value", "meta_json"])
    assert sum(1 for m in meta if m["meta_value"] is None and m["meta_json"] is None) == 1  # N; is JSON null


@pytest.mark.parametrize("dialect", DIALECTS)
def test_schema_only_then_data_only_with_prefix(dialect, tmp_path, load):
    (tmp_path / "s").mkdir()
    schema = script_for(SAMPLE, tmp_path / "s", dialect, schema_only=True, table_prefix="x_")
    data = script_for(SAMPLE, tmp_path, dialect, data_only=True, table_prefix="x_")
    combined = tmp_path / "combined.sql"
    combined.write_bytes(schema.read_bytes() + data.read_bytes())
    database, handle = load(combined, dialect)
    compare_tables(database, handle, expected_rows(json_output(SAMPLE, tmp_path)), prefix="x_")


def _corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("**/*.xml")) if CORPUS.is_dir() else []


@pytest.mark.parametrize("dialect", DIALECTS)
def test_corpus_loads_with_the_json_row_counts(dialect, tmp_path, load):
    files = _corpus_files()
    if not files:
        pytest.skip(f"no corpus at {CORPUS}")
    loaded = 0
    for number, path in enumerate([SAMPLE, *files]):
        work = tmp_path / str(number)
        work.mkdir()
        try:
            doc = json_output(path, work)
        except (MalformedInputError, NotWXRError):
            continue  # not well-formed: not an export to load
        script = script_for(path, work, dialect)
        database, handle = load(script, dialect)
        expected = expected_rows(doc)
        # Counts for every table; values for text that carries no personal data.
        sample = {"posts": ["wp_id", "type", "title", "slug", "content_raw", "date"],
                  "comments": ["wp_id", "content"], "terms": ["taxonomy", "slug", "name"],
                  "post_meta": ["meta_key", "meta_value", "meta_json"], "site": ["title", "link"],
                  "authors": ["login"], "term_meta": ["meta_key"], "post_terms": ["slug"],
                  "comment_meta": ["meta_key"]}
        try:
            compare_tables(database, handle, expected, columns=sample)
        except AssertionError as error:
            raise AssertionError(f"{path.relative_to(path.parents[1])}: {error}") from None
        loaded += 1
    assert loaded > 1


def test_require_databases_turns_skips_into_failures():
    from tests import dbservers

    if os.environ.get("WPMIGRATE_REQUIRE_DATABASES") == "1":
        with pytest.raises(pytest.fail.Exception):
            dbservers.unavailable("nothing")
    else:
        with pytest.raises(pytest.skip.Exception):
            dbservers.unavailable("nothing")


def test_every_table_is_created_in_every_dialect():
    schema = build_schema("p_")
    for dialect in DIALECTS:
        statements = sql_script.ddl(schema, make_dialect(dialect))
        assert sum(s.startswith("CREATE TABLE") for s in statements) == len(TABLE_ORDER)
    assert not isinstance(Postgres, type(None))


def huge_numbers(tmp: Path) -> Path:
    """The sample with a post parent, a menu order and a comment id past 64 bits (a damaged export)."""
    text = SAMPLE.read_text(encoding="utf-8")
    text = text.replace("<wp:post_parent>0</wp:post_parent>", f"<wp:post_parent>{2**70}</wp:post_parent>", 1)
    text = text.replace("<wp:menu_order>0</wp:menu_order>", f"<wp:menu_order>{-2**64}</wp:menu_order>", 1)
    text = text.replace("<wp:comment_id>501</wp:comment_id>", f"<wp:comment_id>{2**64}</wp:comment_id>", 1)
    source = tmp / "huge.xml"
    source.write_text(text, encoding="utf-8")
    return source


@pytest.mark.parametrize("dialect", DIALECTS)
def test_numbers_past_64_bits_load_as_null_or_zero_with_a_note(dialect, tmp_path, load):
    """No database's BIGINT holds them: the script would not load (PostgreSQL, MariaDB) or keep them rounded."""
    script = tmp_path / "huge.sql"
    result = CliRunner().invoke(cli, ["convert", str(huge_numbers(tmp_path)), "--to", "sql", "--dialect", dialect,
                                      "-o", str(script)])
    assert result.exit_code == 0, result.output
    assert "3 number(s) past 64 bits" in result.stderr
    assert "comments.wp_id (1), posts.menu_order (1), posts.parent_wp_id (1)" in result.stderr
    database, handle = load(script, dialect)
    first = fetch(database, handle, "posts", ["wp_id", "parent_wp_id", "menu_order"])[0]
    assert first == {"wp_id": 2002, "parent_wp_id": None, "menu_order": 0}
    assert [c["wp_id"] for c in fetch(database, handle, "comments", ["wp_id"])][:2] == [0, 502]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_slug_too_long_for_a_mysql_key_is_refused_for_mysql_only(dialect, tmp_path, load):
    """MySQL's key columns are VARCHAR(255): MariaDB refused the whole script (Data too long)."""
    slug = "a" * 256
    source = tmp_path / "long-slug.xml"
    source.write_text(SAMPLE.read_text(encoding="utf-8").replace("<![CDATA[asia]]></wp:category_nicename>",
                                                                 f"<![CDATA[{slug}]]></wp:category_nicename>"))
    script = tmp_path / "long.sql"
    result = CliRunner().invoke(cli, ["convert", str(source), "--to", "sql", "--dialect", dialect, "-o", str(script)])
    if dialect == "mysql":
        assert result.exit_code == 3 and not script.exists()
        assert "terms.slug 'aaaa" in result.stderr and "has 256 characters" in result.stderr
        return
    assert result.exit_code == 0, result.output
    database, handle = load(script, dialect)
    assert slug in [t["slug"] for t in fetch(database, handle, "terms", ["slug"])]
