"""`--download-media` against a local HTTP server on 127.0.0.1 (never the real network)."""

from __future__ import annotations

import functools
import http.server
import threading

import pytest

from wpmigrate.model import Content, Export, Post, Site
from wpmigrate.writers.markdown import write_markdown
from wpmigrate.writers.markdown.media import MediaPaths, download


class _Handler(http.server.SimpleHTTPRequestHandler):
    hits: list[str] = []
    #: Paths that fail once with a 503 before they succeed (a retry must recover).
    flaky: set[str] = set()

    def do_GET(self):  # noqa: N802 - the http.server API
        self.hits.append(self.path)
        if self.path in self.flaky:
            self.flaky.discard(self.path)
            self.send_error(503)
            return
        super().do_GET()

    def log_message(self, *args):
        pass


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "www"
    (root / "wp-content" / "uploads" / "2020").mkdir(parents=True)
    (root / "wp-content" / "uploads" / "2020" / "cat.png").write_bytes(b"\x89PNG cat")
    (root / "wp-content" / "uploads" / "2020" / "doc.pdf").write_bytes(b"%PDF doc")
    _Handler.hits, _Handler.flaky = [], {"/wp-content/uploads/2020/doc.pdf"}
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _posts(base):
    html = (f'<p><img src="{base}/wp-content/uploads/2020/cat.png?w=150" alt="small"> '
            f'<img src="{base}/wp-content/uploads/2020/cat.png" alt="cat"> '
            f'<a href="{base}/wp-content/uploads/2020/doc.pdf">doc</a> '
            f'<img src="{base}/wp-content/uploads/2020/missing.png" alt=""></p>')
    return [Post(id=1, slug="p", content=Content(html=html), featured_image=f"{base}/wp-content/uploads/2020/cat.png")]


def test_download_rewrites_links_retries_and_resumes(server, tmp_path):
    out = tmp_path / "site"
    site = Site(base_blog_url=server)

    def run():
        posts = _posts(server)
        return write_markdown(Export(site, (), (), iter(posts)), posts, str(out), force=False, profile="hugo",
                              download_media=True)

    lines = run()
    assert (out / "static" / "media" / "2020" / "cat.png").read_bytes() == b"\x89PNG cat"
    assert (out / "static" / "media" / "2020" / "doc.pdf").read_bytes() == b"%PDF doc", "retried after a 503"
    assert "media 2 downloaded, 0 already there, 1 failed" in lines[-2]
    assert "missing.png: HTTP 404" in lines[-1]
    text = (out / "content" / "posts" / "p.md").read_text()
    assert "![cat](/media/2020/cat.png)" in text and "[doc](/media/2020/doc.pdf)" in text
    assert "![small](/media/2020/cat.png)" in text
    assert _Handler.hits.count("/wp-content/uploads/2020/cat.png") == 1, "one file, fetched once, without ?w="
    assert not any("?w=" in hit for hit in _Handler.hits)
    assert "- /media/2020/cat.png" in text, "the featured image too"
    assert not list(out.rglob("*.part"))
    hits = len(_Handler.hits)
    lines = run()
    assert "media 0 downloaded, 2 already there, 1 failed" in lines[-2]
    assert len(_Handler.hits) == hits + 1, "only the missing file is asked for again"


def test_local_names_stay_inside_the_media_folder():
    paths = MediaPaths(frozenset({"blog.test"}))
    assert paths.relative("https://blog.test/wp-content/uploads/2020/01/a b.JPG?w=300") == "media/2020/01/a-b.JPG"
    assert paths.relative("https://cdn.other.test/x/../../../etc/passwd") == "media/cdn.other.test/x/etc/passwd"
    assert paths.relative("data:image/png;base64,AAAA") is None
    assert paths("https://blog.test/wp-content/uploads/a.png") == "/media/a.png"


def test_unreachable_server_fails_after_retries(tmp_path):
    result = download([("http://127.0.0.1:9/none.png", str(tmp_path / "none.png"))], retries=1, backoff=0.01,
                      timeout=2)
    assert result.fetched == 0 and list(result.failed) == ["http://127.0.0.1:9/none.png"]
    assert not (tmp_path / "none.png").exists()


@pytest.mark.parametrize("url", ["http://[zz]/a.jpg", "http://[::1/a.jpg", "http://ex\uff0fample.test/a.jpg"])
def test_a_url_with_a_broken_host_gets_no_local_copy(url):
    """urlsplit() raises for these; the link is left as it is rather than stopping the run."""
    assert MediaPaths(frozenset({"blog.test"})).relative(url) is None


def test_a_post_with_a_broken_media_url_is_written(tmp_path):
    url = "http://[zz]/a.jpg"
    post = Post(id=1, slug="p", content=Content(html=f'<p><img src="{url}" alt="x"></p>'), featured_image=url)
    export = Export(site=Site(link="http://[zz]"), authors=(), terms=(), posts=iter(()))
    write_markdown(export, [post], str(tmp_path / "site"), force=False, download_media=True)
    [page] = (tmp_path / "site").rglob("*.md")
    assert page.read_text().count(url) == 2, "the links stay as written"
