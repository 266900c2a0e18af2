"""Every corpus export converts to Markdown; every published post and page gets exactly one file."""

from __future__ import annotations

from collections import Counter

import pytest
import yaml

from tests.conftest import CORPUS, corpus_expected, corpus_files
from tests.test_corpus import NOT_WXR, REPAIRED, STRUCTURALLY_DAMAGED
from wpmigrate.convert import ConvertOptions, convert
from wpmigrate.readers.wxr import read


@pytest.mark.parametrize("name", [n for n in corpus_files() if n not in NOT_WXR])
def test_corpus_file_to_markdown(name, tmp_path):
    expected = corpus_expected()[name]
    recover = name in STRUCTURALLY_DAMAGED
    out = tmp_path / "site"
    convert([str(CORPUS / name)], ConvertOptions(to="markdown", output=str(out), recover=recover))
    items = [p for p in read([str(CORPUS / name)], recover=recover).posts if p.type in ("post", "page")]
    if name not in REPAIRED and not recover:
        # An item without wp:post_type reads as a post; expected.json counts it under "(missing)".
        missing = expected["items_by_post_type"].get("(missing)", 0)
        count = sum(p.type == "post" and p.status == "publish" for p in items)
        assert expected["published_posts"] <= count <= expected["published_posts"] + missing
    # Scheduled posts are published too (draft: false), just later.
    published = [(p.id, p.type) for p in items if p.status in ("publish", "future")]
    written: Counter[tuple[int, str]] = Counter()
    for path in out.rglob("*.md"):
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n", 2)[1])
        kind = front.get("type", "post" if path.parent.name == "posts" else "page")
        if front.get("draft") is False and kind in ("post", "page"):
            written[(front["wp_id"], kind)] += 1
    assert written == Counter(published)
