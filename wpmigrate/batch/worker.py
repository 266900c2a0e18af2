"""What one worker process does for one site: convert it into a staging folder,
move the output into place, and describe the outcome as a report entry."""

from __future__ import annotations

import dataclasses
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

try:
    import resource
except ImportError:  # Windows: no ru_maxrss
    resource = None  # type: ignore[assignment]

from wpmigrate.batch import remote, storage
from wpmigrate.batch.storage import STAGING_PREFIX
from wpmigrate.convert import ConvertOptions, ConvertResult, convert
from wpmigrate.diagnostics import Diagnostics
from wpmigrate.errors import EXIT_INPUT, EXIT_INTERNAL, OutputError, WpmigrateError

#: A site whose salvager ran is "recovered" rather than "ok".
SALVAGED = "salvage-summary"


def site_options(options: ConvertOptions, output: str) -> ConvertOptions:
    """The options of one site's convert: its own output, and no nested parallelism
    (batch runs sites in parallel processes; ``jobs`` parallelises within one convert)."""
    return dataclasses.replace(options, output=output, force=True, jobs=1)


def convert_site(inputs: tuple[str, ...], output: str, options: ConvertOptions) -> dict[str, Any]:
    """Convert one site to ``output``; never raises for a bad site, returns its report entry."""
    start = time.perf_counter()
    diagnostics = Diagnostics()
    entry: dict[str, Any]
    paths = list(inputs)
    try:
        with remote.fetched(inputs) as paths, staged(output) as temp:
            result = convert(paths, site_options(options, temp), diagnostics)
        entry = succeeded(result)
    except WpmigrateError as error:
        entry = failed(type(error).__name__, remote.local_names(str(error), inputs, paths), error.exit_code)
    except MemoryError:
        entry = failed("MemoryError", "out of memory", EXIT_INPUT)
    except Exception as error:  # noqa: BLE001 - one site's bug must not stop the batch
        entry = failed("InternalError", f"internal error (a bug): {type(error).__name__}: {error}", EXIT_INTERNAL)
    entry.update(
        warnings=diagnostics.warnings,
        errors=diagnostics.errors,
        codes=dict(sorted(diagnostics.by_code.items())),
        seconds=round(time.perf_counter() - start, 3),
        peak_rss_mb=peak_rss_mb(),
    )
    return entry


def succeeded(result: ConvertResult) -> dict[str, Any]:
    c = result.counts
    counts = {
        "posts": c["post"],
        "pages": c["page"],
        "other": sum(v for k, v in c.items() if k not in ("post", "page", "comments")),
        "comments": c["comments"],
        "authors": result.authors,
    }
    status = "recovered" if result.diagnostics.by_code[SALVAGED] else "ok"
    return {"status": status, "counts": counts, "error": None}


def failed(kind: str, message: str, exit_code: int | None) -> dict[str, Any]:
    """The entry of a site that produced no output."""
    return {"status": "failed", "counts": None, "error": {"type": kind, "message": message, "exit_code": exit_code}}


def peak_rss_mb() -> float | None:
    """This process's peak resident set size in MB (``ru_maxrss``: KiB on Linux, bytes on macOS)."""
    if resource is None:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def staged(final: str) -> AbstractContextManager[str]:
    """A path to write ``final``'s output to, put in place only once complete (see ``staged_local``)."""
    return remote.staged(final) if storage.is_remote(final) else staged_local(final)


@contextmanager
def staged_local(final: str) -> Iterator[str]:
    """A path in a private staging folder beside ``final``, moved to ``final`` on success.

    Works for a file or a folder output; ``final`` never holds a partial
    output. The staging folder is removed on the way out, except when the
    worker is killed: the batch process removes those (see ``remove_stale``).
    """
    try:
        stage = tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=os.path.dirname(os.path.abspath(final)))
    except OSError as exc:
        raise OutputError(f"{final}: cannot write there ({exc.strerror})") from None
    try:
        temp = os.path.join(stage, os.path.basename(final))
        yield temp
        _move_into_place(temp, final, stage)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _move_into_place(temp: str, final: str, stage: str) -> None:
    try:
        if os.path.isdir(final) and not os.path.islink(final):
            os.rename(final, os.path.join(stage, ".old"))  # a folder cannot be replaced in one step
        os.replace(temp, final)
    except OSError as exc:
        raise OutputError(f"{final}: cannot write ({exc.strerror})") from None
