"""Where a batch's files live: local paths, or fsspec URLs (``s3://``, ``gs://``, ``memory://`` ...).

A local path (or a ``file://`` URL, made a path by :func:`local`) goes through
``os`` as before. Any other URL goes through fsspec, imported only then, with
credentials and endpoints from the usual environment of its filesystem
(``AWS_*`` for s3fs, ``GOOGLE_APPLICATION_CREDENTIALS`` for gcsfs ...). One
object's write is atomic on an object store (a PUT or a completed multipart
upload), which is what the state file and the report rely on.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from wpmigrate.errors import InputError, OutputError, UsageError, WpmigrateError

#: Staging folders and temporary files in OUTDIR start with this; a batch removes stale ones.
STAGING_PREFIX = ".wpmigrate-"
_URL = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://")
#: What an object store's listing gives for an object's content: changes whenever the bytes do.
_CHECKSUMS = ("ETag", "etag", "md5Hash", "crc32c")


def is_remote(path: str) -> bool:
    """Whether ``path`` is a URL that fsspec must open (not a local path, not ``file://``)."""
    match = _URL.match(path)
    return bool(match) and match.group(1).lower() not in ("file", "local")


def local(path: str) -> str:
    """``path`` with a ``file://`` scheme made a plain path; anything else as it is."""
    if path.lower().startswith("file://"):
        return path[len("file://"):] or "/"
    return path


def filesystem(url: str) -> tuple[Any, str]:
    """The fsspec filesystem of ``url`` and the path inside it; a clear error when it cannot be had."""
    try:
        from fsspec.core import url_to_fs  # noqa: PLC0415 - optional: only URLs need it
    except ImportError:
        raise UsageError(f"{url}: URLs need fsspec", hint="pip install 'wpmigrate[dask]'") from None
    try:
        fs, path = url_to_fs(url, use_listings_cache=False)
    except ImportError as exc:  # the protocol's own package (s3fs, gcsfs ...) is missing
        raise UsageError(f"{url}: {exc}", hint="install the fsspec package of that storage, "
                         "e.g. pip install 'wpmigrate[s3]' for s3://") from None
    except ValueError as exc:
        raise UsageError(f"{url}: {exc}") from None
    return fs, path


@contextmanager
def failing_as(kind: type[WpmigrateError], path: str) -> Iterator[None]:
    """Any error of the storage's library (``botocore``'s, say) as a ``kind`` error about ``path``."""
    try:
        yield
    except WpmigrateError:
        raise
    except Exception as exc:  # noqa: BLE001 - each fsspec backend raises its own family
        detail = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise kind(f"{path}: {detail}", hint="check the storage's credentials and address "
                   "(the usual environment: AWS_* for s3://, GOOGLE_APPLICATION_CREDENTIALS for gs://)") from None


def url(fs: Any, path: str) -> str:
    """``path`` of ``fs`` as a URL again."""
    return fs.unstrip_protocol(path)


def exists(path: str) -> bool:
    if not is_remote(path):
        return os.path.lexists(path)
    fs, inner = filesystem(path)
    with failing_as(InputError, path):
        return fs.exists(inner)


def makedirs(path: str) -> None:
    if is_remote(path):
        fs, inner = filesystem(path)
        with failing_as(OutputError, path):
            fs.makedirs(inner, exist_ok=True)  # on an object store: nothing to make
    else:
        os.makedirs(path, exist_ok=True)


def read_bytes(path: str) -> bytes:
    if not is_remote(path):
        with open(path, "rb") as stream:
            return stream.read()
    fs, inner = filesystem(path)
    with failing_as(InputError, path):
        return fs.cat_file(inner)


def write_bytes(path: str, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step: readers see the old bytes or the new, never part."""
    if is_remote(path):
        fs, inner = filesystem(path)
        with failing_as(OutputError, path):
            fs.pipe_file(inner, data)
        return
    from wpmigrate.output import atomic_file  # noqa: PLC0415

    with atomic_file(path, force=True) as stream:
        stream.write(data)


def listdir(folder: str) -> list[str]:
    """The names directly in ``folder`` (an object store: the keys and prefixes under it)."""
    if not is_remote(folder):
        return sorted(os.listdir(folder))
    fs, inner = filesystem(folder)
    with failing_as(OutputError, folder):
        if not fs.exists(inner):
            return []
        return sorted(os.path.basename(entry.rstrip("/")) for entry in fs.ls(inner, detail=False))


def remove(path: str) -> None:
    """Remove a file or a whole folder (a prefix); what is already gone is no error."""
    fs, inner = filesystem(path)
    with failing_as(OutputError, path):
        if fs.exists(inner):
            fs.rm(inner, recursive=True)


def find(source: str, extensions: tuple[str, ...]) -> list[tuple[str, int]] | None:
    """(URL, size) of the exports ``source`` names: an object, every export under a prefix, or
    a glob pattern's matches; None when it names nothing."""
    fs, inner = filesystem(source)
    with failing_as(InputError, source):
        if any(char in inner for char in "*?["):
            found = fs.glob(inner, detail=True)
        elif fs.isdir(inner):
            found = fs.find(inner, detail=True)
        elif fs.isfile(inner):
            return [(source, fs.size(inner))]
        else:
            return None
    exports = [(url(fs, path), info["size"]) for path, info in sorted(found.items())
               if info["type"] == "file" and _is_export(path, extensions)]
    return exports or None


def _is_export(path: str, extensions: tuple[str, ...]) -> bool:
    parts = path.split("/")
    return path.lower().endswith(extensions) and not any(part.startswith(".") for part in parts[1:])


def fingerprint(path: str) -> bytes:
    """A digest of an object's content, from the checksum its store keeps where there is one
    (S3's ETag: no download to plan a run), else from its bytes."""
    fs, inner = filesystem(path)
    with failing_as(InputError, path):
        info = fs.info(inner)
        for name in _CHECKSUMS:
            if info.get(name):
                return hashlib.sha256(f"{name}:{info[name]}".encode()).digest()
        return hashlib.sha256(fs.cat_file(inner)).digest()
