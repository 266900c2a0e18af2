"""docs/validate.md cannot drift: its code table is the code table, its CI snippets parse
and run commands the CLI accepts."""

from __future__ import annotations

import re
import shlex

import pytest

from tests.conftest import FIXTURES, ROOT
from wpmigrate.validate import CODES

DOC = (ROOT / "docs" / "validate.md").read_text()


def test_the_code_table_is_the_code_table():
    rows = re.findall(r"^\| `([a-z-]+)` \| (\w+) \| (\w+) \| (.+) \|$", DOC, re.MULTILINE)
    assert [(code, rule, severity) for code, rule, severity, _ in rows] == [
        (c.code, c.rule, c.severity) for c in CODES.values()
    ]
    assert [summary for *_, summary in rows] == [c.summary for c in CODES.values()]


def test_yaml_snippets_parse():
    yaml = pytest.importorskip("yaml")
    blocks = re.findall(r"```yaml\n(.*?)```", DOC, re.DOTALL)
    assert len(blocks) == 3
    for block in blocks:
        assert isinstance(yaml.safe_load(block), list)


def test_documented_commands_are_accepted(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "site.xml").write_bytes((FIXTURES / "validate" / "clean.xml").read_bytes())
    commands = re.findall(r"^\s*(?:run: )?wpmigrate (validate exports.*)$", DOC, re.MULTILINE)
    assert len(commands) >= 2
    for command in commands:
        args = [str(p) for a in shlex.split(command) for p in (sorted(tmp_path.glob(a)) if "*" in a else [a])]
        result = run_cli(*args)
        assert result.exit_code == 0, (command, result.output)
