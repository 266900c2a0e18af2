"""WordPress's archive and feed addresses, redirected to what the new site has in their place."""

from __future__ import annotations

from wpmigrate.model import Author, Term
from wpmigrate.writers.markdown.archives import archive_redirects, front_of, hugo_urlize, term_paths
from wpmigrate.writers.markdown.profiles import PROFILES

TERMS = (
    Term("category", "news", "News"),
    Term("category", "local", "Local & regional", parent="news"),
    Term("post_tag", "thag", "þág²"),
    Term("post_tag", "unused", "Unused"),
    Term("nav_menu", "main", "Main"),
)


def test_hugo_urlize_keeps_what_hugo_keeps():
    # the values Hugo 0.111 built for these names (tests/test_old_urls_served.py requests them)
    assert hugo_urlize("Sport & exercise") == "sport-exercise"
    assert hugo_urlize('a \\"great\\" category') == "a-\\great\\-category"
    assert hugo_urlize("þág²") == "þág", "² is no decimal digit"


def test_category_paths_hold_their_parents():
    paths = term_paths(TERMS)
    assert paths[("category", "local")] == "/category/news/local/"
    assert paths[("post_tag", "thag")] == "/tag/thag/"
    assert ("nav_menu", "main") not in paths


def test_archives_go_to_term_pages_feeds_and_the_home_page():
    used = {("category", "Local & regional"), ("post_tag", "þág²")}
    pairs = dict(archive_redirects(PROFILES["hugo"], TERMS, used, (Author("Jo Smith"),),
                                   [("2020", "01", "02")], posts=21, front="/blog/"))
    assert pairs["/blog/category/news/local/"] == pairs["/category/news/local/"] == "/categories/local-regional/"
    assert pairs["/category/news/local/feed/"] == "/categories/local-regional/index.xml"
    assert pairs["/tag/thag/"] == "/tags/þág/"
    assert pairs["/tag/unused/"] == "/", "a term no written post has: no page of its own"
    assert pairs["/author/jo-smith/"] == "/" and pairs["/blog/2020/01/02/"] == "/" and pairs["/blog/2020/"] == "/"
    assert "/page/3/" in pairs and "/page/4/" not in pairs, "21 posts, 10 a page"
    assert pairs["/feed/"] == pairs["/comments/feed/"] == "/index.xml"
    others = dict(archive_redirects(PROFILES["jekyll"], TERMS, used, (), [], posts=0))
    assert others["/category/news/local/"] == "/" and others["/feed/"] == "/", "no term pages, no feed"


def test_front_is_the_structures_fixed_start():
    assert front_of("/blog/%year%/%postname%/") == "/blog/"
    assert front_of("/%postname%/") == "/" and front_of(None) == "/"
