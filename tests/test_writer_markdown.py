"""`--to markdown` end to end: the seed-like sample, profiles, front matter, paths, comments, re-runs."""

from __future__ import annotations

import json
import tomllib

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import SAMPLE
from wpmigrate import errors
from wpmigrate.model import Comment, Commenter, Content, Export, Meta, Post, Site
from wpmigrate.writers.markdown import write_markdown
from wpmigrate.writers.markdown.render import RenderedPost, Skipped

NOISE = ("Share this", "Like this", "Loading...", "sharedaddy", "sd-sharing", "jetpack-likes")


def split(path):
    """(front matter dict, body) of a Markdown file with YAML or TOML front matter."""
    text = path.read_text(encoding="utf-8")
    if text.startswith("+++\n"):
        _, front, body = text.split("+++\n", 2)
        return tomllib.loads(front), body
    assert text.startswith("---\n")
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


@pytest.fixture(scope="module")
def sample_site(tmp_path_factory):
    from click.testing import CliRunner

    from wpmigrate.cli import cli

    out = tmp_path_factory.mktemp("md") / "site"
    result = CliRunner().invoke(cli, ["convert", str(SAMPLE), "--to", "markdown", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out, result.stderr


def test_seed_post_front_matter_body_and_comments(sample_site):
    out, _ = sample_site
    posts = sorted((out / "posts").glob("*.md"))
    published = [p for p in posts if split(p)[0]["draft"] is False]
    assert len(published) == 1
    front, body = split(published[0])
    assert front["title"] == "South Korean cabinet approves closer intelligence cooperation with Japan"
    assert front["date"].isoformat() == "2016-11-22T05:00:52-05:00"
    assert front["author"] == "Ian Allen"
    assert front["categories"] == ["Asia"]
    assert front["tags"] == ["GSOMIA", "Japan", "South Korea"]
    paragraphs = [p for p in body.strip().split("\n\n") if p]
    assert paragraphs.pop(2) == "<!--more-->", "the teaser's end is kept as the summary divider"
    assert len(paragraphs) == 4
    assert paragraphs[1].startswith("The proposed treaty is known as the General Security")
    assert paragraphs[-1].endswith("Ministry of National Defense.")
    assert "<p>" not in body
    for marker in NOISE:
        assert marker not in body
    comments = json.loads((out / "data" / "comments" / "posts" / f"{published[0].stem}.json").read_text())
    thread = comments["comments"]
    assert [c["id"] for c in thread] == [501, 504], "the pending comment is left out"
    assert thread[0]["replies"][0]["id"] == 502 and thread[0]["replies"][0]["replies"][0]["id"] == 503
    assert thread[0]["author"] == "Jones" and thread[0]["provider"] == "facebook"
    assert thread[0]["content"].startswith("<p>Given tenuous status")
    assert not any("email" in c or "ip" in c for c in _walk(thread)), "PII is dropped by default"


def _walk(comments):
    for comment in comments:
        yield comment
        yield from _walk(comment.get("replies", []))


def test_drafts_are_left_out_unless_asked_for(sample_site, run_cli, tmp_path):
    out, stderr = sample_site
    assert not (out / "posts" / "draft-notes-on-the-busan-statue.md").exists()
    assert split(out / "pages" / "about.md")[0]["draft"] is False
    assert "skipped 2 items: 1 (status draft), 1 (type attachment)" in stderr
    asked = tmp_path / "with-drafts"
    result = run_cli("convert", SAMPLE, "--to", "markdown", "-o", asked, "--include-status", "draft")
    assert result.exit_code == 0, result.stderr
    draft = split(asked / "posts" / "draft-notes-on-the-busan-statue.md")[0]
    assert draft["draft"] is True and draft["title"] == "Draft: notes on the Busan statue"
    assert "--include-status draft writes items WordPress showed to nobody but their authors" in result.stderr
    jekyll = tmp_path / "jekyll"
    result = run_cli("convert", SAMPLE, "--to", "markdown", "-o", jekyll, "--profile", "jekyll", "--include-status", "draft")
    assert result.exit_code == 0 and (jekyll / "_drafts" / "draft-notes-on-the-busan-statue.md").exists()


def test_redirects_and_media_manifest(sample_site):
    out, _ = sample_site
    csv = (out / "redirects" / "redirects.csv").read_text().splitlines()
    assert csv[0] == "old,new"
    assert "/2016/11/22/south-korea-japan-gsomia/,/2016/11/22/01-2002/" in csv, "_wp_old_slug"
    assert "/?p=2002,/2016/11/22/01-2002/" in csv and "/?page_id=2,/about/" in csv
    assert "/?attachment_id=2003,/2016/11/22/01-2002/" in csv, "attachment pages go to their post"
    assert '"/?p=2002" "/2016/11/22/01-2002/";' in (out / "redirects" / "nginx.conf").read_text()
    assert "RewriteCond %{QUERY_STRING} (^|&)p=2002(&|$)" in (out / "redirects" / "apache.htaccess").read_text()
    assert "/ p=2002 /2016/11/22/01-2002/ 301" in (out / "redirects" / "_redirects").read_text()
    media = json.loads((out / "media.json").read_text())["media"]
    attachment = [m for m in media if m["attachment"] == 2003]
    assert attachment and attachment[0]["url"].endswith("south-korea.jpg")


def test_pii_keep_is_explicit(run_cli, tmp_path):
    out = tmp_path / "site"
    assert run_cli("convert", SAMPLE, "--to", "markdown", "-o", out, "--pii", "hash").exit_code == 0
    thread = json.loads(next((out / "data" / "comments" / "posts").glob("*.json")).read_text())["comments"]
    assert thread[0]["email"].startswith("sha256:")


@pytest.mark.parametrize("profile, post, page, fmt", [
    ("hugo", "content/posts/01-2002.md", "content/about.md", "yaml"),
    ("hugo", "content/posts/01-2002.md", "content/about.md", "toml"),
    ("jekyll", "_posts/2016-11-22-01-2002.md", "about.md", "yaml"),
    ("eleventy", "posts/01-2002.md", "pages/about.md", "yaml"),
    ("astro", "src/content/blog/01-2002.md", "src/content/pages/about.md", "yaml"),
])
def test_profiles_layout(run_cli, tmp_path, profile, post, page, fmt):
    out = tmp_path / profile
    result = run_cli("convert", SAMPLE, "--to", "markdown", "-o", out, "--profile", profile, "--front-matter", fmt)
    assert result.exit_code == 0, result.stderr
    front, _ = split(out / post)
    assert front["title"].startswith("South Korean cabinet")
    assert split(out / page)[0]["title"]
    if profile == "jekyll":
        assert not (out / "_drafts").exists(), "drafts only with --include-status draft"
        assert front["permalink"] == "/2016/11/22/01-2002/" and front["redirect_from"]
    if profile == "astro":
        assert front["pubDate"].year == 2016
    if profile == "hugo":
        assert front["url"] == "/2016/11/22/01-2002/", "served at its WordPress path"
        assert front["aliases"][0] == "/2016/11/22/south-korea-japan-gsomia/", "its old slug redirects"
        assert tomllib.loads((out / "hugo.toml").read_text())["markup"]["goldmark"]["renderer"]["unsafe"] is True


def _export(posts, **site):
    return Export(site=Site(**site), authors=(), terms=(), posts=iter(posts))


def _write(tmp_path, posts, **options):
    out = tmp_path / "site"
    lines = write_markdown(_export(posts), posts, str(out), force=False, **options)
    return out, lines


def test_titles_with_quotes_colons_and_hashes_survive(tmp_path):
    title = 'He said: "#1" isn\'t \'it\' — [ok] {x}: y'
    posts = [Post(id=1, title=title, slug="t", content=Content(html="<p>x</p>"))]
    for fmt in ("yaml", "toml"):
        out = tmp_path / fmt
        write_markdown(_export(posts), posts, str(out), force=False, front_matter=fmt)
        assert split(out / "posts" / "t.md")[0]["title"] == title


def test_paths_are_safe_and_never_overwrite(tmp_path):
    posts = [
        Post(id=1, slug="../../etc/passwd", title="A"),
        Post(id=2, slug="same", title="B"),
        Post(id=3, slug="same", title="C"),
        Post(id=4, slug="", title=""),
        Post(id=5, slug="", title="Ünïcödé title!"),
        Post(id=6, slug="Same", title="D"),
    ]
    out, _ = _write(tmp_path, posts, new_urls=True)
    names = sorted(p.name for p in (out / "posts").iterdir())
    assert names == ["etc-passwd.md", "post-4.md", "same-2.md", "same-3.md", "same.md", "unicode-title.md"]
    assert not (tmp_path / "etc").exists()
    assert [split(out / "posts" / n)[0]["wp_id"] for n in ("same.md", "same-2.md", "same-3.md")] == [2, 3, 6]
    assert split(out / "posts" / "same-2.md")[0]["slug"] == "same-2", "the slug follows the unique name"


def test_slugs_are_kept_verbatim_unless_no_file_can_have_them(tmp_path):
    long = "λ" * 200  # 400 bytes: over any file system's 255-byte name limit
    posts = [
        Post(id=1, slug="../../etc/passwd", title="A"),
        Post(id=2, slug="under_score", title="B"),
        Post(id=3, slug="Ωμέγα-»-…", title="C"),
        Post(id=4, slug=long, title="D"),
        Post(id=5, slug="", title="Ünïcödé title!"),
    ]
    out, lines = _write(tmp_path, posts)
    names = sorted(p.name for p in (out / "posts").iterdir())
    assert "under_score.md" in names and "Ωμέγα-»-….md" in names and "unicode-title.md" in names
    assert "..-..-etc-passwd.md" in names and not (tmp_path / "etc").exists()
    cut = next(n for n in names if n.startswith("λ"))
    assert len(cut.encode()) <= 255 and long.startswith(cut.removesuffix(".md"))
    warned = [line for line in lines if "cannot be a file name" in line]
    assert len(warned) == 2 and any("post 1:" in line for line in warned) and any("post 4:" in line for line in warned)


def test_include_status_and_type(tmp_path):
    posts = [
        Post(id=1, slug="a", status="private"),
        Post(id=2, slug="b", status="trash"),
        Post(id=3, slug="c", type="nav_menu_item"),
        Post(id=4, slug="d", type="book"),
        Post(id=5, slug="e", type="attachment", status="inherit", attachment_url="https://x.test/e.png"),
    ]
    out, lines = _write(tmp_path, posts)
    assert "skipped 4 items: 1 (status private), 1 (status trash), 1 (type attachment), 1 (type nav_menu_item)" in lines[1]
    assert split(out / "book" / "d.md")[0]["type"] == "book"
    out2 = tmp_path / "more"
    write_markdown(_export(posts), posts, str(out2), force=False, include_status=("private",),
                   include_type=("nav_menu_item", "attachment"))
    assert (out2 / "posts" / "a.md").exists() and (out2 / "nav_menu_item" / "c.md").exists()
    assert split(out2 / "attachment" / "e.md")[0]["type"] == "attachment"
    media = json.loads((out2 / "media.json").read_text())["media"]
    assert [m["url"] for m in media] == ["https://x.test/e.png"]
    assert not (out2 / "posts" / "b.md").exists()


def test_extra_fields_and_front_matter_comments(tmp_path):
    comments = (
        Comment(id=1, content="Hi", author=Commenter(name="Ann")),
        Comment(id=2, parent=1, content="Re", author=Commenter(name="Bob")),
        Comment(id=3, status="spam", content="Buy"),
    )
    posts = [Post(id=9, slug="p", meta=(Meta("_subtitle", "Sub: title"),), comments=comments)]
    out, _ = _write(tmp_path, posts, fields=("subtitle=meta:_subtitle", "original_url=", "wp_guid=guid"),
                    comments="front-matter")
    front, _ = split(out / "posts" / "p.md")
    assert front["subtitle"] == "Sub: title" and "original_url" not in front and front["wp_guid"] == ""
    assert [c["author"] for c in front["comments"]] == ["Ann"]
    assert front["comments"][0]["replies"][0]["author"] == "Bob"
    assert not (out / "data").exists()


def test_rerun_rewrites_only_changes_and_keeps_user_files(run_cli, tmp_path):
    out = tmp_path / "site"
    assert run_cli("convert", SAMPLE, "--to", "markdown", "-o", out).exit_code == 0
    (out / "posts" / "mine.md").write_text("my own post")
    again = run_cli("convert", SAMPLE, "--to", "markdown", "-o", out)
    assert again.exit_code == 0, again.stderr
    assert "markdown: 0 files written" in again.stderr
    assert (out / "posts" / "mine.md").read_text() == "my own post"


def test_foreign_folder_needs_force(run_cli, tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    result = run_cli("convert", SAMPLE, "--to", "markdown", "-o", out)
    assert result.exit_code == errors.EXIT_OUTPUT and "--force" in result.stderr
    assert run_cli("convert", SAMPLE, "--to", "markdown", "-o", out, "--force").exit_code == 0
    assert (out / "keep.txt").read_text() == "x"
    assert run_cli("convert", SAMPLE, "--to", "markdown", "-o", "-").exit_code == errors.EXIT_OUTPUT


def test_usage_errors(run_cli, tmp_path):
    result = run_cli("convert", SAMPLE, "--profile", "hugo", "-o", tmp_path / "x.json")
    assert result.exit_code == errors.EXIT_USAGE and "--to markdown" in result.stderr
    result = run_cli("convert", SAMPLE, "--to", "markdown", "--field", "x=nope", "-o", tmp_path / "s")
    assert result.exit_code == errors.EXIT_USAGE and "meta:KEY" in result.stderr


def test_prepare_renders_in_advance_with_the_same_output(tmp_path):
    """What the worker pool does: render via Format.make_prepare, then hand the results to the writer."""
    import pickle

    from wpmigrate.convert import ConvertOptions, transforms
    from wpmigrate.readers.wxr import read
    from wpmigrate.writers import get_format

    def run(out, pre):
        export = read([str(SAMPLE)])
        steps = transforms(ConvertOptions(pii="drop"), export)
        fmt = get_format("markdown")
        if pre:  # as a pool sends them to its workers
            select = pickle.loads(pickle.dumps(fmt.make_select(export, profile="hugo")))
            render = pickle.loads(pickle.dumps(fmt.make_prepare(export, profile="hugo")))
        items = []
        for post in export.posts:
            if pre:
                post = select(post)  # the attachment and the pending comment go no further
            if isinstance(post, Post):
                for step in steps:
                    post = step(post)
            if pre:
                rendered = pickle.loads(pickle.dumps(render(post) if isinstance(post, Post) else post))
                assert isinstance(rendered, (RenderedPost, Skipped))
                items.append(rendered)
            else:
                items.append(post)
        write_markdown(export, items, str(out), force=False, profile="hugo")
        return {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    prepared = run(tmp_path / "a", True)
    assert prepared and prepared == run(tmp_path / "b", False)


def test_select_keeps_what_the_site_shows_before_cleaning():
    """Posts left out become their record, and only approved comments are cleaned and written."""
    from wpmigrate.writers.markdown.render import make_settings, select

    comments = tuple(Comment(id=n, status=status) for n, status in
                     enumerate(("approved", "spam", "approved", "pending", "trash"), 1))
    post = Post(id=7, slug="p", comments=comments)
    settings = make_settings(_export([]))
    assert [c.id for c in select(post, settings).comments] == [1, 3]
    assert select(post, make_settings(_export([]), comments="none")).comments == ()
    assert select(post, make_settings(_export([]), comments="front-matter")).comments == (comments[0], comments[2])
    attachment = Post(id=8, type="attachment", status="inherit", parent=7, path="/a/", attachment_url="http://x/a.jpg",
                      comments=comments)
    assert select(attachment, settings) == Skipped(8, "attachment", "type attachment", "/a/", 7, "http://x/a.jpg")
    included = make_settings(_export([]), include_type=("attachment",))
    assert select(attachment, included).comments == (comments[0], comments[2])
    assert select(Post(id=9, status="private"), settings).reason == "status private"


def test_output_is_deterministic(run_cli, tmp_path):
    trees = []
    for name in ("a", "b"):
        out = tmp_path / name
        assert run_cli("convert", SAMPLE, "--to", "markdown", "-o", out, "--profile", "jekyll").exit_code == 0
        trees.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()})
    assert trees[0] == trees[1]


def test_a_link_leading_out_of_the_folder_is_refused(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    out = tmp_path / "site"
    out.mkdir()
    (out / ".wpmigrate-markdown.json").write_text("{}")
    (out / "posts").symlink_to(outside)
    posts = [Post(id=1, slug="a")]
    with pytest.raises(errors.OutputError, match="outside the output folder"):
        write_markdown(_export(posts), posts, str(out), force=False)
    assert not list(outside.iterdir())


def test_readme_markdown_examples_run(run_cli, tmp_path, monkeypatch):
    """Each example of the README's Markdown section, on the sample (downloads left out: no network)."""
    import re
    import shlex

    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Markdown for static sites", 1)[1].split("\n## ", 1)[0]
    examples = re.findall(r"^wpmigrate convert export\.xml --to markdown.*$", section, re.M)
    assert len(examples) >= 5
    monkeypatch.chdir(tmp_path)
    for example in examples:
        args = shlex.split(example)[1:]
        if "--download-media" in args:
            args.remove("--download-media")
        args[args.index("export.xml")] = str(SAMPLE)
        result = run_cli(*args)
        assert result.exit_code == 0, (example, result.stderr)
        out = tmp_path / (args[args.index("-o") + 1] if "-o" in args else "intelnews-sample")
        assert len(list(out.rglob("*.md"))) == 2, example  # the post and the page; not the draft


def test_worker_processes_write_the_same_folder(tmp_path):
    """convert's pool renders the posts in workers (Format.make_prepare): same bytes as one process."""
    from wpmigrate.convert import ConvertOptions, convert

    trees = []
    for jobs in (1, 2):
        out = tmp_path / f"jobs{jobs}"
        result = convert([str(SAMPLE)], ConvertOptions(to="markdown", output=str(out), jobs=jobs, pii="drop",
                                                       format_options={"profile": "hugo"}))
        assert result.counts["post"] == 2 and any("files written" in note for note in result.notes)
        trees.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()})
    assert trees[0] == trees[1] and len(trees[0]) > 5


def test_lone_surrogates_become_replacement_characters(tmp_path):
    """A numeric entity such as &#xD800; decodes to a lone surrogate, which UTF-8 cannot hold."""
    posts = [Post(id=1, slug="s", title="a\ud800b", content=Content(html="<p>x\udc00y</p>"),
                  comments=(Comment(id=1, content="c", content_html="<p>c\ud800</p>"),))]
    for fmt in ("yaml", "toml"):
        out = tmp_path / fmt
        write_markdown(_export(posts), posts, str(out), force=False, front_matter=fmt)
        front, body = split(out / "posts" / "s.md")
        assert front["title"] == "a\ufffdb" and "x\ufffdy" in body
        assert "c\ufffd" in (out / "data" / "comments" / "posts" / "s.json").read_text(encoding="utf-8")


def test_yaml_front_matter_has_no_anchors():
    from wpmigrate.writers.markdown.frontmatter import dump

    shared = ["Asia", "News"]
    text = dump({"categories": shared, "sections": shared}, "yaml")
    assert "&" not in text and "*" not in text
    assert yaml.safe_load(text.split("---\n")[1]) == {"categories": shared, "sections": shared}


@pytest.mark.parametrize("profile", ["hugo", "jekyll"])
def test_more_marker_divides_the_summary(tmp_path, profile):
    """WordPress's ``<!--more-->`` becomes the generators' summary divider, after the teaser."""
    from wpmigrate.clean.pipeline import CleanOptions, clean_post

    raw = "Teaser paragraph.\n\n<!--more-->\n\nThe rest of the post.\n\nAnd more."
    plain = "One paragraph only."
    posts = [clean_post(Post(id=1, slug="with-more", content=Content(raw=raw)), {}, CleanOptions()),
             clean_post(Post(id=2, slug="without", content=Content(raw=plain)), {}, CleanOptions())]
    out, _ = _write(tmp_path, posts, profile=profile)
    folder = out / ("content/posts" if profile == "hugo" else "_posts")
    with_more = next(folder.glob("*with-more.md"))
    front, body = split(with_more)
    assert body.split("<!--more-->") == ["\nTeaser paragraph.\n\n", "\n\nThe rest of the post.\n\nAnd more.\n"]
    assert front.get("excerpt_separator") == ("<!--more-->" if profile == "jekyll" else None)
    assert "<!--more-->" not in next(folder.glob("*without.md")).read_text()


def test_description_falls_back_to_a_plain_summary_of_the_first_paragraph(tmp_path):
    words = "Word " * 50
    posts = [
        Post(id=1, slug="a", content=Content(html=(
            '<figure><img src="https://x.test/a.jpg" alt=""></figure><p> </p>'
            '<p>Tom &amp; <em>Jerry</em>&nbsp;went to<br>the <a href="https://x.test/">park</a>.</p><p>Then home.</p>'))),
        Post(id=2, slug="b", content=Content(html=f"<p>{words}</p>")),
        Post(id=3, slug="c", excerpt="The excerpt wins", content=Content(html="<p>Body</p>")),
        Post(id=4, slug="d", content=Content(html='<p><img src="https://x.test/b.jpg" alt=""></p>')),
    ]
    for profile, folder in (("astro", "src/content/blog"), ("eleventy", "posts")):
        out, _ = _write(tmp_path / profile, posts, profile=profile)
        front = {name: split(out / folder / f"{name}.md")[0] for name in "abcd"}
        assert front["a"]["description"] == "Tom & Jerry went to the park."
        cut = front["b"]["description"]
        assert len(cut) <= 160 and cut.endswith("Word…") and words.startswith(cut[:-1]), cut
        assert front["c"]["description"] == "The excerpt wins"
        assert "description" not in front["d"], "no text, no description"
    # Hugo and Jekyll make their own summaries (a front-matter one would override them and
    # <!--more-->); plain's `excerpt` is WordPress's excerpt only.
    for profile, folder, key in (("hugo", "content/posts", "summary"), ("jekyll", "_posts", "excerpt"),
                                 ("plain", "posts", "excerpt")):
        out, _ = _write(tmp_path / profile, posts, profile=profile)
        assert key not in split(out / folder / "a.md")[0]
        assert split(out / folder / "c.md")[0][key] == "The excerpt wins"


def test_astro_front_matter_fits_the_blog_template_schema(run_cli, tmp_path):
    """Astro's blog starter: title and description strings, pubDate a date, updatedDate and
    heroImage optional."""
    import datetime as dt

    out = tmp_path / "astro"
    assert run_cli("convert", SAMPLE, "--to", "markdown", "-o", out, "--profile", "astro").exit_code == 0
    files = sorted((out / "src" / "content" / "blog").glob("*.md"))
    assert files
    for path in files:
        front, _ = split(path)
        assert isinstance(front["title"], str) and isinstance(front["pubDate"], dt.datetime), path.name
        assert isinstance(front.get("description"), str) and front["description"], path.name
        assert isinstance(front.get("updatedDate", front["pubDate"]), dt.datetime)
        assert isinstance(front.get("heroImage", ""), str)


@pytest.mark.parametrize("mode, fmt", [("front-matter", "yaml"), ("front-matter", "toml"), ("data", "yaml")])
def test_a_reply_chain_hundreds_deep_is_written_flat_past_the_thread_depth(tmp_path, mode, fmt):
    """Each level was one more recursion in the JSON/YAML/TOML writers: 700 replies in a chain overflowed."""
    chain = tuple(Comment(id=n, parent=n - 1 or None, content=f"c{n}", author=Commenter(name=f"A{n}"))
                  for n in range(1, 701))
    posts = [Post(id=9, slug="p", comments=chain)]
    out, _ = _write(tmp_path, posts, comments=mode, front_matter=fmt)
    from wpmigrate.threads import MAX_DEPTH

    if mode == "data":
        [data] = (out / "data").rglob("*.json")
        thread = json.loads(data.read_text())["comments"]
    else:
        thread = split(out / "posts" / "p.md")[0]["comments"]
    depth, level, written = 0, thread, []
    while level:
        depth += 1
        written += [c["id"] for c in level]
        level = [r for c in level for r in c.get("replies", [])]
    assert depth == MAX_DEPTH and sorted(written) == list(range(1, 701))
    assert [c["parent"] for c in thread[0]["replies"][0]["replies"]] == [2], "the real parent id stays"


def test_a_meta_value_nested_hundreds_deep_is_a_field_of_json_text(tmp_path):
    """PHP-serialized meta decodes to ~490 levels; PyYAML and tomli-w recurse per level and overflowed."""
    deep: object = None
    for _ in range(400):
        deep = [deep]
    posts = [Post(id=9, slug="p", meta=(Meta("deep", deep), Meta("flat", {"a": [1, 2]})))]
    for fmt in ("yaml", "toml"):
        out = tmp_path / fmt
        write_markdown(_export(posts), posts, str(out), force=False, front_matter=fmt,
                       fields=("deep=meta:deep", "flat=meta:flat"))
        front, _ = split(out / "posts" / "p.md")
        assert json.loads(front["deep"]) == deep and front["flat"] == {"a": [1, 2]}


urls = st.text(max_size=12)  # any text: U+2028 and other line ends that are not "\n" included
manifest_entries = st.lists(
    st.fixed_dictionaries({"url": urls, "file": st.one_of(st.none(), urls),
                           "attachment": st.one_of(st.none(), st.integers(1, 10**6)),
                           "posts": st.lists(st.integers(1, 10**6), max_size=3)}),
    max_size=4,
)


@given(manifest_entries)
def test_the_media_manifest_streams_the_text_json_would_write_whole(entries):
    from wpmigrate.writers.markdown.writer import media_manifest

    assert "".join(media_manifest(iter(entries))) == json.dumps({"media": entries}, ensure_ascii=False, indent=1) + "\n"


def test_big_files_are_streamed_and_rewritten_only_when_changed(tmp_path):
    from wpmigrate.writers.markdown.writer import Folder, Summary

    summary = Summary()
    Folder(str(tmp_path), summary).write_lines("r/a.txt", iter(["one\n", "two\ud800\n"]))
    assert (tmp_path / "r" / "a.txt").read_text(encoding="utf-8") == "one\ntwo\ufffd\n"
    again = Folder(str(tmp_path), summary)  # a second run: the folder is not new
    again.write_lines("r/a.txt", iter(["one\n", "two\ud800\n"]))
    again.write_lines("r/b.txt", iter(["new\n"]))
    again.write_lines("r/a.txt", iter(["changed\n"]))
    assert (summary.written, summary.unchanged) == (3, 1)
    assert (tmp_path / "r" / "a.txt").read_text() == "changed\n" and (tmp_path / "r" / "b.txt").read_text() == "new\n"
    assert sorted(p.name for p in (tmp_path / "r").iterdir()) == ["a.txt", "b.txt"], "no partial file left"


def test_a_file_cut_short_by_a_crash_is_made_whole_by_the_next_run(tmp_path):
    """Files go straight into a folder the run made; a later run compares, and replaces by rename."""
    from wpmigrate.writers.markdown.writer import Folder, Summary

    summary = Summary()
    first = Folder(str(tmp_path), summary)
    first.write("posts/a.md", "whole post\n")
    first.write("posts/b.md", "other post\n")
    (tmp_path / "posts" / "a.md").write_text("whole")  # what a crash during the write leaves
    again = Folder(str(tmp_path), summary)
    again.write("posts/a.md", "whole post\n")
    again.write("posts/b.md", "other post\n")
    assert (summary.written, summary.unchanged) == (3, 1)
    assert (tmp_path / "posts" / "a.md").read_text() == "whole post\n"
    assert sorted(p.name for p in (tmp_path / "posts").iterdir()) == ["a.md", "b.md"], "no partial file left"


def test_a_post_type_too_long_for_a_folder_name_is_cut(tmp_path):
    """A 300-character type made a 300-character folder: 'File name too long' stopped the run."""
    posts = [Post(id=1, type="x" * 300, slug="a"), Post(id=2, type="x" * 300, slug="a")]
    out, _ = _write(tmp_path, posts)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.md")) == [f"{'x' * 80}/a-2.md", f"{'x' * 80}/a.md"]


def test_the_summary_names_twenty_renamed_items_and_counts_the_rest():
    from wpmigrate.writers.markdown.writer import Summary  # noqa: PLC0415

    lines = Summary(warnings=[f"post {n}: renamed" for n in range(25)]).lines()
    warned = [line for line in lines if line.startswith("markdown: warning: post ")]
    assert len(warned) == 20 and "markdown: warning: and 5 more items renamed or moved" in lines
