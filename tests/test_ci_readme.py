"""CI runs the README's set-up commands as written (.ci/run-readme); the extractor must find
exactly them, and refuse a README it cannot read them from."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from tests.conftest import ROOT

SCRIPT = ROOT / ".ci" / "readme_commands.py"


def _module():
    spec = importlib.util.spec_from_file_location("readme_commands", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_readme_set_up_commands_install_convert_and_test():
    run = subprocess.run([sys.executable, str(SCRIPT), str(ROOT / "README.md")], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    install, tests = run.stdout.splitlines()
    assert "pip install ." in install and "wpmigrate convert fixtures/intelnews-sample.xml" in install
    assert "pip install '.[test]'" in tests and tests.endswith("python -m pytest")
    assert (ROOT / "fixtures" / "intelnews-sample.xml").exists()


def test_only_the_set_up_section_counts_and_a_block_is_one_command():
    readme = (
        "# x\n\n## Set up\n\nOne:\n\n```sh\n# a comment\nmake venv\nmake install\n```\n\n"
        "Not a shell block:\n\n```\nwpmigrate --help\n```\n\n## Usage\n\n```sh\nrm -rf /\n```\n"
    )
    assert _module().setup_commands(readme) == ["make venv && make install"]


def test_a_readme_without_the_section_is_refused(tmp_path):
    with pytest.raises(ValueError, match="Set up"):
        _module().setup_commands("# x\n\n## Install\n\n```sh\npip install .\n```\n")
    readme = tmp_path / "README.md"
    readme.write_text("# x\n\n## Set up\n\n```sh\npip install .\n```\n")
    run = subprocess.run([sys.executable, str(SCRIPT), str(readme)], capture_output=True, text=True)
    assert run.returncode == 1 and "expected 2 sh blocks" in run.stderr
