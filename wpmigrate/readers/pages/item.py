"""A post or page from the page(s) that show it: content, dates, terms, comments.

One item may have been saved from several addresses (its permalink, ``?p=12``,
``?replytocom=5``) and its comments split over ``comment-page-N`` pages:
:class:`ItemPages` lists them all, and :class:`ItemFinisher` reads them into
one :class:`Post`, comments merged by id. It runs in the converter's worker
processes, so everything it needs travels with it as plain data.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta
from urllib.parse import urlsplit

from lxml import etree

from wpmigrate.diagnostics import Diagnostic
from wpmigrate.errors import InputError
from wpmigrate.readers.limits import DEFAULT_MAX_ITEM_BYTES
from wpmigrate.model import Comment, Content, Meta, Post, TermRef
from wpmigrate.readers.pages import byline, markup, page
from wpmigrate.readers.pages.chrome import strip_chrome
from wpmigrate.readers.pages.comments import CommentContext, read_comments
from wpmigrate.readers.pages.documents import DamagedRecord, PageDoc
from wpmigrate.threads import threaded

#: Where themes put the item's text, most specific first.
CONTENT_REGIONS = (
    ".entry-content",
    ".wp-block-post-content",
    ".post-content",
    ".entry-body",
    ".storycontent",
    "[itemprop='articleBody']",
    ".post-entry",
    ".single-content",
    ".article-content",
    "div.entry",
    ".post-body",
)
_COMMENT_FORM = "#respond, #commentform, .comment-respond, form.comment-form, .wp-block-post-comments-form"


@dataclass(frozen=True)
class SiteContext:
    """What every item of the site shares."""

    home: str
    #: The site's UTC offset, from the items' timestamps; None if no page told it.
    offset: timedelta | None
    wordpress_com: bool
    #: User ids by login, for comments by registered users.
    user_ids: dict[str, int] = field(default_factory=dict)
    #: Bytes a page may take (``--max-item-size``).
    max_page_bytes: int = DEFAULT_MAX_ITEM_BYTES


@dataclass(frozen=True)
class ItemPages:
    """The pages showing one item, the permalink's own page first."""

    id: int
    kind: str
    type: str
    address: str | None
    docs: tuple[PageDoc, ...]
    #: Terms and author found for it on all its pages.
    terms: tuple[TermRef, ...]
    author: str | None
    #: When it was published (UTC, else local), for the item order.
    sort_date: str = ""
    #: Its featured image, as the attachment item the reader made of it.
    featured: Post | None = None
    #: Where the ids of comments the markup does not number start (none of the site's uses them).
    first_free_comment_id: int = 0
    #: A page's parent page (``parent-pageid-N``).
    parent: int | None = None


class ItemFinisher:
    """Reads an :class:`ItemPages` into its post (see the module docstring)."""

    def __init__(self, site: SiteContext) -> None:
        self.site = site

    def __call__(self, unit: ItemPages | Post) -> list[tuple[Post, list[Diagnostic]]]:
        if isinstance(unit, Post):  # an attachment the reader made
            return [(unit, [])]
        found: list[Diagnostic] = []
        pages = []
        for doc in sorted(unit.docs, key=_comment_page):
            try:
                root = markup.parse(doc.load(self.site.max_page_bytes), doc.charset)
            except (OSError, DamagedRecord) as exc:
                found.append(Diagnostic("page-unreadable", "warning", f"{exc}; skipped", file=doc.name))
                continue
            pages.append((doc, root))
        if not pages:  # they were read a moment ago, when the site was made
            raise InputError(f"{unit.docs[0].name}: the page(s) of item {unit.id} cannot be read again",
                             hint="was the mirror or archive changed during the conversion? run it again")
        post = self._post(unit, pages, found)
        return [(post, found)]

    def _post(self, unit: ItemPages, pages: list[tuple[PageDoc, etree._Element]], found: list[Diagnostic]) -> Post:
        doc, root = _primary(unit, pages)
        article = page.main_article(root, unit.id)
        when = byline.published(root, article, unit.address)
        changed = byline.modified(root, article)
        return Post(
            id=unit.id,
            type=unit.type,
            title=_title(root, article),
            slug=_slug(unit.address),
            link=unit.address or "",
            path=page.site_path(unit.address, self.site.home),
            guid=unit.address or "",
            date=when.utc if when else None,
            date_local=when.local if when else None,
            modified=changed.utc if changed else None,
            modified_local=changed.local if changed else None,
            author=unit.author,
            parent=unit.parent,
            comment_status="open" if markup.first(root, _COMMENT_FORM) is not None else "closed",
            content=Content(raw=_content(doc, root, article, unit.id, found)),
            terms=unit.terms,
            featured_image=unit.featured.attachment_url if unit.featured else None,
            meta=(Meta("_thumbnail_id", str(unit.featured.id)),) if unit.featured else (),
            comments=_shown_threads(_merged_comments(pages, self._comment_context(), unit.first_free_comment_id)),
        )

    def _comment_context(self) -> CommentContext:
        return CommentContext(self.site.offset, self.site.wordpress_com, self.site.user_ids)


def _comment_page(doc: PageDoc) -> int:
    found = page.COMMENT_PAGE.search(urlsplit(doc.url or "").path)
    return int(found.group(1)) if found else 0


def _primary(unit: ItemPages, pages):
    """The page saved from the permalink itself, else the first."""
    for doc, root in pages:
        if doc.url and page.clean_address(doc.url) == unit.address and _comment_page(doc) == 0:
            return doc, root
    return pages[0]


def _title(root: etree._Element, article: etree._Element) -> str:
    """The item's heading, else ``og:title``, else the document title less the site's name."""
    heading = markup.first(article, page.TITLE)
    if heading is not None and markup.text(heading):
        return markup.text(heading)
    og_title = markup.attribute(root, "meta[property='og:title']", "content")
    return og_title or page.document_title(root)[0]


def _slug(address: str | None) -> str:
    segments = byline.path_segments(address)
    return segments[-1] if segments else ""


def _content(doc: PageDoc, root, article, item_id: int, found: list[Diagnostic]) -> str:
    for css in CONTENT_REGIONS:
        regions = byline.outside_comments(markup.select(article, css)) or byline.outside_comments(markup.select(root, css))
        if regions:
            markup.absolute_links(regions[0], doc.address)
            return strip_chrome(markup.inner_html(regions[0]))[0].strip()
    found.append(Diagnostic(
        "page-content-guessed", "warning",
        "no known content markup; the text was found by readability's content extraction",
        file=doc.name, item=item_id,
    ))
    markup.absolute_links(root, doc.address)
    return strip_chrome(_extracted(root))[0].strip()


def _extracted(root: etree._Element) -> str:
    """The main text as readability finds it, for themes with no known content markup."""
    from readability import Document  # imported here: only pages of unknown themes need it

    body = root.find("body")
    if body is not None:  # body_class() says "single-post": readability would score the body itself as the post
        body.attrib.pop("class", None)
    html = etree.tostring(root, encoding="unicode", method="html")
    summary = Document(html).summary(html_partial=True)
    fragment = markup.parse(summary.encode("utf-8"), "utf-8").find("body")
    if fragment is None:
        return summary
    wrapper = fragment[0] if len(fragment) == 1 and fragment[0].tag == "div" else fragment
    return markup.inner_html(wrapper)


def _shown_threads(comments: list[Comment]) -> tuple[Comment, ...]:
    """The comments threaded as the pages showed them: siblings in page order, not by date
    (a pingback without a date stays where it was shown)."""
    shown_at = {comment.id: number for number, comment in enumerate(comments)}
    return threaded(comments, order=lambda comment: shown_at[comment.id])


def _merged_comments(pages, context: CommentContext, free: int) -> list[Comment]:
    """Every comment shown on any of the pages, once, in the order first shown; those the
    markup numbers not get ids from ``free`` on."""
    merged: dict[int | tuple, Comment] = {}
    for doc, root in pages:
        for comment in read_comments(root, doc, context):
            key = comment.id or (comment.type, comment.author.name, comment.author.url, comment.content)
            merged.setdefault(key, comment)
    numbers = iter(range(free, free + len(merged)))
    return [c if c.id else replace(c, id=next(numbers)) for c in merged.values()]
