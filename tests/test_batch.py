"""`wpmigrate batch` end to end: sites, statuses, report, exit codes, resuming, dry run."""

from __future__ import annotations

import gzip
import json
import re
import shlex
import shutil
import zipfile

import pytest

from tests.batchdata import BOOKKEEPING, by_name, outputs, report, split_export
from tests.conftest import FIXTURES, ROOT, SAMPLE
from wpmigrate import errors

QUIRKS = FIXTURES / "quirks"


@pytest.fixture
def exports(tmp_path):
    """Good exports, a split export, a truncated file and a file that is not XML."""
    folder = tmp_path / "exports"
    (folder / "nested").mkdir(parents=True)
    shutil.copy(SAMPLE, folder / "intelnews.xml")
    shutil.copy(QUIRKS / "raw-ampersand.xml", folder / "nested" / "quirky.xml")
    split_export(SAMPLE, folder, "bigsite", parts=2)
    shutil.copy(QUIRKS / "truncated.xml", folder / "truncated.xml")
    (folder / "photo.zip").write_bytes(b"PK\x03\x04 not really a zip")
    shutil.copy(QUIRKS / "binary.xml", folder / "nested" / "image.xml")
    return folder


def test_done_means_statuses_report_and_exit_code(run_cli, exports, tmp_path):
    out = tmp_path / "out"
    result = run_cli("batch", exports, "-o", out, "--jobs", "2")
    assert result.exit_code == errors.EXIT_FINDINGS
    data = report(out)
    sites = by_name(data)
    assert {name: site["status"] for name, site in sites.items()} == {
        "intelnews": "ok", "quirky": "ok", "bigsite": "ok",
        "truncated": "failed", "image": "failed", "photo": "failed",
    }
    assert data["totals"] == {"sites": 6, "ok": 3, "recovered": 0, "failed": 3, "skipped": 0, "not_run": 0,
                              "bytes_converted": sum(s["bytes"] for s in data["sites"])}
    # The split export is one site, made of its parts in order, with every item of the whole.
    assert [p.rsplit("/", 1)[-1] for p in sites["bigsite"]["inputs"]] == ["bigsite.000.xml", "bigsite.001.xml"]
    assert sites["bigsite"]["counts"] == sites["intelnews"]["counts"] == {
        "posts": 2, "pages": 1, "other": 1, "comments": 5, "authors": 1}
    whole = json.loads((out / "intelnews.json").read_text())
    split = json.loads((out / "bigsite.json").read_text())
    assert split["posts"] == whole["posts"]
    assert sites["quirky"]["warnings"] == 1 and sites["quirky"]["codes"] == {"author-synthesized": 1, "xml-raw-ampersand": 1}
    truncated = sites["truncated"]["error"]
    assert truncated["type"] == "MalformedInputError" and truncated["exit_code"] == errors.EXIT_INPUT
    assert "truncated.xml:33:" in truncated["message"] and "--recover" in truncated["message"]
    assert sites["image"]["error"]["type"] == "NotWXRError" and "binary file" in sites["image"]["error"]["message"]
    assert sites["photo"]["error"]["type"] == "InputError" and "damaged zip" in sites["photo"]["error"]["message"]
    for site in data["sites"]:
        assert site["seconds"] >= 0 and site["peak_rss_mb"] > 0 and not site["skipped"]
    # Outputs for the good sites only, and nothing half-written.
    assert set(path.name for path in out.iterdir()) == BOOKKEEPING | {"intelnews.json", "quirky.json", "bigsite.json"}
    assert "batch: 6 sites: 3 ok, 0 recovered, 3 failed" in result.stderr
    assert "failed: truncated: " in result.stderr and "Traceback" not in result.stderr


def test_recover_salvages_the_truncated_export(run_cli, exports, tmp_path):
    out = tmp_path / "out"
    run_cli("batch", exports, "-o", out)
    result = run_cli("batch", exports, "-o", out, "--recover")
    assert result.exit_code == errors.EXIT_FINDINGS  # the non-XML files still fail
    sites = by_name(report(out))
    truncated = sites["truncated"]
    assert truncated["status"] == "recovered" and truncated["error"] is None
    assert truncated["codes"]["salvage-summary"] == 1 and truncated["codes"]["item-lost"] >= 1
    assert [post["id"] for post in json.loads((out / "truncated.json").read_text())["posts"]] == [1, 2]
    assert not any(site["skipped"] for site in sites.values()), "other options: every site is redone"
    assert [s["name"] for s in report(out)["sites"] if s["status"] == "failed"] == ["image", "photo"]


def test_all_good_exits_zero_and_outputs_match_convert(run_cli, tmp_path):
    out = tmp_path / "out"
    result = run_cli("batch", SAMPLE, "-o", out, "--to", "ndjson")
    assert result.exit_code == 0
    single = tmp_path / "single.ndjson"
    assert run_cli("convert", SAMPLE, "--to", "ndjson", "-o", single).exit_code == 0
    assert (out / "intelnews-sample.ndjson").read_bytes() == single.read_bytes()


def test_rerun_skips_what_is_done_and_redoes_what_changed(run_cli, exports, tmp_path):
    out = tmp_path / "out"
    run_cli("batch", exports, "-o", out)
    first = outputs(out)
    (exports / "intelnews.xml").write_bytes((exports / "intelnews.xml").read_bytes().replace(b"intelNews", b"spyNews"))
    result = run_cli("batch", exports, "-o", out)
    assert result.exit_code == errors.EXIT_FINDINGS
    sites = by_name(report(out))
    assert {name for name, site in sites.items() if site["skipped"]} == {"quirky", "bigsite"}
    assert sites["quirky"]["status"] == "ok" and sites["quirky"]["counts"]["other"] == 1
    assert not sites["intelnews"]["skipped"] and not sites["truncated"]["skipped"], "changed and failed: redone"
    again = outputs(out)
    assert again["bigsite.json"] == first["bigsite.json"]
    assert b"spyNews" in again["intelnews.json"] and b"spyNews" not in first["intelnews.json"]


def test_existing_output_no_batch_made_is_refused_without_force(run_cli, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "intelnews-sample.json").write_text("precious")
    result = run_cli("batch", SAMPLE, "-o", out)
    assert result.exit_code == errors.EXIT_FINDINGS
    entry = by_name(report(out))["intelnews-sample"]
    assert entry["error"]["type"] == "OutputError" and "--force" in entry["error"]["message"]
    assert (out / "intelnews-sample.json").read_text() == "precious"
    assert run_cli("batch", SAMPLE, "-o", out, "--force").exit_code == 0
    assert json.loads((out / "intelnews-sample.json").read_text())["site"]["title"] == "intelNews.org"


def test_dry_run_lists_and_writes_nothing(run_cli, exports, tmp_path):
    out = tmp_path / "out"
    result = run_cli("batch", exports, "-o", out, "--dry-run")
    assert result.exit_code == 0 and not out.exists()
    lines = result.stdout.splitlines()
    assert len(lines) == 6 and all(line.startswith("convert ") for line in lines)
    assert any("bigsite.json" in line and "bigsite.000.xml, " in line for line in lines)
    run_cli("batch", exports, "-o", out)
    result = run_cli("batch", exports, "-o", out, "--dry-run")
    up_to_date = sorted(line.split()[3].rsplit("/", 1)[-1] for line in result.stdout.splitlines()
                        if line.startswith("up to date"))
    assert up_to_date == ["bigsite.json", "intelnews.json", "quirky.json"]
    assert "6 sites, 3 to convert" in result.stderr


def test_mixed_inputs_files_gz_zip_folders_and_globs(run_cli, tmp_path):
    src = tmp_path / "src"
    (src / "deep" / "er").mkdir(parents=True)
    gz = src / "gzipped.xml.gz"
    gz.write_bytes(gzip.compress(SAMPLE.read_bytes()))
    parts = split_export(SAMPLE, tmp_path, "wpcom", parts=3)
    with zipfile.ZipFile(src / "deep" / "wpcom.zip", "w") as archive:
        for part in reversed(parts):  # member order must not matter
            archive.write(part, part.name)
    for part in parts:
        part.unlink()
    shutil.copy(SAMPLE, src / "deep" / "er" / "plain.xml")
    shutil.copy(SAMPLE, src / "deep" / "er" / "notes.txt")  # not an export name: ignored in a folder
    shutil.copy(SAMPLE, tmp_path / "named.data")  # named explicitly: taken whatever its name
    out = tmp_path / "out"
    result = run_cli("batch", gz, src / "deep", f"{tmp_path}/**/plain.xml", tmp_path / "named.data", "-o", out)
    assert result.exit_code == 0, result.stderr
    sites = by_name(report(out))
    assert sorted(sites) == ["gzipped", "named.data", "plain", "wpcom"]
    assert len(sites["wpcom"]["inputs"]) == 1 and sites["wpcom"]["counts"]["comments"] == 5
    reference = json.loads((out / "plain.json").read_text())["posts"]
    for name in sites:
        assert json.loads((out / f"{name}.json").read_text())["posts"] == reference


def test_same_names_get_distinct_safe_outputs(run_cli, tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        shutil.copy(SAMPLE, tmp_path / folder / "My Blog: export?.xml")
    shutil.copy(SAMPLE, tmp_path / "report.xml")  # would collide with report.json
    out = tmp_path / "out"
    assert run_cli("batch", tmp_path / "a", tmp_path / "b", tmp_path / "report.xml", "-o", out).exit_code == 0
    names = sorted(by_name(report(out)))
    assert len(names) == 3 and len(set(names)) == 3
    assert all(name.startswith(("My-Blog-export-", "report-")) for name in names), names
    assert all(n.replace("-", "").replace("_", "").isalnum() for n in names)


def test_usage_errors_and_nothing_to_do(run_cli, tmp_path):
    assert run_cli("batch", SAMPLE).exit_code == errors.EXIT_USAGE  # -o is required
    missing = run_cli("batch", tmp_path / "missing*.xml", "-o", tmp_path / "out")
    assert missing.exit_code == errors.EXIT_USAGE and "no file matches" in missing.stderr
    (tmp_path / "empty").mkdir()
    empty = run_cli("batch", tmp_path / "empty", "-o", tmp_path / "out")
    assert empty.exit_code == errors.EXIT_USAGE and "no exports found" in empty.stderr
    assert run_cli("batch", SAMPLE, "-o", tmp_path / "out", "--jobs", "0").exit_code == errors.EXIT_USAGE
    wrong = run_cli("batch", SAMPLE, "-o", tmp_path / "out", "--dialect", "mysql")
    assert wrong.exit_code == errors.EXIT_USAGE and "--to sql" in wrong.stderr


def test_sqlite_batch(run_cli, tmp_path):
    import sqlite3

    out = tmp_path / "out"
    assert run_cli("batch", SAMPLE, "-o", out, "--to", "sqlite", "--table-prefix", "wp_").exit_code == 0
    with sqlite3.connect(out / "intelnews-sample.db") as db:
        assert db.execute("SELECT count(*) FROM wp_posts").fetchone()[0] == 4


def test_quiet_prints_failures_and_summary_only(run_cli, exports, tmp_path):
    result = run_cli("batch", exports, "-o", tmp_path / "out", "-q")
    lines = result.stderr.splitlines()
    assert not any(" ok " in line and line.startswith("[") for line in lines)
    assert sum(line.startswith("[") and "failed" in line for line in lines) == 3
    assert lines[-1] == f"report: {tmp_path / 'out' / 'report.json'}"


def _examples(text: str) -> list[str]:
    """The example command lines in ``text`` (not the synopsis)."""
    found = re.findall(r"^\s*(wpmigrate batch .+?)\s*(?:#.*)?$", text, re.M)
    return [line for line in found if "SOURCE..." not in line]


def test_readme_and_help_examples_run(run_cli, tmp_path, monkeypatch):
    """Every `wpmigrate batch` example of the README and of --help runs (as a dry run) on files
    laid out as the examples name them."""
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Batch: many exports at once"):readme.index("## Exit codes")]
    examples = _examples(section) + _examples(run_cli("batch", "--help").stdout)
    # Examples on object storage or a remote scheduler need their credentials and cluster: the
    # S3 ones are run against a real S3 API in test_batch_cluster.py.
    examples = [example for example in examples if "://" not in example]
    assert len(examples) >= 8
    monkeypatch.chdir(tmp_path)
    (tmp_path / "exports").mkdir()
    shutil.copy(SAMPLE, tmp_path / "exports" / "blog.xml")
    (tmp_path / "archive" / "2019").mkdir(parents=True)
    (tmp_path / "archive" / "2019" / "old.xml.gz").write_bytes(gzip.compress(SAMPLE.read_bytes()))
    (tmp_path / "clients").mkdir()
    with zipfile.ZipFile(tmp_path / "clients" / "client.zip", "w") as archive:
        archive.write(SAMPLE, "client.xml")
    for example in examples:
        args = shlex.split(example)[1:]
        result = run_cli(*args, *([] if "--dry-run" in args else ["--dry-run"]))
        assert result.exit_code == 0, (example, result.stderr)
        assert re.search(r"\d+ sites, [1-9]\d* to convert", result.stderr), example


def test_readme_naming_claim(run_cli, tmp_path):
    shutil.copy(SAMPLE, tmp_path / "My Blog.xml")
    result = run_cli("batch", tmp_path / "My Blog.xml", "-o", tmp_path / "out", "--dry-run")
    assert f"{tmp_path / 'out' / 'My-Blog.json'}" in result.stdout


def test_split_parts_group_by_folder_and_name(tmp_path):
    from wpmigrate.batch.discover import discover

    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        split_export(SAMPLE, tmp_path / folder, "site", parts=2)
    split_export(SAMPLE, tmp_path / "one", "other", parts=3)
    sites = discover([str(tmp_path)], ".json")
    assert sorted(len(site.inputs) for site in sites) == [2, 2, 3]
    assert len({site.name for site in sites}) == 3
    for site in sites:
        folders = {path.rsplit("/", 2)[-2] for path in site.inputs}
        assert len(folders) == 1 and list(site.inputs) == sorted(site.inputs)


def test_unwritable_outdir_and_a_second_batch_are_refused(run_cli, tmp_path):
    from wpmigrate.batch.state import locked

    (tmp_path / "file").write_text("")
    blocked = run_cli("batch", SAMPLE, "-o", tmp_path / "file" / "out")
    assert blocked.exit_code == errors.EXIT_OUTPUT and "cannot create the output folder" in blocked.stderr
    out = tmp_path / "out"
    out.mkdir()
    with locked(str(out)):
        busy = run_cli("batch", SAMPLE, "-o", out)
    assert busy.exit_code == errors.EXIT_USAGE and "another wpmigrate batch" in busy.stderr
    assert not (out / "intelnews-sample.json").exists()
