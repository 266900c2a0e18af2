"""The page reader's own rules: duplicates merged, other sites left out, ids, errors, order.

The theme fixtures (tests/test_pages_fixtures.py) check what is read from real
themes' markup; these build small pages for one rule each.
"""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES, SAMPLE

from wpmigrate import errors
from wpmigrate.convert import ConvertOptions, convert
from wpmigrate.diagnostics import Diagnostics
from wpmigrate.readers.pages import dates
from wpmigrate.readers.pages.documents import _url_from_place

HOME = "https://blog.example.test"


def post_page(post_id: int | None, slug: str, *, comments: str = "", host: str = HOME, title: str = "A post",
              date: str = "2020-01-02T10:00:00+01:00", extra_head: str = "", body_class: str | None = None) -> str:
    """A minimal post page as a default theme renders it."""
    classes = body_class if body_class is not None else (f"single single-post postid-{post_id}" if post_id else "")
    article_id = f' id="post-{post_id}"' if post_id else ""
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<link rel="canonical" href="{host}/{slug}/">
<link rel="https://api.w.org/" href="{host}/wp-json/">{extra_head}
</head><body class="{classes}">
<a href="{host}/" rel="home">Example</a>
<article{article_id} class="post hentry"><h1 class="entry-title">{title}</h1>
<time class="entry-date published" datetime="{date}">Jan 2</time>
<div class="entry-content"><p>Text of {slug}.</p></div></article>
<div id="comments"><ol class="comment-list">{comments}</ol></div></body></html>"""


def comment(comment_id: int, text: str, replies: str = "") -> str:
    children = f'<ol class="children">{replies}</ol>' if replies else ""
    return (f'<li id="comment-{comment_id}" class="comment"><article class="comment-body">'
            f'<footer class="comment-meta"><div class="comment-author vcard"><b class="fn">Ann</b> '
            f'<span class="says">says:</span></div><div class="comment-metadata"><time '
            f'datetime="2020-01-03T10:00:00+01:00">Jan 3</time></div></footer>'
            f'<div class="comment-content"><p>{text}</p></div>'
            f'<div class="reply"><a class="comment-reply-link" href="#">Reply</a></div></article>{children}</li>')


def to_json(tmp_path, *inputs, jobs: int = 1) -> tuple[dict, Diagnostics]:
    out = tmp_path / "out.json"
    diagnostics = Diagnostics()
    convert([str(i) for i in inputs], ConvertOptions(output=str(out), force=True, jobs=jobs), diagnostics)
    return json.loads(out.read_text()), diagnostics


def mirror(tmp_path, pages: dict[str, str]):
    root = tmp_path / "mirror"
    for relative, html in pages.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")
    return root


def test_a_post_saved_from_several_addresses_is_one_post_with_every_comment(tmp_path):
    first = post_page(12, "hello", comments=comment(5, "First", comment(6, "An answer")))
    second_page = post_page(12, "hello", comments=comment(7, "Later"))
    root = mirror(tmp_path, {
        "blog.example.test/hello/index.html": first,
        "blog.example.test/index.html?p=12.html": first,
        "blog.example.test/hello/comment-page-2/index.html": second_page,
    })
    document, _ = to_json(tmp_path, root)
    [post] = document["posts"]
    assert post["id"] == 12 and post["link"] == f"{HOME}/hello/"
    assert [(c["id"], c["parent"]) for c in post["comments"]] == [(5, None), (6, 5), (7, None)]
    assert all("Reply" not in c["content"] and "says:" not in c["content"] for c in post["comments"])


def test_pages_of_other_sites_are_left_out_and_counted(tmp_path):
    root = mirror(tmp_path, {
        "blog.example.test/a/index.html": post_page(1, "a"),
        "blog.example.test/b/index.html": post_page(2, "b"),
        "cdn.other.test/x/index.html": post_page(9, "x", host="https://cdn.other.test"),
    })
    document, diagnostics = to_json(tmp_path, root)
    assert [p["id"] for p in document["posts"]] == [1, 2]
    assert diagnostics.by_code["page-other-site"] == 1
    assert "cdn.other.test (1)" in diagnostics.kept[0].message


def test_items_without_an_id_are_numbered_after_the_known_ones_with_a_warning(tmp_path):
    root = mirror(tmp_path, {
        "blog.example.test/a/index.html": post_page(40, "a", date="2020-01-01T00:00:00+00:00"),
        "blog.example.test/b/index.html": post_page(None, "b", extra_head='<meta property="og:type" content="article">',
                                                    date="2020-02-01T00:00:00+00:00"),
    })
    document, diagnostics = to_json(tmp_path, root)
    assert [(p["id"], p["slug"]) for p in document["posts"]] == [(40, "a"), (41, "b")]
    assert diagnostics.by_code["page-no-id"] == 1


def test_items_come_in_date_order_and_the_output_is_the_same_with_workers(tmp_path):
    root = mirror(tmp_path, {
        "blog.example.test/new/index.html": post_page(1, "new", date="2021-05-01T10:00:00+00:00"),
        "blog.example.test/old/index.html": post_page(2, "old", date="2019-05-01T10:00:00+00:00"),
    })
    one, _ = to_json(tmp_path, root)
    two, _ = to_json(tmp_path, root, jobs=2)
    assert [p["slug"] for p in one["posts"]] == ["old", "new"]
    assert one == two


def test_a_page_that_is_not_wordpress_is_refused_with_what_was_expected(run_cli, tmp_path):
    page = tmp_path / "static.html"
    page.write_text("<!DOCTYPE html><html><head><title>Hugo site</title></head><body><main><h1>Hi</h1>"
                    "<p>Made with a static site generator.</p></main></body></html>")
    result = run_cli("convert", page, "-o", tmp_path / "x.json")
    assert result.exit_code == errors.EXIT_INPUT
    assert "not a WordPress page" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x.json").exists()


def test_listing_pages_alone_give_the_site_and_a_warning_never_posts(run_cli, tmp_path):
    listing = post_page(None, "", body_class="home blog")
    root = mirror(tmp_path, {"blog.example.test/index.html": listing})
    result = run_cli("convert", root, "-o", tmp_path / "x.json")
    assert result.exit_code == 0, result.stderr
    assert "none shows a post or a page" in result.stderr
    document = json.loads((tmp_path / "x.json").read_text())
    assert document["posts"] == [] and document["site"]["link"] == HOME


def test_an_export_and_pages_together_are_a_usage_error(run_cli, tmp_path):
    page = tmp_path / "p.html"
    page.write_text(post_page(1, "a"))
    result = run_cli("convert", SAMPLE, page, "-o", tmp_path / "x.json")
    assert result.exit_code == errors.EXIT_USAGE
    assert "cannot be converted together" in result.stderr


@pytest.mark.parametrize(
    ("place", "url"),
    [
        ("m/blog.example.test/2016/11/22/hello/index.html", "https://blog.example.test/2016/11/22/hello/"),
        ("m/blog.example.test/index.html", "https://blog.example.test/"),
        ("m/blog.example.test/index.html?p=12.html", "https://blog.example.test/?p=12"),
        ("m/blog.example.test/about.html", "https://blog.example.test/about.html"),
        ("m/blog.example.test/caf%C3%A9/index.html", "https://blog.example.test/caf%C3%A9/"),
        ("m/notahost/index.html", None),
    ],
)
def test_a_mirror_file_s_place_gives_the_address_it_was_saved_from(place, url):
    assert _url_from_place("m", place) == url


def test_dates_from_timestamps_and_text():
    stamp = dates.from_timestamp("2016-11-22T05:00:52-05:00")
    assert (stamp.utc, stamp.local) == ("2016-11-22T10:00:52Z", "2016-11-22T05:00:52")
    text = dates.from_text("November 22, 2016 at 10:15 am")
    assert (text.utc, text.local) == (None, "2016-11-22T10:15:00")
    assert dates.with_offset(text, stamp.offset).utc == "2016-11-22T15:15:00Z"
    assert dates.from_text("Reply") is None and dates.from_timestamp("yesterday") is None


def test_a_warc_damaged_in_lengths_and_members_is_read_to_its_end_once(run_cli, tmp_path):
    """A mutant the fuzzer made of the mirror's WARC: a record whose Content-Length points back
    into records already read (once an endless loop), garbled gzip members, a cut record."""
    damaged = FIXTURES / "pages" / "damaged" / "lengths-and-members.warc"
    result = run_cli("convert", damaged, "-o", tmp_path / "out.json")
    assert result.exit_code == 0, result.stderr
    assert "damaged WARC record" in result.stderr and "Content-Length" in result.stderr
    posts = json.loads((tmp_path / "out.json").read_text())["posts"]
    ids = [p["id"] for p in posts]
    assert ids and len(ids) == len(set(ids))


def test_batch_takes_web_archives_beside_exports(run_cli, tmp_path):
    from tests.pagesdata import build_warc

    sources = tmp_path / "sources"
    sources.mkdir()
    build_warc(sources / "crawl.warc.gz", broken=False)
    (sources / "sample.xml").write_bytes(SAMPLE.read_bytes())
    result = run_cli("batch", sources, "-o", tmp_path / "out", "-q")
    assert result.exit_code == 0, result.stderr
    crawl = json.loads((tmp_path / "out" / "crawl.json").read_text())
    assert crawl["site"]["link"] == "https://example.test" and crawl["posts"]
    assert (tmp_path / "out" / "sample.json").exists()


def test_a_child_page_keeps_its_parent_from_body_class(tmp_path):
    child = post_page(7, "about/team", body_class="page-template-default page page-id-7 page-child parent-pageid-2")
    root = mirror(tmp_path, {"blog.example.test/about/team/index.html": child})
    document, _ = to_json(tmp_path, root)
    [page] = document["posts"]
    assert (page["id"], page["type"], page["parent"], page["path"]) == (7, "page", 2, "/about/team/")


DISQUS = """<div id="disqus_thread"><div id="dsq-content"><ul id="dsq-comments">
<li class="comment even thread-even depth-1" id="dsq-comment-61">
 <div id="dsq-comment-header-61" class="dsq-comment-header"><cite id="dsq-cite-61">
  <a id="dsq-author-user-61" href="https://reader.example.test/" target="_blank" rel="nofollow">Mira Holt</a></cite></div>
 <div id="dsq-comment-body-61" class="dsq-comment-body">
  <div id="dsq-comment-message-61" class="dsq-comment-message"><p>A clear overview, thanks.</p></div></div>
 <ul class="children"><li class="comment odd alt depth-2" id="dsq-comment-62">
  <div id="dsq-comment-header-62" class="dsq-comment-header"><cite id="dsq-cite-62">
   <span id="dsq-author-user-62">Tom Reyes</span></cite></div>
  <div id="dsq-comment-body-62" class="dsq-comment-body">
   <div id="dsq-comment-message-62" class="dsq-comment-message"><p>Agreed.</p></div></div></li></ul>
</li></ul></div></div>"""


def test_the_disqus_plugins_comment_list_gives_threads_from_disqus(tmp_path):
    """The fallback list the Disqus plugin's comments.php prints (``dsq-comment-ID`` with
    WordPress's comment id) for pages saved without JavaScript."""
    page = tmp_path / "p.html"
    page.write_text(post_page(5, "overview").replace('<div id="comments"><ol class="comment-list"></ol></div>', DISQUS))
    document, _ = to_json(tmp_path, page)
    comments = document["posts"][0]["comments"]
    assert [(c["id"], c["parent"], c["author"]["name"], c["author"]["url"], c["author"]["provider"])
            for c in comments] == [(61, None, "Mira Holt", "https://reader.example.test/", "disqus"),
                                   (62, 61, "Tom Reyes", "", "disqus")]
    assert comments[1]["content"] == "<p>Agreed.</p>"


def test_terms_post_class_names_without_links_are_kept_with_the_name_an_archive_gives(tmp_path):
    """A theme that prints no tag links still classes the article ``tag-SLUG``; the name comes
    from the tag's archive page when the mirror has it."""
    post = post_page(9, "quiet").replace('class="post hentry"', 'class="post hentry category-notes tag-winter-light"')
    archive = post_page(None, "tag/winter-light", body_class="archive tag tag-winter-light tag-31").replace(
        '<h1 class="entry-title">A post</h1>', "").replace(
        "</body>", '<h1 class="page-title">Tag: <span>Winter light</span></h1></body>')
    root = mirror(tmp_path, {"blog.example.test/quiet/index.html": post,
                             "blog.example.test/tag/winter-light/index.html": archive})
    document, _ = to_json(tmp_path, root)
    [item] = [p for p in document["posts"] if p["id"] == 9]
    assert [(t["taxonomy"], t["slug"], t["name"]) for t in item["terms"]] == [
        ("category", "notes", "notes"), ("post_tag", "winter-light", "Winter light")]
    tag = next(t for t in document["terms"] if t["slug"] == "winter-light")
    assert (tag["id"], tag["name"]) == (31, "Winter light")


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("kind", ["page", "warc"])
def test_a_page_past_the_item_limit_stops_with_the_option_to_raise_it(kind, jobs, run_cli, tmp_path):
    """A page is held whole, so --max-item-size bounds it as it bounds an export's items; in a
    WARC the payload is read no further than the limit, whatever it would unpack to."""
    from tests.pagesdata import PAGES, build_warc

    source = PAGES / "wpcom-classic-post.html"
    if kind == "warc":
        place = tmp_path / "m" / "harbourwatch.example.test" / "post" / "index.html"
        place.parent.mkdir(parents=True)
        place.write_bytes(source.read_bytes())
        source = tmp_path / "crawl.warc.gz"
        build_warc(source, mirror=tmp_path / "m", broken=False)
    result = run_cli("convert", source, "-o", tmp_path / "out.json", "--max-item-size", "4K", "--jobs", jobs)
    assert result.exit_code == errors.EXIT_INPUT
    assert "a page of more than 4K" in result.stderr and "--max-item-size 16K" in result.stderr
    assert run_cli("convert", source, "-o", tmp_path / "out.json", "--max-item-size", "64K").exit_code == 0


def test_telling_a_page_from_an_export_is_linear(tmp_path):
    """A WXR file opens with a long comment; the check once backtracked over it for 1.5 s."""
    from wpmigrate.readers.pages.documents import HEAD_BYTES, looks_like_html

    head = b'<?xml version="1.0"?>\n' + b"<!-- " + b"-- -" * (HEAD_BYTES // 4) + b"\n<rss>"
    comments = b"<!-- a -->" * (HEAD_BYTES // 10)
    assert not looks_like_html(head) and not looks_like_html(comments + b"<rss>")
    assert looks_like_html(comments[:100] + b"<html>") and not looks_like_html(b"<htmlx>")


def test_a_wp_super_cache_folder_from_a_hosting_backup_reads_as_a_mirror(tmp_path):
    """wp-content/cache/supercache/HOST/PATH/index.html (and index-https.html), each opening
    with ``<?php die(); ?>``, beside the plugin's PHP meta files: what a dead host's backup
    often still holds of the rendered blog."""
    cache = tmp_path / "wp-content" / "cache" / "supercache" / "blog.example.test" / "hello"
    cache.mkdir(parents=True)
    page = "<?php die(); ?>" + post_page(12, "hello", comments=comment(5, "First"))
    (cache / "index.html").write_text(page)
    (cache / "index-https.html").write_text(page)
    (tmp_path / "wp-content" / "cache" / "wp-cache-1a2b.php").write_text("<?php die(); ?>a:1:{s:3:\"uri\";}")
    document, _ = to_json(tmp_path, tmp_path / "wp-content")
    [post] = document["posts"]
    assert (post["id"], post["link"], [c["id"] for c in post["comments"]]) == (12, f"{HOME}/hello/", [5])
