"""Shared test helpers: paths to fixtures and the shared corpus, and a CLI runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from wpmigrate.cli import cli

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SAMPLE = FIXTURES / "intelnews-sample.xml"
CORPUS = ROOT.parent / "shared" / "corpus"


def corpus_expected() -> dict:
    """``expected.json`` of the shared corpus; skips the test where it is absent."""
    path = CORPUS / "expected.json"
    if not path.exists():
        pytest.skip(f"the shared WXR corpus is not at {CORPUS}")
    return json.loads(path.read_text())["files"]


def corpus_files() -> list[str]:
    """Relative names of the corpus files, for parametrising (empty when absent)."""
    path = CORPUS / "expected.json"
    return sorted(json.loads(path.read_text())["files"]) if path.exists() else []


@pytest.fixture
def run_cli():
    """Run the CLI in-process; returns click's Result (exit_code, stdout, stderr)."""

    def run(*args: str, input: bytes | None = None):
        return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)

    return run


def corpus_export(name: str):
    """The corpus file ``name`` read in recover mode, posts listed; skips a file the reader
    refuses (not a WordPress export at all)."""
    from wpmigrate.errors import InputError  # noqa: PLC0415
    from wpmigrate.readers.wxr import read  # noqa: PLC0415

    try:
        export = read([str(CORPUS / name)], recover=True)
        return export.attachments, list(export.posts)
    except InputError as exc:
        pytest.skip(f"{name} is not readable as an export: {exc}")
