"""The SQLite database writer: same rows as the script, full-text search, atomic."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import FIXTURES, SAMPLE
from tests.dbservers import compare_tables, expected_rows, json_output, sqlite_shell  # noqa: F401 - fixture
from wpmigrate.cli import cli
from wpmigrate.errors import OutputError, UsageError
from wpmigrate.model import Post
from wpmigrate.readers.wxr import read
from wpmigrate.writers.sql.tables import TABLE_ORDER
from wpmigrate.writers.sqlite import write_sqlite

HOSTILE = FIXTURES / "sql" / "hostile.xml"


def database_for(path: Path, out: Path, **options) -> Path:
    """The database ``convert --to sqlite`` writes (cleaned, as the JSON it is compared with)."""
    from wpmigrate.convert import ConvertOptions, convert

    convert([str(path)], ConvertOptions(to="sqlite", output=str(out), format_options=options))
    return out


@pytest.mark.parametrize("fixture", [HOSTILE, SAMPLE], ids=["hostile", "sample"])
def test_rows_match_the_json(fixture, tmp_path):
    database = database_for(fixture, tmp_path / "blog.db")
    compare_tables(database, None, expected_rows(json_output(fixture, tmp_path)))
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_same_tables_as_the_sqlite_script(tmp_path, sqlite_shell):
    database = database_for(HOSTILE, tmp_path / "direct.db")
    from wpmigrate.convert import ConvertOptions, convert

    script = tmp_path / "script.sql"
    convert([str(HOSTILE)], ConvertOptions(to="sql", output=str(script), format_options={"dialect": "sqlite"}))
    loaded = tmp_path / "loaded.db"
    sqlite_shell.load(script, loaded)
    direct, via_script = sqlite3.connect(database), sqlite3.connect(loaded)
    for table in TABLE_ORDER:
        query = f"SELECT * FROM {table} ORDER BY 1, 2"
        assert direct.execute(query).fetchall() == via_script.execute(query).fetchall(), table
    schema = "SELECT name, sql FROM sqlite_master WHERE name NOT LIKE '%fts%' ORDER BY name"
    assert direct.execute(schema).fetchall() == via_script.execute(schema).fetchall()


def test_full_text_search(tmp_path):
    database = database_for(SAMPLE, tmp_path / "blog.db", table_prefix="wp_")
    with sqlite3.connect(database) as connection:
        hits = connection.execute(
            "SELECT p.wp_id FROM wp_posts_fts JOIN wp_posts AS p ON p.id = wp_posts_fts.rowid "
            "WHERE wp_posts_fts MATCH 'gsomia' ORDER BY rank"
        ).fetchall()
        assert hits and hits[0] == (2002,)
        # The triggers keep the index in step with edits.
        connection.execute("UPDATE wp_posts SET title = 'zanzibar' WHERE wp_id = 2002")
        assert connection.execute("SELECT rowid FROM wp_posts_fts WHERE wp_posts_fts MATCH 'zanzibar'").fetchall()
        count = connection.execute("SELECT count(*) FROM wp_posts_fts").fetchone()[0]
        assert count == connection.execute("SELECT count(*) FROM wp_posts").fetchone()[0]


def test_hostile_text_is_searchable(tmp_path):
    database = database_for(HOSTILE, tmp_path / "blog.db")
    with sqlite3.connect(database) as connection:
        hits = connection.execute("SELECT rowid FROM posts_fts WHERE posts_fts MATCH '\"שלום\"'").fetchall()
        assert len(hits) >= 2


def test_atomic_nothing_left_after_a_failure(tmp_path):
    export = read([str(SAMPLE)])

    def broken():
        yield next(iter(export.posts))
        raise RuntimeError("disk on fire")

    target = tmp_path / "blog.db"
    with pytest.raises(RuntimeError):
        write_sqlite(export, broken(), str(target), force=False)
    assert os.listdir(tmp_path) == []


def test_refusals(tmp_path):
    export = read([str(SAMPLE)])
    with pytest.raises(UsageError):
        write_sqlite(export, export.posts, "-", force=False)
    with pytest.raises(UsageError):
        write_sqlite(export, export.posts, str(tmp_path / "x.db"), force=False, data_only=True)
    existing = tmp_path / "there.db"
    existing.write_bytes(b"keep me")
    with pytest.raises(OutputError):
        write_sqlite(export, iter(()), str(existing), force=False)
    assert existing.read_bytes() == b"keep me"
    write_sqlite(export, iter([Post(id=1)]), str(existing), force=True)
    with sqlite3.connect(existing) as connection:
        assert connection.execute("SELECT count(*) FROM posts").fetchone() == (1,)


def test_schema_only(tmp_path):
    database = database_for(SAMPLE, tmp_path / "empty.db", schema_only=True)
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT count(*) FROM posts").fetchone() == (0,)


def test_cli_default_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["convert", str(SAMPLE), "--to", "sqlite"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "intelnews-sample.db").exists()
    result = CliRunner().invoke(cli, ["convert", str(SAMPLE), "--to", "sqlite", "--dialect", "mysql", "-o", "x.db"])
    assert result.exit_code == 2


def test_numbers_past_64_bits_are_stored_as_null_or_zero_with_a_note(tmp_path):
    from tests.test_writer_sql import huge_numbers

    result = CliRunner().invoke(cli, ["convert", str(huge_numbers(tmp_path)), "--to", "sqlite", "-o", str(tmp_path / "b.db")])
    assert result.exit_code == 0, result.output
    assert "3 number(s) past 64 bits" in result.stderr
    with sqlite3.connect(tmp_path / "b.db") as connection:
        assert connection.execute("SELECT wp_id, parent_wp_id, menu_order FROM posts LIMIT 1").fetchone() == (2002, None, 0)
        assert connection.execute("SELECT count(*) FROM comments WHERE wp_id = 0").fetchone() == (1,)
