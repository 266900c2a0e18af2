"""The batch report: ``OUTDIR/report.json`` for scripts, a short summary for people,
and the exit code."""

from __future__ import annotations

import json
import os
from collections import Counter
from typing import Any

from wpmigrate import __version__
from wpmigrate.batch import storage
from wpmigrate.batch.plan import Task
from wpmigrate.batch.state import REPORT_NAME
from wpmigrate.errors import EXIT_FINDINGS, EXIT_OK

REPORT_VERSION = 1
#: What an entry holds when the site never reached a worker's end (refused, timed out, crashed).
_NO_RUN = {"warnings": 0, "errors": 0, "codes": {}, "seconds": 0.0, "peak_rss_mb": None, "lost_workers": 0}
#: Failed sites listed one by one in the summary.
SHOWN_FAILURES = 10
EXIT_INTERRUPTED = 130


def site_entry(task: Task, entry: dict[str, Any], skipped: bool) -> dict[str, Any]:
    """One site's line of the report: what it is, then what became of it."""
    outcome = {**_NO_RUN, **entry}
    return {
        "name": task.site.name,
        "inputs": list(task.site.inputs),
        "output": os.path.basename(task.output),
        "bytes": task.site.size,
        "status": outcome["status"],
        "skipped": skipped,
        "error": outcome["error"],
        "counts": outcome["counts"],
        **{key: outcome[key] for key in _NO_RUN},
    }


def build_report(entries: list[dict[str, Any]], settings: dict[str, Any], seconds: float,
                 not_run: list[str], running: bool = False) -> dict[str, Any]:
    """The report; ``running`` for the one rewritten as sites finish, which a killed run leaves.

    ``status`` is ``running`` (the run had not ended when this was written), ``interrupted``
    (Ctrl-C: ``not_run`` lists what was left) or ``finished``. ``interrupted`` is true unless
    the run ended with every site done, so a report left by a killed run never reads as complete.
    """
    statuses = Counter(entry["status"] for entry in entries)
    converted = [entry for entry in entries if not entry["skipped"]]
    totals = {
        "sites": len(entries) + len(not_run),
        "ok": statuses["ok"],
        "recovered": statuses["recovered"],
        "failed": statuses["failed"],
        "skipped": len(entries) - len(converted),
        "not_run": len(not_run),
        "bytes_converted": sum(entry["bytes"] for entry in converted),
    }
    return {
        "wpmigrate": {"version": __version__, "report": REPORT_VERSION},
        "status": "running" if running else ("interrupted" if not_run else "finished"),
        "settings": settings,
        "interrupted": running or bool(not_run),
        "seconds": round(seconds, 3),
        "totals": totals,
        "sites": sorted(entries, key=lambda entry: entry["name"]),
        "not_run": sorted(not_run),
    }


def write_report(outdir: str, report: dict[str, Any]) -> str:
    path = os.path.join(outdir, REPORT_NAME)
    storage.write_bytes(path, json.dumps(report, indent=2, ensure_ascii=False).encode() + b"\n")
    return path


def exit_code(report: dict[str, Any]) -> int:
    """0 when every site is ok or recovered, 1 when one failed, 130 when interrupted."""
    if report["interrupted"]:
        return EXIT_INTERRUPTED
    return EXIT_FINDINGS if report["totals"]["failed"] else EXIT_OK


def summary(report: dict[str, Any], path: str) -> list[str]:
    """A few lines for stderr: the totals, then the failed sites and why."""
    t = report["totals"]
    mb = t["bytes_converted"] / 1e6
    speed = f", {mb / report['seconds']:.1f} MB/s" if report["seconds"] > 0 and mb else ""
    not_run = f", {t['not_run']} not run" if t["not_run"] else ""
    lines = [
        f"batch: {t['sites']} sites: {t['ok']} ok, {t['recovered']} recovered, {t['failed']} failed"
        f" ({t['skipped']} of them up to date and skipped){not_run};"
        f" converted {mb:.1f} MB in {report['seconds']:.1f} s{speed}",
    ]
    failures = [entry for entry in report["sites"] if entry["status"] == "failed"]
    for entry in failures[:SHOWN_FAILURES]:
        lines.append(f"failed: {entry['name']}: {entry['error']['message']}")
    if len(failures) > SHOWN_FAILURES:
        lines.append(f"... and {len(failures) - SHOWN_FAILURES} more failed")
    retried = [entry["name"] for entry in report["sites"] if entry.get("lost_workers")]
    if retried:
        lines.append(f"retried: {len(retried)} site(s) after a lost worker: {', '.join(retried[:SHOWN_FAILURES])}")
    if report["interrupted"]:
        lines.append("interrupted: run the same command again to finish (finished sites are kept)")
    lines.append(f"report: {path}")
    return lines
