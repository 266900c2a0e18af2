"""What makes a batch resumable: content hashes and the state file in OUTDIR.

The state file (``OUTDIR/.wpmigrate-batch.json``) maps each output name to
the hash of its inputs' bytes and of the options that made it, with the
site's report entry. A site is up to date when both hashes match and its
output is there; outputs appear under their final name only once complete,
and the state is written after that, so a record never vouches for a
half-written output.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

try:
    import fcntl
except ImportError:  # Windows: no advisory locks, one batch per OUTDIR is then the user's care
    fcntl = None  # type: ignore[assignment]

from wpmigrate import __version__
from wpmigrate.batch import storage
from wpmigrate.convert import ConvertOptions
from wpmigrate.errors import UsageError

STATE_NAME = ".wpmigrate-batch.json"
LOCK_NAME = ".wpmigrate-batch.lock"
REPORT_NAME = "report.json"
STATE_VERSION = 1
#: Options that do not change an output's bytes.
_NOT_OUTPUT = {"output", "force", "jobs"}


def hash_inputs(paths: tuple[str, ...] | list[str]) -> str:
    """SHA-256 over the bytes of every part, in order (with their lengths, so parts cannot shift).

    A part on object storage counts by its store's checksum (``storage.fingerprint``).
    """
    digest = hashlib.sha256()
    for path in paths:
        if storage.is_remote(path):
            digest.update(b"remote:" + storage.fingerprint(path))
            continue
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise OSError(f"{path}: not a regular file")  # a FIFO would block; the worker says why
        with open(path, "rb") as stream:
            part = hashlib.file_digest(stream, "sha256")
        digest.update(f"{os.path.getsize(path)}:".encode() + part.digest())
    return digest.hexdigest()


def hash_options(options: ConvertOptions) -> str:
    """A hash of everything that shapes the output: options and the wpmigrate version.

    Only the hash is stored, so a --pii-salt never lands in OUTDIR.
    """
    fields = {k: v for k, v in dataclasses.asdict(options).items() if k not in _NOT_OUTPUT}
    text = json.dumps({"version": __version__, "options": fields}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class State:
    """The state file of one OUTDIR: read once, written after every finished site."""

    def __init__(self, outdir: str) -> None:
        self.path = os.path.join(outdir, STATE_NAME)
        self.sites: dict[str, dict[str, Any]] = {}
        if storage.exists(self.path):
            self.sites = self._load()

    def _load(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads(storage.read_bytes(self.path))
        except (OSError, ValueError):
            return {}  # unreadable: every site is redone, which is always safe
        if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
            return {}
        return data.get("sites", {})

    def up_to_date(self, name: str, inputs_hash: str, options_hash: str) -> dict[str, Any] | None:
        """The recorded report entry if ``name`` was made from these inputs and options."""
        record = self.sites.get(name)
        if record and record.get("inputs_hash") == inputs_hash and record.get("options_hash") == options_hash:
            return record.get("entry")
        return None

    def claimed(self, name: str) -> bool:
        """Whether a batch made (or started to make) the output ``name``."""
        return name in self.sites

    def record(self, name: str, inputs_hash: str | None, options_hash: str | None,
               entry: dict[str, Any] | None) -> None:
        self.sites[name] = {"inputs_hash": inputs_hash, "options_hash": options_hash, "entry": entry}

    def save(self) -> None:
        data = {"version": STATE_VERSION, "sites": self.sites}
        storage.write_bytes(self.path, json.dumps(data, indent=1, sort_keys=True).encode())


@contextmanager
def locked(outdir: str) -> Iterator[None]:
    """Hold OUTDIR's lock for the block; a second batch into the same OUTDIR is refused.

    An object store has no such lock: one batch per remote OUTDIR is the user's care.
    """
    if storage.is_remote(outdir):
        yield
        return
    path = os.path.join(outdir, LOCK_NAME)
    handle = open(path, "a+b")
    try:
        try:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise UsageError(f"{outdir}: another wpmigrate batch is writing there",
                             hint="wait for it to finish, or choose another -o OUTDIR") from None
        yield
    finally:
        handle.close()


def remove_stale(outdir: str, prefix: str) -> list[str]:
    """Remove what interrupted runs left: staging folders and temporary files named ``prefix*``.

    Only called under the lock, when no other batch can be writing there.
    """
    removed = []
    for name in storage.listdir(outdir):
        if not name.startswith(prefix) or name in (STATE_NAME, LOCK_NAME):
            continue
        path = os.path.join(outdir, name)
        if storage.is_remote(path):
            storage.remove(path)
        elif os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            with suppress(OSError):
                os.unlink(path)
        removed.append(name)
    return removed
