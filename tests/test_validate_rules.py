"""Each file in fixtures/validate/ triggers one rule; expected.json says what validate must report."""

from __future__ import annotations

import json
import re
import zipfile

import pytest

from tests.conftest import FIXTURES
from wpmigrate.errors import UsageError
from wpmigrate.validate import CODES, RULES, validate
from wpmigrate.validate.inputs import ending, group_inputs, missing_parts
from wpmigrate.readers.sources import expand_inputs
from wpmigrate.validate import inputs as inputs_module
from wpmigrate.validate.inventory import meta_prefix
from wpmigrate.validate.rules import IdSet

CASES_DIR = FIXTURES / "validate"
EXPECTED = json.loads((CASES_DIR / "expected.json").read_text())
CASES = sorted(name for name in EXPECTED if not name.startswith("_"))
_FIELDS = ("code", "severity", "line", "column", "item", "comment")


def _run(name: str, **options):
    options = {**EXPECTED[name].get("options", {}), **options}
    return validate(EXPECTED[name].get("inputs", [name]), **options)


@pytest.fixture(autouse=True)
def _in_fixtures(monkeypatch):
    monkeypatch.chdir(CASES_DIR)


@pytest.mark.parametrize("name", CASES)
def test_fixture_reports_exactly_the_expected_findings(name):
    expected = EXPECTED[name]
    report = _run(name)
    problems = [f for f in report.findings if f.severity != "info"]
    got = [{k: getattr(f, k) for k in _FIELDS} for f in problems]
    wanted = [{k: e.get(k) for k in _FIELDS} for e in expected["findings"]]
    assert got == wanted
    single = "inputs" not in expected
    for finding, entry in zip(problems, expected["findings"]):
        assert finding.file == (name if single else entry["file"])
        assert finding.message and not finding.message.startswith(finding.file), "the position is not repeated"


@pytest.mark.parametrize("name", [n for n in CASES if "info" in EXPECTED[n]])
def test_fixture_reports_the_expected_info(name):
    report = _run(name)
    for code, words in EXPECTED[name]["info"].items():
        messages = [f.message for f in report.findings if f.code == code]
        assert len(messages) == 1, code
        assert all(word in messages[0] for word in words), messages[0]


def test_every_code_has_a_fixture():
    covered = set()
    for name in CASES:
        covered |= {f["code"] for f in EXPECTED[name]["findings"]}
        covered |= set(EXPECTED[name].get("info", {}))
    assert covered == set(CODES)


def test_positions_point_at_the_item_in_the_file():
    lines = (CASES_DIR / "post-id-duplicate.xml").read_text().splitlines()
    [finding] = [f for f in _run("post-id-duplicate.xml").findings if f.code == "post-id-duplicate"]
    assert lines[finding.line - 1] == "<item>"
    assert "Same id" in "\n".join(lines[finding.line : finding.line + 3])


def test_rules_select_and_ignore_drops():
    report = _run("date-impossible.xml", rules="dates")
    assert {f.code for f in report.findings} == {"date-impossible"}
    report = _run("date-impossible.xml", ignore=["date-impossible", "inventory-statuses"])
    assert {f.code for f in report.findings} == {"inventory-post-types"}
    assert report.summary()["codes"] == {"inventory-post-types": 1}


def test_unknown_rule_or_code_is_a_usage_error():
    with pytest.raises(UsageError, match="the rules are: xml, wxr"):
        validate(["clean.xml"], rules="xml,nonsense")
    with pytest.raises(UsageError, match="unknown code 'no-such-code'"):
        validate(["clean.xml"], ignore="no-such-code")
    assert "inventory" in RULES


def test_unrelated_files_are_separate_exports():
    """Two exports in one call (as a pre-commit hook passes them) do not clash on ids."""
    report = validate(["clean.xml", "inventory.xml"])
    assert report.exports == 2
    assert not [f for f in report.findings if f.severity != "info"]


def test_a_zip_of_parts_is_one_export(tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(CASES_DIR / "split" / "site.000.xml", "site.000.xml")
        zf.write(CASES_DIR / "split" / "site.002.xml", "site.002.xml")
    report = validate([str(archive)])
    assert report.exports == 1
    [finding] = [f for f in report.findings if f.severity != "info"]
    assert finding.code == "split-part-missing" and finding.file == f"{archive}!site.002.xml"


def test_missing_parts_names_each_gap():
    group = group_inputs(["split/site.002.xml"])[0]
    assert missing_parts(group) == [(0, "split/site.002.xml"), (1, "split/site.002.xml")]
    assert missing_parts(group_inputs(["split/site.000.xml"])[0]) == []


def test_ending_across_chunk_boundaries(monkeypatch):
    source = expand_inputs(["xml-truncated.xml"])[0]
    whole = ending(source)
    assert (whole.open_item_line, whole.closed) == (27, False)
    assert whole.last_line == len((CASES_DIR / "xml-truncated.xml").read_bytes().split(b"\n"))
    for size in (7, 13, 64):
        monkeypatch.setattr(inputs_module, "CHUNK", size)
        assert ending(source) == whole
    closed = ending(expand_inputs(["clean.xml"])[0])
    assert (closed.open_item_line, closed.closed) == (None, True)


def test_header_bytes_stop_at_the_first_item(monkeypatch):
    monkeypatch.setattr(inputs_module, "CHUNK", 10)
    head = inputs_module.header_bytes(expand_inputs(["clean.xml"])[0])
    assert head.endswith(b"</wp:category>\n") and b"<item" not in head


def test_id_set():
    ids = IdSet()
    for value in (0, 5, 7, 1 << 20, IdSet.BITMAP_LIMIT + 3, -1):
        assert ids.add(value) and value in ids
        assert not ids.add(value)
    assert 6 not in ids and (1 << 30) not in ids and IdSet.BITMAP_LIMIT + 4 not in ids


@pytest.mark.parametrize(
    ("key", "prefix"),
    [("_yoast_wpseo_title", "yoast"), ("_wp_attached_file", None), ("_edit_lock", None),
     ("jetpack-related-posts", "jetpack"), ("_menu_item_type", None), ("views", "views")],
)
def test_meta_prefix(key, prefix):
    assert meta_prefix(key) == prefix


def test_reader_position_side_channel():
    """read(position=...) tells where each item and its comments start; the model is unchanged."""
    from wpmigrate.diagnostics import Diagnostics
    from wpmigrate.readers.elements import ItemPosition
    from wpmigrate.readers.wxr import read

    sample = FIXTURES / "intelnews-sample.xml"
    lines = sample.read_text().splitlines()
    position = ItemPosition()
    export = read([str(sample)], diagnostics=Diagnostics(), position=position)
    seen = 0
    for post in export.posts:
        assert (position.file, position.item) == (str(sample), post.id)
        assert lines[position.line - 1].strip().startswith("<item")
        assert set(position.comments) == {c.id for c in post.comments}
        assert all(lines[n - 1].strip().startswith("<wp:comment>") for n in position.comments.values())
        seen += len(post.comments)
    assert seen == 5



@pytest.mark.parametrize("offset", ["+0000", "-1200"])
def test_an_export_dated_at_the_end_of_year_9999_is_still_checked(tmp_path, offset):
    """The last moment a datetime holds (+0000), or one past it in UTC (-1200): no overflow."""
    text = (CASES_DIR / "date-impossible.xml").read_text(encoding="utf-8")
    source = tmp_path / "end-of-time.xml"
    end = f"<pubDate>Fri, 31 Dec 9999 23:59:59 {offset}</pubDate>"
    source.write_text(re.sub(r"<pubDate>[^<]*</pubDate>", end, text), encoding="utf-8")
    found = [(f.code, f.item, f.comment) for f in validate([str(source)]).findings if f.severity != "info"]
    # the local and GMT dates 24 hours apart are still found; nothing is after such an export
    assert found == [("date-impossible", 1, None)]


@pytest.mark.parametrize("parent", [2**70, -(2**70)])
def test_a_parent_id_past_64_bits_is_reported_missing(tmp_path, parent):
    text = (CASES_DIR / "post-parent-missing.xml").read_text(encoding="utf-8")
    source = tmp_path / "huge-parent.xml"
    source.write_text(re.sub(r"<wp:post_parent>[1-9][0-9]*</wp:post_parent>", f"<wp:post_parent>{parent}</wp:post_parent>", text))
    [finding] = [f for f in validate([str(source)]).findings if f.code == "post-parent-missing"]
    assert f"parent item {parent}," in finding.message and finding.item == 2
