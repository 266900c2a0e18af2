"""What a post page tells about its item around the content: dates, author, terms, image.

Themes print them in the byline and the entry footer (``the_date()``,
``the_author_posts_link()``, ``the_category()`` with ``rel="category tag"``,
``the_post_thumbnail()`` with ``wp-post-image``); WordPress core and SEO
plugins add ``article:published_time`` and JSON-LD in the head. Links are
read through the page's :meth:`PageDoc.address`, so a mirror's relative links
count as well as absolute ones.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit, urlunsplit

from lxml import etree
from slugify import slugify

from wpmigrate.model import Author, Term
from wpmigrate.readers.pages import dates, markup
from wpmigrate.readers.pages.documents import PageDoc

_AUTHOR_LINK = "a[rel~='author'], .author.vcard a, .byline a, .wp-block-post-author-name a, .wp-block-post-author__name a, .author a"
_AUTHOR_TEXT = ".wp-block-post-author-name, .wp-block-post-author__name, .author.vcard, .byline .author"
TERM_BASES = {"category": "category", "tag": "post_tag"}
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
_COMMENT_AREA = {"comments-area", "comment-list", "commentlist", "wp-block-comments", "comment"}


def path_segments(address: str | None) -> list[str]:
    """The decoded path segments of an address, without a mirror's ``index.html``."""
    segments = [unquote(s) for s in urlsplit(address or "").path.split("/") if s]
    return segments[:-1] if segments and segments[-1].lower() in ("index.html", "index.htm") else segments


# --------------------------------------------------------------------------- dates


def published(root: etree._Element, article: etree._Element, address: str | None) -> dates.PageDate | None:
    """When the item was published: the timestamps the page gives, else its text or URL date."""
    stamps = [dates.from_timestamp(v) for v in _stamps(root, article, _PUBLISHED_STAMPS)] + [
        dates.from_timestamp(_json_ld(root).get("datePublished"))
    ]
    found = [s for s in stamps if s is not None]
    if found:
        return _best(found, site_offset(root))
    for css in _DATE_TEXT:
        for element in outside_comments(markup.select(article, css)):
            text_date = dates.from_text(_date_text(element))
            if text_date is not None:
                return text_date
    match = _URL_DATE.search(urlsplit(address or "").path)
    return dates.PageDate(None, f"{match.group(1)}-{match.group(2)}-{match.group(3)}T00:00:00") if match else None


def modified(root: etree._Element, article: etree._Element) -> dates.PageDate | None:
    """When the item was last changed, where the page says it."""
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


def _date_text(element: etree._Element) -> str:
    """The element's date text, with the time Twenty Ten and its heirs put in the link's
    title (``<a title="7:40 pm" rel="bookmark"><span class="entry-date">March 5, 2011</span></a>``)."""
    text = markup.text(element)
    link = element.getparent()
    title = (link.get("title") or "").strip() if link is not None and link.tag == "a" else ""
    return f"{text} {title}" if _CLOCK.fullmatch(title) else text


def _stamps(root, article, table) -> list[str]:
    values = []
    for css, name in table:
        scope = root if css.startswith("meta") else article
        for element in outside_comments(markup.select(scope, css)):
            value = (element.get(name) or "").strip()
            if value:
                values.append(value)
                break
    return values


def outside_comments(elements: list[etree._Element]) -> list[etree._Element]:
    """``elements`` less those in a comment section (a comment's time is not the post's)."""
    return [e for e in elements if not any(_is_comment_area(a) for a in e.iterancestors())]


def _is_comment_area(element: etree._Element) -> bool:
    return element.get("id") == "comments" or bool(set(markup.classes(element)) & _COMMENT_AREA)


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


# --------------------------------------------------------------------------- terms and author


def term_links(article: etree._Element, doc: PageDoc) -> list[Term]:
    """The item's categories and tags, from its term links (``rel="category tag"`` and the
    block themes' ``wp-block-post-terms taxonomy-X``)."""
    terms, seen = [], set()
    for link in outside_comments(markup.select(article, "a[rel~='tag'], .wp-block-post-terms a")):
        term = _term_from_link(link, doc)
        if term is not None and (term.taxonomy, term.slug) not in seen:
            seen.add((term.taxonomy, term.slug))
            terms.append(term)
    return terms


def class_terms(article: etree._Element, known: list[Term]) -> list[Term]:
    """Terms ``post_class()`` names on the article (``category-asia tag-japan``) that no link
    showed: themes that print no tag links still class the post. The slug only; its name comes
    from another page that links it, else stays the slug. A number may be a term id
    (``sanitize_html_class`` falls back to it), so it is left alone."""
    have = {(t.taxonomy, t.slug) for t in known}
    found = []
    for name in markup.classes(article):
        prefix, _, slug = name.partition("-")
        taxonomy = {"category": "category", "tag": "post_tag"}.get(prefix)
        if taxonomy and slug and not slug.isdigit() and (taxonomy, slug) not in have:
            have.add((taxonomy, slug))
            found.append(Term(taxonomy, slug, ""))
    return found


def _term_from_link(link: etree._Element, doc: PageDoc) -> Term | None:
    segments = path_segments(doc.address(link.get("href")))
    if not segments:
        return None
    taxonomy = _link_taxonomy(link, segments)
    if taxonomy is None:
        return None
    bases = [n for n, s in enumerate(segments) if s in TERM_BASES]
    chain = segments[bases[0] + 1 :] if bases and bases[0] + 1 < len(segments) else segments[-1:]
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
        if segment in TERM_BASES:
            return TERM_BASES[segment]
    return "post_tag" if "tag" in rel else None


def author_of(root: etree._Element, article: etree._Element, doc: PageDoc) -> Author | None:
    """The item's author: an ``/author/login/`` link by the item (the byline), else a byline name."""
    for scope in (article, root):
        links = markup.select(scope, _AUTHOR_LINK) + markup.select(scope, "a[href*='author']")
        for link in outside_comments(links):
            login = author_login(doc.address(link.get("href")))
            if login and markup.text(link):
                return Author(login=login, display_name=markup.text(link))
    name = markup.text(markup.first(article, _AUTHOR_TEXT)) or _json_ld_author(root) or (
        markup.attribute(root, "meta[name='author']", "content") or ""
    )
    if not name:
        return None
    return Author(login=slugify(name) or name, display_name=name)


def archive_segments(address: str | None) -> list[str]:
    """:func:`path_segments` of an archive's address, without its ``page/N`` part."""
    segments = path_segments(address)
    return segments[:-2] if len(segments) > 2 and segments[-2] == "page" else segments


def author_login(address: str | None) -> str | None:
    """``jane`` for ``https://blog.example/author/jane/`` (and its ``page/2/``)."""
    segments = archive_segments(address)
    return segments[-1] if len(segments) >= 2 and segments[-2] == "author" else None


def _json_ld_author(root: etree._Element) -> str:
    author = _json_ld(root).get("author")
    if isinstance(author, list):
        author = author[0] if author else None
    if isinstance(author, dict):
        return str(author.get("name") or "")
    return author if isinstance(author, str) else ""


@dataclass(frozen=True)
class Featured:
    """An item's featured image: its file's address, and the attachment's id and title where
    Jetpack's markup gives them (``data-attachment-id``, ``data-image-title``)."""

    url: str
    id: int | None = None
    title: str = ""


def featured_image(article: etree._Element, doc: PageDoc) -> Featured | None:
    """The item's featured image (``the_post_thumbnail()``): the original file (Jetpack's
    ``data-orig-file``), else the shown one without the resizing query WordPress.com and
    Jetpack's image CDN add (``?w=640``)."""
    image = markup.first(article, _FEATURED)
    if image is None:
        return None
    source = doc.address(image.get("data-orig-file") or image.get("src"))
    if not source:
        return None
    parts = urlsplit(source)
    query = "&".join(p for p in parts.query.split("&") if p and p.split("=")[0] not in _RESIZE)
    number = (image.get("data-attachment-id") or "").strip()
    return Featured(urlunsplit((parts.scheme, parts.netloc, parts.path, query, "")),
                    int(number) if number.isdigit() else None, (image.get("data-image-title") or "").strip())
