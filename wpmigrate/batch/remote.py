"""One site's inputs and output on object storage, for the worker that converts it.

The inputs are fetched into a private local folder first (a zip needs random
access, and a reader makes two passes). The output is written locally, then
uploaded under a staging prefix in OUTDIR and only then copied to its final
key: a single-file output appears whole or not at all (one server-side copy).
A folder output (Markdown) is many keys, so a run killed during its copy can
leave part of it; the state file never vouches for such a folder, so the next
run converts that site again.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from wpmigrate.batch import storage
from wpmigrate.batch.storage import STAGING_PREFIX
from wpmigrate.errors import InputError, OutputError


@contextmanager
def fetched(inputs: tuple[str, ...]) -> Iterator[list[str]]:
    """Local paths of ``inputs``: remote parts downloaded (under their own names), local ones as they are."""
    if not any(storage.is_remote(path) for path in inputs):
        yield list(inputs)
        return
    folder = tempfile.mkdtemp(prefix=STAGING_PREFIX)
    try:
        yield [_fetch(path, folder, number) for number, path in enumerate(inputs)]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _fetch(path: str, folder: str, number: int) -> str:
    if not storage.is_remote(path):
        return path
    target = os.path.join(folder, f"{number:03d}", os.path.basename(path))  # parts keep their names
    os.makedirs(os.path.dirname(target))
    fs, inner = storage.filesystem(path)
    with storage.failing_as(InputError, path):
        fs.get_file(inner, target)
    return target


def local_names(message: str, inputs: tuple[str, ...], paths: list[str]) -> str:
    """``message`` with the downloaded copies' paths given back their URLs."""
    for original, copy in zip(inputs, paths):
        if copy != original:
            message = message.replace(copy, original)
    return message


@contextmanager
def staged(final: str) -> Iterator[str]:
    """A local path to write; on success uploaded, staged in OUTDIR, then copied to ``final``."""
    folder = tempfile.mkdtemp(prefix=STAGING_PREFIX)
    try:
        temp = os.path.join(folder, os.path.basename(final))
        yield temp
        _commit(temp, final)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _commit(temp: str, final: str) -> None:
    fs, target = storage.filesystem(final)
    stage = f"{os.path.dirname(target)}/{STAGING_PREFIX}{uuid.uuid4().hex}/{os.path.basename(target)}"
    try:
        with storage.failing_as(OutputError, final):
            if os.path.isdir(temp):
                fs.put(temp.rstrip("/") + "/", stage + "/", recursive=True)
                if fs.exists(target):
                    fs.rm(target, recursive=True)  # no stale pages of an earlier run in the new folder
                fs.copy(stage + "/", target + "/", recursive=True)
            else:
                fs.put_file(temp, stage)
                fs.copy(stage, target)
    finally:
        _forget(fs, os.path.dirname(stage))


def _forget(fs, stage: str) -> None:
    try:
        fs.rm(stage, recursive=True)
    except Exception:  # noqa: BLE001 - a later batch removes what is left (state.remove_stale)
        pass
