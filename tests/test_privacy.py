"""What WordPress showed to nobody stays out of published output (fixtures/privacy/site.xml):
private, draft, pending, trashed and password-protected items, form submissions, and the
e-mail and IP addresses of commenters and senders."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from wpmigrate.convert import ConvertOptions, convert
from wpmigrate.writers import FORMATS

SITE = FIXTURES / "privacy" / "site.xml"
SENDERS = ["pat.sender@mail.example.net", "kim.sender@mail.example.net", "lee.sender@mail.example.net"]
COMMENTERS = [f"{who}@mail.example.net" for who in ("reader.one", "reader.two", "spammer", "insider", "member")]
IPS = ["203.0.113.11", "203.0.113.12", "198.51.100.23", "198.51.100.7", "2001:db8::7"]
PERSONAL = SENDERS + COMMENTERS + IPS + ["owner.account@private.example.test", "0123456789abcdef0123456789abcdef"]
NOT_PUBLIC = ["A private post", "A draft", "Waiting for review", "Binned", "Members only", "Pat - Hello", "Kim",
              "Ninja submission"]


def everything(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*")) if p.is_file())


def test_markdown_writes_only_what_wordpress_showed(run_cli, tmp_path):
    out = tmp_path / "site"
    result = run_cli("convert", SITE, "--to", "markdown", "-o", out)
    assert result.exit_code == 0, result.stderr
    text = everything(out)
    assert "A public post" in text and "Reader One" in text
    assert "public.contact@private.example.test" in text, "what the post itself shows stays"
    for secret in PERSONAL + NOT_PUBLIC:
        assert secret not in text, secret
    for old in ("?p=11", "?p=15", "?p=20", "?p=21"):
        assert old not in text, f"no redirect for {old}: the page does not exist"
    assert ("skipped 8 items: 1 (password-protected), 1 (status draft), 1 (status pending), 1 (status private), "
            "1 (status trash), 1 (type feedback), 1 (type flamingo_inbound), 1 (type nf_sub)") in result.stderr
    assert "markdown: warning" not in result.stderr and ", 0 warnings" in result.stderr


def test_asking_for_form_submissions_warns_and_still_drops_addresses(run_cli, tmp_path):
    out = tmp_path / "site"
    result = run_cli("convert", SITE, "--to", "markdown", "-o", out, "--include-type", "feedback,nf_sub",
                     "--include-status", "private,protected")
    assert result.exit_code == 0, result.stderr
    assert "--include-type feedback,nf_sub publishes what visitors sent through forms" in result.stderr
    assert "--include-status private,protected writes items WordPress showed to nobody" in result.stderr
    text = everything(out)
    assert "Pat - Hello" in text and "Ninja submission" in text and "Members only" in text
    assert "AUTHOR EMAIL: " in text and "Hello, can we talk?" in text
    for secret in PERSONAL:
        assert secret not in text, secret


def test_json_keeps_everything_and_pii_drop_scrubs_every_format(run_cli, tmp_path):
    kept = tmp_path / "kept.json"
    assert run_cli("convert", SITE, "-o", kept).exit_code == 0
    text = kept.read_text()
    for secret in SENDERS + COMMENTERS + IPS:
        assert secret in text, f"JSON keeps everything by default: {secret}"
    for to, name in (("json", "drop.json"), ("ndjson", "drop.ndjson"), ("sql", "drop.sql")):
        assert run_cli("convert", SITE, "--to", to, "-o", tmp_path / name, "--pii", "drop").exit_code == 0
        dropped = (tmp_path / name).read_text()
        for secret in PERSONAL[:-2]:  # the site owner's account stays; avatars below
            assert secret not in dropped, (to, secret)
    posts = {p["id"]: p for p in json.loads((tmp_path / "drop.json").read_text())["posts"]}
    assert "AUTHOR EMAIL: \nIP: \n" in posts[20]["content"]["raw"]
    assert posts[10]["comments"][0]["author"]["avatar"] is None, "a Gravatar URL is a hash of the e-mail"
    assert posts[10]["comments"][0]["meta"]["hc_avatar"] == ""


def test_pii_hash_gives_the_same_token_in_form_text_and_meta(run_cli, tmp_path):
    db = tmp_path / "site.db"
    assert run_cli("convert", SITE, "--to", "sqlite", "-o", db, "--pii", "hash").exit_code == 0
    with sqlite3.connect(db) as connection:
        content = connection.execute("SELECT content_raw FROM posts WHERE wp_id = 20").fetchone()[0]
        meta = connection.execute(
            "SELECT meta_json FROM post_meta m JOIN posts p ON p.id = m.post_id WHERE p.wp_id = 20").fetchone()[0]
    token = re.search(r"AUTHOR EMAIL: (sha256:\w+)", content).group(1)
    assert json.loads(meta)["Email"] == token
    assert "pat.sender" not in content + meta


@pytest.mark.parametrize("to", sorted(FORMATS))
def test_the_library_applies_the_same_defaults_as_the_cli(run_cli, tmp_path, to):
    by_cli, by_library = tmp_path / f"cli-{to}", tmp_path / f"library-{to}"
    assert run_cli("convert", SITE, "--to", to, "-o", by_cli).exit_code == 0
    convert([str(SITE)], ConvertOptions(to=to, output=str(by_library)))
    if to == "sqlite":
        dump = [list(sqlite3.connect(path).iterdump()) for path in (by_cli, by_library)]
        assert dump[0] == dump[1]
    elif to == "markdown":
        files = [{p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}
                 for root in (by_cli, by_library)]
        assert files[0] == files[1]
        assert "reader.one@mail.example.net" not in everything(by_library)
    else:
        assert by_cli.read_bytes() == by_library.read_bytes()
