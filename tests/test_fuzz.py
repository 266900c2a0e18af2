"""The fuzzers themselves, and every crash they found, kept as a fixture that must not crash again."""

from __future__ import annotations

import importlib.util
import random
from pathlib import Path

import pytest

from fuzz import mutate
from fuzz.__main__ import run_coverage
from fuzz.harnesses import TARGETS
from tests.conftest import FIXTURES, SAMPLE
from wpmigrate.errors import InputError
from wpmigrate.writers import FORMATS

CRASHES = sorted((FIXTURES / "fuzz").glob("*.bin"))
SEEDS = [SAMPLE, FIXTURES / "validate" / "xml-malformed.xml", FIXTURES / "validate" / "xml-truncated.xml"]


@pytest.mark.parametrize("path", CRASHES, ids=[p.stem for p in CRASHES])
def test_every_crash_found_is_fixed(path):
    target = path.stem.split("-", 1)[0]
    TARGETS[target](path.read_bytes())


@pytest.mark.parametrize("target", sorted(TARGETS))
@pytest.mark.parametrize("seed", SEEDS, ids=[p.name for p in SEEDS])
def test_every_target_takes_whole_and_damaged_exports(target, seed):
    TARGETS[target](seed.read_bytes())


def test_mutants_are_damaged_and_the_same_for_a_seed():
    data = SAMPLE.read_bytes()
    assert mutate.mutant(data, random.Random(7)) == mutate.mutant(data, random.Random(7))
    assert mutate.mutant(data, random.Random(7)) != mutate.mutant(data, random.Random(8))
    rng = random.Random(3)
    for name, damage in mutate.MUTATIONS.items():
        assert damage(data, rng) != data, name
    cut = mutate.truncate(data, random.Random(1))
    assert len(cut) < len(data) and data.startswith(cut)


def test_an_exception_not_the_librarys_own_is_a_crash_and_saved(tmp_path):
    tally = mutate.Tally()
    mutate._guarded(lambda: (_ for _ in ()).throw(InputError("bad input")), b"a", "convert", tally)
    mutate._guarded(lambda: {}["missing"], b"<rss>b</rss>", "validate", tally)
    assert (tally.runs, tally.input_errors, len(tally.crashes)) == (2, 1, 1)
    [saved] = mutate.save(tally.crashes, tmp_path, "mutant")
    assert saved.read_bytes() == b"<rss>b</rss>"
    report = saved.with_suffix(".txt").read_text()
    assert report.startswith("validate\n") and "KeyError: 'missing'" in report


def test_a_short_mutation_run_over_the_fixtures_finds_no_crash():
    files = [SAMPLE, FIXTURES / "fidelity" / "blog.xml"]
    *_, tally = mutate.fuzz(files, mutants=4, seed=11)
    assert tally.mutants == 4 and tally.runs == 4 * (len(FORMATS) + 1)  # every format, and validate
    assert [(c.where, c.traceback) for c in tally.crashes] == []


@pytest.mark.skipif(importlib.util.find_spec("atheris") is None,
                    reason="atheris is not installed (pip install '.[fuzz]'; .ci/run installs it)")
def test_the_coverage_guided_harness_runs(tmp_path: Path):
    assert run_coverage("validate", runs=50, seconds=60, seed=1, crashes=tmp_path) == 0
    assert list(tmp_path.iterdir()) == []
