"""Turn parsed WXR elements into model objects.

Elements are matched by namespace URI, never by prefix: ``wp`` means any URI
of the form ``http(s)://wordpress.org/export/1.x/``, whatever prefix the file
binds it to. Values are read as WordPress writes them (CDATA or not, one or
several CDATA sections, with stray whitespace around ids and slugs).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import unquote, urlsplit

from lxml import etree

from wpmigrate import identity
from wpmigrate.diagnostics import Diagnostics
from wpmigrate.model import Attachment, Author, Comment, Commenter, Content, Meta, Post, Site, Term, TermRef
from wpmigrate.readers import phpserial
from wpmigrate.threads import PARENT_LOOP, PARENT_MISSING, PARENT_NOT_SHOWN, threaded

WP = "wp"
EXCERPT = "excerpt"
CONTENT = "content"
DC = "dc"
RSS = ""  # no namespace
OTHER = "other"

_WP_NS = re.compile(r"https?://wordpress\.org/export/1\.\d+/")
_EXCERPT_NS = re.compile(r"https?://wordpress\.org/export/1\.\d+/excerpt/")
_CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
_DC_NS = "http://purl.org/dc/elements/1.1/"
_ZERO_DATE = "0000-00-00 00:00:00"
_WP_DATE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
#: An integer as WordPress writes one: ASCII digits (``str.isdigit`` also takes ``²``, which
#: ``int`` refuses), short enough for ``int`` (which refuses more than 4,300 digits).
_INT = re.compile(r"-?[0-9]{1,4000}")
_COMMENT_STATUS = {"1": "approved", "0": "pending", "spam": "spam", "trash": "trash", "post-trashed": "trash"}

_tag_cache: dict[str, tuple[str, str]] = {}


def classify(tag: str) -> tuple[str, str]:
    """``(kind, local name)`` of a tag in Clark notation, e.g. ``("wp", "post_id")``."""
    found = _tag_cache.get(tag)
    if found is None:
        found = _classify(tag)
        if len(_tag_cache) < 4096:
            _tag_cache[tag] = found
    return found


def _classify(tag: str) -> tuple[str, str]:
    if not tag.startswith("{"):
        return RSS, tag
    uri, local = tag[1:].split("}", 1)
    if _WP_NS.fullmatch(uri):
        return WP, local
    if _EXCERPT_NS.fullmatch(uri):
        return EXCERPT, local
    if uri == _CONTENT_NS:
        return CONTENT, local
    if uri == _DC_NS:
        return DC, local
    return OTHER, local


def text_of(element: etree._Element) -> str:
    """All text of an element: CDATA sections joined, child markup flattened."""
    if len(element):
        return "".join(element.itertext())
    return element.text or ""


def children(element: etree._Element) -> list[tuple[str, str, etree._Element]]:
    """``(kind, local, child)`` for each child element (comments skipped)."""
    found = []
    for child in element:  # a loop, not a generator: this runs for every element of an export
        tag = child.tag
        if tag.__class__ is str:
            kind, local = _tag_cache.get(tag) or classify(tag)
            found.append((kind, local, child))
    return found


def wp_fields(element: etree._Element) -> dict[str, str]:
    """The stripped text of each ``wp:`` child, first occurrence wins."""
    return {key: value.strip() for key, value in wp_fields_raw(element).items()}


def displayed(raw: str) -> tuple[str, str | None]:
    """A name or title as WordPress shows it, and the exported value where that differs.

    WordPress stores names and titles HTML-escaped (``Sport &amp; exercise``,
    ``Notes &#8211; a blog``) and decodes them for display: decoded once, so
    ``&amp;amp;`` shows as a literal ``&amp;``.
    """
    if "&" not in raw:
        return raw, None
    text = html.unescape(raw)
    return (text, raw) if text != raw else (raw, None)


def to_int(value: str | None) -> int | None:
    if value is None:
        return None
    value = value.strip()
    return int(value) if _INT.fullmatch(value) else None


# ---------------------------------------------------------------- dates


def utc_date(value: str) -> str | None:
    """``2016-11-22 10:00:00`` (UTC) to ``2016-11-22T10:00:00Z``; None for zero/invalid.

    WordPress writes no offset; a value with one (``+05:00``) is converted to UTC, not
    read as if it were UTC already."""
    local = local_date(value)
    if local is None or len(value.strip()) <= 19:  # no room for an offset: the usual case
        return None if local is None else local + "Z"
    moment = datetime.fromisoformat(value.strip())
    if moment.tzinfo is None:
        return local + "Z"
    try:
        moment = moment.astimezone(timezone.utc)
    except OverflowError:  # past the calendar in UTC (0001-01-01 00:00+14:00)
        return None
    return moment.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def local_date(value: str) -> str | None:
    """``2016-11-22 10:00:00`` to ``2016-11-22T10:00:00``; None for zero/invalid."""
    value = value.strip()
    if not value or value == _ZERO_DATE:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if _WP_DATE.fullmatch(value):  # as WordPress writes it: only the separator changes
        return value[:10] + "T" + value[11:]
    return moment.replace(tzinfo=None).isoformat(timespec="seconds")


def rfc822_date(value: str) -> str | None:
    """An RFC 822 date (``pubDate``) to ISO 8601 UTC; None if it does not parse."""
    try:
        moment = parsedate_to_datetime(value.strip())
        if moment.tzinfo is not None:
            moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    except (TypeError, ValueError, IndexError, OverflowError):  # Overflow: past year 9999 in UTC
        return None
    return moment.isoformat(timespec="seconds") + "Z"


# ---------------------------------------------------------------- header


def parse_site(channel: etree._Element, generator_comment: str | None) -> Site:
    plain: dict[str, str] = {}
    fields: dict[str, str] = {}
    for kind, local, child in children(channel):
        if kind == RSS and local not in plain and local != "item":
            plain[local] = text_of(child).strip()
        elif kind == WP and local not in fields and len(child) == 0:
            fields[local] = text_of(child).strip()
    title, title_raw = displayed(plain.get("title", ""))
    description, description_raw = displayed(plain.get("description", ""))
    return Site(
        title=title,
        title_raw=title_raw,
        description_raw=description_raw,
        link=plain.get("link", ""),
        description=description,
        language=plain.get("language", ""),
        base_site_url=fields.get("base_site_url", ""),
        base_blog_url=fields.get("base_blog_url", "") or plain.get("link", ""),
        wxr_version=fields.get("wxr_version"),
        generator=plain.get("generator") or generator_comment or "",
        exported_at=rfc822_date(plain["pubDate"]) if plain.get("pubDate") else None,
    )


def parse_author(element: etree._Element) -> Author:
    f = wp_fields(element)
    display_name, display_name_raw = displayed(f.get("author_display_name", ""))
    return Author(
        login=f.get("author_login", ""),
        id=to_int(f.get("author_id")),
        email=f.get("author_email", ""),
        display_name=display_name,
        first_name=f.get("author_first_name", ""),
        last_name=f.get("author_last_name", ""),
        display_name_raw=display_name_raw,
    )


#: For each header term element: (taxonomy or None to read it, slug, name, parent, description).
_TERM_FIELDS = {
    "category": ("category", "category_nicename", "cat_name", "category_parent", "category_description"),
    "tag": ("post_tag", "tag_slug", "tag_name", None, "tag_description"),
    "term": (None, "term_slug", "term_name", "term_parent", "term_description"),
}
HEADER_TERMS = frozenset(_TERM_FIELDS)


def parse_term(local: str, element: etree._Element, meta: Callable[[etree._Element], tuple[Meta, ...]]) -> Term:
    taxonomy, slug, name, parent, description = _TERM_FIELDS[local]
    f = wp_fields(element)
    shown_name, name_raw = displayed(f.get(name, ""))
    shown_description, description_raw = displayed(f.get(description, ""))
    return Term(
        taxonomy=taxonomy or f.get("term_taxonomy", ""),
        slug=unquote(f.get(slug, "")),
        name=shown_name,
        id=to_int(f.get("term_id")),
        parent=unquote(f[parent]) if parent and f.get(parent) else None,
        description=shown_description,
        meta=meta(element),
        name_raw=name_raw,
        description_raw=description_raw,
    )


# ---------------------------------------------------------------- items

_THREAD_NOTES = {
    PARENT_MISSING: "which is not a comment of this post",
    PARENT_NOT_SHOWN: "which is not approved",
    PARENT_LOOP: "and its parents loop back to it",
}


@dataclass
class ItemPosition:
    """Where the item being parsed starts in its file: a side channel for callers
    that report by line (the validator), since the model keeps no positions."""

    file: str = ""
    line: int | None = None
    item: int | None = None
    #: Comment id -> line of its ``<wp:comment>``, for the current item only.
    comments: dict[int, int] = field(default_factory=dict)

    def start(self, file: str, line: int | None, item: int) -> None:
        self.file, self.line, self.item, self.comments = file, line, item, {}


@dataclass
class ItemContext:
    """What item parsing needs from outside: where, the site, and the indexes."""

    file: str
    base_url: str
    #: Every attachment of the export, by id (featured images name them).
    attachments: Mapping[int, Attachment]
    diagnostics: Diagnostics
    #: Updated as each item is parsed, when a caller asked for positions.
    position: ItemPosition | None = None
    #: Added to element line numbers: the item's line in its file, less one,
    #: when the item is parsed on its own from a copy of its XML.
    line_offset: int = 0


class ItemParser:
    """Parses ``<item>`` elements into :class:`Post` objects."""

    def __init__(self, context: ItemContext) -> None:
        self.ctx = context

    def line(self, element: etree._Element) -> int | None:
        """Where ``element`` starts in its file."""
        line = element.sourceline
        return None if line is None else line + self.ctx.line_offset

    def parse(self, item: etree._Element) -> Post:
        fields: dict[str, str] = {}
        plain: dict[str, str] = {}
        content = excerpt = ""
        author: str | None = None
        categories: list[etree._Element] = []
        meta_elements: list[etree._Element] = []
        comment_elements: list[etree._Element] = []
        for child in item:  # not children(): one list fewer per item
            tag = child.tag
            if tag.__class__ is not str:
                continue
            kind, local = _tag_cache.get(tag) or classify(tag)
            if kind == WP:
                if local == "postmeta":
                    meta_elements.append(child)
                elif local == "comment":
                    comment_elements.append(child)
                elif local not in fields:
                    fields[local] = text_of(child)
            elif kind == RSS:
                if local == "category":
                    categories.append(child)
                elif local not in plain:
                    plain[local] = text_of(child)
            elif kind == CONTENT and local == "encoded":
                content = text_of(child)
            elif kind == EXCERPT and local == "encoded":
                excerpt = text_of(child)
            elif kind == DC and local == "creator":
                author = text_of(child).strip() or None
        post_id = to_int(fields.get("post_id"))
        line = self.line(item)
        if post_id is None:
            self.ctx.diagnostics.warn(
                "item-no-id", "item has no valid wp:post_id; using 0", file=self.ctx.file, line=line
            )
            post_id = 0
        if self.ctx.position is not None:
            self.ctx.position.start(self.ctx.file, line, post_id)
        meta = self.meta(meta_elements, item=post_id)
        link = plain.get("link", "").strip()
        attachment_url = fields.get("attachment_url", "").strip() or None
        post_type = fields.get("post_type", "").strip()
        if not post_type:
            self.ctx.diagnostics.warn(
                "item-no-type", "item has no wp:post_type; treating it as a post",
                file=self.ctx.file, line=line, item=post_id,
            )
        title, title_raw = displayed(plain.get("title", ""))
        return Post(
            id=post_id,
            type=post_type or "post",
            status=fields.get("status", "").strip() or "publish",
            title=title,
            title_raw=title_raw,
            slug=unquote(fields.get("post_name", "").strip()),
            link=link,
            path=relative_path(link, self.ctx.base_url),
            guid=plain.get("guid", "").strip(),
            date=self._date(utc_date, fields, "post_date_gmt", post_id),
            date_local=self._date(local_date, fields, "post_date", post_id),
            modified=self._date(utc_date, fields, "post_modified_gmt", post_id),
            modified_local=self._date(local_date, fields, "post_modified", post_id),
            author=author,
            parent=self._number(fields, "post_parent", post_id) or None,
            menu_order=self._number(fields, "menu_order", post_id) or 0,
            password=fields.get("post_password", ""),
            sticky=fields.get("is_sticky", "").strip() == "1",
            comment_status=fields.get("comment_status", "").strip(),
            ping_status=fields.get("ping_status", "").strip(),
            excerpt=excerpt,
            content=Content(raw=content),
            terms=term_refs(categories),
            meta=meta,
            featured_image=self._featured_image(meta, post_id),
            attachment_url=attachment_url,
            comments=self.thread(tuple(self.comment(c, post_id) for c in comment_elements), post_id),
        )

    def thread(self, comments: tuple[Comment, ...], post_id: int) -> tuple[Comment, ...]:
        """``comments`` with their places in the post's thread; a reply shown at the top level
        because of its parent is reported."""
        if not comments:
            return comments
        comments = threaded(comments)
        for comment in comments:
            note = comment.thread.note if comment.thread is not None else None
            if note is not None:
                self.ctx.diagnostics.info(
                    "comment-shown-at-top",
                    f"comment {comment.id} replies to comment {comment.parent}, "
                    f"{_THREAD_NOTES[note]}: shown at the top level, as WordPress does",
                    file=self.ctx.file, line=self.line_of_comment(comment.id), item=post_id, comment=comment.id,
                )
        return comments

    def line_of_comment(self, comment_id: int) -> int | None:
        position = self.ctx.position
        return position.comments.get(comment_id) if position is not None else None

    def _date(self, convert, fields: dict[str, str], name: str, post_id: int, comment: int | None = None) -> str | None:
        raw = fields.get(name)
        if raw is None:
            return None
        value = convert(raw)
        if value is None and raw.strip() not in ("", _ZERO_DATE):
            self.ctx.diagnostics.warn(
                "date-invalid", f"wp:{name} {raw.strip()!r} is not a valid date; left empty",
                file=self.ctx.file, item=post_id, comment=comment,
            )
        return value

    def _number(self, fields: dict[str, str], name: str, post_id: int, comment: int | None = None) -> int | None:
        """The integer field ``name``; None, with a warning when it holds something else."""
        raw = fields.get(name)
        value = to_int(raw)
        if value is None and raw is not None and raw.strip():
            shown = raw.strip()
            shown = shown if len(shown) <= 40 else shown[:40] + "..."
            self.ctx.diagnostics.warn(
                "number-invalid", f"wp:{name} {shown!r} is not a whole number; left empty",
                file=self.ctx.file, item=post_id, comment=comment,
            )
        return value

    def _featured_image(self, meta: tuple[Meta, ...], post_id: int) -> str | None:
        for entry in meta:
            if entry.key == "_thumbnail_id":
                text = str(entry.value).strip() if isinstance(entry.value, (str, int)) else None
                attachment = to_int(text)
                found = self.ctx.attachments.get(attachment) if attachment else None
                url = found.url if found is not None else None
                if (attachment and url is None) or (attachment is None and text != ""):
                    shown = attachment if attachment is not None else repr(entry.value)[:40]
                    self.ctx.diagnostics.warn(
                        "featured-image-missing",
                        f"_thumbnail_id {shown} names no attachment in the export",
                        file=self.ctx.file, item=post_id,
                    )
                return url
        return None

    def meta(self, elements: Iterable[etree._Element], item: int | None = None, comment: int | None = None) -> tuple[Meta, ...]:
        rows = []
        for element in elements:
            key, value = _meta_pair(element)
            key = key.strip()
            rows.append(Meta(key, self._decode(value, key, item, comment, element)))
        return tuple(rows)

    def term_meta(self, element: etree._Element) -> tuple[Meta, ...]:
        return self.meta(c for kind, local, c in children(element) if kind == WP and local == "termmeta")

    def _decode(self, raw: str, key: str, item, comment, element) -> object:
        try:
            return phpserial.decode(raw)
        except phpserial.BrokenSerialization as exc:
            self.ctx.diagnostics.warn(
                "meta-serialized-broken",
                f"meta {key!r} looks PHP-serialized but does not decode ({exc}); "
                "kept as text (string lengths broken by a search-and-replace?)",
                file=self.ctx.file, line=self.line(element), item=item, comment=comment,
            )
            return raw

    def comment(self, element: etree._Element, post_id: int) -> Comment:
        f: dict[str, str] = {}
        meta_elements = []
        for child in element:  # not children(): comments are many, and this is their every field
            tag = child.tag
            if tag.__class__ is not str:
                continue
            kind, local = _tag_cache.get(tag) or classify(tag)
            if kind != WP:
                continue
            if local == "commentmeta":
                meta_elements.append(child)
            elif local not in f:
                f[local] = text_of(child)
        comment_id = self._number(f, "comment_id", post_id) or 0
        if self.ctx.position is not None and element.sourceline is not None:
            self.ctx.position.comments.setdefault(comment_id, self.line(element))
        meta = self.meta(meta_elements, item=post_id, comment=comment_id)
        comment_type = f.get("comment_type", "").strip() or "comment"
        user_id = self._number(f, "comment_user_id", post_id, comment_id) or None
        email = f.get("comment_author_email", "").strip()
        url = f.get("comment_author_url", "").strip()
        who = identity.classify(email=email, url=url, user_id=user_id, comment_type=comment_type, meta=meta)
        approved = f.get("comment_approved", "1").strip() or "1"
        name, name_raw = displayed(f.get("comment_author", "").strip())
        return Comment(
            id=comment_id,
            parent=self._number(f, "comment_parent", post_id, comment_id) or None,
            status=_COMMENT_STATUS.get(approved, approved),
            type=comment_type,
            date=self._date(utc_date, f, "comment_date_gmt", post_id, comment_id),
            date_local=self._date(local_date, f, "comment_date", post_id, comment_id),
            content=f.get("comment_content", ""),
            author=Commenter(
                name=name,
                name_raw=name_raw,
                email=email,
                url=url,
                ip=f.get("comment_author_IP", "").strip(),
                user_id=user_id,
                provider=who.provider,
                provider_id=who.provider_id,
                avatar=who.avatar,
            ),
            meta=meta,
        )


def _meta_pair(element: etree._Element) -> tuple[str, str]:
    """The first ``wp:meta_key`` and ``wp:meta_value`` texts of a meta element ("" if absent).

    :func:`wp_fields_raw` would do, but meta elements are the most numerous of an export."""
    key = value = None
    for child in element:
        tag = child.tag
        if tag.__class__ is str:
            kind, local = _tag_cache.get(tag) or classify(tag)
            if kind == WP:
                if local == "meta_key":
                    key = text_of(child) if key is None else key
                elif local == "meta_value":
                    value = text_of(child) if value is None else value
    return key or "", value or ""


def wp_fields_raw(element: etree._Element) -> dict[str, str]:
    """Like :func:`wp_fields` but values unstripped (meta values keep their spaces)."""
    fields: dict[str, str] = {}
    for kind, local, child in children(element):
        if kind == WP and local not in fields:
            fields[local] = text_of(child)
    return fields


def term_refs(categories: list[etree._Element]) -> tuple[TermRef, ...]:
    """An item's terms. WXR 1.0 writes each twice (bare and with a domain): kept once."""
    refs: dict[tuple[str, str], TermRef] = {}
    bare: list[str] = []
    for element in categories:
        name = displayed(text_of(element).strip())[0]
        domain = element.get("domain")
        if domain is None:
            bare.append(name)
            continue
        taxonomy = "post_tag" if domain == "tag" else domain
        slug = unquote(element.get("nicename", "").strip())
        refs.setdefault((taxonomy, slug), TermRef(taxonomy, slug, name))
    named = {ref.name for ref in refs.values()}
    for name in bare:
        if name not in named:
            slug = name.lower().replace(" ", "-")
            refs.setdefault(("category", slug), TermRef("category", slug, name))
    return tuple(refs.values())


def relative_path(link: str, base_url: str) -> str:
    """``link`` relative to the site's base URL (http and https alike)."""
    if not link:
        return ""
    base = _strip_scheme(base_url).rstrip("/")
    bare = _strip_scheme(link)
    if base and (bare == base or bare.startswith(base + "/") or bare.startswith(base + "?")):
        rest = bare[len(base) :]
        return rest if rest.startswith("/") else "/" + rest
    try:
        parts = urlsplit(link)
    except ValueError:
        return link
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _strip_scheme(url: str) -> str:
    for scheme in ("https://", "http://"):
        if url.startswith(scheme):
            return url[len(scheme) :]
    return url
