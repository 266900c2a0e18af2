"""Every corpus export converts to Markdown; every published post and page gets exactly one file,
and no commenter's, sender's or user's e-mail or IP address that WordPress did not show."""

from __future__ import annotations

import re
from collections import Counter

import pytest
import yaml

from tests.conftest import CORPUS, corpus_expected, corpus_files
from tests.test_corpus import NOT_WXR, REPAIRED, STRUCTURALLY_DAMAGED
from wpmigrate.convert import ConvertOptions, convert
from wpmigrate.pii import FORM_TYPES
from wpmigrate.readers.wxr import read

_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b\d{1,3}(?:\.\d{1,3}){3}\b")


@pytest.mark.parametrize("name", [n for n in corpus_files() if n not in NOT_WXR])
def test_corpus_file_to_markdown(name, tmp_path):
    expected = corpus_expected()[name]
    recover = name in STRUCTURALLY_DAMAGED
    out = tmp_path / "site"
    convert([str(CORPUS / name)], ConvertOptions(to="markdown", output=str(out), recover=recover))
    export = read([str(CORPUS / name)], recover=recover)
    every = list(export.posts)
    items = [p for p in every if p.type in ("post", "page")]
    if name not in REPAIRED and not recover:
        # An item without wp:post_type reads as a post; expected.json counts it under "(missing)".
        missing = expected["items_by_post_type"].get("(missing)", 0)
        count = sum(p.type == "post" and p.status == "publish" for p in items)
        assert expected["published_posts"] <= count <= expected["published_posts"] + missing
    # Scheduled posts are published too (draft: false), just later; password-protected ones not.
    published = [(p.id, p.type) for p in items if p.status in ("publish", "future") and not p.password]
    written: Counter[tuple[int, str]] = Counter()
    for path in out.rglob("*.md"):
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n", 2)[1])
        kind = front.get("type", "post" if path.parent.name == "posts" else "page")
        if front.get("draft") is False and kind in ("post", "page"):
            written[(front["wp_id"], kind)] += 1
    assert written == Counter(published)
    written_text = "\n".join(p.read_text(encoding="utf-8") for p in out.rglob("*") if p.is_file()).lower()
    leaked = sorted(address for address in _personal(export.authors, every) if address in written_text)
    assert leaked == [], f"{len(leaked)} addresses WordPress did not show are in the Markdown"


def _personal(authors, posts) -> set[str]:
    """E-mail and IP addresses of users, commenters and form senders, lowercased, less those
    WordPress showed: in a public post's text, or an approved comment's text or URL."""
    found = {a.email for a in authors} | {c.author.email for p in posts for c in p.comments}
    found |= {c.author.ip for p in posts for c in p.comments}
    for post in posts:
        if post.type in FORM_TYPES:
            found |= set(_ADDRESS.findall(post.content.raw + repr(post.meta)))
    shown = [p.content.raw + p.title for p in posts if p.status == "publish" and not p.password]
    shown += [c.content + c.author.url for p in posts for c in p.comments if c.status == "approved"]
    shown_text = "\n".join(shown).lower()
    return {a.lower() for a in found if len(a) > 6 and a.lower() not in shown_text}
