"""Write a validation report: text, json, junit, github or sarif.

Formats are registered in :data:`FORMATS`, name -> function ``(report, fail_on) -> str``;
a report holds at most :data:`~wpmigrate.diagnostics.MAX_KEPT` findings, so
rendering it whole is bounded.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import asdict
from pathlib import PurePosixPath
from urllib.parse import quote

from lxml import etree

from wpmigrate import __version__
from wpmigrate.diagnostics import Diagnostic
from wpmigrate.errors import UsageError
from wpmigrate.output import atomic_file
from wpmigrate.validate import Report, reaches
from wpmigrate.validate.codes import CODES, OTHER_RULE, rule_of

Formatter = Callable[[Report, str], str]
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


def summary_line(report: Report) -> str:
    s = report.summary()
    line = (
        f"{s['errors']} error(s), {s['warnings']} warning(s), {s['info']} info in "
        f"{s['exports']} export(s): {s['files']} file(s), {s['items']} items, {s['comments']} comments"
    )
    unlisted = len(report.findings) - s["listed"]
    return line + (f" ({unlisted} findings counted but not listed)" if unlisted else "")


# ---------------------------------------------------------------- text


def to_text(report: Report, fail_on: str) -> str:
    lines = [text_line(finding) for finding in report.findings]
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def text_line(finding: Diagnostic) -> str:
    """``file:line:column (item N, comment M): severity: message [code]``."""
    where = finding.where()
    return f"{where + ': ' if where else ''}{finding.severity}: {finding.message} [{finding.code}]"


# ---------------------------------------------------------------- json


def to_json(report: Report, fail_on: str) -> str:
    document = {
        "summary": {**report.summary(), "fail_on": fail_on, "failed": report.fails(fail_on)},
        "findings": [asdict(finding) for finding in report.findings],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------- github


def to_github(report: Report, fail_on: str) -> str:
    """GitHub Actions workflow commands: one annotation per finding."""
    command = {"error": "error", "warning": "warning", "info": "notice"}
    lines = []
    for finding in report.findings:
        properties = [("file", finding.file), ("line", finding.line), ("col", finding.column), ("title", finding.code)]
        props = ",".join(f"{k}={_gh_property(str(v))}" for k, v in properties if v is not None)
        lines.append(f"::{command[finding.severity]} {props}::{_gh_data(_with_ids(finding))}")
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def _with_ids(finding: Diagnostic) -> str:
    ids = []
    if finding.item is not None:
        ids.append(f"item {finding.item}")
    if finding.comment is not None:
        ids.append(f"comment {finding.comment}")
    return f"{', '.join(ids)}: {finding.message}" if ids else finding.message


# ---------------------------------------------------------------- junit


def to_junit(report: Report, fail_on: str) -> str:
    """JUnit XML: a test suite per file, a failed test case per finding that reaches
    ``fail_on``, one passing case for a file without such findings; the other
    findings go to the suite's ``system-out``."""
    by_file: dict[str, list[Diagnostic]] = {name: [] for name in report.files}
    for finding in report.findings:
        by_file.setdefault(finding.file or "(inputs)", []).append(finding)
    root = etree.Element("testsuites", name="wpmigrate validate")
    counts = [_junit_suite(root, name, findings, fail_on) for name, findings in by_file.items()]
    tests, failures = (sum(column) for column in zip(*counts)) if counts else (0, 0)
    root.attrib.update({"tests": str(tests), "failures": str(failures), "errors": "0"})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode("utf-8")


def _junit_suite(root, name: str, findings: list[Diagnostic], fail_on: str) -> tuple[int, int]:
    """One file's ``<testsuite>``; returns its (tests, failures)."""
    suite = etree.SubElement(root, "testsuite", name=_xml(name))
    failing = [f for f in findings if reaches(f.severity, fail_on)]
    for finding in failing:
        case = etree.SubElement(
            suite, "testcase", classname=f"wpmigrate.validate.{rule_of(finding.code)}",
            name=_xml(f"{finding.code} at {finding.where()}"),
        )
        failure = etree.SubElement(case, "failure", type=finding.code, message=_xml(finding.message))
        failure.text = _xml(text_line(finding))
    if not failing:
        etree.SubElement(suite, "testcase", classname="wpmigrate.validate", name=f"no finding at --fail-on {fail_on}")
    rest = [f for f in findings if not reaches(f.severity, fail_on)]
    if rest:
        etree.SubElement(suite, "system-out").text = _xml("\n".join(text_line(f) for f in rest))
    tests = max(len(failing), 1)
    suite.attrib.update({"tests": str(tests), "failures": str(len(failing)), "errors": "0", "skipped": "0"})
    return tests, len(failing)


def _xml(text: str) -> str:
    """``text`` without the characters XML cannot hold (messages may quote damaged data)."""
    return _NOT_XML.sub("\ufffd", text)


# ---------------------------------------------------------------- sarif


def to_sarif(report: Report, fail_on: str) -> str:
    """SARIF 2.1.0, as GitHub code scanning and other tools read it."""
    levels = {"error": "error", "warning": "warning", "info": "note"}
    used = sorted({f.code for f in report.findings})
    codes = list(CODES) + [c for c in used if c not in CODES]
    index = {code: i for i, code in enumerate(codes)}
    rules = [_sarif_rule(code, levels) for code in codes]
    results = []
    for finding in report.findings:
        result = {
            "ruleId": finding.code,
            "ruleIndex": index[finding.code],
            "level": levels[finding.severity],
            "message": {"text": _with_ids(finding)},
        }
        if finding.file:
            result["locations"] = [_sarif_location(finding)]
        results.append(result)
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "wpmigrate", "version": __version__, "rules": rules}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _sarif_rule(code: str, levels: dict[str, str]) -> dict:
    known = CODES.get(code)
    text = known.summary if known else "A diagnostic of the WXR reader."
    return {
        "id": code,
        "shortDescription": {"text": text},
        "defaultConfiguration": {"level": levels[known.severity] if known else "warning"},
        "properties": {"tags": [known.rule if known else OTHER_RULE]},
    }


def _sarif_location(finding: Diagnostic) -> dict:
    physical: dict = {"artifactLocation": {"uri": _uri(finding.file or "")}}
    if finding.line is not None:
        region = {"startLine": finding.line}
        if finding.column is not None:
            region["startColumn"] = finding.column
        physical["region"] = region
    location: dict = {"physicalLocation": physical}
    if finding.item is not None:
        name = f"item {finding.item}" + (f" comment {finding.comment}" if finding.comment is not None else "")
        location["logicalLocations"] = [{"name": name, "kind": "object"}]
    return location


def _uri(path: str) -> str:
    """A relative path stays relative (what code scanning wants); ``a.zip!b.xml`` names the zip."""
    path = path.split("!", 1)[0].replace("\\", "/")
    if PurePosixPath(path).is_absolute():
        return "file://" + quote(path)
    return quote(path)


# ---------------------------------------------------------------- registry

FORMATS: dict[str, Formatter] = {
    "text": to_text,
    "json": to_json,
    "junit": to_junit,
    "github": to_github,
    "sarif": to_sarif,
}


def render(report: Report, fmt: str = "text", fail_on: str = "error") -> str:
    try:
        formatter = FORMATS[fmt]
    except KeyError:
        raise UsageError(f"unknown format {fmt!r}; the formats are: {', '.join(FORMATS)}") from None
    return formatter(report, fail_on)


def write_report(report: Report, fmt: str, output: str = "-", fail_on: str = "error") -> None:
    """Write the report to ``output`` (``-``: stdout); a report file is replaced whole."""
    text = render(report, fmt, fail_on)
    with atomic_file(output, force=True) as stream:
        stream.write(text.encode("utf-8"))
