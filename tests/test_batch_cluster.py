"""`wpmigrate batch --scheduler`: the sites as tasks on a real Dask cluster (a LocalCluster of 2
worker processes), with exports and OUTDIR on a real S3 API (moto's server on a loopback port).
Every batch runs as a real `wpmigrate` process; its outputs are compared with a local run's."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.batchdata import BOOKKEEPING, generate, leftovers, many_items_gz, outputs, report, split_export
from tests.conftest import FIXTURES, ROOT, SAMPLE

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
s3fs = pytest.importorskip("s3fs", reason="s3fs is not installed")
moto_server = pytest.importorskip("moto.server", reason="moto[server] is not installed")

BUCKET = "archive"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
               "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture(scope="module")
def s3():
    """An S3 API on a loopback port, with its address and credentials in the environment
    (the usual AWS variables: what the batch process and the workers read)."""
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    saved = dict(os.environ)
    os.environ.update(CREDENTIALS, AWS_ENDPOINT_URL=f"http://{host}:{port}")
    fs = s3fs.S3FileSystem(skip_instance_cache=True, use_listings_cache=False)
    fs.mkdir(BUCKET)
    try:
        yield fs
    finally:
        os.environ.clear()
        os.environ.update(saved)
        server.stop()


@pytest.fixture(scope="module")
def cluster(s3):
    """A LocalCluster of 2 single-threaded worker processes (started after the S3 variables are set)."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  silence_logs=40) as local, distributed.Client(local) as client:
        yield client


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    """Generated exports, a split one and a truncated one, with a local batch's outputs of them."""
    src = tmp_path_factory.mktemp("src")
    for number in range(3):
        generate(src / f"site{number}.xml", posts=30 + 30 * number, seed=number + 1)
    split_export(SAMPLE, src, "bigsite", parts=2)
    shutil.copy(FIXTURES / "quirks" / "truncated.xml", src / "truncated.xml")
    reference = tmp_path_factory.mktemp("reference")
    done = batch(src, "-o", reference, "--jobs", "2")
    assert done.returncode == 1, done.stderr  # the truncated site fails
    return src, reference


def batch(*args, **options) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "wpmigrate", "batch", *map(str, args)]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600, **options)


def s3_outputs(fs, prefix: str) -> dict[str, bytes]:
    """The outputs under ``prefix``, as ``outputs`` gives a local OUTDIR's: no bookkeeping, nothing staged."""
    found = {path[len(prefix) + 1:]: fs.cat_file(path) for path in sorted(fs.find(prefix))}
    return {name: data for name, data in found.items()
            if not name.startswith(".") and os.path.basename(name) not in BOOKKEEPING}


def statuses(data: dict) -> dict[str, str]:
    return {site["name"]: site["status"] for site in data["sites"]}


def test_s3_exports_to_s3_on_a_cluster_match_a_local_run_and_resume(s3, cluster, exports):
    src, reference = exports
    s3.put(str(src) + "/", f"{BUCKET}/exports/", recursive=True)
    out = f"s3://{BUCKET}/converted"
    first = batch(f"s3://{BUCKET}/exports/", "-o", out, "--scheduler", cluster.scheduler.address)
    assert first.returncode == 1, first.stderr
    assert "Traceback" not in first.stderr
    assert s3_outputs(s3, f"{BUCKET}/converted") == outputs(reference), "byte-identical to the local run"
    data = json.loads(s3.cat_file(f"{BUCKET}/converted/report.json"))
    assert statuses(data) == statuses(report(reference))
    assert data["status"] == "finished" and data["settings"]["scheduler"] == cluster.scheduler.address
    bigsite = next(site for site in data["sites"] if site["name"] == "bigsite")
    assert bigsite["inputs"] == [f"s3://{BUCKET}/exports/bigsite.000.xml", f"s3://{BUCKET}/exports/bigsite.001.xml"]
    truncated = next(site for site in data["sites"] if site["name"] == "truncated")
    assert f"s3://{BUCKET}/exports/truncated.xml:33:" in truncated["error"]["message"], "the URL, not a copy's path"
    assert all(site["peak_rss_mb"] for site in data["sites"] if site["status"] == "ok")
    assert not [name for name in s3.ls(f"{BUCKET}/converted") if "/.wpmigrate-" in name and "batch" not in name]
    again = batch(f"s3://{BUCKET}/exports/", "-o", out, "--scheduler", cluster.scheduler.address)
    assert again.returncode == 1, again.stderr
    totals = json.loads(s3.cat_file(f"{BUCKET}/converted/report.json"))["totals"]
    assert totals["skipped"] == 4 and totals["failed"] == 1, "only the failed site is redone"


def test_folder_outputs_on_s3_match_a_local_run(s3, cluster, tmp_path):
    """A Markdown site is a folder: uploaded under a staging prefix, then copied into place."""
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(SAMPLE, src / "blog.xml")
    s3.put(str(src / "blog.xml"), f"{BUCKET}/md-src/blog.xml")
    reference = tmp_path / "reference"
    assert batch(src, "-o", reference, "--to", "markdown", "--jobs", "1").returncode == 0
    out = f"s3://{BUCKET}/md-out"
    done = batch(f"s3://{BUCKET}/md-src/blog.xml", "-o", out, "--to", "markdown", "--scheduler",
                 cluster.scheduler.address)
    assert done.returncode == 0, done.stderr
    assert s3_outputs(s3, f"{BUCKET}/md-out") == outputs(reference) != {}
    assert sorted(os.path.basename(path) for path in s3.ls(f"{BUCKET}/md-out")) == [
        ".wpmigrate-batch.json", "blog", "report.json"], "no staging prefix left"


def test_a_killed_worker_is_retried_and_every_site_converted_once(cluster, tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    many_items_gz(src / "huge.xml.gz", 15_000)  # long enough to be caught running
    for number in range(3):
        shutil.copy(SAMPLE, src / f"small{number}.xml")
    running = subprocess.Popen([sys.executable, "-m", "wpmigrate", "batch", str(src), "-o", str(out),
                                "--scheduler", cluster.scheduler.address], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    worker = _worker_running(cluster, "-huge", running)
    pid = cluster.run(os.getpid, workers=[worker])[worker]
    os.kill(pid, signal.SIGKILL)
    assert running.wait(600) == 0, running.stderr.read()
    stderr = running.stderr.read()
    data = report(out)
    assert data["status"] == "finished" and statuses(data) == {
        "huge": "ok", "small0": "ok", "small1": "ok", "small2": "ok"}
    huge = next(site for site in data["sites"] if site["name"] == "huge")
    assert huge["lost_workers"] == 1 and huge["counts"]["posts"] == 15_000
    # Sites queued on the lost worker but not started are counted too: they were sent elsewhere.
    retried = next(line for line in stderr.splitlines() if line.startswith("retried: "))
    assert "after a lost worker: huge" in retried
    assert sorted(outputs(out)) == ["huge.json", "small0.json", "small1.json", "small2.json"]
    assert len(json.loads((out / "huge.json").read_text())["posts"]) == 15_000
    assert leftovers(out) == []


def _worker_running(client, suffix: str, batch_process: subprocess.Popen) -> str:
    """The address of the worker running the task whose key ends with ``suffix``."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and batch_process.poll() is None:
        for worker, keys in client.processing().items():
            if any(str(key).endswith(suffix) for key in keys):
                return worker
        time.sleep(0.05)
    pytest.fail("the task never ran: " + (batch_process.stderr.read() if batch_process.poll() is not None else ""))


def test_ctrl_c_on_a_local_cluster_leaves_an_interrupted_report_and_a_rerun_finishes(tmp_path):
    src, out, reference = tmp_path / "src", tmp_path / "out", tmp_path / "reference"
    src.mkdir()
    for number in range(5):
        generate(src / f"site{number}.xml", posts=60 + 30 * number, seed=number + 1)
    assert batch(src, "-o", reference, "--jobs", "2").returncode == 0
    command = [sys.executable, "-m", "wpmigrate", "batch", str(src), "-o", str(out), "--scheduler", "local",
               "--jobs", "1"]
    running = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 180
    while not (out / ".wpmigrate-batch.json").exists() or not _finished(out):
        assert running.poll() is None and time.monotonic() < deadline, "the batch ended before any site did"
        time.sleep(0.05)
    os.kill(running.pid, signal.SIGINT)
    assert running.wait(120) == 130
    stderr = running.stderr.read()
    assert "interrupted: run the same command again" in stderr and "Traceback" not in stderr
    left = report(out)
    assert left["status"] == "interrupted" and left["not_run"]
    partial = outputs(out)
    assert 1 <= len(partial) < 5 and all(data == outputs(reference)[name] for name, data in partial.items())
    again = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert outputs(out) == outputs(reference) and leftovers(out) == []
    assert report(out)["status"] == "finished" and report(out)["totals"]["skipped"] >= 1


def _finished(out: Path) -> bool:
    try:
        sites = json.loads((out / ".wpmigrate-batch.json").read_text())["sites"]
    except (OSError, ValueError, KeyError):
        return False
    return any(record["entry"] for record in sites.values())


def test_scheduler_without_dask_says_how_to_install_it(tmp_path):
    blocked = ("import sys; sys.modules['distributed'] = None; sys.argv[0] = 'wpmigrate'; "
               "from wpmigrate.cli import main; main()")
    result = subprocess.run([sys.executable, "-c", blocked, "batch", str(SAMPLE), "-o", str(tmp_path / "out"),
                             "--scheduler", "local"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "--scheduler needs Dask" in result.stderr and "pip install 'wpmigrate[dask]'" in result.stderr
    assert "Traceback" not in result.stderr


def test_without_scheduler_dask_is_never_imported(tmp_path):
    probe = ("import atexit, sys; atexit.register(lambda: print(sorted(m for m in ('dask', 'distributed', "
             "'fsspec') if m in sys.modules), file=sys.stderr)); sys.argv[0] = 'wpmigrate'; "
             "from wpmigrate.cli import main; main()")
    result = subprocess.run([sys.executable, "-c", probe, "batch", str(SAMPLE), "-o", str(tmp_path / "out"),
                             "--jobs", "1"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr.rstrip().endswith("[]")


def test_unreachable_scheduler_and_memory_urls_are_clear_errors(run_cli, tmp_path):
    result = run_cli("batch", SAMPLE, "-o", tmp_path / "out", "--scheduler", "tcp://127.0.0.1:9")
    assert result.exit_code == 2 and "cannot reach a Dask scheduler there" in result.stderr
    assert "dask scheduler" in result.stderr
    result = run_cli("batch", SAMPLE, "-o", "memory://out")
    assert result.exit_code == 2 and "memory:// lives in one process" in result.stderr
    result = run_cli("batch", SAMPLE, "-o", tmp_path / "out", "--scheduler", "local", "--timeout", "5")
    assert result.exit_code == 2 and "--timeout does not apply with --scheduler" in result.stderr


def test_a_planning_error_stops_the_local_cluster_started_meanwhile(tmp_path):
    """The local cluster starts while the batch plans; when planning fails, the error is said as
    without a cluster, and nothing the start began is left running."""
    (tmp_path / "empty").mkdir()
    command = [sys.executable, "-m", "wpmigrate", "batch", str(tmp_path / "empty"), "-o", str(tmp_path / "out"),
               "--scheduler", "local", "--jobs", "2"]
    running = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True, start_new_session=True)
    _, stderr = running.communicate(timeout=120)
    assert running.returncode == 2 and "no exports found" in stderr and "Traceback" not in stderr
    deadline = time.monotonic() + 30
    while _session(running.pid) and time.monotonic() < deadline:
        time.sleep(0.1)  # the fork server sees its parent gone, the workers their nanny
    assert _session(running.pid) == [], "processes of the batch left running"


def _session(sid: int) -> list[str]:
    """The command lines of the processes still in session ``sid`` (Linux /proc)."""
    found = []
    for entry in os.scandir("/proc"):
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            if int(fields[3]) == sid:  # field 6, session, counted after the ")" of the name
                found.append(Path(f"/proc/{entry.name}/cmdline").read_bytes().replace(b"\0", b" ").decode())
        except (OSError, ValueError, IndexError):
            continue
    return found
