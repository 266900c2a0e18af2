"""Warnings and errors found in the data, with where they were found."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

#: At most this many diagnostics are kept one by one; the rest are only counted,
#: so a file with a million bad characters cannot exhaust memory.
MAX_KEPT = 10_000


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding: a stable code, a severity, a message, and its position."""

    code: str
    severity: str  # "error" | "warning" | "info"
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    item: int | None = None
    comment: int | None = None

    def where(self) -> str:
        """``file:line:column`` and the item/comment id, as far as known."""
        parts = [p for p in (self.file, self.line, self.column) if p is not None]
        place = ":".join(str(p) for p in parts)
        ids = []
        if self.item is not None:
            ids.append(f"item {self.item}")
        if self.comment is not None:
            ids.append(f"comment {self.comment}")
        if ids:
            place = f"{place} ({', '.join(ids)})" if place else ", ".join(ids)
        return place


class Diagnostics:
    """A sink that keeps diagnostics in order and counts them by severity and code."""

    def __init__(self) -> None:
        self.kept: list[Diagnostic] = []
        self.by_severity: Counter[str] = Counter()
        self.by_code: Counter[str] = Counter()

    def add(self, diagnostic: Diagnostic) -> None:
        self.by_severity[diagnostic.severity] += 1
        self.by_code[diagnostic.code] += 1
        if len(self.kept) < MAX_KEPT:
            self.kept.append(diagnostic)

    def warn(self, code: str, message: str, **where) -> None:
        self.add(Diagnostic(code, "warning", message, **where))

    def error(self, code: str, message: str, **where) -> None:
        self.add(Diagnostic(code, "error", message, **where))

    def info(self, code: str, message: str, **where) -> None:
        self.add(Diagnostic(code, "info", message, **where))

    @property
    def warnings(self) -> int:
        return self.by_severity["warning"]

    @property
    def errors(self) -> int:
        return self.by_severity["error"]

    def __iter__(self):
        return iter(self.kept)

    def __len__(self) -> int:
        return sum(self.by_severity.values())
