"""A mutation fuzzer: damage real exports as files get damaged, run every format and validate.

Each mutant is an export of the corpus with one to three damages: cut short,
bytes flipped, a tag dropped or repeated, an entity or a control character put
in. Every output format (strict, or with ``--recover`` for half of them) and
``validate`` run on it in this process, as the CLI runs them; an exception that
is not the library's own is a crash, saved with its traceback. The same seed
gives the same mutants.
"""

from __future__ import annotations

import hashlib
import random
import tempfile
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from wpmigrate.convert import ConvertOptions, convert
from wpmigrate.errors import WpmigrateError
from wpmigrate.validate import validate
from wpmigrate.writers import FORMATS

_TAG = b"<"
_ENTITIES = (b"&#xD800;", b"&#55357;&#56832;", b"&#0;", b"&#xFFFE;", b"&nbsp;", b"&bogus;", b"&#99999999;",
             b"&amp;amp;", b"&", b"&#x;", b"]]>", b"<![CDATA[", b"<!--", b"-->", b"\xef\xbb\xbf")
_CONTROLS = tuple(bytes([c]) for c in (*range(0, 9), 11, 12, *range(14, 32), 127)) + (b"\xff", b"\xc3", b"\xed\xa0\x80")


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if out:
            out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    return bytes(out)


def _tag_span(data: bytes, rng: random.Random) -> tuple[int, int] | None:
    """Where a random tag (``<...>``) of ``data`` starts and ends."""
    if _TAG not in data:
        return None
    start = data.rfind(_TAG, 0, rng.randrange(len(data)) + 1)
    start = start if start >= 0 else data.find(_TAG)
    end = data.find(b">", start)
    return (start, end + 1) if end >= 0 else None


def drop_tag(data: bytes, rng: random.Random) -> bytes:
    span = _tag_span(data, rng)
    return data if span is None else data[: span[0]] + data[span[1] :]


def repeat_tag(data: bytes, rng: random.Random) -> bytes:
    span = _tag_span(data, rng)
    return data if span is None else data[: span[1]] + data[span[0] : span[1]] * rng.randint(1, 3) + data[span[1] :]


def insert_entity(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.choice(_ENTITIES) + data[at:]


def insert_control(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.choice(_CONTROLS) + data[at:]


#: Every damage, by name.
MUTATIONS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    f.__name__: f for f in (truncate, flip_bytes, drop_tag, repeat_tag, insert_entity, insert_control)
}


def mutant(data: bytes, rng: random.Random) -> tuple[bytes, list[str]]:
    """``data`` with one to three damages, and their names."""
    names = [rng.choice(sorted(MUTATIONS)) for _ in range(rng.randint(1, 3))]
    for name in names:
        data = MUTATIONS[name](data, rng)
    return data, names


@dataclass
class Crash:
    input: bytes
    where: str
    traceback: str

    @property
    def digest(self) -> str:
        return hashlib.sha1(self.input).hexdigest()[:12]


@dataclass
class Tally:
    mutants: int = 0
    runs: int = 0
    input_errors: int = 0
    crashes: list[Crash] = field(default_factory=list)


def run_everything(data: bytes, rng: random.Random, tally: Tally) -> None:
    """Every format and validate on ``data``; crashes go into ``tally``."""
    with tempfile.TemporaryDirectory(prefix="wpmigrate-mutant-") as folder:
        path = Path(folder) / "mutant.xml"
        path.write_bytes(data)
        for to in sorted(FORMATS):
            recover = rng.random() < 0.5
            options = ConvertOptions(to=to, output=str(Path(folder) / f"out-{to}"), force=True, recover=recover, jobs=1)
            _guarded(lambda: convert([str(path)], options), data, f"convert --to {to}" + " --recover" * recover, tally)
        _guarded(lambda: validate([str(path)]), data, "validate", tally)


def _guarded(action: Callable[[], object], data: bytes, where: str, tally: Tally) -> None:
    tally.runs += 1
    try:
        action()
    except WpmigrateError:
        tally.input_errors += 1
    except Exception:  # noqa: BLE001 - anything else is the bug being looked for
        tally.crashes.append(Crash(data, where, traceback.format_exc()))


def fuzz(files: list[Path], mutants: int, seed: int) -> Iterator[Tally]:
    """``mutants`` mutants of ``files`` (chosen in turn), a :class:`Tally` after each."""
    rng = random.Random(seed)
    tally = Tally()
    originals = [path.read_bytes() for path in files]
    for number in range(mutants):
        data, _ = mutant(originals[number % len(originals)], rng)
        tally.mutants += 1
        run_everything(data, rng, tally)
        yield tally


def save(crashes: list[Crash], folder: Path, prefix: str) -> list[Path]:
    """Write each crash's input and traceback into ``folder``; the inputs' paths."""
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    for crash in crashes:
        path = folder / f"{prefix}-{crash.digest}.xml"
        path.write_bytes(crash.input)
        path.with_suffix(".txt").write_text(f"{crash.where}\n\n{crash.traceback}", encoding="utf-8")
        saved.append(path)
    return saved
