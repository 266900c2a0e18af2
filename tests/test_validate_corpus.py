"""validate over every file of the shared corpus (skipped where it is absent): no crash,
damaged files reported at the line expected.json records, and no commenter's e-mail
address or IP in any report."""

from __future__ import annotations

import json

import pytest

from tests.conftest import CORPUS
from wpmigrate.diagnostics import Diagnostics
from wpmigrate.readers.wxr import read
from wpmigrate.validate import validate
from wpmigrate.validate.formats import FORMATS, render

#: Not well-formed on purpose: (file, line of the damage).
DAMAGED = {
    "wordpress-importer/crazy-cdata.xml": 18,
    "wordpress-importer/malformed.xml": 90,
    "wordpress-importer/malformed-simple.xml": 14,
}
NOT_WXR = {"nikola/wordpress_qtranslate_item_raw_export.xml"}
FILES = sorted(str(p.relative_to(CORPUS)) for p in CORPUS.glob("**/*.xml")) if CORPUS.is_dir() else []
_ABSENT = pytest.mark.skip(reason=f"the shared WXR corpus is not at {CORPUS}")


def _names():
    return FILES or [pytest.param("absent", marks=_ABSENT)]


@pytest.mark.parametrize("name", _names())
def test_corpus_file_validates(name):
    report = validate([str(CORPUS / name)])
    codes = {f.code for f in report.findings if f.severity == "error"}
    if name in DAMAGED:
        [malformed] = [f for f in report.findings if f.code == "xml-malformed"]
        assert (malformed.severity, malformed.line) == ("error", DAMAGED[name])
        assert malformed.column is not None
        assert report.fails("error")
    elif name in NOT_WXR:
        assert codes == {"not-wxr"}
    else:
        assert "xml-malformed" not in codes and "not-wxr" not in codes


def test_damaged_files_match_expected_json():
    if not FILES:
        pytest.skip(f"the shared WXR corpus is not at {CORPUS}")
    expected = json.loads((CORPUS / "expected.json").read_text())["files"]
    for name, line in DAMAGED.items():
        assert expected[name]["error_line"] == line


@pytest.mark.parametrize("name", _names())
def test_reports_never_show_commenters_emails_or_ips(name):
    if name in NOT_WXR:
        return
    secrets = _commenter_secrets(CORPUS / name)
    report = validate([str(CORPUS / name)])
    for fmt in FORMATS:
        text = render(report, fmt)
        leaked = [s for s in secrets if s in text]
        assert not leaked, f"{fmt} report shows {len(leaked)} commenter e-mail(s)/IP(s)"


def _commenter_secrets(path) -> set[str]:
    export = read([str(path)], recover=True, diagnostics=Diagnostics())
    secrets = set()
    for post in export.posts:
        for comment in post.comments:
            secrets |= {comment.author.email, comment.author.ip}
    return {s for s in secrets if len(s) >= 6}
