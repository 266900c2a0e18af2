"""WXR 1.2, as WordPress's exporter writes it: the model back into a file WordPress imports.

Any input (a WXR export, and later a blog recovered from its pages) can be
imported into a new WordPress with its own importer. The file follows
``wp-admin/includes/export.php``: the channel (site, authors, categories,
tags, other terms, each with their meta), then one ``<item>`` per post with
its terms, meta and comments; text in CDATA sections (a ``]]>`` inside is
split, as ``wxr_cdata()`` does); meta values PHP-serialized again where the
reader decoded them (``maybe_serialize``). Written as the posts come: memory
does not grow with the export.

Reading the written file gives the model it was written from, except what
describes the file itself: its ``wxr_version`` is 1.2.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import BinaryIO
from urllib.parse import quote

import phpserialize

from wpmigrate import __version__
from wpmigrate.model import Author, Comment, Export, Meta, MetaValue, Post, Term
from wpmigrate.readers.phpserial import looks_serialized

_NAMESPACES = (
    'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"\n'
    '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
    '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
    '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
    '\txmlns:wp="http://wordpress.org/export/1.2/"'
)
_STATUS_APPROVED = {"approved": "1", "pending": "0"}
#: Characters XML 1.0 forbids; the reader never yields them, a library caller might.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ZERO_DATE = "0000-00-00 00:00:00"


def write_wxr(export: Export, posts: Iterable[Post], stream: BinaryIO) -> None:
    """Write ``export`` with ``posts`` (its items, as they come) to ``stream`` as WXR 1.2."""
    for text in _document(export, posts):
        stream.write(text.encode("utf-8"))


def _document(export: Export, posts: Iterable[Post]) -> Iterator[str]:
    site = export.site
    yield (
        '<?xml version="1.0" encoding="UTF-8" ?>\n'
        "<!-- This is a WordPress eXtended RSS file, for WordPress's importer (Tools > Import). -->\n"
        f"<!-- Written by wpmigrate {__version__}. -->\n"
        f'<rss version="2.0"\n\t{_NAMESPACES}\n>\n\n<channel>\n'
    )
    yield _tag("title", site.title_raw if site.title_raw is not None else site.title)
    yield _tag("link", site.link)
    yield _tag("description", site.description_raw if site.description_raw is not None else site.description)
    if site.exported_at:
        yield _tag("pubDate", _rfc822(site.exported_at))
    yield _tag("language", site.language)
    yield _tag("wp:wxr_version", "1.2")
    yield _tag("wp:base_site_url", site.base_site_url)
    yield _tag("wp:base_blog_url", site.base_blog_url)
    yield from (_author(author) for author in export.authors)
    yield from (_term(term) for term in export.terms)
    if site.generator:
        yield _tag("generator", site.generator)
    for post in posts:
        yield _item(post)
    yield "</channel>\n</rss>\n"


def _author(author: Author) -> str:
    name = author.display_name_raw if author.display_name_raw is not None else author.display_name
    return "\t<wp:author>" + "".join((
        _field("author_id", _number(author.id)),
        _field("author_login", author.login, cdata=True),
        _field("author_email", author.email, cdata=True),
        _field("author_display_name", name, cdata=True),
        _field("author_first_name", author.first_name, cdata=True),
        _field("author_last_name", author.last_name, cdata=True),
    )) + "</wp:author>\n"


def _term(term: Term) -> str:
    name = term.name_raw if term.name_raw is not None else term.name
    description = term.description_raw if term.description_raw is not None else term.description
    parent = quote(term.parent, safe="") if term.parent else ""
    slug = quote(term.slug, safe="")
    meta = "".join(_meta("termmeta", entry) for entry in term.meta)
    if term.taxonomy == "category":
        fields = (_field("category_nicename", slug, cdata=True), _field("category_parent", parent, cdata=True),
                  _field("cat_name", name, cdata=True), _field("category_description", description, cdata=True))
        return f"\t<wp:category>{_field('term_id', _number(term.id))}{''.join(fields)}{meta}</wp:category>\n"
    if term.taxonomy == "post_tag":
        fields = (_field("tag_slug", slug, cdata=True), _field("tag_name", name, cdata=True),
                  _field("tag_description", description, cdata=True))
        return f"\t<wp:tag>{_field('term_id', _number(term.id))}{''.join(fields)}{meta}</wp:tag>\n"
    fields = (_field("term_taxonomy", term.taxonomy, cdata=True), _field("term_slug", slug, cdata=True),
              _field("term_parent", parent, cdata=True), _field("term_name", name, cdata=True),
              _field("term_description", description, cdata=True))
    return f"\t<wp:term>{_field('term_id', _number(term.id))}{''.join(fields)}{meta}</wp:term>\n"


def _item(post: Post) -> str:
    title = post.title_raw if post.title_raw is not None else post.title
    parts = [
        "\t<item>\n",
        _tag("title", title, indent=2),
        _tag("link", post.link, indent=2),
        _tag("pubDate", _rfc822(post.date), indent=2) if post.date else "",
        f"\t\t<dc:creator>{_cdata(post.author or '')}</dc:creator>\n",
        f'\t\t<guid isPermaLink="false">{_escape(post.guid)}</guid>\n',
        "\t\t<description></description>\n",
        f"\t\t<content:encoded>{_cdata(post.content.raw)}</content:encoded>\n",
        f"\t\t<excerpt:encoded>{_cdata(post.excerpt)}</excerpt:encoded>\n",
        _wp("post_id", _number(post.id)),
        _wp("post_date", _wp_date(post.date_local), cdata=True),
        _wp("post_date_gmt", _wp_date(post.date), cdata=True),
        _wp("post_modified", _wp_date(post.modified_local), cdata=True),
        _wp("post_modified_gmt", _wp_date(post.modified), cdata=True),
        _wp("comment_status", post.comment_status, cdata=True),
        _wp("ping_status", post.ping_status, cdata=True),
        _wp("post_name", quote(post.slug, safe=""), cdata=True),
        _wp("status", post.status, cdata=True),
        _wp("post_parent", _number(post.parent) or "0"),
        _wp("menu_order", str(post.menu_order)),
        _wp("post_type", post.type, cdata=True),
        _wp("post_password", post.password, cdata=True),
        _wp("is_sticky", "1" if post.sticky else "0"),
        _wp("attachment_url", post.attachment_url, cdata=True) if post.attachment_url else "",
        *(f'\t\t<category domain="{_escape(ref.taxonomy)}" nicename="{_escape(quote(ref.slug, safe=""))}">'
          f"{_cdata(ref.name)}</category>\n" for ref in post.terms),
        *(f"\t\t{_meta('postmeta', entry)}\n" for entry in post.meta),
        *(_comment(comment) for comment in post.comments),
        "\t</item>\n",
    ]
    return "".join(parts)


def _comment(comment: Comment) -> str:
    who = comment.author
    name = who.name_raw if who.name_raw is not None else who.name
    fields = (
        _field("comment_id", str(comment.id)),
        _field("comment_author", name, cdata=True),
        _field("comment_author_email", who.email, cdata=True),
        _field("comment_author_url", who.url),
        _field("comment_author_IP", who.ip, cdata=True),
        _field("comment_date", _wp_date(comment.date_local), cdata=True),
        _field("comment_date_gmt", _wp_date(comment.date), cdata=True),
        _field("comment_content", comment.content, cdata=True),
        _field("comment_approved", _STATUS_APPROVED.get(comment.status, comment.status), cdata=True),
        _field("comment_type", comment.type, cdata=True),
        _field("comment_parent", _number(comment.parent) or "0"),
        _field("comment_user_id", _number(who.user_id) or "0"),
        *(_meta("commentmeta", entry) for entry in comment.meta),
    )
    return "\t\t<wp:comment>" + "".join(fields) + "</wp:comment>\n"


def _meta(element: str, entry: Meta) -> str:
    return (f"<wp:{element}>{_field('meta_key', entry.key, cdata=True)}"
            f"{_field('meta_value', serialized(entry.value), cdata=True)}</wp:{element}>")


def serialized(value: MetaValue) -> str:
    """A meta value as WordPress stores it: ``maybe_serialize``. Lists and dicts (and a
    ``__class__`` dict, a PHP object) are PHP-serialized, and so are numbers, booleans and
    None that the reader decoded, and a string that would otherwise read as serialized."""
    if isinstance(value, str) and not looks_serialized(value):
        return value
    return phpserialize.dumps(_php(value)).decode("utf-8", errors="surrogateescape")


def _php(value: MetaValue):
    """``value`` as phpserialize writes it: a ``__class__`` dict becomes an object."""
    if isinstance(value, dict):
        members = {key: _php(item) for key, item in value.items() if key != "__class__"}
        if "__class__" in value:
            return phpserialize.phpobject(value["__class__"].encode("utf-8"), members)
        return members
    if isinstance(value, list):
        return [_php(item) for item in value]
    return value


# ----------------------------------------------------------------------------- XML text


def _tag(name: str, text: str, indent: int = 1) -> str:
    return f"{chr(9) * indent}<{name}>{_escape(text)}</{name}>\n"


def _wp(name: str, text: str, cdata: bool = False) -> str:
    return f"\t\t{_field(name, text, cdata=cdata)}\n"


def _field(name: str, text: str, cdata: bool = False) -> str:
    return f"<wp:{name}>{_cdata(text) if cdata else _escape(text)}</wp:{name}>"


def _cdata(text: str) -> str:
    """``wxr_cdata()``: a CDATA section, a ``]]>`` inside split across two. A carriage return
    goes between sections as ``&#13;``: XML reads a bare one as a line feed."""
    text = _xml_chars(text).replace("]]>", "]]]]><![CDATA[>")
    if "\r" in text:
        text = text.replace("\r", "]]>&#13;<![CDATA[")
    return "<![CDATA[" + text + "]]>"


def _escape(text: str) -> str:
    text = _xml_chars(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return text.replace("\r", "&#13;") if "\r" in text else text


def _xml_chars(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text) if _NOT_XML.search(text) else text


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


def _wp_date(iso: str | None) -> str:
    """``2016-11-22T10:00:00Z`` (or local, no ``Z``) as WordPress stores it."""
    return iso.removesuffix("Z").replace("T", " ") if iso else _ZERO_DATE


def _rfc822(iso: str) -> str:
    moment = datetime.fromisoformat(iso.removesuffix("Z")).replace(tzinfo=timezone.utc)
    return format_datetime(moment)
