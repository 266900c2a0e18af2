"""Each file in fixtures/quirks/ holds one WXR quirk; expected.json says what it must give."""

from __future__ import annotations

import json
import time

import pytest

from tests.conftest import FIXTURES, SAMPLE
from wpmigrate import errors
from wpmigrate.diagnostics import Diagnostics
from wpmigrate.readers.wxr import read

QUIRKS = FIXTURES / "quirks"
EXPECTED = json.loads((QUIRKS / "expected.json").read_text())
CASES = sorted(name for name in EXPECTED if not name.startswith("_"))


def _codes(diagnostics: Diagnostics) -> list[str]:
    """Codes of the warnings and errors (info findings are not problems)."""
    return sorted({d.code for d in diagnostics if d.severity != "info"})


def _read(name: str, recover: bool = False):
    diagnostics = Diagnostics()
    export = read([str(QUIRKS / name)], recover=recover, diagnostics=diagnostics)
    return export, list(export.posts), diagnostics


@pytest.mark.parametrize("name", [n for n in CASES if "error" not in EXPECTED[n]])
def test_quirk_is_read_with_the_expected_warnings(name):
    expected = EXPECTED[name]
    export, posts, diagnostics = _read(name)
    assert len(posts) == expected["items"]
    assert _codes(diagnostics) == sorted(expected["codes"])
    by_id = {p.id: p for p in posts}
    if "content_1" in expected:
        assert by_id[1].content.raw == expected["content_1"]
    if "attachment_url_1" in expected:
        assert by_id[1].attachment_url == expected["attachment_url_1"]
    if "featured_image_1" in expected:
        assert by_id[1].featured_image == expected["featured_image_1"]
    if "authors" in expected:
        assert [a.login for a in export.authors] == expected["authors"]


@pytest.mark.parametrize("name", [n for n in CASES if "error" in EXPECTED[n]])
def test_quirk_fails_with_a_clear_error(name):
    expected = EXPECTED[name]
    error_type = getattr(errors, expected["error"])
    started = time.monotonic()
    with pytest.raises(error_type) as raised:
        _read(name)
    assert time.monotonic() - started < 10, "bad input must fail fast"
    assert name in str(raised.value)
    if "message" in expected:
        assert expected["message"] in str(raised.value)
    if "line" in expected:
        assert raised.value.line == expected["line"]
        assert raised.value.column is not None
        assert raised.value.items_before == expected["items_before"]
        assert "--recover" in raised.value.hint


@pytest.mark.parametrize("name", [n for n in CASES if "recover_items" in EXPECTED[n]])
def test_recover_salvages_complete_items(name):
    expected = EXPECTED[name]
    _, posts, diagnostics = _read(name, recover=True)
    assert len(posts) == expected["recover_items"]
    assert _codes(diagnostics) == sorted(expected["codes_recover"])
    summary = next(d for d in diagnostics if d.code == "salvage-summary")
    assert f"kept {expected['recover_items']} item(s)" in summary.message
    assert f"at line {expected['line']}:" in summary.message


def test_external_entities_are_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    doc = tmp_path / "xxe.xml"
    doc.write_text(
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>&x;</title>'
        "<wp:wxr_version>1.2</wp:wxr_version></channel></rss>"
    )
    with pytest.raises(errors.UnsafeInputError):
        read([str(doc)])


def test_undefined_entity_is_kept_as_text_with_a_warning(tmp_path):
    # No DTD at all: nothing may be resolved or fetched; the reference stays as written.
    doc = tmp_path / "undefined.xml"
    doc.write_text(
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>a &undefined; b</title>'
        "<wp:wxr_version>1.2</wp:wxr_version></channel></rss>"
    )
    diagnostics = Diagnostics()
    export = read([str(doc)], diagnostics=diagnostics)
    list(export.posts)
    assert export.site.title == "a &undefined; b"
    assert diagnostics.by_code["xml-html-entity"] == 1


@pytest.mark.parametrize("value", ["²", "--5", "9" * 5000, "0x10"])
@pytest.mark.parametrize("field", ["post_id", "post_parent", "menu_order", "comment_id", "comment_parent"])
def test_a_number_that_is_not_one_is_left_empty_with_a_warning(tmp_path, run_cli, field, value):
    """``²`` passes str.isdigit() and 5,000 digits pass the pattern, but int() refuses both."""
    text = SAMPLE.read_text(encoding="utf-8")
    start = text.index(f"<wp:{field}>")
    end = text.index(f"</wp:{field}>", start)
    source = tmp_path / "odd.xml"
    source.write_text(f"{text[:start]}<wp:{field}>{value}{text[end:]}", encoding="utf-8")
    result = run_cli("convert", source, "-o", tmp_path / "out.json")
    assert result.exit_code == 0, result.output
    code = "item-no-id" if field == "post_id" else "number-invalid"
    assert f"[{code}]" in run_cli("validate", source).output
    assert len(json.loads((tmp_path / "out.json").read_text())["posts"]) == text.count("<item>")


def test_a_comment_date_that_is_not_a_date_is_reported(tmp_path):
    """Post dates were reported; a comment's bad date was left empty without a word."""
    text = SAMPLE.read_text(encoding="utf-8")
    source = tmp_path / "bad-comment-date.xml"
    source.write_text(text.replace("<wp:comment_date_gmt><![CDATA[2016-11-22 13:12:00]]>",
                                   "<wp:comment_date_gmt><![CDATA[2016-02-30 08:14:09]]>", 1), encoding="utf-8")
    diagnostics = Diagnostics()
    posts = list(read([str(source)], diagnostics=diagnostics).posts)
    [comment] = [c for p in posts for c in p.comments if c.id == 501]
    assert comment.date is None and comment.date_local is not None
    [found] = [d for d in diagnostics if d.code == "date-invalid"]
    assert (found.item, found.comment) == (2002, 501) and "'2016-02-30 08:14:09'" in found.message


@pytest.mark.parametrize("value, url", [
    ("abc", None), ('a:1:{i:0;i:2003;}', None), ("²", None), ("i:2003;", "att"), ("2003", "att"), ("", None),
])
def test_a_thumbnail_id_that_is_no_id_is_reported(tmp_path, value, url):
    """A _thumbnail_id naming a missing attachment was reported; one that is no id at all was not."""
    text = SAMPLE.read_text(encoding="utf-8")
    start = text.index("<wp:meta_key><![CDATA[_thumbnail_id]]></wp:meta_key>")
    value_start = text.index("<wp:meta_value>", start)
    value_end = text.index("</wp:meta_value>", value_start)
    source = tmp_path / "thumb.xml"
    source.write_text(f"{text[:value_start]}<wp:meta_value><![CDATA[{value}]]>{text[value_end:]}", encoding="utf-8")
    diagnostics = Diagnostics()
    export = read([str(source)], diagnostics=diagnostics)
    [post] = [p for p in export.posts if any(m.key == "_thumbnail_id" for m in p.meta)]
    assert post.featured_image == (export.attachments[2003].url if url else None)
    assert diagnostics.by_code["featured-image-missing"] == (0 if url or value == "" else 1)


@pytest.mark.parametrize("gmt, date, warned", [
    ("2016-11-22 15:00:52+05:00", "2016-11-22T10:00:52Z", 0),  # was read as 15:00:52 UTC
    ("2016-11-22 10:00:52", "2016-11-22T10:00:52Z", 0),
    ("0001-01-01 00:00:00+14:00", None, 1),  # before year 1 in UTC
])
def test_a_gmt_date_with_an_offset_is_converted_to_utc(tmp_path, gmt, date, warned):
    text = SAMPLE.read_text(encoding="utf-8")
    source = tmp_path / "offset.xml"
    source.write_text(text.replace("<wp:post_date_gmt><![CDATA[2016-11-22 10:00:52]]>",
                                   f"<wp:post_date_gmt><![CDATA[{gmt}]]>", 1), encoding="utf-8")
    diagnostics = Diagnostics()
    [post, *_] = list(read([str(source)], diagnostics=diagnostics).posts)
    assert post.date == date and diagnostics.by_code["date-invalid"] == warned
