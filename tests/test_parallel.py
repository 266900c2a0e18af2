"""The worker pool: same results as a plain map, in order, with bounded read-ahead;
and convert with workers writes exactly what convert without them writes."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from wpmigrate.convert import ConvertOptions, convert
from wpmigrate.errors import InputError
from wpmigrate.parallel import CHUNK, WINDOW, can_fork, ordered_map
from tests.conftest import CORPUS, FIXTURES, SAMPLE, corpus_files

pytestmark = pytest.mark.skipif(not can_fork(), reason="worker processes need the fork start method")
QUIRKS = sorted(p.name for p in (FIXTURES / "quirks").glob("*.xml"))


def test_ordered_map_keeps_order_and_runs_closures():
    offset = 1000  # a closure: only items and results cross to the workers
    items = list(range(500))
    assert list(ordered_map(lambda n: n * n + offset, items, 3)) == [n * n + offset for n in items]


def test_ordered_map_reads_ahead_a_bounded_number_of_items():
    pulled = itertools.count()

    def source():
        for n in range(100_000):
            next(pulled)
            yield n

    results = ordered_map(str, source(), 2)
    assert next(results) == "0"
    in_flight = next(pulled)
    assert in_flight <= CHUNK * (2 * WINDOW + 1), in_flight


def test_ordered_map_raises_what_the_worker_raised():
    def fail_on_seven(n):
        if n == 7:
            raise ValueError("seven")
        return n

    with pytest.raises(ValueError, match="seven"):
        list(ordered_map(fail_on_seven, range(50), 2))


def _convert(inputs: list[str], tmp_path: Path, jobs: int, to: str = "json", recover: bool = False):
    out = tmp_path / f"out-{jobs}.{to}"
    result = convert(inputs, ConvertOptions(to=to, output=str(out), force=True, jobs=jobs, recover=recover))
    found = sorted((d.code, d.severity, d.file or "", d.line or 0, d.item or 0, d.comment or 0, d.message)
                   for d in result.diagnostics)
    return out.read_bytes(), result.counts, found


def _same_with_workers(inputs: list[str], tmp_path: Path, **kwargs) -> None:
    """Same output, counts and diagnostics with two workers as with none (or the same refusal)."""
    try:
        serial = _convert(inputs, tmp_path, 1, **kwargs)
    except InputError as refused:
        with pytest.raises(type(refused)):
            _convert(inputs, tmp_path, 2, **kwargs)
        return
    parallel = _convert(inputs, tmp_path, 2, **kwargs)
    assert parallel[0] == serial[0], "output differs with workers"
    assert parallel[1] == serial[1]
    assert parallel[2] == serial[2], "diagnostics differ with workers"


@pytest.mark.parametrize("to", ["json", "ndjson"])
def test_sample_converts_the_same_with_workers(tmp_path, to):
    _same_with_workers([str(SAMPLE)], tmp_path, to=to)


@pytest.mark.parametrize("name", QUIRKS)
def test_quirks_convert_the_same_with_workers(tmp_path, name):
    """Repairs, per-item warnings with their lines, and salvage mixed with deferred items."""
    _same_with_workers([str(FIXTURES / "quirks" / name)], tmp_path, recover=True)


@pytest.mark.parametrize("name", corpus_files() or ["(no corpus)"])
def test_corpus_converts_the_same_with_workers(tmp_path, name):
    if not (CORPUS / name).exists():
        pytest.skip(f"the shared WXR corpus is not at {CORPUS}")
    _same_with_workers([str(CORPUS / name)], tmp_path, recover=True)


def test_a_killed_worker_is_an_error_not_a_hang():
    import os
    import signal

    def die_on_seven(n):
        if n == 7:
            os.kill(os.getpid(), signal.SIGKILL)
        return n

    with pytest.raises(RuntimeError, match="worker process died"):
        list(ordered_map(die_on_seven, range(100), 2))


def test_workers_by_default_only_for_large_exports(tmp_path):
    from wpmigrate.convert import PARALLEL_MIN_BYTES, worker_count
    from wpmigrate.parallel import available_cores

    large = tmp_path / "large.xml"
    large.write_bytes(b" " * PARALLEL_MIN_BYTES)
    assert worker_count(None, [str(SAMPLE)]) == 1
    assert worker_count(None, [str(SAMPLE), str(large)]) == available_cores()
    assert worker_count(None, ["-"]) == available_cores()  # standard input: size unknown
    assert worker_count(3, [str(SAMPLE)]) == 3 and worker_count(0, [str(large)]) == 1


def test_every_kind_of_error_crosses_back_from_a_worker_whole():
    """A worker's error is pickled back; kinds whose __init__ takes other arguments than their
    message once came back as a RuntimeError, an internal error (exit 70) instead of theirs."""
    import pickle

    from wpmigrate.errors import InputError, MalformedInputError
    from wpmigrate.readers.limits import ItemTooLargeError, PageTooLargeError

    for error in (InputError("m", hint="h"), MalformedInputError("m", file="f", line=3, column=4, hint="h"),
                  ItemTooLargeError("f", 10, 4096), PageTooLargeError("p", 4096)):
        back = pickle.loads(pickle.dumps(error))
        assert (type(back), str(back), back.__dict__, back.exit_code) == (
            type(error), str(error), error.__dict__, error.exit_code)
