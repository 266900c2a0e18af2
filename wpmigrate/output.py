"""Writing output files safely: never over an existing file without ``force``,
never a half-written file under the final name."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from wpmigrate.errors import OutputError


def check_writable(path: str, force: bool) -> None:
    """Fail early, before any work, if ``path`` exists and ``force`` is off."""
    if path != "-" and os.path.lexists(path) and not force:
        raise OutputError(f"{path}: already exists", hint="pass --force to overwrite it, or choose -o PATH")


def _created_mode() -> int:
    """The mode ``open()`` would give a new file: 0666 less the process's umask."""
    umask = os.umask(0o077)  # reading the umask means setting it: set it to what mkstemp uses anyway
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def atomic_path(path: str, force: bool, *, suffix: str = ".part",
                errors: tuple[type[BaseException], ...] = (OSError,)) -> Iterator[str]:
    """A temporary path beside ``path`` that is renamed to it once the block succeeds.

    ``errors`` raised while writing become :class:`OutputError`; anything else
    (a damaged input, Ctrl-C) removes the temporary file and propagates.
    """
    check_writable(path, force)
    folder = os.path.dirname(os.path.abspath(path))
    try:
        handle, temp = tempfile.mkstemp(prefix=".wpmigrate-", suffix=suffix, dir=folder)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write there ({exc.strerror})") from None
    os.close(handle)
    try:
        yield temp
        os.chmod(temp, _created_mode())  # mkstemp makes 0600; a user's new file follows the umask
        os.replace(temp, path)
    except errors as exc:
        _remove(temp)
        raise OutputError(f"{path}: cannot write ({getattr(exc, 'strerror', None) or exc})") from None
    except BaseException:
        _remove(temp)
        raise


@contextmanager
def atomic_file(path: str, force: bool) -> Iterator[BinaryIO]:
    """A binary file that appears at ``path`` only once fully written."""
    if path == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    with atomic_path(path, force) as temp, open(temp, "wb") as stream:
        yield stream


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
