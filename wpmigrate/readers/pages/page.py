"""What one rendered page is: its kind, the post or term it shows, and the site around it.

WordPress tells most of it in the markup it always prints: ``body_class()``
(``single postid-12``, ``page page-id-2``, ``category category-asia``,
``author author-jane``, ``home blog``), the canonical link, the REST API link
that names the site's home, the generator meta. Themes add the rest (an
``article#post-12``, ``rel="category tag"`` links, ``/author/login/`` links).
:func:`look` reads just that: cheap enough to run over a whole mirror first.
"""

from __future__ import annotations

import json
from collections import Counter
import re
from dataclasses import dataclass, field, replace
from urllib.parse import unquote, urldefrag, urlsplit, urlunsplit

from lxml import etree
from slugify import slugify

from wpmigrate.model import Author, Term, TermRef
from wpmigrate.readers.pages import dates, markup
from wpmigrate.readers.pages.comments import comment_post_id
from wpmigrate.readers.pages.documents import PageDoc

#: Page kinds that hold an item of the site; the others only tell of terms and authors.
ITEM_KINDS = ("post", "page")
_ARTICLE = "article.hentry, article.post, article.page, article.type-page, article[id^='post-'], div.hentry, div[id^='post-'], .wp-block-post"
TITLE = ".entry-title, .post-title, .wp-block-post-title, .storytitle, h1.title"
_AUTHOR_LINK = "a[rel~='author'], .author.vcard a, .byline a, .wp-block-post-author-name a, .wp-block-post-author__name a, .author a"
_AUTHOR_TEXT = ".wp-block-post-author-name, .wp-block-post-author__name, .author.vcard, .byline .author"
_AUTHOR_PATH = re.compile(r"/author/([^/?#]+)/?$")
_TERM_BASES = {"category": "category", "tag": "post_tag"}
_PUBLISHED_STAMPS = (
    ("meta[property='article:published_time']", "content"),
    ("time.entry-date[datetime], time.published[datetime], .wp-block-post-date time[datetime], "
     "time[itemprop='datePublished'], .posted-on time[datetime], .entry-meta time[datetime], time[datetime]", "datetime"),
    ("abbr.published[title]", "title"),
    ("meta[itemprop='datePublished']", "content"),
)
_MODIFIED_STAMPS = (
    ("meta[property='article:modified_time']", "content"),
    ("time.updated[datetime], .wp-block-post-date__modified-date time[datetime], time[itemprop='dateModified']", "datetime"),
)
#: Where themes print the date as text, most specific first.
_DATE_TEXT = (".entry-date", ".posted-on", ".post-date", ".postdate", ".date", ".entry-meta")
_FEATURED = "img.wp-post-image, .wp-block-post-featured-image img, .post-thumbnail img, .featured-image img"
_RESIZE = {"w", "h", "resize", "fit", "crop", "ssl", "quality", "zoom", "strip"}
_CLOCK = re.compile(r"\d{1,2}:\d\d(?::\d\d)?\s*(?:[ap]\.?m\.?)?", re.IGNORECASE)
_URL_DATE = re.compile(r"/((?:19|20)\d\d)/(0[1-9]|1[0-2])/(0[1-9]|[12]\d|3[01])/")
_COMMENT_PAGE = re.compile(r"/comment-page-\d+/?$")
_PAGED = re.compile(r"/page/(\d+)/?$")
_ARCHIVE_PREFIX = re.compile(r"^(?:Category|Tag|Author|Archives?|Tag Archives|Category Archives|Author Archives)\s*:\s*", re.I)
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
    #: Item pages whose address the page was saved from, when it is not the permalink.
    aliases: tuple[str, ...] = field(default_factory=tuple)
    #: The item's featured image (``the_post_thumbnail()``), its file's address.
    featured: str | None = None

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
        return replace(facts, date=published(root, article, address),
                        terms=tuple(term_links(article)), authors=tuple(filter(None, [author_of(root, article)])),
                        aliases=_aliases(doc.url, address), featured=featured_image(article))
    if kind in ("category", "post_tag", "taxonomy"):
        return replace(facts, terms=tuple(filter(None, [_archive_term(root, kind, classes, address)])))
    if kind == "author":
        return replace(facts, authors=tuple(filter(None, [_archive_author(root, classes, address)])))
    return facts


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
    )
    description = markup.text(markup.first(root, ".site-description, #site-description, .wp-block-site-tagline"))
    html = root if root.tag == "html" else root.getroottree().getroot()
    head = root.find("head")
    head_text = etree.tostring(head, encoding="unicode") if head is not None else ""
    return SiteFacts(
        home=_without_slash(home) if home and home.startswith(("http://", "https://")) else None,
        title=title,
        description=description,
        language=(html.get("lang") or "").strip(),
        generator=generator,
        wordpress_com="wordpress.com" in generator.lower() or bool(re.search(r"\bs[0-2]\.wp\.com/", head_text)),
    )


def permalink(root: etree._Element, saved_from: str | None) -> str | None:
    """The canonical address: ``rel=canonical``, ``og:url``, else where the page was saved from."""
    for value in (
        markup.attribute(root, "link[rel='canonical']", "href"),
        markup.attribute(root, "meta[property='og:url']", "content"),
        saved_from,
    ):
        if value and value.startswith(("http://", "https://")):
            return clean_address(value)
    return None


def clean_address(url: str) -> str:
    """``url`` without its fragment, ``replytocom`` query or ``comment-page-N/`` part."""
    url = urldefrag(url.strip())[0]
    parts = urlsplit(url)
    query = "&".join(p for p in parts.query.split("&") if p and not p.startswith(("replytocom=", "share=", "like_comment=")))
    path = _COMMENT_PAGE.sub("/", parts.path)
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


def site_path(address: str | None, home: str) -> str:
    """``address`` relative to the site's ``home`` (``/2016/11/22/hello/``), as exports give ``path``."""
    if not address:
        return ""
    parts = urlsplit(address)
    base = urlsplit(home).path.rstrip("/")
    relative = parts.path[len(base):] if base and parts.path.startswith(base) else parts.path
    return (relative or "/") + (f"?{parts.query}" if parts.query else "")


def _aliases(saved_from: str | None, address: str | None) -> tuple[str, ...]:
    if saved_from and address and clean_address(saved_from) != address:
        return (clean_address(saved_from),)
    return ()


def _without_slash(url: str) -> str:
    return url[:-1] if url.endswith("/") and url.count("/") > 2 else url


def published(root: etree._Element, article: etree._Element, address: str | None) -> dates.PageDate | None:
    """When the item was published: the timestamps the page gives, else its text or URL date."""
    stamps = [dates.from_timestamp(v) for v in _stamps(root, article, _PUBLISHED_STAMPS)] + [
        dates.from_timestamp(_json_ld(root).get("datePublished"))
    ]
    found = [s for s in stamps if s is not None]
    if found:
        return _best(found, site_offset(root))
    for css in _DATE_TEXT:
        for element in _outside_comments(markup.select(article, css)):
            text_date = dates.from_text(_date_text(element))
            if text_date is not None:
                return text_date
    match = _URL_DATE.search(urlsplit(address or "").path)
    return dates.PageDate(None, f"{match.group(1)}-{match.group(2)}-{match.group(3)}T00:00:00") if match else None


def _date_text(element: etree._Element) -> str:
    """The element's date text, with the time Twenty Ten and its heirs put in the link's
    title (``<a title="7:40 pm" rel="bookmark"><span class="entry-date">March 5, 2011</span></a>``)."""
    text = markup.text(element)
    link = element.getparent()
    title = (link.get("title") or "").strip() if link is not None and link.tag == "a" else ""
    return f"{text} {title}" if _CLOCK.fullmatch(title) else text


def modified(root: etree._Element, article: etree._Element) -> dates.PageDate | None:
    stamps = [dates.from_timestamp(v) for v in _stamps(root, article, _MODIFIED_STAMPS)]
    stamps.append(dates.from_timestamp(_json_ld(root).get("dateModified")))
    found = [s for s in stamps if s is not None]
    return _best(found, site_offset(root)) if found else None


def site_offset(root: etree._Element):
    """The site's UTC offset: the one most of the page's local timestamps carry (themes print
    post and comment times in the site's zone; Open Graph tags are often in UTC)."""
    offsets = Counter(
        stamp.offset for element in markup.select(root, "time[datetime]")
        if (stamp := dates.from_timestamp(element.get("datetime"))) is not None and stamp.offset
    )
    return sorted(offsets.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if offsets else None


def _stamps(root, article, table) -> list[str]:
    values = []
    for css, name in table:
        scope = root if css.startswith("meta") else article
        for element in _outside_comments(markup.select(scope, css)):
            value = (element.get(name) or "").strip()
            if value:
                values.append(value)
                break
    return values


def _outside_comments(elements: list[etree._Element]) -> list[etree._Element]:
    """``elements`` less those in a comment section (a comment's time is not the post's)."""
    return [e for e in elements if not any(_is_comment_area(a) for a in e.iterancestors())]


def _is_comment_area(element: etree._Element) -> bool:
    return element.get("id") == "comments" or bool(
        set(markup.classes(element)) & {"comments-area", "comment-list", "commentlist", "wp-block-comments", "comment"}
    )


def _best(found: list[dates.PageDate], offset) -> dates.PageDate:
    """The UTC time of the first that has one, and the local time of one given in a non-zero
    offset, else computed from the site's ``offset``."""
    utc = next((d.utc for d in found if d.utc), None)
    zoned = next((d for d in found if d.offset), None)
    if zoned is not None:
        return dates.PageDate(utc or zoned.utc, zoned.local, zoned.offset)
    if utc is not None and offset:
        return dates.in_zone(dates.PageDate(utc, None), offset)
    return next((d for d in found if d.utc), found[0])


def _json_ld(root: etree._Element) -> dict:
    """The page's JSON-LD article (Yoast, Jetpack, themes), or an empty dict."""
    for script in markup.select(root, "script[type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        for node in _nodes(data):
            kind = node.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(k in ("BlogPosting", "Article", "NewsArticle", "TechArticle") for k in kinds):
                return node
    return {}


def _nodes(data) -> list[dict]:
    if isinstance(data, list):
        return [n for item in data for n in _nodes(item)]
    if isinstance(data, dict):
        return [data, *_nodes(data.get("@graph", []))]
    return []


def term_links(article: etree._Element) -> list[Term]:
    """The item's categories and tags, from its term links (``rel="category tag"`` and the
    block themes' ``wp-block-post-terms taxonomy-X``)."""
    terms, seen = [], set()
    for link in markup.select(article, "a[rel~='tag'], .wp-block-post-terms a"):
        term = _term_from_link(link)
        if term is not None and (term.taxonomy, term.slug) not in seen:
            seen.add((term.taxonomy, term.slug))
            terms.append(term)
    return terms


def _term_from_link(link: etree._Element) -> Term | None:
    href = link.get("href") or ""
    segments = [unquote(s) for s in urlsplit(href).path.split("/") if s]
    if not segments:
        return None
    taxonomy = _link_taxonomy(link, segments)
    if taxonomy is None:
        return None
    base = segments.index(next((s for s in segments if s in _TERM_BASES), segments[-1]))
    chain = segments[base + 1 :] if segments[base] in _TERM_BASES else segments[-1:]
    chain = chain or segments[-1:]
    return Term(taxonomy, chain[-1], markup.text(link), parent=chain[-2] if len(chain) > 1 else None)


def _link_taxonomy(link: etree._Element, segments: list[str]) -> str | None:
    for ancestor in link.iterancestors():
        for klass in markup.classes(ancestor):
            if klass.startswith("taxonomy-"):
                return klass.removeprefix("taxonomy-")
    rel = (link.get("rel") or "").split()
    if "category" in rel:
        return "category"
    for segment in segments:
        if segment in _TERM_BASES:
            return _TERM_BASES[segment]
    return "post_tag" if "tag" in rel else None


def author_of(root: etree._Element, article: etree._Element) -> Author | None:
    """The item's author: an ``/author/login/`` link by the item (the byline), else a byline name."""
    for scope in (article, root):
        for link in _outside_comments(markup.select(scope, _AUTHOR_LINK) + markup.select(scope, "a[href*='/author/']")):
            found = _AUTHOR_PATH.search(urlsplit(link.get("href") or "").path)
            if found and markup.text(link):
                return Author(login=unquote(found.group(1)), display_name=markup.text(link))
    name = markup.text(markup.first(article, _AUTHOR_TEXT)) or _json_ld_author(root) or (
        markup.attribute(root, "meta[name='author']", "content") or ""
    )
    if not name:
        return None
    return Author(login=slugify(name) or name, display_name=name)


def _json_ld_author(root: etree._Element) -> str:
    author = _json_ld(root).get("author")
    if isinstance(author, list):
        author = author[0] if author else None
    if isinstance(author, dict):
        return str(author.get("name") or "")
    return author if isinstance(author, str) else ""


def _archive_term(root, kind: str, classes: list[str], address: str | None) -> Term | None:
    segments = [unquote(s) for s in urlsplit(address or "").path.split("/") if s]
    segments = segments[: -2] if len(segments) > 2 and segments[-2] == "page" else segments
    taxonomy = {"category": "category", "post_tag": "post_tag"}.get(kind) or next(
        (c.removeprefix("tax-") for c in classes if c.startswith("tax-")), "taxonomy"
    )
    base = {"category": "category", "post_tag": "tag"}.get(kind)
    chain = segments[segments.index(base) + 1 :] if base in segments else segments[-1:]
    if not chain:
        return None
    heading = markup.first(root, ".page-title, .archive-title, .wp-block-query-title, h1")
    inner = markup.first(heading, "span") if heading is not None else None
    name = markup.text(inner) if inner is not None else _ARCHIVE_PREFIX.sub("", markup.text(heading))
    description = markup.text(markup.first(root, ".taxonomy-description, .archive-description, .term-description, .wp-block-term-description"))
    return Term(taxonomy, chain[-1], name.strip("“”\"' ") or chain[-1], parent=chain[-2] if len(chain) > 1 else None,
                description=description)


def featured_image(article: etree._Element) -> str | None:
    """The address of the item's featured image file, without the resizing query WordPress.com
    and Jetpack's image CDN add (``?w=640``)."""
    image = markup.first(article, _FEATURED)
    source = (image.get("src") or "").strip() if image is not None else ""
    if not source.startswith(("http://", "https://")):
        return None
    parts = urlsplit(source)
    query = "&".join(p for p in parts.query.split("&") if p and p.split("=")[0] not in _RESIZE)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def _archive_author(root, classes: list[str], address: str | None) -> Author | None:
    found = _AUTHOR_PATH.search(re.sub(r"page/\d+/?$", "", urlsplit(address or "").path))
    login = unquote(found.group(1)) if found else next(
        (c.removeprefix("author-") for c in classes if c.startswith("author-") and not c[7:].isdigit()), None
    )
    if not login:
        return None
    heading = markup.first(root, ".page-title .vcard, .archive-title .vcard, .page-title, .archive-title, h1")
    name = _ARCHIVE_PREFIX.sub("", markup.text(heading)) if heading is not None else ""
    number = next((int(c[7:]) for c in classes if c.startswith("author-") and c[7:].isdigit()), None)
    return Author(login=login, id=number, display_name=name or login)


def term_refs(terms: tuple[Term, ...]) -> tuple[TermRef, ...]:
    return tuple(TermRef(t.taxonomy, t.slug, t.name) for t in terms)
