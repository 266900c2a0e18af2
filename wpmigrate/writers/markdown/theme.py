"""Starter layouts: the files a generator needs to build and show the Markdown writer's output.

Each profile's layout set is package data under ``layouts/<profile>/`` (none for ``plain``),
copied to the output root as it is: templates for a post, the home page and term pages, a
threaded comment list read from the comment data files, and the generator's configuration.
Beside them, ``<data_dir>/site.json`` holds the site's title, description, language and URL
for the templates. A file already there is never overwritten: it is the user's, and is kept.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from importlib import resources
from importlib.abc import Traversable

from wpmigrate.model import Site
from wpmigrate.writers.markdown.paths import inside
from wpmigrate.writers.markdown.profiles import Profile

#: The package folder holding one folder of layout files per profile, and the files they share.
LAYOUTS = "layouts"
SHARED = "_shared"


def layout_files(profile: Profile) -> Iterator[tuple[str, str]]:
    """``(relative path, text)`` of each layout file of ``profile``, in a stable order."""
    root = resources.files(__package__) / LAYOUTS / profile.name
    if root.is_dir():
        yield from sorted(_walk(root, ""))


def _walk(folder: Traversable, prefix: str) -> Iterator[tuple[str, str]]:
    for entry in folder.iterdir():
        relative = prefix + entry.name
        if entry.is_dir():
            yield from _walk(entry, relative + "/")
        elif not entry.name.endswith((".pyc", ".pyo")):
            yield relative, entry.read_text(encoding="utf-8")


def site_json(site: Site) -> str:
    """The site's data for the templates, as ``site.json`` (fixed key order: stable bytes)."""
    data = {
        "title": site.title or "Blog",
        "description": site.description or "",
        "language": site.language or "en",
        "url": (site.base_blog_url or site.link or "").rstrip("/"),
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def starter_files(profile: Profile, site: Site) -> Iterator[tuple[str, str]]:
    """Every file ``--with-layouts`` writes for ``profile``: its layouts, the style sheet every
    profile shares (in its static folder, served at ``/site.css``), then ``site.json``."""
    files = list(layout_files(profile))
    if files:
        yield from files
        css = (resources.files(__package__) / LAYOUTS / SHARED / "site.css").read_text(encoding="utf-8")
        yield "/".join(p for p in (profile.static_dir, "site.css") if p), css
        yield f"{profile.data_dir}/site.json", site_json(site)


def missing(root: str, relative: str) -> bool:
    """Whether ``root/relative`` is free to write (nothing there, not even a broken link)."""
    return not os.path.lexists(inside(root, relative))
