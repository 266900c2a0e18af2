"""Run a batch's sites as tasks on a Dask distributed cluster (``--scheduler``).

Imported only when ``--scheduler`` is given: Dask is an optional extra. Every
site is one task, submitted largest first with its size as priority (longest
processing time first). Each task carries its memory need as an annotation,
and as a ``MEMORY`` resource when every worker declares one (``dask worker
--resources MEMORY=8e9``; ``--scheduler local`` does), so a worker never takes
more large sites than it has memory for. A worker lost while running a site (or
holding it queued) makes Dask run it elsewhere, up to
``distributed.scheduler.allowed-failures`` times; the losses are counted from
the scheduler's events and reported with the site (``lost_workers``).
"""

from __future__ import annotations

import importlib.util
import logging
import multiprocessing
import multiprocessing.forkserver
import os
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from wpmigrate.batch.runner import Job, Outcome, server_preload
from wpmigrate.errors import UsageError

LOCAL = "local"
#: Worker losses a site survives on ``--scheduler local`` (Dask's own default is 3).
RETRIES = 2
#: What any site needs, in bytes, and what it needs per byte of export on top: a convert streams,
#: so memory grows little with size (bench_batch: 43 MB at 1 MB, 47 MB at 7 MB, per worker).
MEMORY_BASE = 256 * 2**20
MEMORY_PER_BYTE = 0.25
RESOURCE = "MEMORY"


def _distributed():
    """The distributed package, or a usage error saying how to get it."""
    try:
        import distributed  # noqa: PLC0415
    except ImportError:
        raise UsageError("--scheduler needs Dask, which is not installed",
                         hint="pip install 'wpmigrate[dask]' (on this machine and on every worker)") from None
    return distributed


@contextmanager
def connecting(scheduler: str, workers: int, preload: tuple[str, ...] = ()) -> Iterator[Callable[[], Any]]:
    """:func:`connect` in a background thread, so that the batch plans its work (finds the sites,
    hashes their inputs, reads its state) while a local cluster starts: yields a function that
    waits for the client and returns it, or raises what connecting raised.

    The fork server of a local cluster's workers is started at once, before distributed is
    imported here: it imports distributed and ``preload`` meanwhile, on the other core. On the way
    out, the start is waited for and what it opened is closed (the local cluster stopped), even
    when the client was never asked for (planning failed, or Ctrl-C).
    """
    if scheduler == LOCAL:
        _fork_server(preload)
    opened = ExitStack()
    outcome: dict[str, Any] = {}

    def start() -> None:
        try:
            outcome["client"] = opened.enter_context(connect(scheduler, workers, preload))
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread, raised there
            outcome["error"] = exc

    thread = threading.Thread(target=start, name="wpmigrate-cluster-start", daemon=True)
    thread.start()

    def client() -> Any:
        thread.join()
        if "error" in outcome:
            raise outcome["error"]
        return outcome["client"]

    try:
        yield client
    finally:
        thread.join()
        opened.close()


@contextmanager
def connect(scheduler: str, workers: int, preload: tuple[str, ...] = ()) -> Iterator[Any]:
    """A client of the cluster at ``scheduler`` (``tcp://HOST:8786``), or of a new local one
    of ``workers`` processes for ``local`` (started with ``preload`` imported); closed (the
    local cluster stopped) on the way out."""
    distributed = _distributed()
    if scheduler == LOCAL:
        with _local_cluster(distributed, workers, preload) as cluster, \
                distributed.Client(cluster, set_as_default=False) as client:
            yield client
        return
    try:
        client = distributed.Client(scheduler, timeout="10s", set_as_default=False)
    except (OSError, ValueError, TypeError) as exc:
        raise UsageError(f"--scheduler {scheduler}: cannot reach a Dask scheduler there ({exc})",
                         hint="start one with `dask scheduler`, or try --scheduler local") from None
    with client:
        yield client


@contextmanager
def _local_cluster(distributed, workers: int, preload: tuple[str, ...]) -> Iterator[Any]:
    """Worker processes on this machine, one thread each, each declaring its share of memory.

    Where there is a fork server (Unix), the workers are forked from one that has distributed
    and ``preload`` imported, as the local batch's are: not each importing them in turn.
    """
    import dask  # noqa: PLC0415

    share = distributed.system.MEMORY_LIMIT // workers
    settings: dict[str, Any] = {
        "distributed.scheduler.allowed-failures": RETRIES,
        # The statistical profiler samples every thread's stack every 10 ms: CPU and GIL taken from
        # the sites, for a dashboard nobody watches here.
        "distributed.worker.profile.enabled": False,
        # Every event loop (the scheduler's and the nannies' here, each worker's) wakes every 20 ms to
        # see whether it was blocked, a diagnostic only: a tenth of a core all told, taken from the
        # sites. Once a second still warns of a loop blocked for 3 s (distributed.admin.tick.limit).
        "distributed.admin.tick.interval": "1s",
    }
    if _fork_server(preload):
        settings["distributed.worker.multiprocessing-method"] = "forkserver"
    with dask.config.set(settings):
        cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                           memory_limit=share, resources={RESOURCE: share},
                                           dashboard_address=":0", silence_logs=logging.ERROR)
    with cluster:
        yield cluster


def _fork_server(preload: tuple[str, ...]) -> bool:
    """Start the fork server a local cluster's workers are forked from, with distributed and
    ``preload`` imported (no-op once started); False where there is no fork server (Windows)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return False
    if importlib.util.find_spec("distributed") is None:
        return False  # connect() says how to install it
    multiprocessing.get_context("forkserver").set_forkserver_preload(server_preload("distributed", *preload))
    # The workers' own log level comes from the fork server's import of distributed (the nannies'
    # silence_logs does not reach it): without this, a worker whose scheduler stops first (Ctrl-C)
    # prints "Heartbeat to scheduler failed" with a traceback. Errors still show.
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "error")
    multiprocessing.forkserver.ensure_running()
    return True


def memory_need(size: int) -> int:
    """Bytes of memory a site of ``size`` bytes of export is expected to need."""
    return MEMORY_BASE + int(size * MEMORY_PER_BYTE)


def run_jobs(client: Any, jobs: list[Job], work: Callable[..., Any], *,
             on_start: Callable[[Job], None] = lambda job: None,
             on_done: Callable[[Job, Outcome], None] = lambda job, outcome: None) -> None:
    """Run ``work(*job.args)`` for every job as a task on the cluster; report each through ``on_done``.

    On KeyboardInterrupt (or any error here) the tasks not finished are cancelled.
    """
    import dask  # noqa: PLC0415

    losses = _Losses(client)
    largest = _largest_memory(client)
    run = uuid.uuid4().hex[:12]
    futures = {}
    try:
        for job in sorted(jobs, key=lambda job: -job.size):
            need = memory_need(job.size)
            resources = {RESOURCE: min(need, largest)} if largest else None
            with dask.annotate(wpmigrate_memory=need):
                future = client.submit(_task, work, job.args, key=f"wpmigrate-{run}-{job.key}", pure=False,
                                       priority=job.size, resources=resources)
            futures[future] = job
            on_start(job)
        for future in _distributed().as_completed(list(futures), loop=client.loop):
            job = futures.pop(future)
            on_done(job, _outcome(future, losses.of(future.key)))
    finally:
        if futures:
            client.cancel(list(futures), force=True)
        losses.close()


def _largest_memory(client: Any) -> int | None:
    """The largest ``MEMORY`` resource of the workers when every worker declares one, else None."""
    workers = client.scheduler_info()["workers"].values()
    declared = [worker.get("resources", {}).get(RESOURCE) for worker in workers]
    if not declared or None in declared:
        return None
    return int(max(declared))


class _Losses:
    """Workers lost while running each task, from the scheduler's ``remove-worker`` events."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.counts: Counter[str] = Counter()
        client.subscribe_topic("all", self._event)

    def close(self) -> None:
        self.client.unsubscribe_topic("all")

    def _event(self, event: tuple[float, Any]) -> None:
        message = event[1]
        if isinstance(message, dict) and message.get("action") == "remove-worker" and not message.get("expected"):
            self.counts.update(message.get("processing-tasks", ()))

    def of(self, key: str) -> int:
        return self.counts[key]


def _outcome(future: Any, lost: int) -> Outcome:
    """What became of a finished task, as the local runner would say it."""
    if future.status == "finished":
        result = future.result()
        result["lost_workers"] = lost
        return Outcome(result=result, seconds=result.get("seconds", 0.0))
    error = future.exception() if future.status == "error" else None
    if type(error).__name__ == "KilledWorker":
        message = (f"the worker running it was lost {max(lost, 1)} time(s); Dask gave up on it "
                   "(distributed.scheduler.allowed-failures)")
    else:
        message = f"the cluster gave no result ({future.status}: {error!r})"
    return Outcome(failure="crashed", message=message)


def _task(work: Callable[..., Any], args: tuple) -> Any:
    """What runs on a worker: ``work(*args)``, with the peak memory of this site alone."""
    fresh = _reset_peak()
    result = work(*args)
    if isinstance(result, dict):
        result["peak_rss_mb"] = _peak_mb() if fresh else None
    return result


def _reset_peak() -> bool:
    """Reset this process's peak RSS (Linux, ``clear_refs``): a worker runs many sites."""
    try:
        with open(f"/proc/{os.getpid()}/clear_refs", "w") as stream:
            stream.write("5")
        return True
    except OSError:
        return False


def _peak_mb() -> float | None:
    """This process's peak RSS since the reset, in MB (``VmHWM``)."""
    try:
        with open(f"/proc/{os.getpid()}/status") as stream:
            for line in stream:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None
