"""Run a per-item function on several cores while the input streams, in order.

``ordered_map(fn, items, jobs)`` is ``map(fn, items)`` spread over ``jobs``
worker processes (:class:`Workers` keeps them for several maps). It differs
from ``multiprocessing.Pool.imap`` in the two ways a streaming converter needs:

* **bounded memory**: items are sent in chunks, and no more than a few chunks
  per worker are in flight, so a 1 GB export is never queued whole;
* **any callable**: workers are forked after ``fn`` exists, so ``fn`` may be a
  closure over the export's indexes; only the items and the results are
  pickled.

Results come back in the input's order, so output stays deterministic. Where
``fork`` is not available (Windows), or ``jobs`` is 1, it is a plain ``map``.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import signal
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Items per chunk sent to a worker: large enough that pickling overhead is
#: amortised, small enough that memory in flight stays a few MB.
CHUNK = 16
#: Chunks in flight per worker.
WINDOW = 3

_function: Callable[[Any], Any] | None = None


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def ordered_map(fn: Callable[[T], R], items: Iterable[T], jobs: int, chunk: int = CHUNK) -> Iterator[R]:
    """``fn`` over ``items`` on ``jobs`` processes, results in input order.

    Items go to the workers ``chunk`` at a time: 1 for items that are large units of work.
    """
    with Workers(fn, jobs) as workers:
        yield from workers.map(items, chunk)


class Workers:
    """``jobs`` worker processes running ``fn``, for as many ordered maps as the caller needs:
    an export of many parts maps each part in turn, and forking new workers for each one cost
    more than converting a small part."""

    def __init__(self, fn: Callable[[Any], Any], jobs: int) -> None:
        self.fn = fn
        self.pool: ProcessPoolExecutor | None = None
        if jobs > 1 and can_fork():
            global _function
            _function = fn
            # What exists now, the forked workers inherit: frozen, their collector never walks it,
            # so the pages stay shared instead of being copied (about 1 s of 9 on the 100 MB export).
            gc.freeze()
            # An executor rather than a Pool: a worker killed (out of memory, a crash)
            # breaks it with an error, where a Pool would wait for the lost task forever.
            context = multiprocessing.get_context("fork")
            self.pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_ignore_interrupts)
            self.window = jobs * WINDOW

    def map(self, items: Iterable[T], chunk: int = CHUNK) -> Iterator[R]:
        """``fn`` over ``items``, results in input order."""
        if self.pool is None:
            yield from map(self.fn, items)
            return
        try:
            yield from _pipelined(self.pool, iter(items), self.window, chunk)
        except BrokenProcessPool:
            raise RuntimeError("a worker process died (killed, or out of memory?); run again with --jobs 1") from None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            global _function
            _function = None
            self.pool.shutdown(wait=True, cancel_futures=True)
            gc.unfreeze()


def _pipelined(pool: ProcessPoolExecutor, items: Iterator[T], window: int, size: int) -> Iterator[R]:
    pending: deque[Future] = deque()
    try:
        while True:
            while len(pending) < window:
                chunk = list(islice(items, size))
                if not chunk:
                    break
                pending.append(pool.submit(_run_chunk, chunk))
            if not pending:
                return
            yield from pending.popleft().result()
    finally:  # a map left early (its caller has what it needs): the pool goes on with others
        for future in pending:
            future.cancel()


def _ignore_interrupts() -> None:
    """Ctrl-C is the main process's to handle: it stops the workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_chunk(chunk: list[T]) -> list[R]:
    assert _function is not None, "ordered_map's function is set before the workers fork"
    try:
        return [_function(item) for item in chunk]
    except Exception as error:
        raise _sendable(error) from None


def _sendable(error: Exception) -> Exception:
    """``error``, or a RuntimeError that describes it when it cannot cross back (lxml's errors)."""
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")
