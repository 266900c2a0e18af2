"""The one model every reader produces and every writer consumes.

Plain frozen dataclasses; this module imports nothing else from the package.
Dates are ISO 8601 strings: ``date`` fields are UTC with a ``Z`` suffix (``None``
when WordPress wrote ``0000-00-00 00:00:00``), ``date_local`` fields are the site's
local time exactly as written, without a zone.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

#: A decoded meta value: a string, a number, a bool, None, or lists/dicts of those
#: (what PHP ``serialize()`` can express).
MetaValue = Any


@dataclass(frozen=True, slots=True)
class Meta:
    """One meta row (postmeta, commentmeta or termmeta); keys may repeat."""

    key: str
    #: Decoded value: PHP-serialized strings become lists/dicts, others stay strings.
    value: MetaValue


@dataclass(frozen=True, slots=True)
class Site:
    """The channel header of an export."""

    title: str = ""
    link: str = ""
    description: str = ""
    language: str = ""
    #: ``wp:base_site_url``: the network URL on multisite, ``wordpress.com`` on WordPress.com.
    base_site_url: str = ""
    #: ``wp:base_blog_url``: this blog's home URL; post paths are relative to it.
    base_blog_url: str = ""
    #: Text of ``wp:wxr_version`` (a hint only; may be missing or invalid).
    wxr_version: str | None = None
    #: ``<generator>`` URL, or the generator comment's value.
    generator: str = ""
    #: When the export was made (the channel ``pubDate``), ISO 8601 UTC.
    exported_at: str | None = None
    #: ``title`` and ``description`` as exported, where decoding changed them (see :class:`Post`).
    title_raw: str | None = None
    description_raw: str | None = None


@dataclass(frozen=True, slots=True)
class Author:
    """A WordPress user listed in the export (only users who authored posts are)."""

    login: str
    id: int | None = None
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""
    #: ``display_name`` as exported, where decoding changed it (see :class:`Post`).
    display_name_raw: str | None = None


@dataclass(frozen=True, slots=True)
class Term:
    """A category, tag, or term of any other taxonomy (nav menus included)."""

    taxonomy: str
    slug: str
    name: str = ""
    id: int | None = None
    #: Slug of the parent term in the same taxonomy, or None at the top level.
    parent: str | None = None
    description: str = ""
    meta: tuple[Meta, ...] = ()
    #: ``name`` and ``description`` as exported, where decoding changed them (see :class:`Post`).
    name_raw: str | None = None
    description_raw: str | None = None


@dataclass(frozen=True, slots=True)
class TermRef:
    """A post's reference to a term."""

    taxonomy: str
    slug: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class Commenter:
    """Who wrote a comment, and how they identified themselves."""

    name: str = ""
    email: str = ""
    url: str = ""
    ip: str = ""
    #: Local WordPress user id of a logged-in commenter (None for guests).
    user_id: int | None = None
    #: ``guest``, ``local``, ``wordpress.com``, ``jetpack``, ``facebook``, ``twitter``,
    #: ``google``, ``disqus``, ``linkback`` or another recognised service.
    provider: str = "guest"
    #: The commenter's id on that service, where the export records it.
    provider_id: str | None = None
    #: Avatar URL supplied by the service, where the export records it.
    avatar: str | None = None
    #: ``name`` as exported, where decoding changed it (see :class:`Post`).
    name_raw: str | None = None


@dataclass(frozen=True, slots=True)
class Thread:
    """Where a shown (approved) comment appears on its post, as WordPress threads it."""

    #: The comment it is shown under; None at the top level.
    parent: int | None
    #: 1 at the top level.
    depth: int
    #: Its place among the post's shown comments, from 0: the order a reader sees them in.
    position: int
    #: Why a comment with a parent is shown at the top level (``parent-missing``,
    #: ``parent-not-approved``, ``parent-loop``); None otherwise.
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Comment:
    """A comment, pingback or trackback on a post."""

    id: int
    #: Id of the comment this one replies to, or None at the top level.
    parent: int | None = None
    #: ``approved``, ``pending``, ``spam``, ``trash``, or the file's own value.
    status: str = "approved"
    #: ``comment``, ``pingback``, ``trackback``, or the file's own value.
    type: str = "comment"
    date: str | None = None
    date_local: str | None = None
    #: The comment text exactly as exported.
    content: str = ""
    #: Clean HTML, set by the cleaning transforms; None when they did not run.
    content_html: str | None = None
    author: Commenter = field(default_factory=Commenter)
    meta: tuple[Meta, ...] = ()
    #: Where it is shown in the post's thread; None for a comment WordPress does not show.
    thread: Thread | None = None


@dataclass(frozen=True, slots=True)
class Content:
    """A post's body: the raw text as exported, and what cleaning made of it."""

    raw: str = ""
    #: Clean HTML ready to publish; None when cleaning did not run.
    html: str | None = None
    #: The HTML before ``<!--more-->``; None when there is no teaser.
    teaser: str | None = None
    #: Counts of what cleaning removed or left unconverted, by kind.
    diagnostics: dict[str, int] | None = None
    #: For a post written in Markdown (``format:markdown``): its own source, for the Markdown
    #: writer to publish as written; None otherwise, or when it holds raw HTML or shortcodes.
    markdown: str | None = None


@dataclass(frozen=True, slots=True)
class Post:
    """Any item of an export: post, page, attachment, menu item, custom type."""

    id: int
    type: str = "post"
    status: str = "publish"
    title: str = ""
    #: Decoded slug (WordPress stores non-ASCII slugs percent-encoded).
    slug: str = ""
    link: str = ""
    #: ``link`` relative to the site's base URL, e.g. ``/2016/11/22/hello/``.
    path: str = ""
    guid: str = ""
    date: str | None = None
    date_local: str | None = None
    modified: str | None = None
    modified_local: str | None = None
    #: Login of the author (``dc:creator``).
    author: str | None = None
    parent: int | None = None
    menu_order: int = 0
    password: str = ""
    sticky: bool = False
    comment_status: str = ""
    ping_status: str = ""
    excerpt: str = ""
    content: Content = field(default_factory=Content)
    terms: tuple[TermRef, ...] = ()
    meta: tuple[Meta, ...] = ()
    #: URL of the featured image (``_thumbnail_id`` resolved to its attachment).
    featured_image: str | None = None
    #: The file URL, for attachments.
    attachment_url: str | None = None
    comments: tuple[Comment, ...] = ()
    #: ``title`` as exported, where decoding changed it. WordPress stores names and titles
    #: HTML-escaped (``Sport &amp; exercise``) and decodes them for display: the model holds
    #: them decoded once (``&amp;amp;`` is a literal ``&amp;``), the raw value beside them.
    title_raw: str | None = None


@dataclass(frozen=True, slots=True)
class Attachment:
    """What the export tells of an attachment, indexed before the items are read."""

    url: str
    #: The post it was uploaded to.
    parent: int | None = None
    title: str = ""
    caption: str = ""
    alt: str = ""


@dataclass(slots=True)
class Export:
    """A whole export: the header, read eagerly, and the items, streamed once."""

    site: Site
    authors: tuple[Author, ...]
    terms: tuple[Term, ...]
    #: The items in file order. A one-shot iterator: it reads the file as it goes.
    posts: Iterator[Post]
    #: Attachment id -> what is known of it, for every attachment of the export,
    #: known before the first item (featured images and galleries look ahead).
    attachments: Mapping[int, Attachment] = field(default_factory=dict)
