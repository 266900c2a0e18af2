"""Markdown for static site generators: a folder of posts with front matter, comments, redirects and media.

Two parts, so the per-post work can run in worker processes:

* :func:`render` (render.py): one post to a picklable :class:`RenderedPost`;
  :func:`prepare` builds the one-argument function for a pool from the export
  and the format options;
* :func:`write_markdown` (writer.py): names, writes and indexes the rendered
  posts in order (it renders a plain :class:`~wpmigrate.model.Post` itself).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from wpmigrate.model import Export, Post
from wpmigrate.writers.markdown.render import RenderedPost, Settings, Skipped, make_settings, render
from wpmigrate.writers.markdown.writer import check_output, write_markdown

__all__ = ["RenderedPost", "Settings", "Skipped", "check_output", "prepare", "render", "write_markdown"]


def prepare(export: Export, **options: Any) -> Callable[[Post], RenderedPost | Skipped]:
    """The picklable per-post function for ``export`` and these format options."""
    return functools.partial(render, settings=make_settings(export, **options))
