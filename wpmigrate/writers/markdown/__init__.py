"""Markdown for static site generators: a folder of posts with front matter, comments, redirects and media.

Two parts, so the per-post work can run in worker processes:

* :func:`render` (render.py): one post to a picklable :class:`RenderedPost`;
  :func:`prepare` builds the one-argument function for a pool from the export
  and the format options, and :func:`select` the one that runs before the
  transforms, so that posts left out and comments not shown are never cleaned;
* :func:`write_markdown` (writer.py): names, writes and indexes the rendered
  posts in order (it renders a plain :class:`~wpmigrate.model.Post` itself).

Importing the package is light (the CLI reads its option vocabularies from
``options.py``); render.py and writer.py, which load YAML, TOML and the HTML
converter, are imported when a name from them is first used.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from wpmigrate.model import Export, Post

if TYPE_CHECKING:
    from wpmigrate.writers.markdown.render import RenderedPost, Skipped

__all__ = ["RenderedPost", "Settings", "Skipped", "check_output", "prepare", "render", "select", "write_markdown"]

_LAZY = {
    "RenderedPost": "render", "Settings": "render", "Skipped": "render", "make_settings": "render",
    "render": "render", "check_output": "writer", "write_markdown": "writer",
}  # fmt: skip


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)


def prepare(export: Export, **options: Any) -> Callable[[Post], RenderedPost | Skipped]:
    """The picklable per-post function for ``export`` and these format options: :func:`render`."""
    return _per_post("render", export, options)


def select(export: Export, **options: Any) -> Callable[[Post], Post | Skipped]:
    """The per-post function run before the transforms: what of each post is written (``render.select``)."""
    return _per_post("select", export, options)


def _per_post(name: str, export: Export, options: dict[str, Any]) -> Callable[[Post], Any]:
    from wpmigrate.writers.markdown import render as module  # noqa: PLC0415 - see the docstring

    return functools.partial(getattr(module, name), settings=module.make_settings(export, **options))
