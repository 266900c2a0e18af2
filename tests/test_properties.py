"""Property tests: JSON round-trips the model; the reader fails only with its own errors."""

from __future__ import annotations

import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import SAMPLE
from wpmigrate import schema
from wpmigrate.errors import WpmigrateError
from wpmigrate.model import Comment, Commenter, Content, Meta, Post, TermRef
from wpmigrate.readers.sources import expand_inputs
from wpmigrate.readers.wxr import read

text = st.text(max_size=40)
maybe_text = st.none() | text
ints = st.integers(min_value=0, max_value=10**9)
json_scalars = st.none() | st.booleans() | st.integers(-(10**6), 10**6) | text
meta_value = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=6,
)
meta = st.lists(st.builds(Meta, key=text, value=meta_value), max_size=4).map(tuple)
dates = st.none() | st.datetimes().map(lambda d: d.replace(microsecond=0).isoformat())
commenter = st.builds(
    Commenter, name=text, email=text, url=text, ip=text, user_id=st.none() | ints,
    provider=text, provider_id=maybe_text, avatar=maybe_text,
)
comment = st.builds(
    Comment, id=ints, parent=st.none() | ints, status=text, type=text, date=dates, date_local=dates,
    content=text, content_html=maybe_text, author=commenter, meta=meta,
)
content = st.builds(Content, raw=text) | st.builds(
    Content, raw=text, html=text, teaser=maybe_text, diagnostics=st.dictionaries(text, ints, max_size=3)
)
post = st.builds(
    Post, id=ints, type=text, status=text, title=text, slug=text, link=text, path=text, guid=text,
    date=dates, date_local=dates, modified=dates, modified_local=dates, author=maybe_text,
    parent=st.none() | ints, menu_order=st.integers(-5, 5), password=text, sticky=st.booleans(),
    comment_status=text, ping_status=text, excerpt=text, content=content,
    terms=st.lists(st.builds(TermRef, taxonomy=text, slug=text, name=text), max_size=3).map(tuple),
    meta=meta, featured_image=maybe_text, attachment_url=maybe_text,
    comments=st.lists(comment, max_size=3).map(tuple),
)


def _grouped(rows):
    """Meta rows grouped by key, in first-seen key order (how the JSON form stores them)."""
    groups: dict[str, list] = {}
    for row in rows:
        groups.setdefault(row.key, []).append(row)
    return tuple(row for rows in groups.values() for row in rows)


def _normalised(p: Post) -> Post:
    from dataclasses import replace

    return replace(
        p,
        meta=_grouped(p.meta),
        comments=tuple(replace(c, meta=_grouped(c.meta)) for c in p.comments),
    )


@settings(max_examples=150, deadline=None)
@given(post)
def test_post_round_trips_through_json(p):
    encoded = json.dumps(schema.post_to_dict(p), ensure_ascii=False)
    assert schema.post_from_dict(json.loads(encoded)) == _normalised(p)


SAMPLE_BYTES = SAMPLE.read_bytes()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cut=st.integers(min_value=0, max_value=len(SAMPLE_BYTES)),
    junk=st.binary(max_size=12),
    at=st.integers(min_value=0, max_value=len(SAMPLE_BYTES)),
    recover=st.booleans(),
)
def test_reader_raises_only_its_own_errors_on_mutated_input(cut, junk, at, recover):
    mutated = SAMPLE_BYTES[:at] + junk + SAMPLE_BYTES[at:cut] if cut > at else SAMPLE_BYTES[:cut] + junk
    try:
        export = read(expand_inputs(["-"], stdin=io.BytesIO(mutated)), recover=recover)
        for _ in export.posts:
            pass
    except WpmigrateError:
        pass
