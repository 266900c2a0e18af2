"""The attachment index the prescan builds: a packed mapping that answers as a dict would."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from wpmigrate.model import Attachment
from wpmigrate.readers.prescan import AttachmentIndex

texts = st.text(max_size=40)  # any text, NUL included
attachments = st.builds(Attachment, texts, st.one_of(st.none(), st.integers(1, 2**40)), texts, texts, texts)


@given(st.lists(st.tuples(st.integers(1, 50), attachments), max_size=60))
def test_the_index_answers_as_a_dict_filled_in_the_same_order(entries):
    index, expected = AttachmentIndex(), {}
    for key, attachment in entries:
        index.add(key, attachment)
        expected[key] = attachment  # a later entry replaces the earlier, in the earlier's place
    assert dict(index) == expected
    assert list(index) == list(expected) and len(index) == len(expected)
    assert all(key in index for key in expected)
    assert index.get(10**6) is None and (10**6 in index) is False


def test_a_lookup_gives_every_field_back():
    index = AttachmentIndex()
    index.add(7, Attachment("http://example.test/ünï.png", 3, "Title", "A caption", "Alt text"))
    index.add(8, Attachment("http://example.test/b.png"))
    assert index[7] == Attachment("http://example.test/ünï.png", 3, "Title", "A caption", "Alt text")
    assert index[8].parent is None and index[8].title == ""
