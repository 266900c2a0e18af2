"""What one rendered page is: its kind, the post or term it shows, and the site around it.

WordPress tells most of it in the markup it always prints: ``body_class()``
(``single postid-12``, ``page page-id-2``, ``category category-asia``,
``author author-jane``, ``home blog``), the canonical link, the REST API link
that names the site's home, the generator meta. Themes add the rest (an
``article#post-12``, ``rel="category tag"`` links, ``/author/login/`` links).
:func:`look` reads just that: cheap enough to run over a whole mirror first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from urllib.parse import urldefrag, urlsplit, urlunsplit

from lxml import etree

from wpmigrate.model import Author, Term
from wpmigrate.readers.pages import archives, byline, dates, markup
from wpmigrate.readers.pages.comments import comment_post_id, numbering
from wpmigrate.readers.pages.documents import PageDoc, web_address

#: Page kinds that hold an item of the site; the others only tell of terms and authors.
ITEM_KINDS = ("post", "page")
#: Page kinds that list excerpts of items.
LISTING_KINDS = ("category", "post_tag", "taxonomy", "author", "listing")
_ARTICLE = "article.hentry, article.post, article.page, article.type-page, article[id^='post-'], div.hentry, div[id^='post-'], .wp-block-post"
TITLE = ".entry-title, .post-title, .wp-block-post-title, .storytitle, h1.title"
_TITLE_SEPARATOR = re.compile(r"\s+[|–—«»·:-]{1,2}\s+")
#: ``/slug/comment-page-2/``: a page of an item's comments, not another address of it.
COMMENT_PAGE = re.compile(r"/comment-page-(\d+)/?$")
_WORDPRESS_MARKS = re.compile(r"/wp-content/|/wp-includes/|api\.w\.org|\bs[0-2]\.wp\.com\b|wordpress\.com|\bwp-block-", re.I)


@dataclass(frozen=True)
class SiteFacts:
    """What a page tells of the site it belongs to."""

    home: str | None = None
    title: str = ""
    description: str = ""
    language: str = ""
    generator: str = ""
    wordpress_com: bool = False


@dataclass(frozen=True)
class PageFacts:
    """A page at a glance: what it shows and where it belongs."""

    doc: PageDoc
    kind: str
    #: The page's address without fragment, comment page or ``replytocom``: the permalink of its item.
    address: str | None
    site: SiteFacts
    #: The item's id where the page names it.
    item_id: int | None = None
    item_type: str = "post"
    #: For an item page: when it was published (to order the items).
    date: dates.PageDate | None = None
    #: Terms and authors the page names (archive pages: with names and descriptions).
    terms: tuple[Term, ...] = ()
    authors: tuple[Author, ...] = ()
    is_wordpress: bool = False
    #: The item's featured image (``the_post_thumbnail()``).
    featured: byline.Featured | None = None
    #: The highest comment id the page shows, and how many comments it shows without an id.
    comment_numbers: tuple[int, int] = (0, 0)
    #: A page's parent page, from ``body_class()``'s ``parent-pageid-N``.
    parent: int | None = None

    @property
    def key(self) -> str:
        """What pages showing the same item share."""
        return f"id:{self.item_id}" if self.item_id is not None else f"url:{self.address}"


def look(doc: PageDoc, root: etree._Element) -> PageFacts:
    """Classify a parsed page (see the module docstring)."""
    body = root.find("body")
    classes = markup.classes(body)
    address = permalink(root, doc.url)
    site = site_facts(root)
    kind, item_id, item_type = _kind(root, classes)
    facts = PageFacts(doc, kind, address, site, item_id, item_type, is_wordpress=is_wordpress(root, classes))
    if kind in ITEM_KINDS:
        article = main_article(root, item_id)
        linked = byline.term_links(article, doc)
        return replace(facts, date=byline.published(root, article, address),
                       terms=tuple(linked + byline.class_terms(article, linked)),
                       authors=tuple(filter(None, [byline.author_of(root, article, doc)])),
                       featured=byline.featured_image(article, doc), comment_numbers=numbering(root),
                       parent=_parent_page(classes))
    terms, authors = archives.listed(root, doc) if kind in LISTING_KINDS else ([], [])
    if kind in ("category", "post_tag", "taxonomy"):
        terms.insert(0, archives.archive_term(root, kind, classes, address))
    if kind == "author":
        authors.insert(0, archives.archive_author(root, classes, address))
    return replace(facts, terms=tuple(filter(None, terms)), authors=tuple(filter(None, authors)))


def _kind(root: etree._Element, classes: list[str]) -> tuple[str, int | None, str]:
    """``(kind, item id, post type)`` from ``body_class()``, else from the markup."""
    found = set(classes)
    number = {m.group(1): int(m.group(2)) for c in classes if (m := re.fullmatch(r"(postid|page-id|attachmentid)-(\d+)", c))}
    if "postid" in number or ("single" in found and "attachment" not in found):
        types = [c.removeprefix("single-") for c in classes if c.startswith("single-") and not c.startswith(("single-format-", "single-author"))]
        return "post", number.get("postid") or _item_id(root), (types[0] if types else "post")
    if "page-id" in number:
        return "page", number["page-id"], "page"
    if "attachment" in found or "attachmentid" in number:
        return "attachment", number.get("attachmentid"), "attachment"
    for kind, klass in (("category", "category"), ("post_tag", "tag"), ("author", "author")):
        if "archive" in found and klass in found:
            return kind, None, ""
    if "tax" in " ".join(classes) and "archive" in found:
        return "taxonomy", None, ""
    if found & {"home", "blog", "archive", "search", "error404", "paged", "date"}:
        return "listing", None, ""
    return _kind_from_markup(root)


def _parent_page(classes: list[str]) -> int | None:
    found = next((c for c in classes if re.fullmatch(r"parent-pageid-\d+", c)), None)
    return int(found.rsplit("-", 1)[1]) if found else None


def _kind_from_markup(root: etree._Element) -> tuple[str, int | None, str]:
    """For a page without WordPress's body classes: one article with a comment section or
    ``og:type=article`` is a post; several are a listing."""
    articles = [a for a in markup.select(root, _ARTICLE) if not _inside_article(a)]
    og_type = markup.attribute(root, "meta[property='og:type']", "content") or ""
    commented = markup.first(root, "#comments, #respond, .commentlist, .comment-list, .wp-block-comments") is not None
    if len(articles) > 1 and og_type != "article":
        return "listing", None, ""
    if og_type == "article" or (len(articles) == 1 and commented):
        return "post", _item_id(root), "post"
    return "other", None, ""


def _inside_article(element: etree._Element) -> bool:
    return any(a.tag == "article" or "hentry" in markup.classes(a) for a in element.iterancestors())


def _item_id(root: etree._Element) -> int | None:
    for article in markup.select(root, "article[id^='post-'], div[id^='post-']"):
        found = re.fullmatch(r"post-(\d+)", article.get("id") or "")
        if found:
            return int(found.group(1))
    found_id = comment_post_id(root)
    if found_id is not None:
        return found_id
    shortlink = markup.attribute(root, "link[rel='shortlink']", "href") or ""
    found = re.search(r"[?&]p=(\d+)", shortlink)
    return int(found.group(1)) if found else None


def main_article(root: etree._Element, item_id: int | None) -> etree._Element:
    """The element that holds the item (``#post-N``, the first ``.hentry``), else ``<body>``."""
    if item_id is not None:
        found = markup.first(root, f"#post-{item_id}")
        if found is not None:
            return found
    for article in markup.select(root, _ARTICLE):
        if not _inside_article(article):
            return article
    main = markup.first(root, "main, #main, #content, .site-content")
    return main if main is not None else (root.find("body") if root.find("body") is not None else root)


def is_wordpress(root: etree._Element, classes: list[str]) -> bool:
    """Whether the page has the marks every WordPress page carries."""
    generator = markup.attribute(root, "meta[name='generator']", "content") or ""
    if "wordpress" in generator.lower():
        return True
    if any(re.fullmatch(r"(postid|page-id|attachmentid)-\d+|wp-custom-logo|wp-embed-responsive", c) for c in classes):
        return True
    head = root.find("head")
    text = etree.tostring(head, encoding="unicode") if head is not None else ""
    return bool(_WORDPRESS_MARKS.search(text)) or markup.first(root, ".hentry, .wp-block-post-content, .entry-content") is not None


def site_facts(root: etree._Element) -> SiteFacts:
    generator = markup.attribute(root, "meta[name='generator']", "content") or ""
    api = markup.attribute(root, "link[rel='https://api.w.org/']", "href")
    home = api.split("/wp-json", 1)[0] if api and "/wp-json" in api else None
    if home is None:
        home = markup.attribute(root, "a[rel~='home']", "href")
    title = markup.attribute(root, "meta[property='og:site_name']", "content") or markup.text(
        markup.first(root, ".site-title, #site-title, .wp-block-site-title, #blog-title, .blog-title")
    ) or document_title(root)[1]
    description = markup.text(markup.first(root, ".site-description, #site-description, .wp-block-site-tagline"))
    html = root if root.tag == "html" else root.getroottree().getroot()
    head = root.find("head")
    head_text = etree.tostring(head, encoding="unicode") if head is not None else ""
    return SiteFacts(
        home=_without_slash(home) if web_address(home) else None,
        title=title,
        description=description,
        language=(html.get("lang") or "").strip(),
        generator=generator,
        wordpress_com="wordpress.com" in generator.lower() or bool(re.search(r"\bs[0-2]\.wp\.com/", head_text)),
    )


def document_title(root: etree._Element) -> tuple[str, str]:
    """The ``<title>`` as ``(page title, site name)``: WordPress writes ``Post – Site`` (the
    separator varies with the theme and SEO plugin); the site name is empty when no separator is."""
    text = markup.text(root.find(".//title"))
    separators = list(_TITLE_SEPARATOR.finditer(text))
    if not separators:
        return text, ""
    return text[: separators[-1].start()], text[separators[-1].end() :]


def permalink(root: etree._Element, saved_from: str | None) -> str | None:
    """The canonical address: ``rel=canonical``, ``og:url``, else where the page was saved from."""
    for value in (
        markup.attribute(root, "link[rel='canonical']", "href"),
        markup.attribute(root, "meta[property='og:url']", "content"),
        saved_from,
    ):
        if web_address(value):
            return clean_address(value)
    return None


def clean_address(url: str) -> str:
    """``url`` without its fragment, ``replytocom`` query or ``comment-page-N/`` part."""
    url = urldefrag(url.strip())[0]
    parts = urlsplit(url)
    query = "&".join(p for p in parts.query.split("&") if p and not p.startswith(("replytocom=", "share=", "like_comment=")))
    path = COMMENT_PAGE.sub("/", parts.path)
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


def site_path(address: str | None, home: str) -> str:
    """``address`` relative to the site's ``home`` (``/2016/11/22/hello/``), as exports give ``path``."""
    if not address:
        return ""
    parts = urlsplit(address)
    base = urlsplit(home).path.rstrip("/")
    relative = parts.path[len(base):] if base and parts.path.startswith(base) else parts.path
    return (relative or "/") + (f"?{parts.query}" if parts.query else "")


def _without_slash(url: str) -> str:
    return url[:-1] if url.endswith("/") and url.count("/") > 2 else url


