"""Batch: convert many exports at once, in parallel processes, resumably, with a report.

``plan_batch`` says what a run would do (``--dry-run``); ``run_batch`` does it
and returns the report also written to ``OUTDIR/report.json``. The sites run in
local worker processes (``runner``), or as tasks on a Dask cluster (``cluster``,
with ``scheduler``); sources and OUTDIR may be fsspec URLs (``storage``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from wpmigrate.batch import storage
from wpmigrate.batch.discover import discover
from wpmigrate.batch.plan import CONVERT, SKIP, Task, make_plan
from wpmigrate.batch.progress import LineDisplay, LiveDisplay
from wpmigrate.batch.report import build_report, site_entry, write_report
from wpmigrate.batch.runner import PRELOAD, Job, Outcome, run_jobs
from wpmigrate.batch.state import REPORT_NAME, State, hash_options, locked, remove_stale
from wpmigrate.batch.worker import STAGING_PREFIX, convert_site, failed
from wpmigrate.convert import ConvertOptions, pii_mode
from wpmigrate.errors import OutputError, UsageError
from wpmigrate.parallel import available_cores
from wpmigrate.writers import get_format

__all__ = ["BatchOptions", "plan_batch", "run_batch"]


@dataclass
class BatchOptions:
    outdir: str
    convert: ConvertOptions = field(default_factory=ConvertOptions)
    #: Sites converted at once (each convert itself runs with jobs=1).
    jobs: int = field(default_factory=available_cores)
    #: Seconds one site may take; None for no limit.
    timeout: float | None = None
    #: Convert every site again, and overwrite outputs that no batch made.
    force: bool = False
    #: A Dask scheduler's address (``tcp://HOST:8786``), or ``local`` for a local cluster of
    #: ``jobs`` worker processes; None to run in this machine's worker processes, without Dask.
    scheduler: str | None = None

    def __post_init__(self) -> None:
        self.outdir = storage.local(self.outdir)


def plan_batch(sources: list[str], options: BatchOptions) -> list[Task]:
    """What a run would do with each site found in ``sources``; writes nothing."""
    _check_options(sources, options)
    suffix = get_format(options.convert.to).suffix
    sites = discover(sources, suffix)
    if not sites:
        raise UsageError("no exports found (.xml, .xml.gz or .zip)", hint="name files, folders or glob patterns")
    state = State(options.outdir)
    return make_plan(sites, options.outdir, suffix, hash_options(options.convert), state, options.force)


def _check_options(sources: list[str], options: BatchOptions) -> None:
    if options.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if options.timeout is not None and options.timeout <= 0:
        raise UsageError("--timeout must be a positive number of seconds")
    if options.timeout is not None and options.scheduler:
        raise UsageError("--timeout does not apply with --scheduler", hint="Dask runs each site to its end")
    _check_locations(sources, options.outdir)


def _check_locations(sources: list[str], outdir: str) -> None:
    for where in [*sources, outdir]:
        if where.lower().startswith("memory://"):
            raise UsageError(f"{where}: memory:// lives in one process; the workers cannot see it",
                             hint="use a folder, or object storage (s3://, gs://)")


def run_batch(sources: list[str], options: BatchOptions, display: LineDisplay | LiveDisplay) -> dict[str, Any]:
    """Convert every site that is not up to date; return (and write) the report."""
    _check_options(sources, options)
    try:
        storage.makedirs(options.outdir)
    except OSError as exc:
        raise OutputError(f"{options.outdir}: cannot create the output folder "
                          f"({getattr(exc, 'strerror', None) or exc})") from None
    with locked(options.outdir), _client(options, _worker_modules(options)) as client:
        # A cluster starts (or is reached) meanwhile: planning hashes every input.
        remove_stale(options.outdir, STAGING_PREFIX)
        tasks = plan_batch(sources, options)
        return _Run(tasks, options, display, client()).run()


def _client(options: BatchOptions, preload: tuple[str, ...]) -> AbstractContextManager[Callable[[], Any]]:
    """With ``--scheduler``, a function that returns a Dask client once the cluster is reached
    (started, for ``local``, in the background from now on); else one that returns None, and no
    Dask import."""
    if not options.scheduler:
        return nullcontext(lambda: None)
    from wpmigrate.batch import cluster  # noqa: PLC0415 - optional: Dask is an extra

    return cluster.connecting(options.scheduler, options.jobs, (*PRELOAD, *preload))


def _worker_modules(options: BatchOptions) -> tuple[str, ...]:
    """What each site's convert imports on first use, with these options."""
    cleaning = () if options.convert.raw_content else ("wpmigrate.clean.pipeline",)
    return cleaning + get_format(options.convert.to).modules


class _Run:
    """One run: the plan's tasks, the state file and the entries as sites finish."""

    def __init__(self, tasks: list[Task], options: BatchOptions, display: LineDisplay | LiveDisplay,
                 client: Any = None) -> None:
        self.tasks = {task.site.name: task for task in tasks}
        self.options = options
        self.display = display
        self.client = client
        self.flush = _Flush()
        self.state = State(options.outdir)
        self.options_hash = hash_options(options.convert)
        self.start = time.monotonic()
        self.entries: dict[str, dict[str, Any]] = {
            task.site.name: site_entry(task, task.entry, skipped=task.action == SKIP)
            for task in tasks if task.action != CONVERT
        }

    def run(self) -> dict[str, Any]:
        todo = sorted((t for t in self.tasks.values() if t.action == CONVERT), key=lambda t: -t.site.size)
        self._report(running=True)  # from now on, a kill leaves a report that says so
        self._claim(todo)
        skipped = sum(entry["skipped"] for entry in self.entries.values())
        jobs = [Job(t.site.name, (t.site.inputs, t.output, self.options.convert), t.site.size) for t in todo]
        self.display.start(len(self.tasks), sum(t.site.size for t in todo), skipped)
        for entry in self.entries.values():
            if not entry["skipped"]:
                self.display.finished(entry)
        try:
            self._execute(jobs)
        except KeyboardInterrupt:
            pass  # the workers are stopped (the tasks cancelled); the report says what was not run
        finally:
            self.display.close()
            remove_stale(self.options.outdir, STAGING_PREFIX)  # what killed workers left
        self._save()
        report = self._report(running=False)
        report["path"] = os.path.join(self.options.outdir, REPORT_NAME)
        return report

    def _execute(self, jobs: list[Job]) -> None:
        started = lambda job: self.display.started(job.key)  # noqa: E731
        if self.client is None:
            run_jobs(jobs, convert_site, workers=self.options.jobs, timeout=self.options.timeout,
                     preload=_worker_modules(self.options), on_start=started, on_done=self._done)
        else:
            from wpmigrate.batch import cluster  # noqa: PLC0415

            cluster.run_jobs(self.client, jobs, convert_site, on_start=started, on_done=self._done)

    def _report(self, running: bool) -> dict[str, Any]:
        """Write ``OUTDIR/report.json`` (atomically) as things stand, and return it."""
        not_run = [name for name in self.tasks if name not in self.entries]
        report = build_report(list(self.entries.values()), self._settings(), time.monotonic() - self.start,
                              not_run, running=running)
        write_report(self.options.outdir, report)
        return report

    def _claim(self, todo: list[Task]) -> None:
        """Record the outputs this run will write, so a rerun may replace them after a kill."""
        for task in todo:
            if not self.state.claimed(task.key):
                self.state.record(task.key, None, None, None)
        self.state.save()

    def _done(self, job: Job, outcome: Outcome) -> None:
        task = self.tasks[job.key]
        result = outcome.result if outcome.failure is None else _lost(outcome)
        entry = site_entry(task, result, skipped=False)
        self.entries[job.key] = entry
        ok = entry["status"] != "failed"
        self.state.record(task.key, task.inputs_hash if ok else None, self.options_hash, entry)
        if self.flush.due():
            self._save()
        self.display.finished(entry)

    def _save(self) -> None:
        """The report, then the state: what the state vouches for, the report lists."""
        with self.flush.timed():
            self._report(running=True)
            self.state.save()

    def _settings(self) -> dict[str, Any]:
        c = self.options.convert
        return {"to": c.to, "recover": c.recover, "pii": pii_mode(c), "jobs": self.options.jobs,
                "timeout": self.options.timeout, "outdir": self.options.outdir, "scheduler": self.options.scheduler}


class _Flush:
    """When to write the report and the state: after every site, unless writing them takes more
    than a tenth of the time (thousands of tiny sites, or OUTDIR on object storage): then less often.
    A site finished but not yet written is converted again by the next run, which is safe."""

    SHARE = 0.1

    def __init__(self) -> None:
        self.took = 0.0
        self.last = 0.0

    def due(self) -> bool:
        return time.monotonic() - self.last >= self.took / self.SHARE

    @contextmanager
    def timed(self) -> Iterator[None]:
        start = time.monotonic()
        yield
        self.last = time.monotonic()
        self.took = self.last - start


def _lost(outcome: Outcome) -> dict[str, Any]:
    """The entry of a site whose worker timed out or died."""
    entry = failed("Timeout" if outcome.failure == "timeout" else "WorkerCrash", outcome.message, None)
    entry["seconds"] = round(outcome.seconds, 3)
    return entry
