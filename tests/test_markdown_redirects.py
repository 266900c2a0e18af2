"""Redirect files: Netlify's ``_redirects`` read back by its documented grammar."""

from __future__ import annotations

import re

from tests.conftest import SAMPLE
from wpmigrate.writers.markdown.redirects import redirect_files

_STATUS = re.compile(r"^(\d{3})(!?)$")


def parse_netlify(text: str) -> list[dict]:
    """Rules as Netlify's parser reads them: ``FROM [KEY=VALUE ...] TO [STATUS[!]] [CONDITIONS]``.

    Each line is split on whitespace; ``#`` starts a comment; TO is the first part
    after FROM starting with ``/`` or a scheme; the parts before it are the query.
    """
    rules = []
    for number, line in enumerate(text.splitlines(), 1):
        parts = line.split()
        if "#" in [p[:1] for p in parts]:
            parts = parts[: [p[:1] for p in parts].index("#")]
        if not parts:
            continue
        origin, rest = parts[0], parts[1:]
        to = next((i for i, p in enumerate(rest) if p.startswith("/") or re.match(r"^https?://", p)), None)
        assert origin.startswith("/") and to is not None, f"line {number} has no FROM and TO: {line!r}"
        query = {}
        for pair in rest[:to]:
            key, sep, value = pair.partition("=")
            assert sep and key and "=" not in value, f"line {number}: query part {pair!r} is not KEY=VALUE"
            query[key] = value
        status = _STATUS.match(rest[to + 1]) if len(rest) > to + 1 else None
        assert status, f"line {number}: no status after TO: {line!r}"
        rules.append({"from": origin, "query": query, "to": rest[to], "status": int(status.group(1)),
                      "force": status.group(2) == "!", "conditions": rest[to + 2:]})
    return rules


def match(rules: list[dict], path: str, query: dict[str, str]) -> dict | None:
    """The first rule for ``path`` whose every query value is the request's, as Netlify picks it
    (``:name`` values are placeholders and match any value)."""
    for rule in rules:
        if rule["from"] == path and all(
            key in query and (value.startswith(":") or query[key] == value) for key, value in rule["query"].items()
        ):
            return rule
    return None


def test_netlify_query_rules_follow_the_documented_syntax():
    pairs = [("/?p=12", "/posts/hello/"), ("/?p=13", "/posts/world/"), ("/?page_id=3", "/about/"),
             ("/?attachment_id=7", "/posts/hello/"), ("/2016/11/22/hello/", "/posts/hello/")]
    rules = parse_netlify("".join(redirect_files(pairs)["_redirects"]))
    assert len(rules) == len(pairs)
    for old, new in pairs:
        path, _, query = old.partition("?")
        wanted = dict(part.split("=") for part in query.split("&")) if query else {}
        rule = match(rules, path, wanted)
        assert rule is not None and rule["to"] == new and rule["status"] == 301, old
        assert rule["query"] == wanted, f"{old}: the rule names the value itself, not a placeholder"
        # "/" is a file (index.html) on every new site: an unforced rule there is shadowed by it.
        assert rule["force"] is bool(query), old
        assert not rule["conditions"]
    assert match(rules, "/", {"p": "14"}) is None, "an unknown id is left alone"
    keys = [(r["from"], tuple(sorted(r["query"].items()))) for r in rules]
    assert len(keys) == len(set(keys)), "no rule hides another"


def test_netlify_file_of_a_converted_export(run_cli, tmp_path):
    out = tmp_path / "site"
    assert run_cli("convert", SAMPLE, "--to", "markdown", "-o", out).exit_code == 0
    rules = parse_netlify((out / "redirects" / "_redirects").read_text())
    csv = (out / "redirects" / "redirects.csv").read_text().splitlines()[1:]
    assert len(rules) == len(csv), "every redirect has its Netlify rule"
    for line in csv:
        old, new = line.split(",")
        path, _, query = old.partition("?")
        wanted = dict([query.split("=")]) if query else {}
        rule = match(rules, path, wanted)
        assert rule is not None and rule["to"] == new and rule["force"] is bool(query), old
    assert {"p", "page_id", "attachment_id"} <= {key for r in rules for key in r["query"]}


def test_old_urls_no_server_file_can_hold_are_counted(run_cli, tmp_path):
    """A quote or a space in an old slug would break nginx's and Apache's files: left out, and said."""
    text = SAMPLE.read_text(encoding="utf-8")
    text = text.replace("<![CDATA[korea-japan-intelligence]]>", '<![CDATA[korea "japan" intelligence]]>', 1)
    source = tmp_path / "quoted.xml"
    source.write_text(text, encoding="utf-8")
    result = run_cli("convert", source, "--to", "markdown", "-o", tmp_path / "site")
    assert result.exit_code == 0, result.output
    assert "markdown: 1 old URLs left out of the redirect files" in result.output
    csv = (tmp_path / "site" / "redirects" / "redirects.csv").read_text()
    assert "south-korea-japan-gsomia" in csv and "intelligence" not in csv
