"""Safe, unique file names: slugs through python-slugify, never a path outside the output folder."""

from __future__ import annotations

import os
from collections.abc import Callable

from slugify import slugify

from wpmigrate.errors import OutputError

MAX_STEM = 80


def safe_stem(slug: str, title: str, fallback: str) -> str:
    """A file-name stem: the slug made safe, else the title's, else ``fallback`` (the type and id)."""
    for text in (slug, title):
        stem = slugify(text or "", max_length=MAX_STEM, word_boundary=True)
        if stem:
            return stem
    return slugify(fallback) or "item"


def safe_segment(text: str) -> str:
    """One folder name from data (a post type): slugified, never empty, never ``..``, never
    longer than a file name may be (WordPress's types have 20 characters; a damaged export's
    need not, and a 300-character folder name stopped the run)."""
    return slugify(text, separator="_", lowercase=False, max_length=MAX_STEM) or "other"


class UniquePaths:
    """Hands out relative paths that no earlier item has, adding ``-2``, ``-3``... on a clash.

    Compared case-insensitively: on macOS and Windows ``Hello.md`` is ``hello.md``.
    ``take(name)`` keeps the names (the writer's index, on disk) and says whether a name was
    free; only the names are kept, never the posts. For a name that clashed, the next number
    to try is remembered: a thousand items of one slug cost a thousand tries, not half a million.
    """

    def __init__(self, take: Callable[[str], bool], reserved: tuple[str, ...] = ()) -> None:
        self._take = take
        self._next: dict[tuple[str, str, str], int] = {}
        for name in reserved:
            self._take(name.lower())

    def claim(self, folder: str, stem: str, prefix: str = "") -> tuple[str, str]:
        """``(relative path, stem)`` of a new ``.md`` file in ``folder``."""
        key = (folder, stem, prefix)
        number = self._next.get(key, 1)
        while True:
            candidate = stem if number == 1 else f"{stem}-{number}"
            path = "/".join(p for p in (folder, f"{prefix}{candidate}.md") if p)
            number += 1
            if self._take(path.lower()):
                if number > 2:
                    self._next[key] = number
                return path, candidate


def inside(root: str, relative: str, checked: set[str] | None = None) -> str:
    """``root/relative``, refusing anything that would land outside ``root`` (symlinks included).

    ``checked`` remembers folders already resolved, so a run resolves each folder once.
    """
    parts = relative.split("/")
    if relative.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise OutputError(f"{relative}: refusing to write outside the output folder {root}")
    folder = os.path.join(root, *parts[:-1])
    if checked is None or folder not in checked:
        base = os.path.realpath(root)
        real = os.path.realpath(folder)
        if os.path.commonpath([base, real]) != base:
            raise OutputError(f"{relative}: refusing to write outside the output folder {root} (a link leads out)")
        if checked is not None:
            checked.add(folder)
    return os.path.join(folder, parts[-1])
