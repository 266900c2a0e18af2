"""Where export bytes come from: plain files, gzip, zip archives and stdin.

A :class:`Source` can be opened more than once (the reader makes a quick index
pass before the main one), so stdin is spooled to a temporary file first.
The kind of file is told by its first bytes, not its name.
"""

from __future__ import annotations

import atexit
import gzip
import os
import re
import shutil
import sys
import tempfile
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import BinaryIO

from wpmigrate.errors import InputError

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
SPOOL_LIMIT = 16 * 1024 * 1024
_PART_NUMBER = re.compile(r"\.(\d{3})\.xml$", re.IGNORECASE)


@dataclass(frozen=True)
class Source:
    """One XML document: a name for messages and a way to open its bytes."""

    name: str
    opener: Callable[[], BinaryIO]
    #: The file the bytes are read from as they are, when there is one (not compressed).
    path: str | None = None

    @contextmanager
    def open(self) -> Iterator[BinaryIO]:
        stream = self.opener()
        try:
            yield stream
        finally:
            stream.close()


def expand_inputs(inputs: list[str], stdin: BinaryIO | None = None) -> list[Source]:
    """Turn command-line inputs into the XML documents they hold, in order.

    A zip contributes each ``.xml`` member in name order (the parts of a
    WordPress.com split export); ``-`` reads standard input.
    """
    sources: list[Source] = []
    for name in inputs:
        if name == "-":
            sources.extend(_from_stdin(stdin or sys.stdin.buffer))
        else:
            sources.extend(_from_path(name))
    return sources


def _from_path(path: str) -> list[Source]:
    if os.path.isdir(path):
        raise InputError(
            f"{path}: is a directory",
            hint="give the export file(s) inside it, or use `wpmigrate batch` for a folder of exports",
        )
    try:
        with open(path, "rb") as stream:
            magic = stream.read(4)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    if magic.startswith(GZIP_MAGIC):
        return [Source(path, lambda: CheckedGzip(path))]
    if magic == ZIP_MAGIC:
        return _zip_members(path)
    return [Source(path, lambda: open(path, "rb"), path)]


class CheckedGzip(gzip.GzipFile):
    """A gzip file whose damage (a corrupt or cut-short stream) is an :class:`InputError`
    naming the file, wherever in it the reading meets it."""

    def __init__(self, path: str) -> None:
        super().__init__(path, "rb")
        self.path = path

    def read(self, size: int | None = -1) -> bytes:
        try:
            return super().read(size)
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise damaged_gzip(self.path, exc) from None

    def read1(self, size: int = -1) -> bytes:
        try:
            return super().read1(size)
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise damaged_gzip(self.path, exc) from None


def damaged_gzip(name: str, exc: BaseException) -> InputError:
    """The error for a compressed input that cannot be read to its end."""
    return InputError(
        f"{name}: the compressed file is damaged ({exc})",
        hint="download it again, or keep what can be read: `zcat FILE > part.xml`, then convert "
        "part.xml with --recover",
    )


def _zip_members(path: str) -> list[Source]:
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if _is_xml_member(n)]
    except zipfile.BadZipFile as exc:
        raise InputError(f"{path}: damaged zip archive ({exc})") from None
    if not names:
        raise InputError(
            f"{path}: the zip archive holds no .xml file",
            hint="WordPress.com export zips hold one or more .xml files; is this the media archive?",
        )
    return [
        Source(f"{path}!{member}", _zip_opener(path, member))
        for member in sorted(names, key=part_sort_key)
    ]


def _is_xml_member(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return base.lower().endswith(".xml") and not base.startswith(".") and "__MACOSX" not in name


def _zip_opener(path: str, member: str) -> Callable[[], BinaryIO]:
    def opener() -> BinaryIO:
        return _archive(path).open(member)

    return opener


#: Open archives, by path, process and file identity: an archive's directory is read once per
#: process, not once per member opened (quadratic for a zip of thousands of parts). Members of
#: one archive share its file safely within a process; a forked worker opens its own. The
#: least recently used is closed past ``_OPEN_ARCHIVES`` (a member still open keeps its file).
_ARCHIVES: OrderedDict[tuple[str, int, int, int], zipfile.ZipFile] = OrderedDict()
_OPEN_ARCHIVES = 8


def _archive(path: str) -> zipfile.ZipFile:
    status = os.stat(path)
    key = (path, os.getpid(), status.st_mtime_ns, status.st_size)
    archive = _ARCHIVES.get(key)
    if archive is None:
        archive = _ARCHIVES[key] = zipfile.ZipFile(path)
        while len(_ARCHIVES) > _OPEN_ARCHIVES:
            _ARCHIVES.popitem(last=False)[1].close()
    _ARCHIVES.move_to_end(key)
    return archive


def _from_stdin(stdin: BinaryIO) -> list[Source]:
    spool = tempfile.NamedTemporaryFile(prefix="wpmigrate-stdin-", suffix=".xml", delete=False)
    with spool:
        shutil.copyfileobj(stdin, spool, 1024 * 1024)
    atexit.register(_remove_quietly, spool.name)
    return [replace(s, name="<stdin>") for s in _from_path(spool.name)]


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def part_sort_key(name: str) -> tuple[str, int]:
    """Sort split-export parts (``site.000.xml``, ``site.001.xml`` ...) by number."""
    match = _PART_NUMBER.search(name)
    if match:
        return (name[: match.start()], int(match.group(1)))
    return (name, -1)
