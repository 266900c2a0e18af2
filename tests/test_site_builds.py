"""The Markdown writer's output, with its starter layouts, built by Hugo, Jekyll, Eleventy and Astro.

For each generator and export: the build ends without an error or a warning; every post is
at the URL its front matter promised, under its title, with its comment thread nested as in the
data; and every published post shows the words a reader saw on WordPress (the fidelity measure,
below). Hugo builds every corpus file; the slower generators a varied set of them. Each site
is converted and built once per module.

Fidelity: the visible text of a post's clean HTML (``content.html`` of the JSON output) and of
its built page, without script, style and head, NFC-normalised, as multisets of ``\\w+`` words
case-folded. At least :data:`FIDELITY` of a post's words (with repetition) must be on its page,
for every published post. Word order is not compared: layouts add text around the post, and
generators may move a footnote or a caption.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import sitebuild
from tests.conftest import CORPUS, corpus_files
from wpmigrate.errors import InputError
from wpmigrate.writers.markdown.profiles import PROFILES

#: The varied set the slower generators build: WordPress.com and self-hosted, block editor,
#: the largest file, non-ASCII text, many threaded comments, the real-blog quirks.
REPRESENTATIVE = (
    "real-blog-quirks/wordpress.xml",
    "cc-labs/wordpress.xml",
    "theme-test-data/64-block-test-data.xml",
    "theme-test-data/themeunittestdata.wordpress.xml",
    "nikola/wordpress_unicode_export.xml",
    "parchlinux/wordpress-export.xml",
    "hexo-migrator-wordpress/wordpress.xml",
)
#: The share of a post's words its built page must show.
FIDELITY = 0.99


def cases() -> list[tuple[str, str]]:
    """(generator, corpus file): Hugo every file, the others the representative set."""
    files = corpus_files()
    chosen = [("hugo", name) for name in files]
    chosen += [(g, name) for g in sitebuild.GENERATORS[1:] for name in REPRESENTATIVE if name in files]
    return chosen


class Sites:
    """Converts and builds each (generator, export) once, and the export's JSON once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.built: dict[tuple[str, str], sitebuild.Built] = {}
        self.json: dict[str, dict] = {}

    def get(self, profile: str, name: str) -> sitebuild.Built:
        key = (profile, name)
        if key not in self.built:
            sitebuild.tool(profile)
            folder = self.root / profile / name.replace("/", "__")
            try:
                sitebuild.write_site([CORPUS / name], profile, folder / "site")
            except InputError as exc:
                pytest.skip(f"{name} is not readable as an export: {exc}")
            self.built[key] = sitebuild.build(profile, folder / "site", folder / "public")
        return self.built[key]

    def export_json(self, name: str) -> dict:
        """The export as the JSON writer gives it (the clean ``content.html`` of each post)."""
        if name not in self.json:
            from wpmigrate.convert import ConvertOptions, convert  # noqa: PLC0415

            target = self.root / "json" / (name.replace("/", "__") + ".json")
            target.parent.mkdir(parents=True, exist_ok=True)
            convert([str(CORPUS / name)], ConvertOptions(to="json", output=str(target), recover=True))
            self.json[name] = json.loads(target.read_text(encoding="utf-8"))
        return self.json[name]


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> Sites:
    if not (CORPUS / "expected.json").exists():
        pytest.skip(f"the shared WXR corpus is not at {CORPUS}")
    return Sites(tmp_path_factory.mktemp("sites"))


@pytest.mark.parametrize(("profile", "name"), cases())
def test_posts_are_built_where_promised_with_title_and_thread(sites, profile, name):
    built = sites.get(profile, name)
    for path, front in sitebuild.posts(built.site, profile):
        if sitebuild.scheduled(front, PROFILES[profile].date_key):
            continue  # generators hold a scheduled post back until its date, as WordPress did
        page = built.page(sitebuild.post_url(profile, front))
        heading = " ".join(page.xpath("string(//main//h1)").split())
        assert heading == " ".join(str(front.get("title") or "").split()), f"{path.name}: title"
        data = _comments_file(built, path)
        expected = sitebuild.thread_shape(json.loads(data.read_text())["comments"]) if data.exists() else []
        assert sitebuild.page_thread_shape(page) == expected, f"{path.name}: comment thread"


def _comments_file(built: sitebuild.Built, post: Path) -> Path:
    from wpmigrate.writers.markdown.writer import comments_file  # noqa: PLC0415

    relative = post.relative_to(built.site).as_posix()
    return built.site / comments_file(PROFILES[built.profile].data_dir, relative)


@pytest.mark.parametrize(("profile", "name"), cases())
def test_every_published_post_shows_the_words_readers_saw(sites, profile, name):
    built = sites.get(profile, name)
    urls = {post_key(front): sitebuild.post_url(profile, front) for _, front in sitebuild.posts(built.site, profile)}
    short = []
    for post in published_posts(sites.export_json(name)):
        if post_key(post) not in urls:
            short.append(f"post {post['id']} ({post['slug']}): not written")
            continue
        reference = sitebuild.words(sitebuild.visible_text(post["content"]["html"] or ""))
        shown = sitebuild.words(sitebuild.visible_text(built.page(urls[post_key(post)])))
        share, missing = sitebuild.coverage(reference, shown)
        if share < FIDELITY:
            short.append(f"post {post['id']} ({post['slug']}): {share:.1%}, missing {missing[:30]}")
    assert not short, f"{profile}, {name}: posts under {FIDELITY:.0%} of their words:\n" + "\n".join(short)


def post_key(item: dict) -> tuple[int, str]:
    """A post's id and title, in the JSON output or its front matter (some exports give every
    post the id 0)."""
    return item.get("wp_id", item.get("id")), str(item.get("title") or "")


def published_posts(export: dict) -> list[dict]:
    """The posts WordPress showed to everyone: type post, status publish, no password."""
    return [p for p in export["posts"] if p["type"] == "post" and p["status"] == "publish" and not p["password"]]
