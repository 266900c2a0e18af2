"""Each static site generator's conventions: where files go, front-matter keys, new URLs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wpmigrate.errors import UsageError


@dataclass(frozen=True)
class Profile:
    name: str
    #: Folder of posts, of pages and of other types (``{type}`` is replaced), under the output.
    posts_dir: str
    pages_dir: str
    types_dir: str
    #: Where drafts go instead of ``posts_dir`` (Jekyll's ``_drafts``); None: same folder.
    drafts_dir: str | None
    #: Posts are named ``YYYY-MM-DD-slug.md`` (Jekyll).
    dated_names: bool
    #: The generator's data folder (comments) and static folder (downloaded media).
    data_dir: str
    static_dir: str
    #: New URL of a post and of a page/other item; ``{slug}``, ``{type}``, ``{y}``, ``{m}``, ``{d}``.
    post_url: str
    page_url: str
    type_url: str
    #: Front-matter keys, by what they hold.
    date_key: str = "date"
    lastmod_key: str = "lastmod"
    summary_key: str = "summary"
    #: A post without an excerpt gets a plain-text summary of its first paragraph there (a page
    #: description the generator needs and does not derive itself; Hugo and Jekyll derive theirs).
    summary_fallback: bool = False
    image_key: str = "featured_image"
    aliases_key: str | None = "aliases"
    #: Key that states the new URL (Jekyll's and Eleventy's ``permalink``); None: the slug decides.
    url_key: str | None = None
    #: The figure/embed shortcodes the converter may write ("hugo"), else portable Markdown.
    shortcodes: str = ""
    default_front_matter: str = "yaml"
    #: The front-matter key and value that turn the generator's Liquid pass off for one post
    #: (Jekyll, Eleventy): set where the text holds ``{{`` or ``{%``, which Liquid would run.
    liquid_off: tuple[str, Any] | None = None
    #: Whether the generator's Markdown reads footnotes (``[^1]``); else they stay links and a list
    #: (Eleventy's markdown-it has no footnotes: the notes' text vanished as link definitions).
    footnotes: bool = True
    #: How the generator's Markdown reads a line break: ``\`` at the line's end, or two spaces
    #: (kramdown shows the backslash).
    hard_break: str = "backslash"


PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile("plain", "posts", "pages", "{type}", None, False, "data", "", "/posts/{slug}/", "/{slug}/",
                "/{type}/{slug}/", summary_key="excerpt"),
        Profile("hugo", "content/posts", "content", "content/{type}", None, False, "data", "static",
                "/posts/{slug}/", "/{slug}/", "/{type}/{slug}/", image_key="images", shortcodes="hugo"),
        Profile("jekyll", "_posts", "", "_{type}", "_drafts", True, "_data", "", "/{y}/{m}/{d}/{slug}/",
                "/{slug}/", "/{type}/{slug}/", lastmod_key="last_modified_at", summary_key="excerpt",
                image_key="image", aliases_key="redirect_from", url_key="permalink",
                liquid_off=("render_with_liquid", False), hard_break="spaces"),
        Profile("eleventy", "posts", "pages", "{type}", None, False, "_data", "", "/posts/{slug}/", "/{slug}/",
                "/{type}/{slug}/", lastmod_key="updated", summary_key="description", summary_fallback=True,
                url_key="permalink", liquid_off=("templateEngineOverride", "md"), footnotes=False),
        Profile("astro", "src/content/blog", "src/content/pages", "src/content/{type}", None, False, "src/data",
                "public", "/blog/{slug}/", "/{slug}/", "/{type}/{slug}/", date_key="pubDate",
                lastmod_key="updatedDate", summary_key="description", summary_fallback=True,
                image_key="heroImage"),
    )
}


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise UsageError(f"unknown --profile {name!r}", hint="use one of " + ", ".join(PROFILES)) from None
