"""Every old URL of each shared corpus export, requested from the Hugo-built site on real servers.

The URLs are worked out here from the export, by WordPress's rules, not by the writer: each
published post's and page's ``<link>``, ``?p=``/``?page_id=``, old slugs, attachment pages and
``?attachment_id=``, category and tag archives (with their parents' slugs), author and date
archives, feeds (the site's and each post's) and ``/page/N/`` of the home list. Paths are
relative to the blog's home (``base_blog_url``), where the new site is served.

nginx and Apache serve the site with the writer's redirect file included: a post or page must
answer 200 at its exact old path with its own title, every other URL 200 or 301 to a page that
answers 200. Python's http.server, which has no redirects, must serve every post and page at its
old path. The counts per export are written to $WPMIGRATE_URL_COUNTS (JSON) when it is set.
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from lxml import html

from tests import sitebuild, webservers
from tests.conftest import CORPUS, corpus_files
from wpmigrate.errors import InputError
from wpmigrate.readers.wxr import read

COUNTS: dict[str, dict[str, dict[str, list[int]]]] = {}


@dataclass(frozen=True)
class OldUrl:
    kind: str
    #: The request path, percent-encoded as WordPress wrote it.
    path: str
    #: The titles the page must show (the item itself); empty for any page that answers 200.
    titles: frozenset[str] = frozenset()


def old_urls(name: str) -> list[OldUrl]:
    """Every old URL of the export ``name`` (see the module's docstring)."""
    export = read([str(CORPUS / name)], recover=True)
    items = list(export.posts)
    shown = {(p.id, p.title): p for p in items
             if p.type in ("post", "page") and p.status == "publish" and not p.password}
    by_path: dict[str, set[str]] = {}
    for post in shown.values():
        if _static(post.path):
            by_path.setdefault(_merged(post.path), set()).add(_title(post.title))
    urls = [OldUrl("permalink", path, frozenset(titles)) for path, titles in by_path.items()]
    by_query: dict[str, set[str]] = {}  # some exports give two items one id: either may answer
    for post in shown.values():
        by_query.setdefault(f"/?{'page_id' if post.type == 'page' else 'p'}={post.id}", set()).add(_title(post.title))
    for post in shown.values():
        titles = frozenset({_title(post.title)})
        query = f"/?{'page_id' if post.type == 'page' else 'p'}={post.id}"
        if not _static(post.path) and post.path.startswith("/?"):
            urls.append(OldUrl("query-link", post.path, frozenset(by_query[post.path])
                               if post.path in by_query else titles))
        urls.append(OldUrl("id-query", query, frozenset(by_query[query])))
        urls += [OldUrl("old-slug", p, titles) for p in _old_slug_paths(post)]
        if _static(post.path) and post.path.endswith("/"):
            urls.append(OldUrl("feed", post.path + "feed/"))
    for item in items:
        if item.type == "attachment" and item.parent in {post.id for post in shown.values()}:
            urls.append(OldUrl("attachment", f"/?attachment_id={item.id}"))
            if _static(item.path):
                urls.append(OldUrl("attachment", item.path))
    posts = [p for p in shown.values() if p.type == "post"]
    front = _front(posts)
    urls += [OldUrl("term", front + path.lstrip("/")) for path in _term_paths(export.terms)]
    urls += [OldUrl("author", f"{front}author/{_nicename(a.login)}/") for a in export.authors if _nicename(a.login)]
    days = {tuple(p.date_local[:10].split("-")) for p in posts if p.date_local and p.date_local[:4].isdigit()}
    for y, m, d in sorted(days):
        urls += [OldUrl("date", f"{front}{y}/"), OldUrl("date", f"{front}{y}/{m}/"), OldUrl("date", f"{front}{y}/{m}/{d}/")]
    urls += [OldUrl("paging", f"/page/{n}/") for n in range(2, math.ceil(len(posts) / 10) + 1)]
    urls += [OldUrl("feed", p) for p in ("/feed/", "/comments/feed/")]
    return list(dict.fromkeys(urls))


def _nicename(login: str) -> str:
    """WordPress's ``user_nicename`` of a login (``sanitize_title_with_dashes``)."""
    kept = re.sub(r"[^a-z0-9 _-]", "", login.lower())
    return re.sub(r"[\s-]+", "-", kept).strip("-")


def _static(path: str) -> bool:
    return path.startswith("/") and "?" not in path and path != "/"


def _merged(path: str) -> str:
    return re.sub("/{2,}", "/", path)


def _title(title: str) -> str:
    return " ".join(title.split())


def _old_slug_paths(post) -> list[str]:
    if not _static(post.path):
        return []
    head, _, tail = post.path.rstrip("/").rpartition("/")
    slash = "/" if post.path.endswith("/") else ""
    return [f"{head}/{quote(m.value, safe='%')}{slash}" for m in post.meta
            if m.key == "_wp_old_slug" and isinstance(m.value, str) and m.value and m.value != tail]


def _front(posts) -> str:
    """WordPress puts the permalink structure's fixed start (``/blog/``) before archives too."""
    dated = [p.path for p in posts if _static(p.path) and re.search(r"/\d{4}/", p.path)]
    heads = {p[: re.search(r"/\d{4}/", p).start() + 1] for p in dated}
    return heads.pop() if len(heads) == 1 else "/"


def _term_paths(terms) -> list[str]:
    parents = {t.slug: t.parent for t in terms if t.taxonomy == "category"}
    paths = []
    for term in terms:
        base = {"category": "category", "post_tag": "tag"}.get(term.taxonomy)
        if not base or not term.slug:
            continue
        chain = [term.slug]
        while term.taxonomy == "category" and parents.get(chain[0]) and parents[chain[0]] not in chain:
            chain.insert(0, parents[chain[0]])
        paths.append(f"/{base}/" + "/".join(quote(s) for s in chain) + "/")
    return paths


class Built:
    """Each export converted and built with Hugo once, into a folder servers can read."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.sites: dict[str, tuple[Path, Path]] = {}

    def get(self, name: str) -> tuple[Path, Path]:
        if name not in self.sites:
            sitebuild.tool("hugo")
            folder = self.root / name.replace("/", "__")
            try:
                sitebuild.write_site([CORPUS / name], "hugo", folder / "site")
            except InputError as exc:
                pytest.skip(f"{name} is not readable as an export: {exc}")
            sitebuild.build("hugo", folder / "site", folder / "public")
            self.sites[name] = folder / "site", folder / "public"
        return self.sites[name]


@pytest.fixture(scope="module")
def built():
    if not (CORPUS / "expected.json").exists():
        pytest.skip(f"the shared WXR corpus is not at {CORPUS}")
    with webservers.readable_folder() as root:
        yield Built(root)
    target = os.environ.get("WPMIGRATE_URL_COUNTS")
    if target:
        Path(target).write_text(json.dumps(COUNTS, indent=1, sort_keys=True) + "\n")


def _check(port: int, url: OldUrl, redirects: bool) -> str | None:
    """Why ``url`` is not answered as it must be, or None."""
    statuses, final, body = webservers.follow(port, url.path)
    if url.kind == "permalink" and statuses[0] != 200 and not _folder_slash(url.path, statuses, final):
        return f"{url.kind} {url.path}: {statuses[0]}, not the page itself"
    moved = len(statuses) > 1 and not _folder_slash(url.path, statuses, final)
    if statuses[-1] != 200 or statuses[0] not in (200, 301) or (not redirects and moved):
        return f"{url.kind} {url.path}: {statuses} (to {final})"
    if url.titles and " ".join(html.fromstring(body).xpath("string(//main//h1)").split()) not in url.titles:
        return f"{url.kind} {url.path}: answers {final}, not the post {sorted(url.titles)}"
    return None


def _folder_slash(path: str, statuses: list[int], final: str) -> bool:
    """Whether the server only added the slash of a folder (``/about`` -> ``/about/``): a
    WordPress path without one is built as a folder's ``index.html`` by every generator."""
    return statuses == [301, 200] and final.lower() == (path + "/").lower()


def _run(name: str, server: str, port: int, urls: list[OldUrl], redirects: bool) -> None:
    failures, counts = [], COUNTS.setdefault(name, {}).setdefault(server, {})
    for url in urls:
        problem = _check(port, url, redirects)
        tally = counts.setdefault(url.kind, [0, 0])
        tally[0] += problem is None
        tally[1] += 1
        if problem:
            failures.append(problem)
    assert not failures, f"{server}, {name}: {len(failures)} of {len(urls)} old URLs not served:\n" + "\n".join(failures[:30])


@pytest.mark.parametrize("name", corpus_files())
@pytest.mark.parametrize("server", ["nginx", "apache2"])
def test_real_servers_answer_every_old_url(built, server, name):
    webservers.server(server)
    site, public = built.get(name)
    urls = old_urls(name)
    start = webservers.nginx if server == "nginx" else webservers.apache
    redirects = site / "redirects" / ("nginx.conf" if server == "nginx" else "apache.htaccess")
    with webservers.readable_folder() as work, start(public, redirects, work) as port:
        _run(name, server, port, urls, redirects=True)


@pytest.mark.parametrize("name", corpus_files())
def test_a_plain_static_server_serves_every_post_at_its_old_path(built, name):
    _, public = built.get(name)
    urls = [u for u in old_urls(name) if u.kind == "permalink"]
    with webservers.python_server(public) as port:
        _run(name, "http.server", port, urls, redirects=False)


@pytest.mark.parametrize("name", corpus_files())
def test_internal_links_of_the_built_site_lead_to_pages(built, name):
    """Every root-relative link in the posts' text answers 200, or 301 to a page that does,
    on nginx; except those the writer listed as leading nowhere (unresolved-links.csv), and
    WordPress's dashboard and login (no page of a site: left as the author wrote them)."""
    webservers.server("nginx")
    site, public = built.get(name)
    listed = {unquote(row.split(",", 1)[1]) for row in (site / "unresolved-links.csv").read_text().splitlines()[1:]}
    links = set()
    for page in public.rglob("*.html"):
        tree = html.fromstring(page.read_bytes())
        links.update(h.split("#")[0] for h in tree.xpath("//main//article//a/@href | //main//section//a/@href")
                     if h.startswith("/") and not h.startswith(("//", "/media/", "/wp-admin/", "/wp-login")))
    urls = [OldUrl("internal-link", quote(link, safe="/?=&%:@")) for link in sorted(links - {""})
            if unquote(link) not in listed and unquote(link).rstrip("/") not in {x.rstrip("/") for x in listed}]
    with webservers.readable_folder() as work, webservers.nginx(public, site / "redirects" / "nginx.conf", work) as port:
        _run(name, "nginx-links", port, urls, redirects=True)
