"""Interrupt a real batch process (Ctrl-C or kill) and run it again: the outputs end complete
and byte-identical to an uninterrupted run's."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.batchdata import generate, leftovers, outputs, report
from tests.conftest import ROOT

SITES = 6


def batch(src: Path, out: Path, jobs: int = 2) -> subprocess.Popen:
    command = [sys.executable, "-m", "wpmigrate", "batch", str(src), "-o", str(out), "--jobs", str(jobs)]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def finished_sites(out: Path) -> set[str]:
    """Sites the state file records as finished (it is replaced atomically, so always whole)."""
    try:
        sites = json.loads((out / ".wpmigrate-batch.json").read_text())["sites"]
    except (OSError, ValueError, KeyError):
        return set()
    return {record["entry"]["name"] for record in sites.values() if record["entry"]}


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    src = tmp_path_factory.mktemp("src")
    for number in range(SITES):
        generate(src / f"site{number}.xml", posts=40 + 20 * number, seed=number + 1)
    reference = tmp_path_factory.mktemp("reference")
    done = batch(src, reference)
    assert done.wait(300) == 0, done.stderr.read()
    return src, outputs(reference), (reference / "report.json").read_text()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill"])
def test_interrupted_batch_reruns_to_identical_outputs(exports, tmp_path, sig):
    src, reference, complete_report = exports
    assert len(reference) == SITES
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.json").write_text(complete_report)  # an earlier run's, complete
    assert not report(out)["interrupted"]
    # One site at a time: the rest of the batch takes a few seconds, not one, so the signal
    # lands mid-run even when a loaded machine is slow to show this test the first site done.
    running = batch(src, out, jobs=1)
    deadline = time.monotonic() + 120
    while not finished_sites(out):
        assert running.poll() is None and time.monotonic() < deadline, "the batch ended before any site did"
        time.sleep(0.02)
    os.kill(running.pid, sig)
    code = running.wait(60)
    stderr = running.stderr.read()
    if sig == signal.SIGINT:
        assert code == 130, stderr
        assert report(out)["interrupted"] and report(out)["not_run"], "interrupted mid-run"
        assert "interrupted: run the same command again" in stderr
        assert report(out).get("status") == "interrupted"
    else:
        assert code == -signal.SIGKILL
        time.sleep(0.5)  # the workers notice at once that the batch is gone
        left = report(out)  # the earlier run's report is gone: this one says the run did not finish
        assert left.get("status") == "running" and left["interrupted"], "a killed run's report never reads as complete"
        listed = {site["name"] for site in left["sites"]}
        assert finished_sites(out) <= listed, "every site the state vouches for is in the report"
        assert all(site["status"] == "ok" for site in left["sites"])
        assert left["not_run"] and sorted(listed | set(left["not_run"])) == sorted(
            site["name"] for site in json.loads(complete_report)["sites"])
    partial = outputs(out)
    time.sleep(3)
    assert outputs(out) == partial, "no worker goes on writing once the batch process is gone"
    assert 1 <= len(partial) < SITES, "interrupted mid-run"
    for name, data in partial.items():
        assert data == reference[name], f"{name} looks complete but is not"
    again = batch(src, out)
    assert again.wait(300) == 0, again.stderr.read()
    assert outputs(out) == reference
    assert leftovers(out) == []
    assert report(out)["status"] == "finished" and not report(out)["interrupted"]
    totals = report(out)["totals"]
    assert totals["ok"] == SITES and totals["skipped"] >= 1 and totals["skipped"] < SITES
