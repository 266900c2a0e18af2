"""Progress on stderr: a live rich display on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
from typing import Any, TextIO

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)


class LineDisplay:
    """One line per finished site (with ``quiet``, failed sites only): for logs and pipes."""

    def __init__(self, stream: TextIO, quiet: bool = False) -> None:
        self.stream = stream
        self.quiet = quiet
        self.total = 0
        self.done = 0

    def start(self, sites: int, total_bytes: int, skipped: int) -> None:
        self.total, self.done = sites, skipped
        if not self.quiet:
            self._print(f"batch: {sites} sites, {total_bytes / 1e6:.1f} MB to convert"
                        f"{f', {skipped} up to date' if skipped else ''}")

    def started(self, name: str) -> None:
        pass

    def finished(self, entry: dict[str, Any]) -> None:
        self.done += 1
        if self.quiet and entry["status"] != "failed":
            return
        self._print(f"[{self.done}/{self.total}] {line(entry)}")

    def close(self) -> None:
        pass

    def _print(self, text: str) -> None:
        print(text, file=self.stream, flush=True)


class LiveDisplay:
    """Sites done/total, bytes, throughput, ETA and failures, redrawn in place; failures
    are also printed above the bar as they happen."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(
            TextColumn("[bold]batch"),
            BarColumn(),
            TextColumn("{task.fields[done]}/{task.fields[sites]} sites"),
            DownloadColumn(),
            TransferSpeedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[failures]}"),
            console=console,
            transient=False,
        )
        self.task = None
        self.failures = 0

    def start(self, sites: int, total_bytes: int, skipped: int) -> None:
        self.progress.start()
        self.task = self.progress.add_task("batch", total=max(total_bytes, 1), done=skipped, sites=sites,
                                           failures="")

    def started(self, name: str) -> None:
        pass

    def finished(self, entry: dict[str, Any]) -> None:
        task = self.progress.tasks[0]
        if entry["status"] == "failed":
            self.failures += 1
            self.progress.console.print(f"[red]{escape(line(entry))}[/red]", highlight=False)
        self.progress.update(self.task, advance=entry["bytes"], done=task.fields["done"] + 1,
                             failures=f"[red]{self.failures} failed" if self.failures else "")

    def close(self) -> None:
        self.progress.stop()


def line(entry: dict[str, Any]) -> str:
    """A site's outcome in one line."""
    head = f"{entry['status']:<9} {entry['name']} ({entry['bytes'] / 1e6:.1f} MB, {entry['seconds']:.1f} s)"
    if entry["status"] == "failed":
        return f"{head}: {entry['error']['message'].splitlines()[0]}"
    c = entry["counts"]
    return (f"{head}: {c['posts']} posts, {c['pages']} pages, {c['comments']} comments, "
            f"{entry['warnings']} warnings")


def make_display(quiet: bool, stream: TextIO | None = None) -> LineDisplay | LiveDisplay:
    """The live display when ``stream`` (stderr) is a terminal and not ``quiet``, else lines."""
    stream = stream or sys.stderr
    if not quiet and stream.isatty():
        return LiveDisplay(Console(file=stream))
    return LineDisplay(stream, quiet)
