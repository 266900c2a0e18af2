"""The streaming WXR reader: header eagerly, items one at a time.

Each document is parsed strictly first (fast, and most exports are fine).
When that fails, it is parsed again through the repairing stream, which fixes
the quirks WordPress is known to write; items already yielded are skipped, so
the consumer sees each item once. Damage no repair can fix stops the read
with :class:`MalformedInputError`, or, with ``recover=True``, hands over to
the salvager, which keeps every item that is complete on its own.

:func:`read_runs` is the converter's way in: documents are cut into runs of
items that the caller's worker processes parse (runs.py), and streamed as
above only from the first run libxml2 refuses.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TypeVar, Union

from lxml import etree

from wpmigrate.diagnostics import Diagnostic, Diagnostics
from wpmigrate.errors import MalformedInputError
from wpmigrate.model import Author, Export, Post, Site, Term
from wpmigrate.parallel import Workers
from wpmigrate.readers import elements
from wpmigrate.readers.elements import HEADER_TERMS, WP, ItemContext, ItemParser, ItemPosition, children, classify
from wpmigrate.readers.prescan import prescan
from wpmigrate.readers.pull import ItemPull
from wpmigrate.readers.repair import RepairingStream
from wpmigrate.readers.limits import DEFAULT_MAX_ITEM_BYTES
from wpmigrate.readers.runs import ItemRun, RunParser, split_runs, start_tags
from wpmigrate.readers.salvage import salvage_header, salvage_items
from wpmigrate.readers.sniff import Head, sniff
from wpmigrate.readers.sources import Source, expand_inputs

_EXCESSIVE_DEPTH = re.compile(r"Excessive depth in document: (\d+)")
_UNDECLARED = re.compile(r"Namespace prefix (\S+) (?:on|for) ")
_MAX_ATTEMPTS = 12
R = TypeVar("R")


@dataclass
class Header:
    """One document's channel header."""

    site: Site
    authors: list[Author]
    terms: list[Term]
    #: The document's name, for diagnostics.
    file: str | None = None


@dataclass(frozen=True, slots=True)
class UnparsedItem:
    """An ``<item>`` the reader found but left for :class:`ItemFinisher` to parse."""

    #: The item's XML, with the namespace declarations it uses.
    xml: bytes
    #: Which document of the export it comes from.
    document: int
    #: Where it starts in that document.
    line: int


#: What the reader hands out for the caller's workers to finish (:class:`ItemFinisher`).
Unit = Union[ItemRun, UnparsedItem, Post]


class ItemFinisher:
    """Turns a :class:`Unit` into its posts, anywhere (a worker process).

    Returns each post with the diagnostics its parsing found, for the caller
    to add to its own sink in order; a :class:`Post` passes through unchanged.
    None means libxml2 refused an :class:`ItemRun` on its own (see runs.py).
    """

    _parser = etree.XMLParser(huge_tree=True, resolve_entities=False, no_network=True, load_dtd=False)
    #: The reader already parsed the item once; what libxml2 then refuses in the
    #: copy is what it only warns about in a stream (a non-ASCII namespace URI).
    _lenient = etree.XMLParser(huge_tree=True, resolve_entities=False, no_network=True, load_dtd=False, recover=True)

    def __init__(self, contexts: list[ItemContext]) -> None:
        self.contexts = contexts
        self.runs = RunParser(contexts)

    def __call__(self, unit: Unit) -> list[tuple[Post, list[Diagnostic]]] | None:
        if isinstance(unit, ItemRun):
            return self.runs(unit)
        if isinstance(unit, Post):
            return [(unit, [])]
        found = Diagnostics()
        context = replace(self.contexts[unit.document], diagnostics=found, position=None, line_offset=unit.line - 1)
        try:
            element = etree.fromstring(unit.xml, self._parser)
        except etree.XMLSyntaxError:
            element = etree.fromstring(unit.xml, self._lenient)
        return [(ItemParser(context).parse(element), list(found))]


class RunReader:
    """An export whose items the caller's workers read, a run at a time (:func:`read_runs`)."""

    def __init__(self, export: Export, documents: list[_Document], finish: ItemFinisher) -> None:
        #: The site, authors and terms; its ``posts`` is empty: see :meth:`results`.
        self.export = export
        self.finish = finish
        self._documents = documents

    def results(self, work: Callable[[Unit], list[R] | None], jobs: int) -> Iterator[R]:
        """``work`` over every unit of the export on ``jobs`` processes, flattened, in order.

        ``work`` finishes a unit with :attr:`finish` and answers None when it
        does: the document is then streamed item by item from that run on.
        """
        with Workers(work, jobs) as workers:
            for document in self._documents:
                yield from document.results(workers)


def read(
    inputs: list[str] | list[Source],
    *,
    recover: bool = False,
    diagnostics: Diagnostics | None = None,
    position: ItemPosition | None = None,
    max_item_bytes: int = DEFAULT_MAX_ITEM_BYTES,
) -> Export:
    """Open one export (several inputs are the parts of one split export).

    The header of every part is read now; ``Export.posts`` streams the items.
    ``position``, when given, is kept up to date with where the item being read starts.
    An item (or header) longer than ``max_item_bytes`` stops the reading (limits.py).
    """
    export, _, _ = _open(inputs, recover, diagnostics, position, defer=False, limit=max_item_bytes)
    return export


def read_runs(
    inputs: list[str] | list[Source],
    *,
    recover: bool = False,
    diagnostics: Diagnostics | None = None,
    jobs: int = 1,
    max_item_bytes: int = DEFAULT_MAX_ITEM_BYTES,
) -> RunReader:
    """:func:`read` for a converter with ``jobs`` processes: the items come as work units.

    Parsing items into the model costs many times what finding them does, so
    the documents are cut into runs of items that parse on their own
    (runs.py), for the caller to finish on several cores. Where a run does not
    parse, the rest of its document is streamed as :func:`read` does it, with
    repairs and ``recover``; items then come as :class:`UnparsedItem` for the
    workers to parse (or as posts when salvaged, or when ``jobs`` is 1).
    """
    export, finish, documents = _open(
        inputs, recover, diagnostics, None, defer=jobs > 1, jobs=jobs, limit=max_item_bytes
    )
    for document in documents:
        document.prefix = start_tags(document.source)
    export.posts = iter(())  # the items come from RunReader.results
    return RunReader(export, documents, finish)


def _open(inputs, recover, diagnostics, position, *, defer: bool, limit: int, jobs: int = 1):
    diagnostics = diagnostics if diagnostics is not None else Diagnostics()
    sources = [s for s in inputs if isinstance(s, Source)] or expand_inputs(list(inputs))  # type: ignore[arg-type]
    documents = [
        _Document(n, source, sniff(source), recover, diagnostics, limit) for n, source in enumerate(sources)
    ]
    headers = [document.header() for document in documents]
    attachments, creators = prescan(sources, jobs, limit)
    site, authors, terms = _merge(headers, creators, diagnostics)
    base_url = site.base_blog_url or site.link
    for document in documents:
        document.context = ItemContext(document.source.name, base_url, attachments, diagnostics, position)
        document.defer = defer
    export = Export(site=site, authors=authors, terms=terms, posts=_chain(documents), attachments=attachments)
    return export, ItemFinisher([document.context for document in documents]), documents


def _chain(documents: list[_Document]) -> Iterator[Post]:
    for document in documents:
        yield from document.items()


def _merge(headers: list[Header], creators: Iterable[str], diagnostics: Diagnostics):
    """One site from the parts: the first part's site, authors and terms de-duplicated."""
    site = headers[0].site
    authors: dict[str, Author] = {}
    terms: dict[tuple[str, str], Term] = {}
    for header in headers:
        for author in header.authors:
            _keep_first(authors, author.login, author, f"author {author.login!r}", header.file, diagnostics)
        for term in header.terms:
            what = f"{term.taxonomy} {term.slug!r}"
            _keep_first(terms, (term.taxonomy, term.slug), term, what, header.file, diagnostics)
    for login in creators:
        if login not in authors:
            authors[login] = Author(login=login, display_name=login)
            diagnostics.info(
                "author-synthesized",
                f"author {login!r} is named by posts but not listed in the export; added from dc:creator",
            )
    return site, tuple(authors.values()), tuple(terms.values())


def _keep_first(found: dict, key, record: Author | Term, what: str, file: str | None, diagnostics: Diagnostics) -> None:
    """``record`` under ``key`` unless one is there already. The same record is listed twice
    in sound exports (each part of a split export repeats the header; terms come as
    ``wp:category`` and ``wp:term``); a different one (another id, name or e-mail) is reported."""
    kept = found.setdefault(key, record)
    if kept is record or _identity(kept) == _identity(record):
        return
    code, rule = ("term-slug-duplicate", "one term per slug") if isinstance(record, Term) else \
        ("author-login-duplicate", "one user per login")
    diagnostics.warn(
        code,
        f"{what} is listed twice, as {_label(kept)} and as {_label(record)}; only the first is kept "
        f"(WordPress allows {rule})",
        file=file,
    )


def _identity(record: Author | Term) -> tuple:
    return (record.id, record.name) if isinstance(record, Term) else (record.id, record.email)


def _label(record: Author | Term) -> str:
    name = record.name if isinstance(record, Term) else record.email or record.display_name
    return f"{name!r} (id {record.id})" if record.id is not None else repr(name)


class _Document:
    """One XML document of an export, parsed with repairs and retries as needed."""

    def __init__(
        self, number: int, source: Source, head: Head, recover: bool, diagnostics: Diagnostics, limit: int
    ) -> None:
        self.number = number
        self.source = source
        self.head = head
        self.recover = recover
        self.diagnostics = diagnostics
        #: Bytes an item may take (limits.py).
        self.limit = limit
        self.context: ItemContext | None = None
        #: Items are yielded as :class:`UnparsedItem`, for a worker to parse.
        self.defer = False
        #: The start tags that let the document be cut into runs; None: it is not cut.
        self.prefix: bytes | None = None
        self._repair: dict[str, int] | None = None  # None: parse strictly

    # -- parsing with retries

    @contextmanager
    def _parse(self, events: tuple[str, ...]):
        """A fresh stream of ``<item>`` events (:class:`ItemPull`), and the stream it reads."""
        with self.source.open() as raw:
            stream = raw if self._repair is None else RepairingStream(raw, self._repair)
            yield ItemPull(stream, events, self.source.name, self.limit), stream

    def _retry(self, error: etree.XMLSyntaxError) -> bool:
        """Switch to (more) repairs after ``error``; False when no repair can help."""
        if self._repair is None:
            self._repair = {}
            return True
        match = _UNDECLARED.search(error.msg or "")
        if match and match.group(1) not in self._repair and len(self._repair) < _MAX_ATTEMPTS:
            self._repair[match.group(1)] = error.lineno
            return True
        return False

    # -- header

    def header(self) -> Header:
        while True:
            try:
                return self._read_header()
            except etree.XMLSyntaxError as error:
                if not self._retry(error):
                    if self.recover:
                        return self._salvaged_header()
                    raise self._malformed(error, 0) from None

    def _read_header(self) -> Header:
        with self._parse(("start",)) as (parser, _):
            for _, item in parser:
                channel = item.getparent()
                break
            else:
                root = parser.root
                channel = root.find("channel") if root is not None else None
            # Repairs are reported once, by the items pass, which reads the whole file.
            return self._header_from(channel)

    def _header_from(self, channel, *, deep: bool = False) -> Header:
        if channel is None:
            return Header(Site(generator=self.head.generator_comment or ""), [], [], self.source.name)
        parser = ItemParser(ItemContext(self.source.name, "", {}, self.diagnostics))
        authors, terms = [], []
        found = ((*classify(c.tag), c) for c in channel.iter() if isinstance(c.tag, str)) if deep else children(channel)
        for kind, local, child in found:
            if kind != WP:
                continue
            if local in ("author", "wp_author"):
                authors.append(elements.parse_author(child))
            elif local in HEADER_TERMS:
                terms.append(elements.parse_term(local, child, parser.term_meta))
        site = elements.parse_site(channel, self.head.generator_comment)
        self._check_version(site)
        return Header(site, authors, terms, self.source.name)

    def _check_version(self, site: Site) -> None:
        version = site.wxr_version
        if version is None:
            self.diagnostics.warn(
                "wxr-version-missing", "no wp:wxr_version; reading it as WXR 1.2", file=self.source.name
            )
        elif not re.fullmatch(r"1\.[0-9]+", version):
            self.diagnostics.warn(
                "wxr-version-unknown", f"unknown WXR version {version!r}; reading it as WXR 1.2",
                file=self.source.name,
            )

    def _salvaged_header(self) -> Header:
        return self._header_from(salvage_header(self.source), deep=True)

    # -- items

    def results(self, workers: Workers) -> Iterator[R]:
        """See :meth:`RunReader.results`."""
        done = 0
        if self.prefix is not None:
            runs = workers.map(split_runs(self.source, self.number, self.prefix, self.limit), chunk=1)
            for result in runs:
                if result is None:
                    runs.close()
                    break
                done += len(result)
                yield from result
            else:
                return
        for result in workers.map(self.items(skip=done)):
            yield from result  # type: ignore[misc]

    def items(self, skip: int = 0) -> Iterator[Post]:
        """The document's items, streamed; the first ``skip`` were read already."""
        assert self.context is not None
        parser = ItemParser(self.context)
        done = skip  # items yielded so far
        last_line = 0
        while True:
            seen = 0
            stream = None
            try:
                with self._parse(("end",)) as (events, stream):
                    for _, element in events:
                        if element.getparent() is None or element.getparent().tag != "channel":
                            continue
                        seen += 1
                        if seen > done:
                            post = self._item(parser, element)
                            done, last_line = seen, element.sourceline or last_line
                            _release(element)
                            yield post
                        else:
                            last_line = element.sourceline or last_line
                            _release(element)
                self._report_repairs(stream)
                return
            except etree.XMLSyntaxError as error:
                if self._retry(error):
                    continue
                if not self.recover:
                    raise self._malformed(error, done) from None
                self._report_repairs(stream)
                self.diagnostics.error(
                    "xml-malformed",
                    f"the XML is damaged: {_explained(error.msg)}; salvaging the complete items after it",
                    file=self.source.name, line=error.lineno, column=_column(error),
                )
                yield from salvage_items(
                    self.source, parser, after_line=last_line, kept=done,
                    damage=f"{error.lineno}:{_column(error)}", diagnostics=self.diagnostics, limit=self.limit,
                )
                return

    def _item(self, parser: ItemParser, element: etree._Element) -> Post | UnparsedItem:
        if not self.defer:
            return parser.parse(element)
        # UTF-8 rather than ASCII with character references: a third faster, and smaller to send.
        xml = etree.tostring(element, encoding="utf-8", xml_declaration=False, with_tail=False)
        return UnparsedItem(xml, self.number, element.sourceline or 1)  # type: ignore[return-value]

    def _report_repairs(self, stream) -> None:
        if isinstance(stream, RepairingStream):
            stream.report(self.diagnostics, self.source.name)

    def _malformed(self, error: etree.XMLSyntaxError, items_before: int) -> MalformedInputError:
        line, column = error.lineno, _column(error)
        return MalformedInputError(
            f"{self.source.name}:{line}:{column}: the XML is damaged: {_explained(error.msg)}",
            file=self.source.name,
            line=line,
            column=column,
            items_before=items_before,
            hint=f"run with --recover to salvage the complete items ({items_before} read before line {line})",
        )


def _explained(message: str | None) -> str:
    """libxml2's ``message``, with advice meant for programmers put in the reader's terms."""
    depth = _EXCESSIVE_DEPTH.search(message or "")
    if depth:
        return f"elements nested more than {depth.group(1)} levels deep (the parser's limit; WordPress nests a few)"
    return message or ""


def _column(error: etree.XMLSyntaxError) -> int | None:
    return error.offset + 1 if error.offset is not None else None


def _release(element: etree._Element) -> None:
    """Free an item and everything before it, so memory stays flat."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]
