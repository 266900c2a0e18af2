"""`wpmigrate convert` end to end: outputs, messages and exit codes."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys

import pytest

from tests.conftest import FIXTURES, ROOT, SAMPLE
from wpmigrate import errors

QUIRKS = FIXTURES / "quirks"


def test_default_output_is_the_input_name_in_the_current_folder(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run_cli("convert", SAMPLE)
    assert result.exit_code == 0
    document = json.loads((tmp_path / "intelnews-sample.json").read_text())
    assert len(document["posts"]) == 4
    assert "wrote intelnews-sample.json: 2 posts, 1 pages, 1 other items, 5 comments, 1 authors, 0 warnings" in result.stderr


@pytest.mark.parametrize("to, name", [("json", "out.json"), ("sqlite", "out.db")])
def test_outputs_get_the_mode_of_a_new_file(run_cli, tmp_path, to, name):
    """Written to a private temporary name first, the output still ends with the umask's mode."""
    previous = os.umask(0o022)
    try:
        assert run_cli("convert", SAMPLE, "--to", to, "-o", tmp_path / name).exit_code == 0
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644


def test_existing_output_needs_force(run_cli, tmp_path):
    out = tmp_path / "out.json"
    out.write_text("precious")
    result = run_cli("convert", SAMPLE, "-o", out)
    assert result.exit_code == errors.EXIT_OUTPUT
    assert "already exists" in result.stderr and "--force" in result.stderr
    assert out.read_text() == "precious"
    assert run_cli("convert", SAMPLE, "-o", out, "--force").exit_code == 0
    assert json.loads(out.read_text())["site"]["title"] == "intelNews.org"


def test_stdout_and_ndjson(run_cli):
    result = run_cli("convert", SAMPLE, "--to", "ndjson", "-o", "-")
    assert result.exit_code == 0
    assert [json.loads(line)["kind"] for line in result.stdout.splitlines()][:2] == ["site", "author"]


def test_stdin_input(run_cli):
    result = run_cli("convert", "-", input=SAMPLE.read_bytes())
    assert result.exit_code == 0
    assert json.loads(result.stdout)["site"]["title"] == "intelNews.org"


def test_damaged_file_stops_with_position_and_recover_salvages(run_cli, tmp_path):
    out = tmp_path / "out.json"
    result = run_cli("convert", QUIRKS / "truncated.xml", "-o", out)
    assert result.exit_code == errors.EXIT_INPUT
    assert re.search(r"truncated\.xml:33:\d+: the XML is damaged", result.stderr)
    assert "--recover" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists(), "no half-written output"
    result = run_cli("convert", QUIRKS / "truncated.xml", "-o", out, "--recover")
    assert result.exit_code == 0
    assert "kept 2 item(s)" in result.stderr
    assert [p["id"] for p in json.loads(out.read_text())["posts"]] == [1, 2]


def test_not_wxr_gets_its_own_message(run_cli, tmp_path):
    result = run_cli("convert", QUIRKS / "html-page.html", "-o", tmp_path / "x.json")
    assert result.exit_code == errors.EXIT_INPUT
    assert "not a WordPress page" in result.stderr
    assert "Traceback" not in result.stderr


def test_repairs_are_reported_as_warnings(run_cli, tmp_path):
    result = run_cli("convert", QUIRKS / "raw-ampersand.xml", "-o", tmp_path / "x.json")
    assert result.exit_code == 0
    assert "warning: " in result.stderr and "raw '&'" in result.stderr and ":18" in result.stderr


def test_usage_errors(run_cli, tmp_path):
    assert run_cli("convert", SAMPLE, "--to", "docx").exit_code == errors.EXIT_USAGE
    assert run_cli("convert").exit_code == errors.EXIT_USAGE
    missing = run_cli("convert", tmp_path / "missing.xml")
    assert missing.exit_code == errors.EXIT_INPUT and "no such file" in missing.stderr


def test_internal_errors_show_no_traceback_unless_debug(run_cli, monkeypatch, tmp_path):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("wpmigrate.cli.convert", broken)
    result = run_cli("convert", SAMPLE, "-o", tmp_path / "x.json")
    assert result.exit_code == errors.EXIT_INTERNAL
    assert "internal error" in result.stderr and "Traceback" not in result.stderr
    result = run_cli("--debug", "convert", SAMPLE, "-o", tmp_path / "x.json")
    assert "Traceback" in result.stderr and "boom" in result.stderr


def test_help_and_version(run_cli):
    assert "Example" in run_cli("--help").stdout
    assert "Examples:" in run_cli("convert", "--help").stdout
    assert re.match(r"wpmigrate, version \d+\.\d+", run_cli("--version").stdout)


def test_python_dash_m_entry_point(tmp_path):
    out = tmp_path / "out.json"
    done = subprocess.run(
        [sys.executable, "-m", "wpmigrate", "convert", str(SAMPLE), "-o", str(out)],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text())["wpmigrate"]["schema"] == 1


def test_readme_commands_match_the_project():
    """The README's two set-up commands name a shipped sample, and CI runs them as written."""
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"^```sh\n(.+?)\n```", readme, re.M)
    install_and_run, install_and_test = commands[0], commands[1]
    sample = re.search(r"wpmigrate convert (\S+)", install_and_run).group(1)
    assert (ROOT / sample).is_file()
    assert "python -m pytest" in install_and_test
    assert "bash .ci/run-readme" in (ROOT / ".ci" / "run").read_text()
    assert "readme_commands.py" in (ROOT / ".ci" / "run-readme").read_text()
