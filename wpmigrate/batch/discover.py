"""From the command line's SOURCES to sites: files, folders and glob patterns.

A folder is searched (recursively) for ``.xml``, ``.xml.gz`` and ``.zip`` files and web
archives (``.warc``, ``.warc.gz``: the page reader's); a file named on the command line is taken whatever its name; a glob
pattern is expanded. The parts of a split export (``name.000.xml``,
``name.001.xml`` ... in one folder) become one site, as does one zip. Each site
gets an output name that is safe as a file name and unique in OUTDIR.
"""

from __future__ import annotations

import glob
import hashlib
import os
import re
from dataclasses import dataclass

from slugify import slugify

from wpmigrate.batch import storage
from wpmigrate.batch.state import LOCK_NAME, REPORT_NAME, STATE_NAME
from wpmigrate.errors import UsageError
from wpmigrate.readers.sources import part_sort_key

EXTENSIONS = (".xml", ".xml.gz", ".zip", ".warc", ".warc.gz")
_PART = re.compile(r"^(.*)\.(\d{3})\.xml$", re.IGNORECASE)
_STEM = re.compile(r"(\.\d{3})?\.(xml\.gz|xml|warc\.gz|warc|gz|zip)$", re.IGNORECASE)
_GLOB_CHARS = re.compile(r"[*?\[]")
#: File names in OUTDIR that belong to the batch itself.
RESERVED = (REPORT_NAME, STATE_NAME, LOCK_NAME)


@dataclass(frozen=True)
class Site:
    """One export to convert: its files (the parts, in order) and its output name."""

    name: str
    inputs: tuple[str, ...]
    size: int


def discover(sources: list[str], suffix: str) -> list[Site]:
    """The sites ``sources`` hold, named for outputs ending in ``suffix`` ("" for folders).

    A source may be an fsspec URL (``s3://bucket/exports/``): an object, a prefix or a pattern.
    """
    files: dict[str, str] = {}  # real path -> path as found, first finding wins
    sizes: dict[str, int] = {}  # objects' sizes, from their listing
    for source in sources:
        for path, size in _expand(storage.local(source)):
            files.setdefault(path if size is not None else os.path.realpath(path), path)
            if size is not None:
                sizes[path] = size
    groups = _group(list(files.values()))
    return _name(groups, suffix, sizes)


def _expand(source: str) -> list[tuple[str, int | None]]:
    """(path, size) of each export ``source`` names; the size is None for a local file (stat later)."""
    if storage.is_remote(source):
        found = storage.find(source, EXTENSIONS)
        if found is None:
            raise UsageError(f"{source}: no such object or prefix, and no object matches it as a pattern")
        return found
    return [(path, None) for path in _expand_local(source)]


def _expand_local(source: str) -> list[str]:
    if os.path.isdir(source):
        return _walk(source)
    if os.path.exists(source):
        return [source]
    if _GLOB_CHARS.search(source):
        found: list[str] = []
        for match in sorted(glob.glob(source, recursive=True)):
            found.extend(_walk(match) if os.path.isdir(match) else [match])
        if found:
            return found
    raise UsageError(f"{source}: no such file or folder, and no file matches it as a pattern")


def _walk(folder: str) -> list[str]:
    """Export files under ``folder``, in a stable order; hidden files and folders are left out."""
    found = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(
            os.path.join(root, name)
            for name in sorted(names)
            if not name.startswith(".") and name.lower().endswith(EXTENSIONS)
        )
    return found


def _group(paths: list[str]) -> list[list[str]]:
    """One list per site: numbered parts of one name in one folder together, in part order."""
    groups: dict[str, list[str]] = {}
    for path in paths:
        match = _PART.match(path)
        key = f"part:{match.group(1)}" if match else f"file:{path}"
        groups.setdefault(key, []).append(path)
    return [sorted(group, key=part_sort_key) for group in groups.values()]


def _name(groups: list[list[str]], suffix: str, sizes: dict[str, int]) -> list[Site]:
    """Safe, unique output names; a name several sites would share gets a hash of the path."""
    wanted = [_safe_name(group[0]) for group in groups]
    taken: dict[str, int] = {name.casefold(): 1 for name in RESERVED}
    for name in wanted:
        key = (name + suffix).casefold()
        taken[key] = taken.get(key, 0) + 1
    sites = []
    for name, group in zip(wanted, groups):
        if taken[(name + suffix).casefold()] > 1:
            where = group[0] if group[0] in sizes else os.path.abspath(group[0])
            name = f"{name}-{hashlib.sha256(where.encode()).hexdigest()[:8]}"
        size = sum(sizes[path] if path in sizes else os.path.getsize(path) for path in group)
        sites.append(Site(name, tuple(group), size))
    return sorted(sites, key=lambda site: site.name)


def _safe_name(path: str) -> str:
    """The file's name without the export extensions, as a portable file name."""
    stem = _STEM.sub("", os.path.basename(path))
    return slugify(stem, lowercase=False, regex_pattern=r"[^-a-zA-Z0-9_.]+", max_length=100).strip(".") or "export"
