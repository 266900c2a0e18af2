"""`wpmigrate validate` end to end: formats, output file and exit codes."""

from __future__ import annotations

import json

import pytest

from tests.conftest import FIXTURES, ROOT
from wpmigrate import errors

CASES = FIXTURES / "validate"


@pytest.mark.parametrize(
    ("name", "fail_on", "code"),
    [
        ("clean.xml", "error", errors.EXIT_OK),
        ("clean.xml", "warning", errors.EXIT_OK),  # info never fails
        ("xml-truncated.xml", "error", errors.EXIT_FINDINGS),
        ("xml-truncated.xml", "never", errors.EXIT_OK),
        ("post-parent-missing.xml", "error", errors.EXIT_OK),
        ("post-parent-missing.xml", "warning", errors.EXIT_FINDINGS),
        ("not-wxr.xml", "error", errors.EXIT_FINDINGS),
    ],
)
def test_exit_code_follows_fail_on(run_cli, name, fail_on, code):
    result = run_cli("validate", CASES / name, "--fail-on", fail_on)
    assert result.exit_code == code, result.output


def test_default_is_text_on_stdout(run_cli):
    result = run_cli("validate", CASES / "xml-malformed.xml")
    assert result.exit_code == errors.EXIT_FINDINGS
    assert f"{CASES / 'xml-malformed.xml'}:27:92: error: the XML is damaged" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("1 error(s), 1 warning(s), ")


def test_json_to_a_file_replaces_it(run_cli, tmp_path):
    out = tmp_path / "report.json"
    out.write_text("old report")
    result = run_cli("validate", CASES / "post-id-duplicate.xml", "--format", "json", "-o", out)
    assert result.exit_code == errors.EXIT_FINDINGS
    assert result.stdout == ""
    document = json.loads(out.read_text())
    assert document["findings"][0]["code"] == "post-id-duplicate"
    assert document["summary"]["failed"] is True


def test_rules_and_ignore(run_cli):
    result = run_cli("validate", CASES / "xml-truncated.xml", "--ignore", "xml-malformed,item-lost,xml-truncated")
    assert result.exit_code == errors.EXIT_OK
    assert "[xml-truncated]" not in result.stdout
    result = run_cli("validate", CASES / "xml-truncated.xml", "--rules", "inventory", "--format", "json")
    assert {f["code"] for f in json.loads(result.stdout)["findings"]} == {"inventory-post-types", "inventory-statuses"}


@pytest.mark.parametrize(
    "args",
    [("--format", "yaml"), ("--fail-on", "info"), ("--rules", "nonsense"), ("--ignore", "no-such-code"), ()],
)
def test_usage_errors_exit_2(run_cli, args):
    inputs = (CASES / "clean.xml",) if args else ()
    result = run_cli("validate", *inputs, *args)
    assert result.exit_code == errors.EXIT_USAGE
    assert "Traceback" not in result.output


def test_unreadable_input_exits_3(run_cli, tmp_path):
    result = run_cli("validate", CASES / "clean.xml", tmp_path / "missing.xml")
    assert result.exit_code == errors.EXIT_INPUT
    assert "no such file" in result.stderr


def test_stdin(run_cli):
    result = run_cli("validate", "-", "--format", "github", input=(CASES / "post-id-duplicate.xml").read_bytes())
    assert result.exit_code == errors.EXIT_FINDINGS
    assert "::error file=<stdin>,line=27,title=post-id-duplicate::item 1:" in result.stdout


def test_help_names_the_exit_codes_and_formats(run_cli):
    text = run_cli("validate", "--help").stdout
    for word in ("--fail-on", "text|json|junit|github|sarif", "1  something does", "3  an input cannot be read"):
        assert word in text


def test_pre_commit_hook_runs_validate_on_xml_files():
    yaml = pytest.importorskip("yaml")
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "wpmigrate-validate"
    assert hook["entry"].split()[:2] == ["wpmigrate", "validate"]
    assert hook["files"] == r"\.xml$" and hook["language"] == "python"
