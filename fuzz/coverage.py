"""Coverage-guided fuzzing of one target with atheris (libFuzzer), in a process of its own.

``python -m fuzz.coverage TARGET [libFuzzer options] SEEDS_DIR``: libFuzzer
exits the process when it finds a crash (an exception escaping the target),
writing the input to ``-artifact_prefix``; ``python -m fuzz coverage`` runs
this module and reads its exit status.
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> None:
    import atheris  # only here: atheris is the optional ``fuzz`` extra

    with atheris.instrument_imports(include=["wpmigrate"]):
        from fuzz.harnesses import TARGETS

    atheris.Setup([sys.argv[0], *argv[1:]], TARGETS[argv[0]])
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv[1:])
