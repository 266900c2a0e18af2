"""Comments threaded as WordPress shows them, whatever order the export lists them in."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import CORPUS
from wpmigrate.model import Comment
from wpmigrate.threads import MAX_DEPTH, PARENT_LOOP, PARENT_MISSING, PARENT_NOT_SHOWN, threaded

QUIRKS = CORPUS / "real-blog-quirks" / "wordpress.xml"


def comment(id: int, parent: int | None = None, day: int = 1, status: str = "approved") -> Comment:
    return Comment(id=id, parent=parent, status=status, date=f"2020-01-{day:02d}T10:00:00Z")


def shown(comments) -> list[tuple[int, int | None, int, str | None]]:
    """(id, shown parent, depth, note) in reading order."""
    placed = sorted((c for c in threaded(comments) if c.thread), key=lambda c: c.thread.position)
    return [(c.id, c.thread.parent, c.thread.depth, c.thread.note) for c in placed]


def test_a_reply_listed_before_its_parent_is_nested_under_it():
    # exports list comments by id: the answer (902) was imported before the question (905)
    comments = (comment(902, parent=905, day=14), comment(903, day=12), comment(905, parent=903, day=13))
    assert shown(comments) == [(903, None, 1, None), (905, 903, 2, None), (902, 905, 3, None)]


def test_top_level_comments_and_replies_are_in_date_order_then_id():
    comments = (comment(1, day=5), comment(2, day=3), comment(3, parent=1, day=9), comment(4, parent=1, day=6),
                comment(5, day=3))
    assert [c[0] for c in shown(comments)] == [2, 5, 1, 4, 3]


def test_a_reply_whose_parent_is_not_shown_is_at_the_top_level_with_the_reason():
    comments = (comment(1, status="pending"), comment(2, parent=1, day=2), comment(3, parent=99, day=3),
                comment(4, parent=4, day=4))
    assert shown(comments) == [(2, None, 1, PARENT_NOT_SHOWN), (3, None, 1, PARENT_MISSING), (4, None, 1, PARENT_LOOP)]
    assert threaded(comments)[0].thread is None  # not shown at all


def test_a_loop_of_parents_is_entered_at_its_earliest_comment():
    comments = (comment(1, parent=2, day=2), comment(2, parent=1, day=1))
    assert shown(comments) == [(2, None, 1, PARENT_LOOP), (1, 2, 2, None)]


def test_with_two_comments_of_one_id_replies_go_under_the_first():
    comments = (comment(2, day=5), comment(3, parent=2, day=6), comment(2, day=1))
    assert shown(comments) == [(2, None, 1, None), (2, None, 1, None), (3, 2, 2, None)]
    assert threaded(comments)[0].thread.position == 1  # the first is shown second (by date)
    twice = (comment(2, day=1), comment(4, parent=2, day=2), comment(4, parent=2, day=3))
    assert shown(twice) == [(2, None, 1, None), (4, 2, 2, None), (4, 2, 2, None)], "both under their parent"


def test_a_long_reply_chain_stops_nesting_at_the_maximum_depth():
    chain = tuple(comment(n, parent=n - 1 if n > 1 else None, day=1) for n in range(1, 501))
    placed = shown(chain)
    assert [c[0] for c in placed] == list(range(1, 501))
    assert max(c[2] for c in placed) == MAX_DEPTH
    assert placed[MAX_DEPTH][1:3] == (MAX_DEPTH - 1, MAX_DEPTH)  # beside its parent, under the grandparent


COMMENTS = st.lists(
    st.tuples(st.integers(1, 12), st.one_of(st.none(), st.integers(0, 14)), st.integers(1, 9),
              st.sampled_from(["approved", "approved", "pending", "spam"])),
    max_size=14,
    unique_by=lambda row: row[0],
)


@settings(max_examples=300, deadline=None)
@given(COMMENTS)
def test_every_shown_comment_is_placed_once_under_a_comment_placed_before_it(rows):
    comments = tuple(comment(i, parent=p, day=d, status=s) for i, p, d, s in rows)
    result = threaded(comments)
    assert [replace(c, thread=None) for c in result] == list(comments), "only the place is added"
    placed = [c for c in result if c.thread]
    assert len(placed) == sum(c.status == "approved" for c in comments)
    by_position = sorted(placed, key=lambda c: c.thread.position)
    assert [c.thread.position for c in by_position] == list(range(len(placed)))
    depth_of: dict[int, int] = {}
    for c in by_position:
        if c.thread.parent is None:
            assert c.thread.depth == 1
        else:
            assert c.thread.parent in depth_of, "a reply comes after the comment it is shown under"
            assert c.thread.depth == depth_of[c.thread.parent] + 1
        depth_of[c.id] = c.thread.depth


def _quirks():
    if not QUIRKS.exists():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    return QUIRKS


def test_replies_out_of_order_in_json_markdown_and_sqlite(run_cli, tmp_path):
    source = _quirks()
    assert run_cli("convert", source, "-o", tmp_path / "site.json").exit_code == 0
    post = next(p for p in json.loads((tmp_path / "site.json").read_text())["posts"] if p["title"] == "Replies out of order")
    threads = {c["id"]: c["thread"] for c in post["comments"]}
    assert threads[903] == {"parent": None, "depth": 1, "position": 0, "note": None}
    assert threads[905]["parent"] == 903 and threads[902]["parent"] == 905 and threads[902]["depth"] == 3

    assert run_cli("convert", source, "--to", "markdown", "-o", tmp_path / "md").exit_code == 0
    data = [json.loads(p.read_text()) for p in (tmp_path / "md").rglob("*.json") if '"comments"' in p.read_text()]
    thread = next(d["comments"] for d in data if any(c["id"] == 903 for c in d["comments"]))
    first = next(c for c in thread if c["id"] == 903)
    assert first["replies"][0]["id"] == 905 and first["replies"][0]["replies"][0]["id"] == 902
    assert [c["id"] for c in thread].index(903) < [c["id"] for c in thread].index(907)

    assert run_cli("convert", source, "--to", "sqlite", "-o", tmp_path / "site.db").exit_code == 0
    with sqlite3.connect(tmp_path / "site.db") as db:
        rows = db.execute(
            "SELECT c.wp_id, c.thread_parent_wp_id, c.thread_depth FROM comments c JOIN posts p ON p.id = c.post_id"
            " WHERE p.title = 'Replies out of order' AND c.thread_position IS NOT NULL ORDER BY c.thread_position"
        ).fetchall()
    assert rows[:3] == [(903, None, 1), (905, 903, 2), (902, 905, 3)]
