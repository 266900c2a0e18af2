"""One site from many pages: which pages count, which are the same item, and the header.

Pages are read twice. First every page is looked at (:func:`page.look`): its
kind, item id, address, terms and authors; that decides the site (the home
the pages name most), drops pages of other sites, groups the pages of each
item, and gathers the categories, tags and authors (archive pages give their
names and descriptions; listing pages are used only for that). Then the
converter's workers read each item from its own pages (:mod:`item`), so only
one item's pages are in memory at a time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import partial
from itertools import count
from typing import Any
from urllib.parse import unquote, urlsplit

from wpmigrate.diagnostics import Diagnostics
from wpmigrate.errors import InputError, NotWXRError
from wpmigrate.model import Attachment, Author, Export, Post, Site, Term, TermRef
from wpmigrate.parallel import Workers, ordered_map
from wpmigrate.readers.limits import DEFAULT_MAX_ITEM_BYTES
from wpmigrate.readers.pages import markup, page
from wpmigrate.readers.pages.byline import Featured
from wpmigrate.readers.pages.documents import DamagedRecord, PageDoc, documents, input_kind
from wpmigrate.readers.pages.item import ItemFinisher, ItemPages, SiteContext
from wpmigrate.readers.pages.page import PageFacts


class PageReader:
    """A site read from its pages, with the interface of the WXR reader's ``RunReader``."""

    def __init__(self, export: Export, units: list[ItemPages], finish: ItemFinisher) -> None:
        self.export = export
        self.finish = finish
        self._units = units

    def results(self, work: Callable[[ItemPages], list[Any] | None], jobs: int) -> Iterator[Any]:
        """``work`` over every item on ``jobs`` processes, flattened, in order."""
        with Workers(work, jobs) as workers:
            for result in workers.map(self._units):
                yield from result or ()


def read_pages(inputs: list[str], diagnostics: Diagnostics | None = None,
               max_item_bytes: int = DEFAULT_MAX_ITEM_BYTES, jobs: int = 1) -> PageReader:
    """Open the site the pages of ``inputs`` show (see the module docstring), looking at the
    pages on ``jobs`` processes; a page longer than ``max_item_bytes`` stops the reading
    (readers/limits.py)."""
    diagnostics = diagnostics if diagnostics is not None else Diagnostics()
    looks = list(_look_all(inputs, diagnostics, max_item_bytes, jobs))
    wordpress = [f for f in looks if f.is_wordpress]
    if not wordpress:
        raise _not_wordpress(inputs, looks)
    home = _home(wordpress)
    own = _own_pages(wordpress, home, diagnostics)
    items = [f for f in own if f.kind in page.ITEM_KINDS]
    if not items:
        diagnostics.warn(
            "page-no-items",
            f"{len(own)} WordPress page(s), but none shows a post or a page: only the site, its "
            "terms and authors are read (archive and listing pages never become posts; give the "
            "pages of single posts, or a mirror of the whole site)",
        )
    site = _site(own, home)
    terms = _terms(own)
    units = _units(items, home, {(t.taxonomy, t.slug): t.name for t in terms}, diagnostics)
    authors = _authors(own)
    user_ids = {a.login: a.id for a in authors if a.id is not None}
    context = SiteContext(home, _offset(items), any(f.site.wordpress_com for f in own), user_ids, max_item_bytes)
    attachments = {u.featured.id: Attachment(u.featured.attachment_url or "", u.id, u.featured.title)
                   for u in units if u.featured}
    export = Export(site=site, authors=authors, terms=terms, posts=iter(()), attachments=attachments)
    return PageReader(export, _with_attachments(units), ItemFinisher(context))


def _look_all(inputs: list[str], diagnostics: Diagnostics, limit: int, jobs: int) -> Iterator[PageFacts]:
    """Every page of ``inputs`` looked at, in order; those that cannot be read reported."""
    docs = (doc for name in inputs for doc in documents(name, _kind(name), diagnostics))
    for doc, looked in ordered_map(partial(_look, limit=limit), docs, jobs):
        if isinstance(looked, PageFacts):
            yield looked
        else:
            diagnostics.warn("page-unreadable", f"{looked}; skipped", file=doc.name)


def _kind(name: str) -> str:
    kind = input_kind(name)
    if kind is None:
        raise InputError(f"{name}: not an HTML page, a mirror folder or a WARC file",
                         hint="give WordPress export files, or pages of the blog, not both")
    return kind


def _look(doc: PageDoc, limit: int) -> tuple[PageDoc, PageFacts | str]:
    """The page at a glance, or why it cannot be read (anywhere: a worker process)."""
    try:
        return doc, page.look(doc, markup.parse(doc.load(limit), doc.charset))
    except (OSError, DamagedRecord) as exc:
        return doc, str(exc)


def _not_wordpress(inputs: list[str], looks: list[PageFacts]) -> NotWXRError:
    if not looks:
        return NotWXRError(f"{', '.join(inputs)}: no HTML page found",
                           hint="give a saved page of the blog, a folder it was mirrored to, or a WARC of it; "
                           "for a folder of exports, use `wpmigrate batch`")
    return NotWXRError(
        f"{', '.join(inputs)}: not a WordPress page (an HTML page without WordPress's marks: "
        "wp-content links, the generator tag, post or page classes)",
        hint="wpmigrate reads WordPress exports (Tools > Export) and pages rendered by WordPress",
    )


def _home(looks: list[PageFacts]) -> str:
    """The site's home: of the homes the pages name, the one most pages' addresses are under
    (then the one named most); else the origin of most addresses."""
    named = Counter(f.site.home for f in looks if f.site.home)
    hosts = Counter(urlsplit(f.address).hostname for f in looks if f.address)
    if named:
        best = max(sorted(named), key=lambda home: (hosts[urlsplit(home).hostname], named[home]))
        if hosts[urlsplit(best).hostname] or not hosts:
            return best
    origins = Counter(_origin(f.address) for f in looks if f.address)
    return max(sorted(origins), key=lambda origin: origins[origin]) if origins else ""


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _own_pages(looks: list[PageFacts], home: str, diagnostics: Diagnostics) -> list[PageFacts]:
    """The pages of the site at ``home``; the others are counted in one warning."""
    host = urlsplit(home).hostname
    own, other = [], Counter()
    for facts in looks:
        where = urlsplit(facts.address or "").hostname
        if host and where and where != host:
            other[where] += 1
        else:
            own.append(facts)
    if other:
        hosts = ", ".join(f"{h} ({n})" for h, n in sorted(other.items()))
        diagnostics.warn("page-other-site", f"{sum(other.values())} page(s) of other sites left out: {hosts}")
    return own


def _site(looks: list[PageFacts], home: str) -> Site:
    first = looks[0].site
    home_page = next((f.site for f in looks if f.address and f.address.rstrip("/") == home.rstrip("/")), first)
    return Site(
        title=home_page.title or first.title,
        link=home,
        description=home_page.description or first.description,
        language=home_page.language or first.language,
        base_site_url=home,
        base_blog_url=home,
        generator=first.generator,
    )


def _units(items: list[PageFacts], home: str, names: dict[tuple[str, str], str],
           diagnostics: Diagnostics) -> list[ItemPages]:
    """The pages of each item grouped, in date order; ids given to the items, featured images
    and comments no page numbered, after the highest the pages use."""
    known = [f.item_id for f in items] + [f.featured.id for f in items if f.featured]
    numbers = count(max((n for n in known if n is not None), default=0) + 1)
    made = []
    for group in _groups(items):
        item_id = group[0].item_id
        if item_id is None:
            item_id = next(numbers)
            diagnostics.warn("page-no-id", f"the page names no post id; numbered {item_id}", file=group[0].doc.name)
        featured = next((f.featured for f in group if f.featured), None)
        made.append((_unit(item_id, group, names), featured, sum(f.comment_numbers[1] for f in group)))
    made.sort(key=lambda m: _order(m[0]))
    free = max((f.comment_numbers[0] for f in items), default=0) + 1
    units = []
    for unit, featured, unnumbered in made:
        attachment = None
        if featured is not None:
            number = featured.id if featured.id is not None else next(numbers)
            attachment = _attachment(featured, unit.id, number, home)
        units.append(replace(unit, featured=attachment, first_free_comment_id=free))
        free += unnumbered
    return units


def _groups(items: list[PageFacts]) -> list[list[PageFacts]]:
    """The pages of each item: those naming one id, and those at the address of one."""
    groups: dict[str, list[PageFacts]] = {}
    by_address = {f.address: f.key for f in items if f.item_id is not None and f.address}
    for facts in items:
        key = facts.key if facts.item_id is not None else by_address.get(facts.address, facts.key)
        groups.setdefault(key, []).append(facts)
    return list(groups.values())


def _attachment(featured: Featured, parent: int, number: int, home: str) -> Post:
    """A featured image as the attachment item WordPress keeps it as (``_thumbnail_id`` names
    it), so that a WXR file written from the site imports the image too."""
    url = featured.url
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    return Post(id=number, type="attachment", status="inherit", title=featured.title or name.rsplit(".", 1)[0],
                slug=name, link=url, path=page.site_path(url, home), guid=url, parent=parent, attachment_url=url)


def _with_attachments(units: list[ItemPages]) -> list[ItemPages | Post]:
    """Each item followed by its featured image's attachment."""
    return [part for unit in units for part in ((unit, unit.featured) if unit.featured else (unit,))]


def _unit(item_id: int, group: list[PageFacts], names: dict[tuple[str, str], str]) -> ItemPages:
    terms: dict[tuple[str, str], TermRef] = {}
    author = None
    for facts in group:
        for term in facts.terms:
            key = (term.taxonomy, term.slug)
            terms.setdefault(key, TermRef(term.taxonomy, term.slug, names.get(key) or term.name or term.slug))
        author = author or next((a.login for a in facts.authors), None)
    first = group[0]
    address = min((f.address for f in group if f.address), key=_address_preference, default=None)
    return ItemPages(item_id, first.kind, first.item_type, address, tuple(f.doc for f in group),
                     tuple(sorted(terms.values(), key=lambda t: (t.taxonomy, t.slug))), author,
                     _sort_date(group), parent=next((f.parent for f in group if f.parent), None))


def _address_preference(address: str) -> tuple[bool, int]:
    """Pretty permalinks before ``?p=12`` forms, then the shorter."""
    return ("?" in address, len(address))


def _sort_date(group: list[PageFacts]) -> str:
    date = next((f.date for f in group if f.date), None)
    return (date.utc or date.local or "") if date else ""


def _order(unit: ItemPages) -> tuple:
    return (unit.sort_date, unit.id)


def _offset(items: list[PageFacts]):
    offsets = Counter(f.date.offset for f in items if f.date and f.date.offset is not None)
    return sorted(offsets.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if offsets else None


def _authors(looks: list[PageFacts]) -> tuple[Author, ...]:
    """The authors the pages name, each with the id its archive page gave, else one after those."""
    found: dict[str, Author] = {}
    for facts in looks:
        for author in facts.authors:
            known = found.get(author.login)
            if known is None or facts.kind == "author":
                found[author.login] = replace(author, id=author.id if author.id is not None else (known and known.id))
    authors = sorted(found.values(), key=lambda a: a.login)
    numbers = count(max((a.id for a in authors if a.id is not None), default=0) + 1)
    return tuple(a if a.id is not None else replace(a, id=next(numbers)) for a in authors)


def _terms(looks: list[PageFacts]) -> tuple[Term, ...]:
    """Every term the pages name, what each page tells of it merged (an archive page gives the
    id and description, a post's link the name)."""
    found: dict[tuple[str, str], Term] = {}
    for facts in looks:
        for term in facts.terms:
            key = (term.taxonomy, term.slug)
            found[key] = _merged(found[key], term) if key in found else term
    return tuple(sorted((replace(t, name=t.name or t.slug) for t in found.values()), key=lambda t: (t.taxonomy, t.slug)))


def _merged(known: Term, other: Term) -> Term:
    """``known`` with what it lacks taken from ``other``."""
    return Term(known.taxonomy, known.slug, known.name or other.name,
                id=known.id if known.id is not None else other.id, parent=known.parent or other.parent,
                description=known.description or other.description)
