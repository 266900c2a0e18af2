"""The item limit: hostile files stop early with a clear error, and within the limit all is read.

The cases come from tests/bombs.py, made small: the limit is lowered to a few
kilobytes with ``--max-item-size``, so each case is a few times past it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import bombs
from wpmigrate.readers.limits import ItemTooLargeError, format_size, parse_size
from wpmigrate.readers.wxr import read
from wpmigrate.writers.markdown.paths import UniquePaths

LIMIT = "64K"
#: Each case at four times the limit, and where the stretch starts (the case's first byte past the header).
PAST_THE_LIMIT = {
    "channel-whitespace": 4 * 65536,
    "text-node": 4 * 65536,
    "long-attribute": 4 * 65536,
    "many-comments": 1200,  # of about 220 bytes each
}


@pytest.fixture(params=sorted(PAST_THE_LIMIT))
def bomb(request, tmp_path) -> Path:
    name = request.param
    return bombs.write(tmp_path / f"{name}.xml.gz", bombs.CASES[name](PAST_THE_LIMIT[name]))


@pytest.mark.parametrize("to", ["json", "markdown", "sqlite"])
def test_a_stretch_past_the_limit_is_a_clear_input_error(run_cli, bomb, tmp_path, to):
    result = run_cli("convert", str(bomb), "--to", to, "-o", str(tmp_path / "out"), "--max-item-size", LIMIT)
    assert result.exit_code == 3, result.output
    assert f"{bomb}: more than 64K without an item boundary" in result.output
    assert "--max-item-size 256K" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_recover_does_not_lift_the_limit(run_cli, bomb, tmp_path):
    result = run_cli("convert", str(bomb), "--recover", "-o", str(tmp_path / "out.json"), "--max-item-size", LIMIT)
    assert result.exit_code == 3 and "without an item boundary" in result.output


def test_validate_reports_the_stretch_as_a_finding(run_cli, bomb):
    result = run_cli("validate", str(bomb), "--format", "json", "--max-item-size", LIMIT)
    assert result.exit_code == 1
    findings = json.loads(result.output)["findings"]
    assert [f["file"] for f in findings if f["code"] == "item-too-large"] == [str(bomb)]


def test_raising_the_limit_reads_every_item(run_cli, bomb, tmp_path):
    out = tmp_path / "out.json"
    result = run_cli("convert", str(bomb), "-o", str(out), "--max-item-size", "2M")
    assert result.exit_code == 0, result.output
    posts = json.loads(out.read_text())["posts"]
    expected = {"channel-whitespace": [1, 2], "many-comments": [1, 2]}.get(bomb.name.split(".")[0], [1, 2, 3])
    assert [post["id"] for post in posts] == expected
    if bomb.name.startswith("many-comments"):
        assert len(posts[0]["comments"]) == PAST_THE_LIMIT["many-comments"]
    if bomb.name.startswith("text-node"):
        assert len(posts[1]["content"]["raw"]) >= 4 * 65536


def test_the_library_reader_applies_the_limit(tmp_path):
    path = bombs.write(tmp_path / "text.xml", bombs.text_node(3000))
    with pytest.raises(ItemTooLargeError) as caught:
        list(read([str(path)], max_item_bytes=2048).posts)
    assert caught.value.limit == 2048 and caught.value.file == str(path)
    assert [post.id for post in read([str(path)], max_item_bytes=8192).posts] == [1, 2, 3]


@pytest.mark.parametrize(
    ("text", "size"), [("12M", 12 << 20), ("512k", 512 << 10), ("1G", 1 << 30), ("4096", 4096), ("16MiB", 16 << 20)]
)
def test_sizes_are_read_with_their_units(text, size):
    assert parse_size(text) == size
    assert parse_size(format_size(size)) == size


@pytest.mark.parametrize("text", ["", "0", "-1", "M", "1.5M", "12X", "²"])
def test_a_size_that_is_not_one_is_refused(text):
    with pytest.raises(ValueError):
        parse_size(text)


def test_a_bad_size_is_a_usage_error(run_cli, tmp_path):
    result = run_cli("convert", str(tmp_path / "x.xml"), "--max-item-size", "lots")
    assert result.exit_code == 2 and "not a size" in result.output


@pytest.mark.parametrize("depth", [3000, 100_000])
def test_markup_nested_past_libxml2s_depth_is_a_clear_error_and_recover_keeps_the_rest(run_cli, tmp_path, depth):
    path = bombs.write(tmp_path / "deep.xml", bombs.deep_xml(depth))
    failed = run_cli("convert", str(path), "-o", str(tmp_path / "a.json"))
    assert failed.exit_code == 3 and "nested" in failed.output and "Traceback" not in failed.output
    recovered = run_cli("convert", str(path), "--recover", "-o", str(tmp_path / "b.json"))
    assert recovered.exit_code == 0, recovered.output
    ids = [post["id"] for post in json.loads((tmp_path / "b.json").read_text())["posts"]]
    assert 1 in ids and 3 in ids


def test_html_nested_deep_in_content_is_converted(run_cli, tmp_path):
    path = bombs.write(tmp_path / "deep-html.xml", bombs.deep_html(20_000))
    result = run_cli("convert", str(path), "--to", "markdown", "-o", str(tmp_path / "site"))
    assert result.exit_code == 0, result.output
    assert "deep" in (tmp_path / "site" / "posts" / "post-2.md").read_text()


def test_entity_expansion_is_refused(run_cli, tmp_path):
    path = bombs.write(tmp_path / "laughs.xml", bombs.entity_expansion(9))
    result = run_cli("convert", str(path), "-o", str(tmp_path / "out.json"))
    assert result.exit_code == 3 and "DOCTYPE" in result.output


def test_many_items_of_one_slug_cost_one_try_each():
    taken: set[str] = set()
    tries = 0

    def take(name: str) -> bool:
        nonlocal tries
        tries += 1
        if name in taken:
            return False
        taken.add(name)
        return True

    paths = UniquePaths(take)
    names = [paths.claim("posts", "hello")[0] for _ in range(1000)]
    assert names[:3] == ["posts/hello.md", "posts/hello-2.md", "posts/hello-3.md"]
    assert len(set(names)) == 1000 and names[-1] == "posts/hello-1000.md"
    assert tries == 1001  # the second claim tries hello.md first; every later one starts where the last ended
    taken.add("posts/hello-1002.md")  # taken by an item whose own slug is hello-1002
    assert [paths.claim("posts", "hello")[0] for _ in range(2)] == ["posts/hello-1001.md", "posts/hello-1003.md"]


def test_a_zip_of_many_copies_of_one_export_converts_every_copy(run_cli, tmp_path):
    archive = bombs.many_parts(tmp_path / "copies.zip", 30)
    result = run_cli("convert", str(archive), "--to", "markdown", "-o", str(tmp_path / "site"))
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "site" / "posts").glob("post-1*.md"))) == 30 + 30  # post-1 and post-10


def test_salvage_stops_at_an_unterminated_item_past_the_limit(tmp_path):
    from wpmigrate.readers import salvage  # noqa: PLC0415
    from wpmigrate.readers.sources import expand_inputs  # noqa: PLC0415

    path = tmp_path / "cut.xml"
    path.write_bytes(bombs.HEAD + bombs.item(1) + b"<item><title>cut</title><content:encoded>" + b"x" * 300_000)
    [source] = expand_inputs([str(path)])
    fragments = salvage._fragments(source, 100_000)
    assert next(fragments)[1] == bombs.item(1).rstrip(b"\n")
    with pytest.raises(ItemTooLargeError) as caught:
        next(fragments)
    assert caught.value.offset == len(bombs.HEAD + bombs.item(1))
