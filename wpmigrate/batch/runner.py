"""Run jobs in worker processes, one fresh process per job, at most N at a time.

One process per job isolates every site: a crash (a segfault, the kernel's
out-of-memory killer) or a timeout kills that site alone, and the peak memory
a worker reports is that site's own. Processes come from a fork server that
has wpmigrate imported already, so starting one is cheap. A worker exits as
soon as the batch process dies (it watches its pipe), so killing a batch
never leaves workers writing behind its back.

A worker is only ever stopped with SIGKILL, never asked to stop: an exception
raised at an arbitrary point (what a SIGTERM handler would do) could be caught
on the way and let a cut-short job finish as if complete. So a stopped job
cleans nothing up; its caller removes what it left.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

#: What every worker needs; run_jobs adds what the batch's options need.
PRELOAD = ("wpmigrate.batch.worker",)


@dataclass
class Job:
    key: str
    args: tuple
    #: Bytes of input: a cluster schedules the largest first and reserves memory by it.
    size: int = 0


@dataclass
class Outcome:
    """What became of a job: its result, or why there is none."""

    result: Any = None
    #: "timeout" or "crashed" when the worker gave no result.
    failure: str | None = None
    message: str = ""
    seconds: float = 0.0


@dataclass
class _Running:
    job: Job
    process: Any
    conn: Connection
    started: float = field(default_factory=time.monotonic)


def context(preload: tuple[str, ...] = ()) -> multiprocessing.context.BaseContext:
    """A fork server with wpmigrate (and ``preload``) imported where there is one (Unix), else spawn."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(server_preload(*PRELOAD, *preload))
        return ctx
    return multiprocessing.get_context("spawn")


def server_preload(*modules: str) -> list[str]:
    """What a fork server should import once: ``modules``, and what each worker would else import
    itself when it runs this process's main script again.

    Before starting its target, a worker runs the main script again (as ``__mp_main__``) when this
    process was started from a script file, as the ``wpmigrate`` console script is. ``__main__`` in
    the preload is meant to make the fork server run it once instead, but that only works from
    Python 3.13.8 (CPython gh-137996); before, every worker runs the console script again, which
    imports ``wpmigrate.cli`` (50 ms of CPU: a third of a one-post site's worker). So the CLI is
    preloaded too when this process has it.
    """
    main = ["__main__"]
    if "wpmigrate.cli" in sys.modules:
        main.append("wpmigrate.cli")
    return [*main, *(module for module in modules if module not in main)]


def run_jobs(
    jobs: list[Job],
    work: Callable[..., Any],
    *,
    workers: int,
    timeout: float | None = None,
    preload: tuple[str, ...] = (),
    on_start: Callable[[Job], None] = lambda job: None,
    on_done: Callable[[Job, Outcome], None] = lambda job, outcome: None,
) -> None:
    """Run ``work(*job.args)`` for every job in its own process; report each through ``on_done``.

    ``work`` must be a module-level function; ``preload`` names modules it
    imports on first use, imported once in the fork server rather than in
    every worker. On KeyboardInterrupt (or any error here) running workers
    are killed before it propagates.
    """
    ctx = context(preload)
    pending = deque(jobs)
    running: list[_Running] = []
    try:
        while pending or running:
            while pending and len(running) < max(1, workers):
                running.append(_start(ctx, work, pending.popleft()))
                on_start(running[-1].job)
            _wait(running, timeout)
            for worker in list(running):
                outcome = _check(worker, timeout)
                if outcome is not None:
                    running.remove(worker)
                    on_done(worker.job, outcome)
    finally:
        for worker in running:
            _stop(worker)


def _start(ctx, work: Callable[..., Any], job: Job) -> _Running:
    parent_end, child_end = ctx.Pipe()
    process = ctx.Process(target=_child, args=(work, job.args, child_end), name=f"wpmigrate-{job.key}", daemon=True)
    process.start()
    child_end.close()  # so that the worker's death shows as end-of-file here
    return _Running(job, process, parent_end)


def _wait(running: list[_Running], timeout: float | None) -> None:
    """Sleep until a worker has a result, dies, or the first deadline passes."""
    waitables = [w.conn for w in running] + [w.process.sentinel for w in running]
    until = None
    if timeout is not None and running:
        until = max(0.0, min(w.started + timeout for w in running) - time.monotonic())
    wait(waitables, timeout=until)


def _check(worker: _Running, timeout: float | None) -> Outcome | None:
    """The worker's outcome if it is over, else None (timed-out workers are stopped here)."""
    elapsed = time.monotonic() - worker.started
    # Alive first, then the pipe: a worker that sent its result and exited between the two
    # checks, the other way round, read as a crash (a site reported failed that had converted).
    alive = worker.process.is_alive()
    if worker.conn.poll():
        try:
            result = worker.conn.recv()
        except (EOFError, OSError):
            return _crashed(worker, elapsed)
        _stop(worker, wait=True)
        return Outcome(result=result, seconds=elapsed)
    if not alive:
        return _crashed(worker, elapsed)
    if timeout is not None and elapsed >= timeout:
        _stop(worker)
        return Outcome(failure="timeout", message=f"timed out after {timeout:g} s (--timeout); the worker was stopped",
                       seconds=elapsed)
    return None


def _crashed(worker: _Running, elapsed: float) -> Outcome:
    _stop(worker, wait=True)
    code = worker.process.exitcode
    if code is not None and code < 0:
        how = f"was killed by {signal.Signals(-code).name}"
        if -code == signal.SIGKILL:
            how += " (out of memory?)"
    else:
        how = f"exited with code {code}"
    return Outcome(failure="crashed", message=f"the worker process {how} before finishing", seconds=elapsed)


def _stop(worker: _Running, wait: bool = False) -> None:
    """Reap a worker that has finished (``wait``: it has sent its result and is exiting), or kill it."""
    process = worker.process
    if wait:
        process.join(5.0)
    if process.is_alive():
        process.kill()
    process.join()
    worker.conn.close()


def _child(work: Callable[..., Any], args: tuple, conn: Connection) -> None:
    """A worker's main: run the job, send the result, die with the batch process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the batch process's to handle
    gc.freeze()  # the preloaded modules: never walked by this process's collector, never copied
    threading.Thread(target=_exit_with_parent, args=(conn,), daemon=True).start()
    conn.send(work(*args))


def _exit_with_parent(conn: Connection) -> None:
    """Block until the batch process's end of the pipe closes, then exit at once."""
    try:
        while True:
            conn.poll(None)
            conn.recv()  # the batch process never sends: this only returns by raising
    except (EOFError, OSError):
        os._exit(1)
