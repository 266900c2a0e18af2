"""Over every export of the shared corpus: no reply misthreaded, no name left HTML-escaped."""

from __future__ import annotations

import re

import pytest

from tests.conftest import corpus_export, corpus_files
from tests.test_corpus import NOT_WXR

#: An entity WordPress would have decoded for display.
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);")


@pytest.mark.parametrize("name", [n for n in corpus_files() if n not in NOT_WXR])
def test_every_reply_is_shown_under_its_parent(name):
    _, posts = corpus_export(name)
    for post in posts:
        shown = {c.id: c for c in post.comments if c.thread is not None}
        for comment in shown.values():
            parent = shown.get(comment.parent) if comment.parent else None
            if parent is None or comment.thread.note is not None:
                assert comment.thread.parent is None, (post.id, comment.id)
            elif comment.thread.depth == parent.thread.depth + 1:
                assert comment.thread.parent == comment.parent, (post.id, comment.id)
            else:  # past the deepest level: beside its parent
                assert comment.thread.depth == parent.thread.depth == 32
            if comment.thread.parent is not None:
                assert shown[comment.thread.parent].thread.position < comment.thread.position


@pytest.mark.parametrize("name", [n for n in corpus_files() if n not in NOT_WXR])
def test_no_name_is_left_escaped(name):
    """A name still holding an entity must have been exported escaped twice (``&amp;amp;``)."""
    _, posts = corpus_export(name)
    names = [(p.title, p.title_raw) for p in posts]
    names += [(c.author.name, c.author.name_raw) for p in posts for c in p.comments]
    names += [(t.name, None) for p in posts for t in p.terms]
    for shown, raw in names:
        if _ENTITY.search(shown):
            assert raw is not None and _ENTITY.search(raw.replace("&amp;", "", 1)), (shown, raw)
