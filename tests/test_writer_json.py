"""JSON and NDJSON output: schema, determinism, PII handling, round trip."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import ROOT, SAMPLE, corpus_files, CORPUS
from wpmigrate import schema
from wpmigrate.convert import ConvertOptions, convert
from wpmigrate.errors import WpmigrateError
from wpmigrate.readers.wxr import read

SCHEMA = json.loads((ROOT / "docs" / "schema.json").read_text())


def _convert(tmp_path: Path, source: Path = SAMPLE, name: str = "out.json", **options) -> Path:
    out = tmp_path / name
    convert([str(source)], ConvertOptions(output=str(out), **options))
    return out


def test_output_validates_against_the_documented_schema(tmp_path):
    document = json.loads(_convert(tmp_path).read_text())
    jsonschema.validate(document, SCHEMA)
    assert document["wpmigrate"]["schema"] == 1
    assert [p["id"] for p in document["posts"]] == [2002, 2003, 2, 2010]


@pytest.mark.parametrize("name", [n for n in corpus_files() if "malformed" not in n and "crazy-cdata.xml" not in n])
def test_corpus_output_validates(tmp_path, name):
    try:
        document = json.loads(_convert(tmp_path, CORPUS / name).read_text())
    except WpmigrateError:
        pytest.skip("not convertible without --recover (covered in test_corpus)")
    jsonschema.validate(document, SCHEMA)


def test_output_is_byte_identical_across_runs(tmp_path):
    first = _convert(tmp_path, name="a.json").read_bytes()
    second = _convert(tmp_path, name="b.json").read_bytes()
    assert first == second


def test_ndjson_has_one_object_per_line_in_order(tmp_path):
    lines = _convert(tmp_path, name="out.ndjson", to="ndjson").read_text().splitlines()
    kinds = [json.loads(line)["kind"] for line in lines]
    assert kinds == ["site", "author"] + ["term"] * 5 + ["post"] * 4
    whole = json.loads(_convert(tmp_path).read_text())
    assert {k: v for k, v in json.loads(lines[-1]).items() if k != "kind"} == whole["posts"][-1]


def test_json_round_trips_to_the_same_model(tmp_path):
    document = json.loads(_convert(tmp_path, raw_content=True).read_text())
    posts = list(read([str(SAMPLE)]).posts)
    assert [schema.post_from_dict(p) for p in document["posts"]] == posts


def _comments(path: Path) -> list[dict]:
    return [c for p in json.loads(path.read_text())["posts"] for c in p["comments"]]


def test_pii_keep_hash_drop(tmp_path):
    kept = _comments(_convert(tmp_path, name="keep.json"))
    hashed = _comments(_convert(tmp_path, name="hash.json", pii="hash"))
    dropped = _comments(_convert(tmp_path, name="drop.json", pii="drop"))
    assert kept[0]["author"]["email"] == "jones@example.com"
    assert dropped[0]["author"]["email"] == "" and dropped[0]["author"]["ip"] == ""
    token = hashed[0]["author"]["email"]
    assert token.startswith("sha256:") and "jones" not in token
    # stable: the same commenter gets the same token on every comment
    assert hashed[2]["author"]["email"] == token
    assert hashed[0]["author"]["ip"] != kept[0]["author"]["ip"]
    # everything else is untouched
    assert [c["content"] for c in hashed] == [c["content"] for c in kept]
    salted = _comments(_convert(tmp_path, name="salt.json", pii="hash", pii_salt="other"))
    assert salted[0]["author"]["email"] != token
