"""What archive and listing pages tell: the site's terms and authors, never posts.

A category, tag or author archive names its term or author (the heading,
``get_the_archive_title()``), gives a term's description, and its body
classes give their ids (``category-7``, ``author-3``). The excerpts listed
on any archive or on the home page carry their posts' bylines and term links.
"""

from __future__ import annotations

import re

from lxml import etree

from wpmigrate.model import Author, Term
from wpmigrate.readers.pages import byline, markup
from wpmigrate.readers.pages.documents import PageDoc

_ARCHIVE_PREFIX = re.compile(
    r"^(?:Category|Tag|Author|Archives?|Tag Archives|Category Archives|Author Archives)\s*:\s*", re.I
)
_HEADING = ".page-title, .archive-title, .wp-block-query-title, h1"
_DESCRIPTION = (".taxonomy-description, .archive-description, .term-description, .wp-block-term-description, "
                ".archive-subtitle")
_EXCERPTS = "article, .hentry, .wp-block-post"
#: The body class prefix of each archive kind: ``category-7``, ``tag-4``, ``term-9``.
_CLASS_PREFIX = {"category": "category-", "post_tag": "tag-", "taxonomy": "term-"}


def archive_term(root: etree._Element, kind: str, classes: list[str], address: str | None) -> Term | None:
    """The term a category, tag or taxonomy archive shows, with its id, name and description."""
    segments = byline.archive_segments(address)
    taxonomy = kind if kind != "taxonomy" else next(
        (c.removeprefix("tax-") for c in classes if c.startswith("tax-")), "taxonomy"
    )
    base = {"category": "category", "post_tag": "tag"}.get(kind)
    chain = segments[segments.index(base) + 1 :] if base in segments else segments[-1:]
    if not chain:
        return None
    name = _heading_name(root)
    return Term(taxonomy, chain[-1], name.strip("“”\"' ") or chain[-1], id=_class_number(classes, _CLASS_PREFIX[kind]),
                parent=chain[-2] if len(chain) > 1 else None,
                description=markup.text(markup.first(root, _DESCRIPTION)))


def archive_author(root: etree._Element, classes: list[str], address: str | None) -> Author | None:
    """The author an author archive shows, with the id its body class gives."""
    login = byline.author_login(address) or next(
        (c.removeprefix("author-") for c in classes if c.startswith("author-") and not c[7:].isdigit()), None
    )
    if not login:
        return None
    heading = markup.first(root, ".page-title .vcard, .archive-title .vcard, " + _HEADING)
    name = _ARCHIVE_PREFIX.sub("", markup.text(heading)) if heading is not None else ""
    return Author(login=login, id=_class_number(classes, "author-"), display_name=name or login)


def _heading_name(root: etree._Element) -> str:
    """The archive's name from its heading: the last ``span`` of ``get_the_archive_title()``
    (``Category: <span>Journeys</span>``; the prefix is translated), else the text less an
    English prefix."""
    heading = markup.first(root, _HEADING)
    if heading is None:
        return ""
    spans = list(heading.iter("span"))
    return markup.text(spans[-1]) if spans else _ARCHIVE_PREFIX.sub("", markup.text(heading))


def listed(root: etree._Element, doc: PageDoc) -> tuple[list[Term], list[Author]]:
    """The terms and authors of the excerpts a listing shows."""
    terms: dict[tuple[str, str], Term] = {}
    authors: dict[str, Author] = {}
    for excerpt in markup.select(root, _EXCERPTS):
        if any(a.tag == "article" or "hentry" in markup.classes(a) for a in excerpt.iterancestors()):
            continue
        for term in byline.term_links(excerpt, doc):
            terms.setdefault((term.taxonomy, term.slug), term)
        author = byline.author_of(excerpt, excerpt, doc)
        if author is not None:
            authors.setdefault(author.login, author)
    return list(terms.values()), list(authors.values())


def _class_number(classes: list[str], prefix: str) -> int | None:
    for name in classes:
        rest = name.removeprefix(prefix)
        if rest != name and rest.isdigit():
            return int(rest)
    return None
