"""What a batch will do with each site: convert it, skip it (up to date), or
refuse it (its output exists and no batch made it)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from wpmigrate.batch import storage
from wpmigrate.batch.discover import Site
from wpmigrate.batch.state import State, hash_inputs
from wpmigrate.batch.worker import failed
from wpmigrate.errors import EXIT_OUTPUT, InputError

CONVERT, SKIP, REFUSE = "convert", "skip", "refuse"


@dataclass
class Task:
    site: Site
    #: The output's path (a file, or a folder for a format whose suffix is "").
    output: str
    action: str
    #: SHA-256 of the inputs' bytes; None when they cannot be read (the worker then says why).
    inputs_hash: str | None
    #: The report entry: the recorded one for a skipped site, the reason for a refused one.
    entry: dict[str, Any] | None = None

    @property
    def key(self) -> str:
        """The output's file name: what the state file records."""
        return os.path.basename(self.output)


def make_plan(sites: list[Site], outdir: str, suffix: str, options_hash: str, state: State,
              force: bool) -> list[Task]:
    return [_task(site, outdir, suffix, options_hash, state, force) for site in sites]


def _task(site: Site, outdir: str, suffix: str, options_hash: str, state: State, force: bool) -> Task:
    output = os.path.join(outdir, site.name + suffix)
    try:
        inputs_hash: str | None = hash_inputs(site.inputs)
    except (OSError, ValueError, InputError):
        inputs_hash = None
    exists = storage.exists(output)
    key = os.path.basename(output)
    recorded = state.up_to_date(key, inputs_hash, options_hash) if inputs_hash else None
    if recorded is not None and recorded.get("status") != "failed" and exists and not force:
        return Task(site, output, SKIP, inputs_hash, recorded)
    if exists and not state.claimed(key) and not force:
        entry = failed("OutputError", f"{output}: already exists and was not made by wpmigrate batch"
                       "\n  hint: pass --force to overwrite it, or choose another -o OUTDIR", EXIT_OUTPUT)
        return Task(site, output, REFUSE, inputs_hash, entry)
    return Task(site, output, CONVERT, inputs_hash)
