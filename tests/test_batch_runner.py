"""The batch runner: one process per job; a crash or a timeout loses that job only."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.batchdata import by_name, leftovers, many_items_gz, report
from tests.conftest import SAMPLE
from wpmigrate import errors
from wpmigrate.batch.runner import Job, run_jobs


def work(kind: str, value: int) -> dict:
    """A job for the tests: really dies, really hangs, or returns this process's id."""
    if kind == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    if kind == "exit":
        os._exit(3)
    if kind == "hang":
        time.sleep(3600)
    return {"double": value * 2, "pid": os.getpid()}


def run(jobs: list[Job], **options) -> dict:
    outcomes = {}
    run_jobs(jobs, work, on_done=lambda job, outcome: outcomes.setdefault(job.key, outcome), **options)
    return outcomes


def test_a_crashed_worker_is_reported_and_the_others_finish():
    jobs = [Job("a", ("ok", 1)), Job("die", ("die", 0)), Job("b", ("ok", 2)), Job("exit", ("exit", 0)),
            Job("c", ("ok", 3))]
    outcomes = run(jobs, workers=2)
    assert {key: o.result["double"] for key, o in outcomes.items() if o.failure is None} == {"a": 2, "b": 4, "c": 6}
    assert outcomes["die"].failure == "crashed" and "killed by SIGKILL" in outcomes["die"].message
    assert outcomes["exit"].failure == "crashed" and "exited with code 3" in outcomes["exit"].message
    pids = {o.result["pid"] for o in outcomes.values() if o.result}
    assert len(pids) == 3 and os.getpid() not in pids, "each job in a fresh process of its own"


def test_a_hanging_worker_times_out_while_the_rest_goes_on():
    jobs = [Job("hang", ("hang", 0))] + [Job(f"ok{n}", ("ok", n)) for n in range(4)]
    start = time.monotonic()
    outcomes = run(jobs, workers=2, timeout=1.5)
    assert outcomes["hang"].failure == "timeout" and "timed out after 1.5 s" in outcomes["hang"].message
    assert all(outcomes[f"ok{n}"].result["double"] == 2 * n for n in range(4))
    assert time.monotonic() - start < 1.5 + 10


def test_batch_timeout_stops_a_huge_site_and_reports_it(run_cli, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    many_items_gz(src / "huge.xml.gz", 20_000)  # converts in well over 10 s
    (src / "small.xml").write_bytes(SAMPLE.read_bytes())
    out = tmp_path / "out"
    result = run_cli("batch", src, "-o", out, "--jobs", "2", "--timeout", "2")
    assert result.exit_code == errors.EXIT_FINDINGS
    sites = by_name(report(out))
    assert sites["small"]["status"] == "ok"
    huge = sites["huge"]
    assert huge["status"] == "failed" and huge["error"]["type"] == "Timeout"
    assert "timed out after 2 s" in huge["error"]["message"] and "--timeout" in huge["error"]["message"]
    assert 2 <= huge["seconds"] < 2 + 5
    assert not (out / "huge.json").exists() and leftovers(out) == [], "what the killed worker left is removed"


def test_staged_folder_outputs_replace_whole_or_not_at_all(tmp_path):
    """A folder output (a format whose suffix is "") appears, and is replaced, only when complete."""
    from wpmigrate.batch.worker import staged

    final = tmp_path / "site"

    def listing() -> list[str]:
        return sorted(p.name for p in final.iterdir()) if final.exists() else []

    def write(files: dict[str, str], fail: bool = False) -> None:
        before = listing()
        with staged(str(final)) as temp:
            os.mkdir(temp)
            for name, text in files.items():
                (Path(temp) / name).write_text(text)
            assert listing() == before, "nothing shows under the final name while writing"
            if fail:
                raise RuntimeError("the writer failed")

    write({"a.md": "one", "b.md": "two"})
    assert sorted(p.name for p in final.iterdir()) == ["a.md", "b.md"]
    try:
        write({"c.md": "three"}, fail=True)
    except RuntimeError:
        pass
    assert sorted(p.name for p in final.iterdir()) == ["a.md", "b.md"], "a failed run leaves the old output"
    write({"c.md": "three"})
    assert [p.name for p in final.iterdir()] == ["c.md"], "the new output replaces the old one whole"
    assert leftovers(tmp_path) == []


def test_a_worker_that_sends_its_result_and_exits_between_two_checks_is_not_a_crash():
    """The race behind a site reported failed although it had converted: the worker sends its
    result and exits just as the batch process looks at it. Here it does so the moment its
    liveness is checked, the worst time."""
    from wpmigrate.batch.runner import _check, _Running

    class Conn:
        sent = False

        def poll(self):
            return self.sent

        def recv(self):
            return {"status": "ok"}

        def close(self):
            pass

    class Process:
        exitcode = 0

        def __init__(self, conn):
            self.conn = conn

        def is_alive(self):
            self.conn.sent = True  # it sends, and exits
            return False

        def join(self, timeout=None):
            pass

        def kill(self):
            pass

    conn = Conn()
    outcome = _check(_Running(Job("site", ()), Process(conn), conn), timeout=None)
    assert outcome.failure is None and outcome.result == {"status": "ok"}


#: A copy of the ``wpmigrate`` console script that pip writes, which also logs every time it runs:
#: in which process, as what, and whether ``wpmigrate.cli`` was imported already.
CONSOLE_SCRIPT = """import os, sys
with open(os.environ["WPMIGRATE_TEST_MAIN_LOG"], "a") as log:
    log.write(f"{os.getpid()} {__name__} {'wpmigrate.cli' in sys.modules}\\n")
from wpmigrate.cli import main
if __name__ == "__main__":
    sys.exit(main())
"""


@pytest.mark.parametrize("scheduler", [[], ["--scheduler", "local"]], ids=["local-runner", "local-cluster"])
def test_workers_never_import_the_cli_again_when_the_batch_runs_from_the_console_script(tmp_path, scheduler):
    """Started from a script file, as the console script is, a worker runs that script again before
    its job (before Python 3.13.8 even when the fork server preloads ``__main__``, CPython
    gh-137996). It must find the CLI imported already: importing it is 50 ms of CPU per site, which
    made a batch of one-post sites take three times as long as the same batch run with ``-m``
    (and every Dask worker of ``--scheduler local`` slower to start)."""
    if scheduler:
        pytest.importorskip("distributed", reason="the dask extra is not installed")
    src = tmp_path / "src"
    src.mkdir()
    for number in range(3):
        (src / f"site{number}.xml").write_bytes(SAMPLE.read_bytes())
    script = tmp_path / "wpmigrate"
    script.write_text(CONSOLE_SCRIPT)
    log = tmp_path / "main.log"
    command = [sys.executable, str(script), "batch", str(src), "-o", str(tmp_path / "out"), "--jobs", "2", "-q",
               *scheduler]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "WPMIGRATE_TEST_MAIN_LOG": str(log)})
    assert done.returncode == 0, done.stderr
    assert [site["status"] for site in report(tmp_path / "out")["sites"]] == ["ok"] * 3
    runs = [line.split() for line in log.read_text().splitlines()]
    assert runs[0][1:] == ["__main__", "False"], "the batch process itself"
    again = [run for run in runs[1:] if run[1] == "__mp_main__"]
    assert len(again) == len(runs) - 1, runs
    assert all(loaded == "True" for _, _, loaded in again), f"a worker imported the CLI itself: {runs}"
