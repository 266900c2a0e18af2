"""The reader of rendered WordPress pages (issue 19) against fixtures/pages/, whose expectations
were written from the themes' markup, not from our code.

Each ``fixtures/pages/NAME.expected.json`` is a partial copy of what
``wpmigrate convert INPUT --to json`` prints for ``NAME.html`` (or the folder ``NAME/``, or the
files listed under ``"inputs"``):

* only the keys it states are checked; a list must have the same length and its items match in
  order, except that ``posts`` are compared by id, ``terms`` (top-level and a post's) by
  taxonomy and slug and ``authors`` by login (a page reader cannot take an order from pages);
* ``{"$includes": [...]}`` in place of a list: each item must match some item of the list,
  which may hold more (terms and authors a listing page may teach besides the ones stated);
* ``"contains"``: strings that must occur in some string value of the document, ``"absent"``:
  strings (page chrome) that must occur in none;
* ``"error"``: the conversion must fail with ``exit_code`` and a message holding every string
  of ``message_contains``.

The WARC tests build a gzipped WARC of the mirror folder (tests/pagesdata.py) and expect the
mirror folder's result from it, with a warning about its broken record.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.pagesdata import PAGES, build_warc

EXPECTATIONS = sorted(PAGES.rglob("*.expected.json"))


def _inputs(expectation: Path, expected: dict) -> list[Path]:
    if "inputs" in expected:
        return [expectation.parent / name for name in expected["inputs"]]
    stem = expectation.name[: -len(".expected.json")]
    page = expectation.parent / f"{stem}.html"
    return [page if page.exists() else expectation.parent / stem]


def _convert(inputs: list[Path], out: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "wpmigrate", "convert", *map(str, inputs), "--to", "json", "-o", str(out)],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


# --- partial matching ---------------------------------------------------------------------

_SORT_KEYS = {
    "posts": lambda item: (item.get("id") is None, item.get("id") or 0, str(item.get("link"))),
    "terms": lambda item: (str(item.get("taxonomy")), str(item.get("slug"))),
    "authors": lambda item: str(item.get("login")),
}


def _sorted(key: str, value):
    if key in _SORT_KEYS and isinstance(value, list) and all(isinstance(i, dict) for i in value):
        return sorted(value, key=_SORT_KEYS[key])
    return value


def _summary(value) -> str:
    if isinstance(value, dict):
        shown = {k: value[k] for k in ("id", "type", "slug", "login", "taxonomy", "title") if k in value}
        if "author" in value and isinstance(value["author"], dict):
            shown["author"] = value["author"].get("name")
        return json.dumps(shown or value, ensure_ascii=False)[:160]
    return json.dumps(value, ensure_ascii=False)[:160]


def match(expected, actual, where: str, problems: list[str], key: str | None = None) -> None:
    """Add to ``problems`` every way ``actual`` differs from the partial ``expected``."""
    if isinstance(expected, dict) and set(expected) == {"$includes"}:
        if not isinstance(actual, list):
            problems.append(f"{where}: expected a list, got {_summary(actual)}")
            return
        for index, item in enumerate(expected["$includes"]):
            if not any(not _problems(item, candidate) for candidate in actual):
                problems.append(
                    f"{where}: no item matches $includes[{index}] {_summary(item)}; "
                    f"have {[_summary(a) for a in actual]}"
                )
        return
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            problems.append(f"{where}: expected an object, got {_summary(actual)}")
            return
        for name, value in expected.items():
            if name not in actual:
                problems.append(f"{where}.{name}: missing")
            else:
                match(value, actual[name], f"{where}.{name}", problems, name)
        return
    if isinstance(expected, list):
        if not isinstance(actual, list):
            problems.append(f"{where}: expected a list, got {_summary(actual)}")
            return
        expected, actual = _sorted(key, expected), _sorted(key, actual)
        if len(expected) != len(actual):
            problems.append(
                f"{where}: {len(actual)} items, expected {len(expected)}\n"
                f"    expected: {[_summary(e) for e in expected]}\n"
                f"    got:      {[_summary(a) for a in actual]}"
            )
        for index, (e, a) in enumerate(zip(expected, actual)):
            match(e, a, f"{where}[{index}]", problems, key)
        return
    if expected != actual:
        problems.append(f"{where}: expected {expected!r}, got {actual!r}")


def _problems(expected, actual) -> list[str]:
    found: list[str] = []
    match(expected, actual, "", found)
    return found


def strings(value) -> list[str]:
    """Every string value in a JSON document."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def check_document(expected: dict, document: dict, label: str) -> None:
    problems: list[str] = []
    checked = {k: v for k, v in expected.items() if k not in ("contains", "absent", "inputs", "error")}
    match(checked, document, "$", problems)
    text = "\n".join(strings(document))
    problems += [f"contains: {s!r} is not in the output" for s in expected.get("contains", []) if s not in text]
    problems += [f"absent: {s!r} (page chrome) is in the output" for s in expected.get("absent", []) if s in text]
    assert not problems, f"{label}: {len(problems)} differences\n  " + "\n  ".join(problems)


def test_the_matcher_itself():
    """Partial matching as documented above (so a failure below is the reader's)."""
    assert not _problems({"a": [{"id": 1}, {"id": 2}]}, {"a": [{"id": 1, "x": 0}, {"id": 2}], "b": 1})
    assert _problems({"a": [{"id": 1}]}, {"a": [{"id": 1}, {"id": 2}]})  # same length required
    assert not _problems({"posts": [{"id": 2}, {"id": 1}]}, {"posts": [{"id": 1}, {"id": 2}]})  # by id
    assert _problems({"comments": [{"id": 2}, {"id": 1}]}, {"comments": [{"id": 1}, {"id": 2}]})  # in order
    assert not _problems({"t": {"$includes": [{"slug": "a"}]}}, {"t": [{"slug": "b"}, {"slug": "a", "n": 1}]})
    assert _problems({"t": {"$includes": [{"slug": "c"}]}}, {"t": [{"slug": "a"}]})
    assert _problems({"date": None}, {"date": "2016-11-22T10:00:52Z"})
    assert _problems({"date": None}, {})


# --- the fixtures -------------------------------------------------------------------------


@pytest.mark.parametrize("expectation", EXPECTATIONS, ids=lambda p: p.name[: -len(".expected.json")])
def test_page_fixture(expectation: Path, tmp_path: Path):
    expected = json.loads(expectation.read_text(encoding="utf-8"))
    inputs = _inputs(expectation, expected)
    for path in inputs:
        assert path.exists(), f"{expectation.name}: its input {path} is missing"
    out = tmp_path / "out.json"
    result = _convert(inputs, out)
    if "error" in expected:
        error = expected["error"]
        assert result.returncode == error["exit_code"], (
            f"exit code {result.returncode}, expected {error['exit_code']}\nstderr:\n{result.stderr}"
        )
        for part in error.get("message_contains", []):
            assert part in result.stderr, f"{part!r} not in the error message:\n{result.stderr}"
        assert not out.exists(), "an input refused must leave no output"
        return
    assert result.returncode == 0, (
        f"convert {' '.join(p.name for p in inputs)} failed with {result.returncode}:\n{result.stderr}"
    )
    check_document(expected, json.loads(out.read_text(encoding="utf-8")), expectation.name)


def test_every_page_fixture_has_an_expectation():
    pages = sorted(p for p in PAGES.glob("*.html"))
    named = {
        name for e in EXPECTATIONS for name in json.loads(e.read_text(encoding="utf-8")).get("inputs", [])
    } | {e.name[: -len(".expected.json")] + ".html" for e in EXPECTATIONS}
    assert [p.name for p in pages if p.name not in named] == []
    assert (PAGES / "mirror.expected.json").exists()


# --- a WARC of the mirror -----------------------------------------------------------------


def test_the_warc_builder(tmp_path: Path):
    """The WARC holds what the tests below rely on (readable with warcio up to the break)."""
    from warcio.archiveiterator import ArchiveIterator

    whole = tmp_path / "whole.warc.gz"
    special = build_warc(whole, broken=False)
    with open(whole, "rb") as stream:
        records = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI")) for r in ArchiveIterator(stream)]
    kinds = {kind for kind, _ in records}
    assert {"warcinfo", "request", "response", "revisit"} <= kinds
    uris = {uri for _, uri in records}
    assert "https://example.test/2016/11/22/first-frost/" in uris
    assert "https://example.test/robots.txt" in uris
    assert "https://example.test/wp-content/uploads/2016/11/frost.png" in uris
    assert "https://offsite.example.test/2016/11/23/frosty-mornings/" in uris
    assert special["revisit"] == "https://example.test/?p=12"

    broken = tmp_path / "broken.warc.gz"
    special = build_warc(broken)
    assert special["broken"] == "https://example.test/2016/11/22/first-frost/?replytocom=5"
    with open(broken, "rb") as stream, pytest.raises(Exception):  # noqa: B017
        for _ in ArchiveIterator(stream):
            pass


def test_page_served_from_the_warc_has_absolute_links():
    from tests.pagesdata import captures

    page = next(c for c in captures() if c.file == "example.test/2016/11/22/first-frost/index.html")
    html = page.body.decode("utf-8")
    assert '<link rel="canonical" href="https://example.test/2016/11/22/first-frost/" />' in html
    assert 'href="https://example.test/category/weather/"' in html


def test_warc_gives_the_mirror_folder_result(tmp_path: Path):
    warc = tmp_path / "crawl.warc.gz"
    special = build_warc(warc)
    out = tmp_path / "out.json"
    result = _convert([warc], out)
    assert result.returncode == 0, f"convert crawl.warc.gz failed with {result.returncode}:\n{result.stderr}"
    assert "warning" in result.stderr.lower(), f"no warning about the broken record:\n{result.stderr}"
    assert special["broken"] in result.stderr or "record" in result.stderr.lower(), result.stderr
    expected = json.loads((PAGES / "mirror.expected.json").read_text(encoding="utf-8"))
    check_document(expected, json.loads(out.read_text(encoding="utf-8")), "crawl.warc.gz")


def test_intact_warc_gives_the_same_result(tmp_path: Path):
    warc = tmp_path / "crawl.warc.gz"
    build_warc(warc, broken=False)
    out = tmp_path / "out.json"
    result = _convert([warc], out)
    assert result.returncode == 0, f"convert crawl.warc.gz failed with {result.returncode}:\n{result.stderr}"
    expected = json.loads((PAGES / "mirror.expected.json").read_text(encoding="utf-8"))
    check_document(expected, json.loads(out.read_text(encoding="utf-8")), "crawl.warc.gz (intact)")


def _page_text(paths: list[Path]) -> str:
    """The inputs' markup and their text (tags dropped, spaces folded), entities decoded."""
    import html
    import re

    files = [f for p in paths for f in ([p] if p.is_file() else sorted(p.rglob("*")))]
    raw = "\n".join(f.read_text(encoding="utf-8", errors="replace") for f in files if f.is_file() and f.suffix != ".png")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", raw))
    return html.unescape(raw) + "\n" + html.unescape(text) + "\n" + html.unescape(re.sub(r"<[^>]+>", "", raw))


@pytest.mark.parametrize("expectation", EXPECTATIONS, ids=lambda p: p.name[: -len(".expected.json")])
def test_expectations_speak_of_their_pages(expectation: Path):
    """What an expectation looks for is in its page: text to keep is there, and the chrome said
    to be absent really is on the page (else its absence would prove nothing); comment ids
    and post ids are the page's."""
    expected = json.loads(expectation.read_text(encoding="utf-8"))
    if "error" in expected:
        return
    text = _page_text(_inputs(expectation, expected))
    assert [s for s in expected.get("contains", []) if s not in text] == []
    assert [s for s in expected.get("absent", []) if s not in text] == []
    for post in expected.get("posts", []):
        if post.get("type") == "attachment":  # a featured image: its file is on the page; its id is
            assert post["attachment_url"] in text  # Jetpack's data-attachment-id, else one after the rest
            continue
        if post.get("id") is not None:
            assert f"post-{post['id']}" in text or f"postid-{post['id']}" in text or f"page-id-{post['id']}" in text
        for comment in post.get("comments", []):
            if comment.get("id") is not None:
                assert f"comment-{comment['id']}" in text
            url = comment["author"].get("url")
            if url:  # a mirror's links to saved pages are relative: host folder and path
                assert url in text or url.split("://", 1)[1] in text, url
