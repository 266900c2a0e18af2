"""Checks of one document's channel header: version, site fields, terms, authors.

The header is parsed leniently on its own (it is small, and read before the
items), so every element keeps its line and damage further down does not hide
what the header says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from wpmigrate.readers import elements
from wpmigrate.readers.elements import HEADER_TERMS, RSS, WP, children
from wpmigrate.readers.salvage import parse_header
from wpmigrate.readers.sources import Source
from wpmigrate.validate.findings import Findings
from wpmigrate.validate.inputs import header_bytes

#: Channel fields an importer needs: (kind, local name, how to name it).
REQUIRED_FIELDS = (
    (RSS, "title", "<title>"),
    (RSS, "link", "<link>"),
    (WP, "base_site_url", "<wp:base_site_url>"),
    (WP, "base_blog_url", "<wp:base_blog_url>"),
)
#: Fields whose presence matters but whose value may be empty (a site without a title).
MAY_BE_EMPTY = {"title"}
_VERSION = re.compile(r"1\.[0-9]+")


@dataclass
class HeaderFacts:
    """What the item checks need from a document's header."""

    wxr_version: str | None = None
    authors: set[str] = field(default_factory=set)


def check_header(source: Source, findings: Findings) -> HeaderFacts:
    """Report what is wrong with the header of ``source``; return what later checks need."""
    try:
        channel = parse_header(header_bytes(source))
    except etree.XMLSyntaxError:
        channel = None
    if channel is None or channel.tag != "channel":
        findings.report(
            "channel-field-missing", "the file has no <channel>, so no site, authors or terms",
            file=source.name,
        )
        return HeaderFacts()
    found: dict[tuple[str, str], etree._Element] = {}
    for kind, local, child in children(channel):
        found.setdefault((kind, local), child)
    _check_fields(source.name, channel, found, findings)
    version = _check_version(source.name, channel, found.get((WP, "wxr_version")), findings)
    _check_terms(source.name, channel, findings)
    authors = {
        elements.parse_author(child).login
        for kind, local, child in children(channel)
        if kind == WP and local in ("author", "wp_author")
    }
    return HeaderFacts(version, authors)


def _check_fields(name: str, channel, found, findings: Findings) -> None:
    for kind, local, label in REQUIRED_FIELDS:
        element = found.get((kind, local))
        if element is None:
            problem = "has no"
        elif local not in MAY_BE_EMPTY and not elements.text_of(element).strip():
            problem = "has an empty"
        else:
            continue
        findings.report(
            "channel-field-missing",
            f"the channel {problem} {label}; importers use it to map the old site's URLs: "
            "export again from Tools > Export, or add it by hand",
            file=name, line=(element if element is not None else channel).sourceline,
        )


def _check_version(name: str, channel, element, findings: Findings) -> str | None:
    if element is None:
        findings.report(
            "wxr-version-missing",
            "the channel has no <wp:wxr_version>; it is read as WXR 1.2. "
            "Files from WordPress 3.0 or later always have one: is this a hand-made or converted file?",
            file=name, line=channel.sourceline,
        )
        return None
    version = elements.text_of(element).strip()
    if not _VERSION.fullmatch(version):
        findings.report(
            "wxr-version-unknown",
            f"unknown WXR version {version!r} (WordPress writes 1.0, 1.1 or 1.2); it is read as WXR 1.2",
            file=name, line=element.sourceline,
        )
    return version


def _check_terms(name: str, channel, findings: Findings) -> None:
    first: dict[int, tuple[str, str, int | None]] = {}  # id -> taxonomy, slug, line
    slugs: dict[str, set[str]] = {}
    parents: list[tuple[str, str, str, int | None]] = []
    for kind, local, child in children(channel):
        if kind != WP or local not in HEADER_TERMS:
            continue
        term = elements.parse_term(local, child, lambda _: ())
        slugs.setdefault(term.taxonomy, set()).add(term.slug)
        if term.parent:
            parents.append((term.taxonomy, term.slug, term.parent, child.sourceline))
        if term.id is None:
            continue
        seen = first.setdefault(term.id, (term.taxonomy, term.slug, child.sourceline))
        if seen[2] != child.sourceline and _clash(seen, term):
            findings.report(
                "term-id-duplicate",
                f"term id {term.id} ({term.taxonomy} {term.slug!r}) is used by the term at line "
                f"{seen[2]} ({seen[0]} {seen[1]!r}) too; an importer keeps only one of them",
                file=name, line=child.sourceline,
            )
    for taxonomy, slug, parent, line in parents:
        if parent not in slugs.get(taxonomy, ()):
            findings.report(
                "term-parent-missing",
                f"{taxonomy} {slug!r} names the parent {parent!r}, which is not in the export; "
                "it will be imported at the top level",
                file=name, line=line,
            )


def _clash(seen: tuple[str, str, int | None], term) -> bool:
    """Whether two terms with one id clash. Recent exports write each category and tag
    twice (``wp:category`` and ``wp:term``), and before WordPress 4.2 a category and a
    tag of one slug could share an id (a "shared term"): only another slug clashes."""
    return seen[1] != term.slug
