"""The packed indexes of attachments (by id, and ids by parent): mappings that answer as dicts would."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import SAMPLE
from wpmigrate.clean.shortcodes import attachments_by_parent
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


ids = st.one_of(st.integers(1, 60), st.integers(2**62, 2**70))  # past 64 bits too: damaged exports


@given(st.lists(st.tuples(ids, st.one_of(st.none(), ids)), max_size=60))
def test_ids_by_parent_answer_as_a_dict_of_sorted_lists(pairs):
    packed = attachments_by_parent({key: Attachment(f"u{key}", parent) for key, parent in pairs})
    expected: dict[int, list[int]] = {}
    for key, parent in sorted(dict(pairs).items()):
        if parent is not None:
            expected.setdefault(parent, []).append(key)
    assert dict(packed) == expected and len(packed) == len(expected)
    assert sorted(packed) == list(packed) == sorted(expected)
    assert packed.get(-1) is None and -1 not in packed


@given(st.lists(st.tuples(ids, st.one_of(st.none(), ids)), max_size=30))
def test_the_index_lists_parents_without_building_attachments(pairs):
    index = AttachmentIndex()
    for key, parent in pairs:
        index.add(key, Attachment(f"u{key}", parent))
    assert dict(index.parents()) == {key: attachment.parent for key, attachment in index.items()}
    assert attachments_by_parent(index) == attachments_by_parent(dict(index))


def test_an_id_past_64_bits_converts(run_cli, tmp_path):
    """WordPress ids are 64-bit; a damaged export's need not be, and still converts."""
    huge = 2**70
    text = SAMPLE.read_text(encoding="utf-8")
    start = text.index("<wp:post_type><![CDATA[attachment]]>")
    parent = text.rindex("<wp:post_parent>", 0, start)
    end = text.index("</wp:post_parent>", parent)
    source = tmp_path / "huge.xml"
    source.write_text(f"{text[:parent]}<wp:post_parent>{huge}{text[end:]}", encoding="utf-8")
    result = run_cli("convert", source, "-o", tmp_path / "out.json")
    assert result.exit_code == 0, result.output
    posts = json.loads((tmp_path / "out.json").read_text())["posts"]
    assert [post["parent"] for post in posts if post["type"] == "attachment"][0] == huge


def test_an_items_fields_are_found_in_any_order(tmp_path):
    from wpmigrate.readers.wxr import read  # noqa: PLC0415

    from tests import bombs  # noqa: PLC0415

    # Ghost's tools and others write the attachment's URL before its id, its title after: the
    # featured image of post 1 was missed.
    attachment = (
        b"<item><wp:attachment_url>https://cdn.example.test/a.jpg?w=1&amp;h=2</wp:attachment_url>"
        b"<title>A pumpkin</title><wp:post_type>attachment</wp:post_type><wp:post_id>5</wp:post_id>"
        b"<wp:post_parent>1</wp:post_parent><excerpt:encoded><![CDATA[Its caption]]></excerpt:encoded>"
        b"<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key><wp:meta_value>Alt</wp:meta_value>"
        b"</wp:postmeta></item>\n"
    )
    thumbnail = b"<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>5</wp:meta_value></wp:postmeta>"
    path = tmp_path / "order.xml"
    path.write_bytes(bombs.HEAD + bombs.item(1, extra=thumbnail) + attachment + bombs.TAIL)
    export = read([str(path)])
    assert export.attachments[5] == Attachment("https://cdn.example.test/a.jpg?w=1&h=2", 1, "A pumpkin", "Its caption", "Alt")
    assert next(export.posts).featured_image == "https://cdn.example.test/a.jpg?w=1&h=2"
