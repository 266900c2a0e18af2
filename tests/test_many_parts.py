"""An export of many parts costs each part once (issue 21: a zip of 2,000 parts took minutes
and gigabytes, because every part opened read the whole zip directory again and got its own
worker processes)."""

from __future__ import annotations

import json
import zipfile

import pytest

from tests.conftest import SAMPLE
from wpmigrate import parallel
from wpmigrate.convert import ConvertOptions, convert
from wpmigrate.readers import sources

PARTS = 30


@pytest.fixture
def many_parts(tmp_path):
    data = SAMPLE.read_bytes()
    path = tmp_path / "site.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for number in range(PARTS):
            archive.writestr(f"site.{number:03d}.xml", data)
    return path


def _counting(monkeypatch, module, name: str) -> list[int]:
    made: list[int] = []
    original = getattr(module, name)

    class Counted(original):  # type: ignore[misc, valid-type]
        def __init__(self, *args, **kwargs):
            made.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(module, name, Counted)
    return made


def test_the_zip_directory_is_read_once_per_process(many_parts, tmp_path, monkeypatch):
    opened = _counting(monkeypatch, sources.zipfile, "ZipFile")
    out = tmp_path / "out.json"
    convert([str(many_parts)], ConvertOptions(output=str(out), jobs=1))
    assert len(opened) == 2, "one to list the parts, one to read them all"
    document = json.loads(out.read_text())
    assert len(document["posts"]) == PARTS * 4


def test_one_set_of_workers_serves_every_part(many_parts, tmp_path, monkeypatch):
    if not parallel.can_fork():
        pytest.skip("no fork here: convert runs in one process")
    pools = _counting(monkeypatch, parallel, "ProcessPoolExecutor")
    one = tmp_path / "one.json"
    convert([str(many_parts)], ConvertOptions(output=str(tmp_path / "two.json"), jobs=2))
    assert len(pools) == 2, "the attachment prescan's, and one for the items of every part"
    convert([str(many_parts)], ConvertOptions(output=str(one), jobs=1))
    assert (tmp_path / "two.json").read_bytes() == one.read_bytes()


def test_archives_past_the_limit_are_closed_and_open_members_still_read(tmp_path):
    paths = []
    for number in range(sources._OPEN_ARCHIVES + 3):
        path = tmp_path / f"a{number}.zip"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("a.xml", f"<x>{number}</x>" * 1000)
        paths.append(path)
    first = sources.expand_inputs([str(paths[0])])[0]
    with first.open() as stream:
        head = stream.read(10)
        for number, path in enumerate(paths[1:], start=1):
            [source] = sources.expand_inputs([str(path)])
            with source.open() as other:
                assert other.read() == f"<x>{number}</x>".encode() * 1000
        assert len(sources._ARCHIVES) <= sources._OPEN_ARCHIVES
        assert head + stream.read() == b"<x>0</x>" * 1000, "an open member outlives its closed archive"
