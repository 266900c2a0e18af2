"""WordPress's other addresses: term, author and date archives, feeds, pages of the home list.

None of these is an item of the export, yet links and search engines know them. Each gets a
redirect to what the new site has in its place: Hugo's term page and feed for a category or
tag (the starter layouts of the other generators have no term pages: their home page), the
home page for author and date archives and ``/page/N/``, the feed for feeds, the post for a
post's comment feed. Paths are WordPress's defaults (``/category/``, ``/tag/``, ``/author/``).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Iterator

from wpmigrate.model import Author, Term
from wpmigrate.writers.markdown.profiles import Profile

#: WordPress's default number of posts on a page of the home list.
POSTS_PER_PAGE = 10
#: Site-wide feed addresses WordPress answers.
SITE_FEEDS = ("/feed/", "/feed/rss/", "/feed/rss2/", "/feed/atom/", "/feed/rdf/", "/rss/", "/comments/feed/")
#: WordPress's term bases, and Hugo's taxonomy for each.
TERM_BASES = {"category": ("category", "categories"), "post_tag": ("tag", "tags")}


def hugo_urlize(name: str) -> str:
    """A term name as Hugo's ``urlize`` makes it a path segment: letters, decimal digits, marks
    and ``._~+@-#/\\`` kept (Go's classes: ``²`` is no digit), a space or ``-`` before a kept
    character made one ``-``, anything else dropped; lower case."""
    out: list[str] = []
    pending = False
    for char in unicodedata.normalize("NFC", name):
        kind = unicodedata.category(char)
        if kind[0] in "LM" or kind == "Nd" or char in "._~+@-#/\\":
            if pending and out:
                out.append("-")
            pending = False
            out.append(char)
        elif char.isspace() or char == "-":
            pending = True
    return "".join(out).lower()


def term_paths(terms: Iterable[Term]) -> dict[tuple[str, str], str]:
    """``(taxonomy, slug) -> WordPress path`` of every category and tag: a category's path holds
    its parents' slugs (``/category/parent/child/``)."""
    parents = {t.slug: t.parent for t in terms if t.taxonomy == "category"}
    paths = {}
    for term in terms:
        if term.taxonomy not in TERM_BASES or not term.slug:
            continue
        chain, seen, slug = [term.slug], {term.slug}, term.slug
        while term.taxonomy == "category" and parents.get(slug) and parents[slug] not in seen:
            slug = parents[slug]  # type: ignore[assignment]
            chain.insert(0, slug)
            seen.add(slug)
        paths[(term.taxonomy, term.slug)] = f"/{TERM_BASES[term.taxonomy][0]}/" + "/".join(chain) + "/"
    return paths


def archive_redirects(profile: Profile, terms: Iterable[Term], used_terms: set[tuple[str, str]],
                      authors: Iterable[Author], days: Iterable[tuple[str, str, str]],
                      posts: int, front: str = "/") -> Iterator[tuple[str, str]]:
    """``(old path, new URL)`` of every archive and feed address of the old site.

    ``used_terms`` holds ``(taxonomy, name)`` of the terms some written post has (the others
    have no page on the new site); ``days`` the dates of the written posts; ``front`` the
    permalink structure's fixed start (``/blog/``), which WordPress puts before archives too."""
    for old, new in _archives(profile, terms, used_terms, authors, days, posts):
        if front != "/" and (old.startswith(("/category/", "/tag/", "/author/")) or old[1:2].isdigit()):
            # under the structure's start, unless that start is a language or section of its own
            yield front + old[1:], new
        yield old, new


def front_of(structure: str | None) -> str:
    """The fixed start of a permalink structure (``/blog/%year%/...`` -> ``/blog/``)."""
    if not structure or "%" not in structure:
        return "/"
    head = structure[: structure.index("%")]
    return head if head.startswith("/") and head.endswith("/") else "/"


def _archives(profile: Profile, terms: Iterable[Term], used_terms: set[tuple[str, str]],
              authors: Iterable[Author], days: Iterable[tuple[str, str, str]], posts: int) -> Iterator[tuple[str, str]]:
    hugo = profile.name == "hugo"
    feed = "/index.xml" if hugo else "/"
    terms = list(terms)
    names = {(t.taxonomy, t.slug): t.name or t.slug for t in terms}
    for (taxonomy, slug), path in term_paths(terms).items():
        name = names[(taxonomy, slug)]
        target = "/"
        if hugo and (taxonomy, name) in used_terms and hugo_urlize(name):
            target = f"/{TERM_BASES[taxonomy][1]}/{hugo_urlize(name)}/"
        yield path, target
        yield path + "feed/", target + "index.xml" if target != "/" else feed
    for author in authors:
        yield f"/author/{_nicename(author.login)}/", "/"
        yield f"/author/{_nicename(author.login)}/feed/", feed
    for y, m, d in sorted(set(days)):
        for path in (f"/{y}/", f"/{y}/{m}/", f"/{y}/{m}/{d}/"):
            yield path, "/"
    for number in range(2, math.ceil(posts / POSTS_PER_PAGE) + 1):
        yield f"/page/{number}/", "/"
    for path in SITE_FEEDS:
        yield path, feed


def _nicename(login: str) -> str:
    """A login as WordPress's ``user_nicename`` (``sanitize_title``): lower case, only
    ``a-z0-9_-`` kept, spaces as ``-``, no repeated or outer ``-``."""
    kept = re.sub(r"[^a-z0-9 _-]", "", login.lower())
    return re.sub(r"[\s-]+", "-", kept).strip("-")
