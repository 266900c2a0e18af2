"""The Markdown writer's index on disk answers as the dicts it replaced did, order included."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from wpmigrate.writers.markdown.index import SiteIndex

ids = st.one_of(st.integers(1, 20), st.integers(2**63, 2**70))  # past 64 bits too: damaged exports
texts = st.text(st.characters(blacklist_categories=()), max_size=8)  # NUL and lone surrogates included


def stored(text: str) -> str:
    """What the index keeps of a text: lone surrogates become U+FFFD (as in every file written)."""
    return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)


@given(st.lists(st.tuples(texts, texts), max_size=30))
def test_the_first_claim_of_an_old_path_keeps_it(claims):
    index, expected = SiteIndex(), {}
    for old, new in claims:
        index.redirect(old, new)
        expected.setdefault(stored(old), stored(new))
    redirects = index.redirects()
    assert list(redirects) == list(expected.items())
    assert list(redirects) == list(expected.items()), "each iteration reads them again"
    index.close()


@given(st.lists(st.tuples(ids, texts, st.one_of(st.none(), ids)), max_size=30))
def test_an_attachment_keeps_its_first_place_and_its_last_values(records):
    index, expected = SiteIndex(), {}
    for item, path, parent in records:
        index.add_attachment(item, path, parent)
        expected[item] = (stored(path), parent)
    assert list(index.attachments()) == [(item, path, parent) for item, (path, parent) in expected.items()]
    index.close()


@given(st.lists(st.tuples(ids, texts), max_size=30), ids)
def test_new_urls_by_id(urls, unknown):
    index, expected = SiteIndex(), {}
    for item, url in urls:
        index.set_url(item, url)
        expected[item] = stored(url)
    assert all(index.url(item) == url for item, url in expected.items())
    assert index.url(unknown) == expected.get(unknown)
    index.close()


@given(st.lists(texts, max_size=30))
def test_a_name_is_taken_once(names):
    index, taken = SiteIndex(), set()
    for name in map(stored, names):
        assert index.take(name) is (name not in taken)
        taken.add(name)
    index.close()


uses = st.lists(
    st.tuples(st.sampled_from(["a", "b", "c\u2028", "d\ud800", "d\ufffd"]), st.one_of(st.none(), ids),
              st.one_of(st.none(), ids)),
    max_size=40,
)


@given(uses)
def test_media_uses_are_listed_as_the_dict_of_lists_did(records):
    index, expected, asked = SiteIndex(), {}, []

    def local(url: str) -> str | None:
        asked.append(url)
        return None if url == "a" else f"media/{url}"

    for url, post, attachment in records:
        index.add_media(url, local, post=post, attachment=attachment)
        url = stored(url)  # "d\ud800" and "d\ufffd" are one URL in every file written
        entry = expected.setdefault(url, [None if url == "a" else f"media/{url}", None, []])
        if attachment is not None:
            entry[1] = attachment
        if post is not None and (not entry[2] or entry[2][-1] != post):
            entry[2].append(post)
    assert list(index.media()) == [(url, *entry) for url, entry in expected.items()]
    assert asked == list(expected), "the local path is asked once per URL"
    index.close()
