"""The per-post part of the Markdown writer: a pure function of one post and the settings.

:func:`render` needs nothing but its arguments (both picklable) and returns a
small picklable result, so it can run in a worker process while the reader
streams; the writer then only names, writes and indexes (writer.py).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from typing import Any

from wpmigrate.errors import UsageError
from wpmigrate.model import Export, Post
from wpmigrate.pii import FORM_TYPES
from wpmigrate.writers.markdown import frontmatter as fm
from wpmigrate.writers.markdown.comments import comment_thread
from wpmigrate.writers.markdown.convert_html import HtmlOptions, to_markdown
from wpmigrate.writers.markdown.escape import needs_raw_liquid
from wpmigrate.writers.markdown.links import SiteLinks, site_links
from wpmigrate.writers.markdown.media import MediaPaths, hostname
from wpmigrate.writers.markdown.options import COMMENT_MODES, FRONT_MATTER_FORMATS
from wpmigrate.writers.markdown.paths import safe_segment, safe_stem
from wpmigrate.writers.markdown.permalinks import as_directory, file_stem, served_path
from wpmigrate.writers.markdown.profiles import Profile, get_profile
from wpmigrate.writers.markdown.report import notes_of
from wpmigrate.writers.markdown.source import markdown_source_body

#: Statuses written by default: what WordPress shows, and scheduled posts (generators hold
#: them back until their date). Drafts and pending posts, when asked for, are flagged ``draft``.
DEFAULT_STATUSES = frozenset({"publish", "future"})
#: Not a WordPress status: ``--include-status protected`` writes password-protected items.
PROTECTED = "protected"
#: Statuses whose items WordPress shows to nobody but their authors and editors.
NOT_PUBLIC_STATUSES = frozenset({"draft", "pending", "auto-draft", "private", "trash", PROTECTED})
DRAFT_STATUSES = frozenset({"draft", "pending", "auto-draft"})
#: Types left out unless ``--include-type`` names them: media, menus, WordPress internals.
EXCLUDED_TYPES = frozenset({
    "attachment", "nav_menu_item", "revision", "custom_css", "customize_changeset", "oembed_cache",
    "user_request", "wp_block", "wp_template", "wp_template_part", "wp_global_styles", "wp_navigation",
    "wp_font_family", "wp_font_face", "scheduled-action",
}) | FORM_TYPES


@dataclass(frozen=True)
class Settings:
    """Everything :func:`render` needs besides the post; built once per run."""

    profile: Profile
    front_matter: str = "yaml"
    fields: tuple[tuple[str, str], ...] = ()
    statuses: frozenset[str] = DEFAULT_STATUSES
    extra_types: frozenset[str] = frozenset()
    comments: str = "data"
    #: Author login -> display name.
    authors: dict[str, str] = field(default_factory=dict)
    #: Set with ``--download-media``: links are rewritten to the local copies.
    media: MediaPaths | None = None
    #: The old site's hosts and home path: links there are made root-relative (``links.py``).
    links: SiteLinks = field(default_factory=SiteLinks)
    #: ``--new-urls``: fresh ``/posts/<slug>/`` addresses and slugified names, the old ones redirected;
    #: else every item keeps its WordPress path and slug.
    new_urls: bool = False

    @property
    def url_key(self) -> str | None:
        """The front-matter key that states an item's URL: the profile's own, or Hugo's ``url``
        and the Astro layouts' ``permalink`` when items keep their old paths."""
        if self.profile.url_key or self.new_urls:
            return self.profile.url_key
        return {"hugo": "url", "astro": "permalink"}.get(self.profile.name)


@dataclass(slots=True)
class Skipped:
    """An item left out, with what redirects and the media manifest still need of it."""

    id: int
    type: str
    reason: str
    path: str = ""
    parent: int | None = None
    attachment_url: str | None = None


@dataclass(slots=True)
class RenderedPost:
    """One post ready to write, except for its final (unique) name."""

    id: int
    type: str
    #: ``post``, ``page`` or ``other`` (custom types): decides the folder and URL pattern.
    kind: str
    draft: bool
    #: The wanted file-name stem; the writer adds ``-2``... when it is taken.
    stem: str
    #: ``(YYYY, MM, DD)`` of the local date, for dated names and URLs.
    day: tuple[str, str, str] | None
    front: dict[str, Any]
    body: str
    #: The front-matter block as written for ``stem`` (re-dumped only on a name clash).
    front_text: str
    #: Threaded comments as JSON for the data file (``--comments data``); None when there are none.
    comments_json: str | None
    media: list[str]
    #: Old URL paths of this post: permalink, ``?p=ID``, old slugs.
    old_paths: list[str]
    #: What could not be carried over as WordPress showed it (``report.notes_of``).
    notes: dict[str, dict[str, int]] = field(default_factory=dict)
    #: The old path the item is served at (decoded); None: the profile's pattern decides.
    url: str | None = None
    #: WordPress's slug, when the file name had to differ from it (see ``permalinks.file_stem``).
    renamed_from: str | None = None
    #: Root-relative paths of the links to the site's own pages (rewritten or as written).
    links: list[str] = field(default_factory=list)


def make_settings(export: Export, *, profile: str = "plain", front_matter: str | None = None,
                  fields: tuple[str, ...] = (), include_status: tuple[str, ...] = (),
                  include_type: tuple[str, ...] = (), comments: str = "data", download_media: bool = False,
                  new_urls: bool = False, **_: Any) -> Settings:
    """Settings from the format options, checked (a :class:`UsageError` for a bad one)."""
    chosen = get_profile(profile)
    front_matter = front_matter or chosen.default_front_matter
    if front_matter not in FRONT_MATTER_FORMATS:
        raise UsageError(f"unknown --front-matter {front_matter!r}", hint="use yaml or toml")
    if comments not in COMMENT_MODES:
        raise UsageError(f"unknown --comments {comments!r}", hint="use " + ", ".join(COMMENT_MODES))
    media = None
    if download_media:
        hosts = {hostname(export.site.base_blog_url), hostname(export.site.base_site_url), hostname(export.site.link)}
        media = MediaPaths(frozenset(h for h in hosts if h))
    return Settings(
        profile=chosen,
        front_matter=front_matter,
        fields=fm.parse_fields(fields),
        statuses=DEFAULT_STATUSES | {s.strip() for s in include_status if s.strip()},
        extra_types=frozenset(t.strip() for t in include_type if t.strip()),
        comments=comments,
        authors={a.login: a.display_name or a.login for a in export.authors},
        media=media,
        links=site_links(export.site.base_blog_url, export.site.link, export.site.base_site_url),
        new_urls=new_urls,
    )


def skip_reason(post: Post, settings: Settings) -> str | None:
    """Why ``post`` is left out, or None when it is written."""
    if post.type in EXCLUDED_TYPES and post.type not in settings.extra_types:
        return f"type {post.type}"
    # Attachments and other child items "inherit" their parent's status.
    if post.status not in settings.statuses and post.status != "inherit":
        return f"status {post.status}"
    if post.password and PROTECTED not in settings.statuses:
        return "password-protected"
    return None


def privacy_warnings(settings: Settings) -> list[str]:
    """What the options publish that WordPress showed to nobody, one warning each."""
    warnings = []
    forms = sorted(settings.extra_types & FORM_TYPES)
    if forms:
        warnings.append(f"markdown: warning: --include-type {','.join(forms)} publishes what visitors sent "
                        "through forms: those pages hold their names and messages (e-mail and IP addresses "
                        "are removed unless --pii keep)")
    hidden = sorted((settings.statuses - DEFAULT_STATUSES) & NOT_PUBLIC_STATUSES)
    if hidden:
        warnings.append(f"markdown: warning: --include-status {','.join(hidden)} writes items WordPress "
                        "showed to nobody but their authors")
    return warnings


def render(post: Post, settings: Settings) -> RenderedPost | Skipped:
    """One post as Markdown with its front matter, comments and media; or why it is skipped.

    An error here is a bug; it leaves with a note naming the post (shown by the CLI).
    """
    try:
        return _render(post, settings)
    except Exception as exc:
        exc.add_note(f"while writing {post.type} {post.id} ({post.slug or post.title!r}) as Markdown")
        raise


def select(post: Post, settings: Settings) -> Post | Skipped:
    """What of ``post`` the site shows, chosen before the transforms so that cleaning does no
    more: the post with only the comments written (approved ones), or its record when it is
    left out."""
    reason = skip_reason(post, settings)
    if reason is not None:
        return _skipped(post, reason)
    shown = () if settings.comments == "none" else tuple(c for c in post.comments if c.status == "approved")
    return post if len(shown) == len(post.comments) else replace(post, comments=shown)


def _skipped(post: Post, reason: str) -> Skipped:
    return Skipped(post.id, post.type, reason, post.path, post.parent, post.attachment_url)


def _render(post: Post, settings: Settings) -> RenderedPost | Skipped:
    reason = skip_reason(post, settings)
    if reason is not None:
        return _skipped(post, reason)
    kind = post.type if post.type in ("post", "page") else "other"
    html = post.content.html if post.content.html is not None else post.content.raw
    html, internal = settings.links.rewrite(html)
    options = HtmlOptions(settings.profile.shortcodes, settings.media, base_url=post.link or None,
                          footnotes=settings.profile.footnotes, hard_break=settings.profile.hard_break)
    source = post.content.markdown  # a post written in Markdown: published as written
    converted = markdown_source_body(source, options, MORE) if source is not None else to_markdown(html, options)
    stem, old_url, renamed_from = _address(post, settings)
    when = fm.timestamp(post.date, post.date_local)
    day = (f"{when.year:04d}", f"{when.month:02d}", f"{when.day:02d}") if when else None
    thread = comment_thread(post.comments) if settings.comments != "none" else []
    internal += _rewrite_thread(thread, settings.links)
    old_paths = _old_paths(post)
    front = _front(post, settings, when, thread, old_paths, html)
    comments_json = None
    if thread and settings.comments == "data":
        # Compact: json's C encoder only serves calls without indent.
        comments_json = json.dumps({"post": post.id, "comments": thread}, ensure_ascii=False) + "\n"
    teaser = settings.links.rewrite(post.content.teaser)[0] if post.content.teaser else None
    body = converted.markdown if source is not None else _with_more(converted.markdown, teaser, options)
    if MORE in body and settings.profile.name == "jekyll":
        front["excerpt_separator"] = MORE
    if settings.profile.liquid_off and needs_raw_liquid(body):
        key, value = settings.profile.liquid_off
        front[key] = value
    media = list(converted.media)
    for url in (post.featured_image, post.attachment_url):
        if url and url not in media:
            media.append(url)
    rendered = RenderedPost(
        id=post.id, type=post.type, kind=kind, draft=post.status in DRAFT_STATUSES, stem=stem, day=day,
        front=front, body=body, front_text="", comments_json=comments_json, media=media,
        old_paths=old_paths, notes=notes_of(post.content.diagnostics or {}), url=old_url,
        renamed_from=renamed_from, links=internal,
    )
    return finish(rendered, stem, settings)


def _address(post: Post, settings: Settings) -> tuple[str, str | None, str | None]:
    """``(file-name stem, old path served, slug renamed from)``: WordPress's slug and path kept,
    or with ``--new-urls`` a slugified stem and no old path."""
    fallback = f"{post.type}-{post.id}"
    if settings.new_urls:
        return safe_stem(post.slug, post.title, fallback), None, None
    stem = file_stem(post.slug)
    if stem and settings.profile.name == "jekyll" and not _JEKYLL_DATA_NAME.fullmatch(stem):
        # Jekyll keys a data file by its name without what is not [A-Za-z0-9_ -]: a comments file
        # named otherwise is never found. The URL (permalink) stays the old one.
        stem = safe_stem(post.slug, post.title, fallback)
        return stem, _served(post, settings), None
    renamed_from = post.slug if stem is not None and stem != post.slug.strip() else None
    return stem or safe_stem(post.slug, post.title, fallback), _served(post, settings), renamed_from


#: A file name Jekyll keeps whole as a data key.
_JEKYLL_DATA_NAME = re.compile(r"[A-Za-z0-9_-]+")


def _served(post: Post, settings: Settings) -> str | None:
    """Where the new site serves ``post``: its old path (a folder, for all but Hugo), if any."""
    url = served_path(post.path)
    return as_directory(url) if url and settings.profile.name != "hugo" else url


def _rewrite_thread(thread: list[dict[str, Any]], links: SiteLinks) -> list[str]:
    """Rewrite the links of each comment's content in place; the internal links found."""
    found: list[str] = []
    for comment in thread:
        if comment.get("content"):
            comment["content"], more = links.rewrite(comment["content"])
            found += more
        found += _rewrite_thread(comment.get("replies") or [], links)
    return found


#: Where the teaser ends: Hugo's summary divider, and what Jekyll and Eleventy are
#: told to split excerpts on (``excerpt_separator``).
MORE = "<!--more-->"


def _with_more(body: str, teaser_html: str | None, options: HtmlOptions) -> str:
    """``body`` with :data:`MORE` after the teaser (``<!--more-->`` in WordPress), where there is one."""
    if not teaser_html:
        return body
    teaser = to_markdown(teaser_html, options).markdown.rstrip()
    if not teaser or not body.startswith(teaser) or not body[len(teaser):].strip():
        return body
    return f"{teaser}\n\n{MORE}\n\n{body[len(teaser):].lstrip()}"


def finish(rendered: RenderedPost, stem: str, settings: Settings) -> RenderedPost:
    """``rendered`` named ``stem``: the name-dependent fields set and the front matter dumped."""
    rendered.stem = stem
    rendered.front["slug"] = stem
    url = new_url(rendered, settings.profile)
    url_key, aliases_key = settings.url_key, settings.profile.aliases_key
    if url_key:
        rendered.front[url_key] = url
    if aliases_key and rendered.front.get(aliases_key):
        # An old URL that is the new one is no redirect: Jekyll would put a redirect page in its place.
        rendered.front[aliases_key] = [a for a in rendered.front[aliases_key] if a != url] or None
    rendered.front_text = fm.dump(rendered.front, settings.front_matter)
    return rendered


def new_url(rendered: RenderedPost, profile: Profile) -> str:
    """The post's URL on the new site: its old path, else by the profile's convention."""
    if rendered.url:
        return rendered.url
    if rendered.kind == "post":
        pattern = profile.post_url if rendered.day or "{y}" not in profile.post_url else profile.page_url
    else:
        pattern = profile.page_url if rendered.kind == "page" else profile.type_url
    y, m, d = rendered.day or ("", "", "")
    return pattern.format(slug=rendered.stem, type=safe_segment(rendered.type), y=y, m=m, d=d)


def _front(post: Post, settings: Settings, when, thread: list, old_paths: list[str], html: str) -> dict[str, Any]:
    profile = settings.profile
    summary = settings.links.rewrite(post.excerpt.strip())[0] or None
    if summary is None and profile.summary_fallback and html:
        summary = fm.plain_summary(html)
    modified = fm.timestamp(post.modified, post.modified_local)
    image = post.featured_image
    if image and settings.media is not None:
        image = settings.media(image) or image
    front: dict[str, Any] = {
        "title": post.title,
        profile.date_key: when,
        profile.lastmod_key: modified if modified and modified != when else None,
        "slug": None,  # set by finish(), kept here for its place in the order
        "author": settings.authors.get(post.author or "", post.author) or None,
        "categories": [t.name or t.slug for t in post.terms if t.taxonomy == "category"] or None,
        "tags": [t.name or t.slug for t in post.terms if t.taxonomy == "post_tag"] or None,
        profile.summary_key: summary,
        profile.image_key: ([image] if profile.image_key == "images" else image) if image else None,
        "draft": True if post.status in DRAFT_STATUSES else (False if profile.name != "jekyll" else None),
    }
    if settings.url_key:
        front[settings.url_key] = None
    if profile.aliases_key:
        # decoded: a generator writes an alias page to a folder of that name, and a server
        # looks for the decoded request path (a folder named with "%d8" is never found)
        aliases = [a for a in map(served_path, old_paths) if a]
        front[profile.aliases_key] = aliases or None
    front["original_url"] = post.link or None
    front["wp_id"] = post.id
    if post.type not in ("post", "page"):
        front["type"] = post.type
    if settings.comments == "front-matter":
        front["comments"] = thread or None
    for name, source in settings.fields:
        front[name] = fm.field_value(post, source) if source else None
    return front


def _old_paths(post: Post) -> list[str]:
    """Where the post lived: its permalink path, ``/?p=ID`` (``page_id`` for pages), old slugs."""
    paths = []
    if post.path and post.path != "/":
        paths.append(post.path)
    query = f"/?page_id={post.id}" if post.type == "page" else f"/?p={post.id}"
    if query not in paths:
        paths.append(query)
    if post.path and post.path != "/":
        head, _, tail = post.path.rstrip("/").rpartition("/")
        for meta in post.meta:
            if meta.key == "_wp_old_slug" and isinstance(meta.value, str) and meta.value and meta.value != tail:
                old = f"{head}/{meta.value}" + ("/" if post.path.endswith("/") else "")
                if old not in paths:
                    paths.append(old)
        for old in _old_dates(post):
            if old not in paths:
                paths.append(old)
    return paths


_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _old_dates(post: Post) -> list[str]:
    """The post's path under each of its former dates (``_wp_old_date``), where the path holds its date."""
    when = _DAY.match(post.date_local or post.date or "")
    if not when:
        return []
    y, m, d = when.groups()
    found = []
    for meta in post.meta:
        old = _DAY.fullmatch(meta.value.strip()) if meta.key == "_wp_old_date" and isinstance(meta.value, str) else None
        if not old:
            continue
        oy, om, od = old.groups()
        for new, former in ((f"/{y}/{m}/{d}/", f"/{oy}/{om}/{od}/"), (f"/{y}/{m}/", f"/{oy}/{om}/")):
            if new in post.path:
                found.append(post.path.replace(new, former, 1))
                break
    return found
