"""A post or page from the page(s) that show it: content, dates, terms, comments.

One item may have been saved from several addresses (its permalink, ``?p=12``,
``?replytocom=5``) and its comments split over ``comment-page-N`` pages:
:class:`ItemPages` lists them all, and :class:`ItemFinisher` reads them into
one :class:`Post`, comments merged by id. It runs in the converter's worker
processes, so everything it needs travels with it as plain data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import unquote, urlsplit

from lxml import etree

from wpmigrate.diagnostics import Diagnostic
from wpmigrate.model import Comment, Content, Meta, Post, TermRef
from wpmigrate.readers.pages import markup, page
from wpmigrate.readers.pages.chrome import strip_chrome
from wpmigrate.readers.pages.comments import CommentContext, read_comments
from wpmigrate.readers.pages.documents import PageDoc
from wpmigrate.readers.pages.warc import DamagedRecord
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
_COMMENT_PAGE = re.compile(r"/comment-page-(\d+)/?")


@dataclass(frozen=True)
class SiteContext:
    """What every item of the site shares."""

    home: str
    #: The site's UTC offset, from the items' timestamps; None if no page told it.
    offset: timedelta | None
    wordpress_com: bool
    #: User ids by login, for comments by registered users.
    user_ids: dict[str, int] = field(default_factory=dict)


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
                root = markup.parse(doc.load(), doc.charset)
            except (OSError, DamagedRecord) as exc:
                found.append(Diagnostic("page-unreadable", "warning", f"{doc.name}: {exc}; skipped", file=doc.name))
                continue
            pages.append((doc, root))
        if not pages:
            return []
        post = self._post(unit, pages, found)
        return [(post, found)]

    def _post(self, unit: ItemPages, pages: list[tuple[PageDoc, etree._Element]], found: list[Diagnostic]) -> Post:
        doc, root = _primary(unit, pages)
        article = page.main_article(root, unit.id)
        when = page.published(root, article, unit.address)
        changed = page.modified(root, article)
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
            comment_status="open" if markup.first(root, _COMMENT_FORM) is not None else "closed",
            content=Content(raw=_content(doc, root, article, unit.id, found)),
            terms=unit.terms,
            featured_image=unit.featured.attachment_url if unit.featured else None,
            meta=(Meta("_thumbnail_id", str(unit.featured.id)),) if unit.featured else (),
            comments=threaded(_merged_comments(pages, self._comment_context())),
        )

    def _comment_context(self) -> CommentContext:
        return CommentContext(self.site.offset, self.site.wordpress_com, self.site.user_ids)


def _comment_page(doc: PageDoc) -> int:
    found = _COMMENT_PAGE.search(urlsplit(doc.url or "").path)
    return int(found.group(1)) if found else 0


def _primary(unit: ItemPages, pages):
    """The page saved from the permalink itself, else the first."""
    for doc, root in pages:
        if doc.url and page.clean_address(doc.url) == unit.address and _comment_page(doc) == 0:
            return doc, root
    return pages[0]


def _title(root: etree._Element, article: etree._Element) -> str:
    heading = markup.first(article, page.TITLE)
    if heading is not None and markup.text(heading):
        return markup.text(heading)
    return (markup.attribute(root, "meta[property='og:title']", "content") or markup.text(root.find(".//title"))).strip()


def _slug(address: str | None) -> str:
    segments = [s for s in urlsplit(address or "").path.split("/") if s]
    return unquote(segments[-1]) if segments else ""


def _content(doc: PageDoc, root, article, item_id: int, found: list[Diagnostic]) -> str:
    for css in CONTENT_REGIONS:
        region = markup.first(article, css)
        if region is None:
            region = markup.first(root, css)
        if region is not None:
            return strip_chrome(markup.inner_html(region))[0].strip()
    found.append(Diagnostic(
        "page-content-guessed", "warning",
        f"{doc.name}: no known content markup; the text was found by readability's content extraction",
        file=doc.name, item=item_id,
    ))
    return strip_chrome(_extracted(root))[0].strip()


def _extracted(root: etree._Element) -> str:
    """The main text as readability finds it, for themes with no known content markup."""
    from readability import Document  # imported here: only pages of unknown themes need it

    html = etree.tostring(root, encoding="unicode", method="html")
    summary = Document(html).summary(html_partial=True)
    fragment = markup.parse(summary.encode("utf-8"), "utf-8").find("body")
    if fragment is None:
        return summary
    wrapper = fragment[0] if len(fragment) == 1 and fragment[0].tag == "div" else fragment
    return markup.inner_html(wrapper)


def _merged_comments(pages, context: CommentContext) -> list[Comment]:
    """Every comment shown on any of the pages, once, in the order first shown."""
    merged: dict[int, Comment] = {}
    for _, root in pages:
        for comment in read_comments(root, context):
            if comment.id not in merged:
                merged[comment.id] = comment
    return list(merged.values())
