"""``wpmigrate validate``: lint WordPress exports, for people and for CI.

:func:`validate` reads each export once, streaming, and returns a
:class:`Report` of findings (:class:`~wpmigrate.diagnostics.Diagnostic`: a
stable code from :mod:`wpmigrate.validate.codes`, a severity, a message, and
file, line, column, item and comment). :mod:`wpmigrate.validate.formats`
writes a report as text, JSON, JUnit XML, GitHub annotations or SARIF.

Per export, in order: split-export parts, then for each document its first
bytes (:mod:`~wpmigrate.readers.sniff`) and its header
(:mod:`~wpmigrate.validate.header`), then the items as the reader streams them
(with ``recover=True``, so damage is reported and what follows is still
checked), then the checks that needed every item, then how damaged files end.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from wpmigrate.errors import NotWXRError, UnsafeInputError, WpmigrateError
from wpmigrate.readers.limits import DEFAULT_MAX_ITEM_BYTES, ItemTooLargeError
from wpmigrate.readers.sniff import sniff
from wpmigrate.readers.sources import Source
from wpmigrate.readers.wxr import read
from wpmigrate.validate.codes import CODES, RULES, parse_ignore, parse_rules
from wpmigrate.validate.findings import Findings
from wpmigrate.validate.header import HeaderFacts, check_header
from wpmigrate.validate.inputs import Group, ending, group_inputs, missing_parts
from wpmigrate.validate.inventory import Inventory
from wpmigrate.validate.links import LinkRules
from wpmigrate.validate.rules import ItemRules

__all__ = ["CODES", "FAIL_ON", "RULES", "Report", "reaches", "validate"]

#: ``--fail-on`` levels: which findings make the run fail.
FAIL_ON = ("error", "warning", "never")
_RANK = {"info": 0, "warning": 1, "error": 2}
_THRESHOLD = {"warning": 1, "error": 2, "never": 3}


def reaches(severity: str, fail_on: str) -> bool:
    """Whether a finding of ``severity`` makes a run with ``--fail-on fail_on`` fail."""
    return _RANK[severity] >= _THRESHOLD[fail_on]


@dataclass
class Report:
    """What validating some exports found."""

    findings: Findings
    files: list[str] = field(default_factory=list)
    exports: int = 0
    items: int = 0
    comments: int = 0
    inventory: dict[str, dict[str, int]] = field(default_factory=dict)

    def fails(self, fail_on: str) -> bool:
        """Whether some finding reaches ``fail_on`` (``error``, ``warning`` or ``never``)."""
        return any(count and reaches(severity, fail_on) for severity, count in self.findings.by_severity.items())

    def summary(self) -> dict:
        by_severity = self.findings.by_severity
        return {
            "files": len(self.files),
            "exports": self.exports,
            "items": self.items,
            "comments": self.comments,
            "errors": by_severity["error"],
            "warnings": by_severity["warning"],
            "info": by_severity["info"],
            "codes": dict(sorted(self.findings.by_code.items())),
            #: Findings listed one by one (past diagnostics.MAX_KEPT they are only counted).
            "listed": len(self.findings.kept),
            "inventory": self.inventory,
        }


def validate(
    inputs: list[str],
    *,
    rules: str | Iterable[str] | None = None,
    ignore: str | Iterable[str] | None = None,
    max_item_bytes: int = DEFAULT_MAX_ITEM_BYTES,
) -> Report:
    """Validate the exports that ``inputs`` make (see :func:`~wpmigrate.validate.inputs.group_inputs`).

    ``rules`` selects rules by name (default: all of :data:`RULES`), ``ignore``
    drops codes. An item larger than ``max_item_bytes`` is an ``item-too-large`` finding
    that ends the check of its export (readers/limits.py). Raises :class:`~wpmigrate.errors.InputError` for an input that
    cannot be read at all, :class:`~wpmigrate.errors.UsageError` for unknown names.
    """
    findings = Findings(parse_rules(_joined(rules)), parse_ignore(_joined(ignore)))
    report = Report(findings)
    for group in group_inputs(list(inputs)):
        report.exports += 1
        report.files.extend(source.name for source in group.sources)
        _validate_export(group, report, max_item_bytes)
    return report


def _joined(names: str | Iterable[str] | None) -> str | None:
    return names if names is None or isinstance(names, str) else ",".join(names)


def _validate_export(group: Group, report: Report, max_item_bytes: int) -> None:
    findings = report.findings
    for number, after in missing_parts(group):
        findings.report(
            "split-part-missing",
            f"part {number:03d} ({group.stem}.{number:03d}.xml) of this split export was not given: "
            "pass every part in one command, or the items in it are missing from the check",
            file=after,
        )
    readable: list[Source] = []
    facts: list[HeaderFacts] = []
    for source in group.sources:
        if _sniffed(source, findings):
            readable.append(source)
            facts.append(check_header(source, findings))
    if readable:
        try:
            _validate_items(readable, facts, report, max_item_bytes)
        except ItemTooLargeError as error:
            findings.report("item-too-large", _message(error, error.file), file=error.file)
        for source in readable:
            if source.name in findings.malformed:
                _check_ending(source, findings)


def _sniffed(source: Source, findings: Findings) -> bool:
    """Whether ``source`` looks like a WXR document; if not, say why."""
    try:
        sniff(source)
        return True
    except (NotWXRError, UnsafeInputError) as error:
        code = "not-wxr" if isinstance(error, NotWXRError) else "xml-unsafe-dtd"
        findings.report(code, _message(error, source.name), file=source.name)
        return False


def _message(error: WpmigrateError, name: str) -> str:
    text = error.message.removeprefix(f"{name}: ")
    return f"{text}; {error.hint}" if error.hint else text


def _validate_items(sources: list[Source], facts: list[HeaderFacts], report: Report, max_item_bytes: int) -> None:
    findings = report.findings
    export = read(
        sources, recover=True, diagnostics=findings, position=findings.position, max_item_bytes=max_item_bytes
    )
    wxr_1_0 = all(f.wxr_version == "1.0" for f in facts)  # WXR 1.0 lists no authors
    authors = None if wxr_1_0 else set().union(*(f.authors for f in facts))
    items = ItemRules(findings, authors=authors, exported_at=export.site.exported_at)
    checks = [items.check]
    if "links" in findings.rules:
        checks.append(LinkRules(findings, export.site.base_blog_url or export.site.link).check)
    inventory = Inventory(findings) if "inventory" in findings.rules else None
    if inventory is not None:
        checks.append(inventory.check)
    for post in export.posts:
        report.items += 1
        report.comments += len(post.comments)
        for check in checks:
            check(post)
    items.finish()
    if inventory is not None:
        _merge_inventory(report.inventory, inventory.finish(sources[0].name))


def _merge_inventory(total: dict[str, dict[str, int]], more: dict[str, dict[str, int]]) -> None:
    for kind, counts in more.items():
        merged = total.setdefault(kind, {})
        for name, count in counts.items():
            merged[name] = merged.get(name, 0) + count


def _check_ending(source: Source, findings: Findings) -> None:
    end = ending(source)
    if end.open_item_line is not None:
        findings.report(
            "xml-truncated",
            f"the file ends (line {end.last_line}) inside the item that starts here: it was cut off. "
            "Export or download it again; `wpmigrate convert --recover` keeps the complete items",
            file=source.name, line=end.open_item_line,
        )
    elif not end.closed:
        findings.report(
            "xml-truncated",
            "the file ends without </channel></rss>: it was cut off after the last complete item, "
            "and items may be missing. Export or download it again",
            file=source.name, line=end.last_line,
        )
