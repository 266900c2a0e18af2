"""``python -m fuzz``: run the mutation fuzzer and the coverage-guided harnesses for a bounded time.

Exit status 0 when nothing crashed, 1 when something did (the inputs are in
``--crashes``, each with its traceback), 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fuzz import mutate
from fuzz.harnesses import TARGETS

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CORPUS = ROOT.parent / "shared" / "corpus"
#: Seeds larger than this are left out: libFuzzer mutates small inputs best.
SEED_BYTES = 64 * 1024


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    crashes = Path(args.crashes)
    found = 0
    if args.command in ("mutate", "all"):
        found += run_mutations(args.corpus, args.mutants, args.seed, args.max_bytes, crashes)
    if args.command in ("coverage", "all"):
        for target in args.targets or sorted(TARGETS):
            found += run_coverage(target, args.runs, args.seconds, args.seed, crashes)
    print(f"fuzz: {found} crash(es)" + (f", inputs in {crashes}" if found else ""))
    return 1 if found else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m fuzz", description=__doc__)
    parser.add_argument("command", choices=["mutate", "coverage", "all"])
    parser.add_argument("targets", nargs="*", help=f"coverage targets (default: all of {', '.join(sorted(TARGETS))})")
    parser.add_argument("--corpus", default=str(CORPUS), help="folder of exports to mutate (default: the shared corpus)")
    parser.add_argument("--mutants", type=int, default=30, help="mutants to run (default 30)")
    parser.add_argument("--max-bytes", type=int, default=256 * 1024,
                        help="mutate only exports up to this size (default 256 KiB)")
    parser.add_argument("--runs", type=int, default=3000, help="inputs per coverage target (default 3000)")
    parser.add_argument("--seconds", type=int, default=60, help="time cap per coverage target (default 60)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--crashes", default=str(ROOT / "fuzz" / "crashes"), help="where crash inputs are written")
    return parser


def run_mutations(corpus: str, mutants: int, seed: int, max_bytes: int, crashes: Path) -> int:
    """Mutate the exports of ``corpus`` (or the fixtures, where it is absent); the crashes found."""
    files = (_exports(Path(corpus), max_bytes) or _exports(FIXTURES, max_bytes)) + _pages(max_bytes)
    started = time.perf_counter()
    tally = mutate.Tally()
    for tally in mutate.fuzz(files, mutants, seed):
        pass
    saved = mutate.save(tally.crashes, crashes, "mutant")
    print(f"fuzz: mutate: {tally.mutants} mutants of {len(files)} exports and pages, {tally.runs} runs "
          f"({tally.input_errors} clear input errors), {len(saved)} crash(es), {time.perf_counter() - started:.0f} s")
    for path in saved:
        report = path.with_suffix(".txt").read_text(encoding="utf-8").splitlines()
        print(f"  {path}: {report[0]}\n    " + "\n    ".join(report[-12:]))
    return len(saved)


def _exports(folder: Path, max_bytes: int) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*.xml") if p.stat().st_size <= max_bytes)


def _pages(max_bytes: int) -> list[Path]:
    """The saved pages of the page reader's fixtures."""
    return sorted(p for p in (FIXTURES / "pages").glob("*.html") if p.stat().st_size <= max_bytes)


def run_coverage(target: str, runs: int, seconds: int, seed: int, crashes: Path) -> int:
    """``runs`` inputs of atheris on ``target`` (at most ``seconds``); 1 if it crashed, else 0."""
    crashes.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"wpmigrate-seeds-{target}-") as seeds:
        _write_seeds(target, Path(seeds))
        command = [sys.executable, "-m", "fuzz.coverage", target, f"-runs={runs}", f"-max_total_time={seconds}",
                   f"-seed={seed}", f"-max_len={SEED_BYTES}", "-timeout=30", "-rss_limit_mb=1024",
                   f"-artifact_prefix={crashes}/{target}-", "-print_final_stats=1", seeds]
        started = time.perf_counter()
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=_env())
    stats = [line for line in result.stderr.splitlines() if line.startswith(("stat::number_of_executed_units", "Done"))]
    print(f"fuzz: coverage {target}: exit {result.returncode}, {time.perf_counter() - started:.0f} s, "
          + "; ".join(stats))
    if result.returncode != 0:
        print(result.stderr[-4000:])
    return 0 if result.returncode == 0 else 1


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}


def _write_seeds(target: str, folder: Path) -> None:
    """Small fixtures as seeds: whole exports for the reader and validate, post contents for the rest."""
    exports = [p for p in sorted(FIXTURES.rglob("*.xml")) if p.stat().st_size <= SEED_BYTES]
    if target == "pages":
        exports = _pages(SEED_BYTES)
    if target in ("reader", "validate", "pages"):
        for number, path in enumerate(exports):
            (folder / f"seed-{number:04d}").write_bytes(path.read_bytes())
        return
    from wpmigrate.errors import WpmigrateError
    from wpmigrate.readers.wxr import read

    number = 0
    for path in exports:
        try:
            for post in read([str(path)], recover=True).posts:
                raw = post.content.raw.encode("utf-8", "surrogatepass")[:SEED_BYTES]
                if raw:
                    (folder / f"seed-{number:04d}").write_bytes(raw)
                    number += 1
        except WpmigrateError:
            continue


if __name__ == "__main__":
    sys.exit(main())
