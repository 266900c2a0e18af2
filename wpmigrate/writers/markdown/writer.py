"""The sequential part of the Markdown writer: names, files, redirects, media manifest.

Items arrive as :class:`Post` (rendered here) or already rendered by
:func:`render.render` on convert's worker processes (``Format.make_prepare``).
Each is written as it comes and forgotten; only a small index stays (ids, new
URLs, old paths, media URLs), so memory does not grow with the content. A file
whose bytes are unchanged is not rewritten, and nothing the user added to the
folder is ever deleted.
"""

from __future__ import annotations

import filecmp
import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import tomli_w

from wpmigrate.errors import OutputError
from wpmigrate.model import Export, Post
from wpmigrate.writers.markdown import media as media_mod
from wpmigrate.writers.markdown import theme
from wpmigrate.writers.markdown.frontmatter import without_surrogates
from wpmigrate.writers.markdown.archives import archive_redirects, front_of
from wpmigrate.writers.markdown.index import SiteIndex
from wpmigrate.writers.markdown.paths import UniquePaths, inside, safe_segment
from wpmigrate.writers.markdown.permalinks import hugo_pattern, structure, tagged
from wpmigrate.writers.markdown.links import lookup_keys
from wpmigrate.writers.markdown.report import REPORT_FILE, UNRESOLVED_FILE, Report
from wpmigrate.writers.markdown.redirects import REDIRECTS_DIR, left_out, redirect_files
from wpmigrate.writers.markdown.render import (
    RenderedPost, Settings, Skipped, finish, make_settings, new_url, privacy_warnings, render,
)

#: Marks a folder wpmigrate wrote, so that re-running into it needs no ``--force``.
MARKER = ".wpmigrate-markdown.json"


def check_output(path: str, force: bool) -> None:
    """Fail early: a file in the way, or a folder of someone else's without ``--force``."""
    if path == "-":
        raise OutputError("Markdown is a folder of files, not a stream", hint="give a folder with -o DIR")
    if os.path.lexists(path) and not os.path.isdir(path):
        raise OutputError(f"{path}: exists and is not a folder", hint="choose another -o DIR")
    if os.path.isdir(path) and os.listdir(path) and not force and not os.path.exists(os.path.join(path, MARKER)):
        raise OutputError(
            f"{path}: folder exists and was not written by wpmigrate",
            hint="pass --force to write into it (files are added or updated, never deleted), or choose -o DIR",
        )


@dataclass
class Summary:
    written: int = 0
    unchanged: int = 0
    posts: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    #: Old URLs no redirect file can hold (see ``redirects.left_out``).
    redirects_left_out: int = 0
    #: Starter layout files (``--with-layouts``) written, and kept because the folder had them.
    layouts_written: int = 0
    layouts_kept: int = 0
    #: Items served at their WordPress path, and those with none a static site can serve.
    at_old_path: int = 0
    moved: int = 0
    #: The permalink structure most posts follow (``permalinks.structure``).
    structure: str | None = None
    #: Links to a wrong address of a post, redirected to it by its slug (as WordPress guesses).
    links_guessed: int = 0
    #: One line per item whose slug or old path could not be kept.
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"markdown: {self.written} files written, {self.unchanged} unchanged"]
        if self.layouts_written or self.layouts_kept:
            out.append(f"markdown: layouts: {self.layouts_written} files written, "
                       f"{self.layouts_kept} kept (already there, not overwritten)")
        if self.skipped:
            reasons = ", ".join(f"{n} ({reason})" for reason, n in sorted(self.skipped.items()))
            out.append(f"markdown: skipped {sum(self.skipped.values())} items: {reasons}")
        if self.at_old_path or self.moved:
            line = f"markdown: {self.at_old_path} items at their WordPress path"
            if self.structure:
                line += f" (permalinks {self.structure})"
            if self.moved:
                line += f", {self.moved} at a new path with a redirect (no served old path: ?p= links, none, or taken)"
            out.append(line)
        if self.links_guessed:
            plural = "s" if self.links_guessed != 1 else ""
            out.append(f"markdown: {self.links_guessed} link{plural} to a wrong address of a post redirected "
                       "to it by its slug, as WordPress did")
        out += [f"markdown: warning: {w}" for w in self.warnings[:20]]
        if len(self.warnings) > 20:
            out.append(f"markdown: warning: and {len(self.warnings) - 20} more items renamed or moved")
        if self.redirects_left_out:
            out.append(f"markdown: {self.redirects_left_out} old URLs left out of the redirect files "
                       "(a tab, newline, quote, ';', '{', '}', '#' or '$' in the path would break a server's configuration)")
        return out


class Folder:
    """Writes files under one root: inside it only, atomically, and only when the bytes changed."""

    def __init__(self, root: str, summary: Summary) -> None:
        self.root = root
        self.summary = summary
        self.checked: set[str] = set()
        #: Folder -> whether this run created it.
        self.made: dict[str, bool] = {}

    def write(self, relative: str, text: str) -> None:
        target = inside(self.root, relative, self.checked)
        data = _utf8(text)
        try:
            if self._new_folder(target):
                # Nothing there to keep whole: written in place, which costs half the file
                # system's time of a rename per file (a site has thousands).
                with open(target, "wb") as stream:
                    stream.write(data)
            elif _same(target, data):
                self.summary.unchanged += 1
                return
            else:
                # Written beside the target then renamed: a crash never leaves half a file
                # where a whole one was.
                partial = target + ".wpmigrate-part"
                with open(partial, "wb") as stream:
                    stream.write(data)
                os.replace(partial, target)
        except OSError as exc:
            raise OutputError(f"{target}: cannot write ({exc.strerror or exc})") from None
        self.summary.written += 1

    def write_lines(self, relative: str, lines: Iterable[str]) -> None:
        """:meth:`write` for a file too big to hold: written as ``lines`` come, then compared."""
        target = inside(self.root, relative, self.checked)
        partial = target + ".wpmigrate-part"
        try:
            new = self._new_folder(target)
            with open(partial, "wb") as stream:
                stream.writelines(map(_utf8, lines))
            if not new and os.path.isfile(target) and filecmp.cmp(partial, target, shallow=False):
                os.remove(partial)
                self.summary.unchanged += 1
                return
            os.replace(partial, target)
        except OSError as exc:
            raise OutputError(f"{target}: cannot write ({exc.strerror or exc})") from None
        self.summary.written += 1

    def _new_folder(self, target: str) -> bool:
        """Whether this run created the folder of ``target`` (made now if missing): a new
        folder holds no earlier files, so nothing there needs comparing."""
        folder = os.path.dirname(target)
        if folder not in self.made:
            self.made[folder] = not os.path.isdir(folder)
            os.makedirs(folder, exist_ok=True)
        return self.made[folder]


def _utf8(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: U+FFFD, so generators read valid UTF-8
        return without_surrogates(text).encode("utf-8")


def _same(path: str, data: bytes) -> bool:
    """Whether ``path`` holds exactly ``data``."""
    try:
        if os.path.getsize(path) != len(data):
            return False
        with open(path, "rb") as existing:
            return existing.read() == data
    except OSError:
        return False


class MarkdownWriter:
    """One run: feed it items with :meth:`add`, then :meth:`close`."""

    def __init__(self, export: Export, root: str, settings: Settings, download_media: bool = False,
                 layouts: bool = False) -> None:
        self.export = export
        #: Whether :meth:`close` adds the profile's starter layouts (``theme.py``).
        self.layouts = layouts
        self.settings = settings
        self.profile = settings.profile
        self.summary = Summary()
        self.folder = Folder(root, self.summary)
        self.download_media = download_media
        reserved = tuple(f"{d}.md" for d in (self.profile.posts_dir,) if d)
        #: New URLs, old paths, attachments and media, until close() writes from them.
        self.index = SiteIndex()
        self.report = Report()
        self.paths = UniquePaths(self.index.take, reserved)
        self.locate = settings.media or media_mod.MediaPaths(frozenset())
        #: How many posts follow each permalink structure (``permalinks.tagged``).
        self.structures: Counter[str] = Counter()
        #: For the archive redirects: the posts' days, the terms they use, how many.
        self.days: set[tuple[str, str, str]] = set()
        self.used_terms: set[tuple[str, str]] = set()
        self.posts_written = 0

    def add(self, item: Post | RenderedPost | Skipped) -> None:
        if isinstance(item, Post):
            item = render(item, self.settings)
        if isinstance(item, Skipped):
            self._skipped(item)
        else:
            self._write(item)

    def _skipped(self, item: Skipped) -> None:
        self.summary.skipped[item.reason] += 1
        if item.type == "attachment":
            # its page redirects to its parent's new page, once every post is placed
            self.index.add_attachment(item.id, item.path, item.parent)
            if item.attachment_url:
                self.index.add_media(item.attachment_url, self.locate.relative, attachment=item.id)

    def _write(self, item: RenderedPost) -> None:
        profile = self.profile
        if item.kind == "post":
            folder = profile.drafts_dir if item.draft and profile.drafts_dir else profile.posts_dir
        elif item.kind == "page":
            folder = profile.pages_dir
        else:
            folder = profile.types_dir.format(type=safe_segment(item.type))
        dated = profile.dated_names and item.kind == "post" and item.day and folder == profile.posts_dir
        prefix = "-".join(item.day) + "-" if dated else ""  # type: ignore[arg-type]
        relative, stem = self.paths.claim(folder, item.stem, prefix)
        taken = bool(item.url) and not self.index.take("url:" + item.url.lower())  # type: ignore[union-attr]
        if taken:
            self.summary.warnings.append(f"{item.type} {item.id}: {item.url} is the address of an earlier item; "
                                         "written at a new path")
            item.url = None
        if stem != item.stem or taken:
            item = finish(item, stem, self.settings)
        self._count_address(item)
        self.folder.write(relative, item.front_text + "\n" + item.body)
        self.summary.posts[item.kind] += 1
        if item.comments_json is not None:
            self.folder.write(comments_file(profile.data_dir, relative), yaml_safe_json(item.comments_json))
        url = new_url(item, profile)
        if item.notes:
            self.report.add({"id": item.id, "type": item.type, "title": item.front.get("title"), "file": relative,
                             "url": url, "original_url": item.front.get("original_url")}, item.notes)
        self.index.set_url(item.id, url)
        self.index.add_slug(_last_segment(url), url)
        for old in item.old_paths:
            self.index.redirect(old, url)  # the first item to claim an old path keeps it
        for used in item.media:
            self.index.add_media(used, self.locate.relative, post=item.id)
        for link in item.links:
            self.index.add_link(item.id, link)
        self._note_archives(item, url)

    def _note_archives(self, item: RenderedPost, url: str) -> None:
        """What the archive redirects need of a written item: its day and terms (posts), its
        comment feed's old address."""
        if item.kind == "post" and not item.draft:
            self.posts_written += 1
            if item.day:
                self.days.add(item.day)
            for key, taxonomy in (("categories", "category"), ("tags", "post_tag")):
                self.used_terms.update((taxonomy, name) for name in item.front.get(key) or ())
        path = item.old_paths[0] if item.old_paths else ""
        if path.endswith("/") and path != "/":
            self.index.redirect(path + "feed/", url)

    def _count_address(self, item: RenderedPost) -> None:
        """Count where the item is served, warn of a changed slug, learn the permalink structure."""
        if self.settings.new_urls:
            return
        if item.renamed_from is not None:
            self.summary.warnings.append(f"{item.type} {item.id}: slug {item.renamed_from[:80]!r} cannot be a file "
                                         f"name; file named {item.stem[:80]!r}")
        if item.url:
            self.summary.at_old_path += 1
            if item.kind == "post":
                self.structures[tagged(item.url, item.day, item.stem, item.id)] += 1
        else:
            self.summary.moved += 1

    def close(self) -> list[str]:
        """Redirects, the media manifest (and downloads), the marker; the summary lines."""
        self._more_redirects()
        self._unresolved_links()
        for name, lines in redirect_files(self.index.redirects()).items():
            self.folder.write_lines(f"{REDIRECTS_DIR}/{name}", lines)
        self.summary.redirects_left_out = left_out(self.index.redirects())
        self.folder.write_lines(f"{media_mod.MEDIA_DIR}.json", media_manifest(
            {"url": url, "file": file, "attachment": attachment, "posts": posts}
            for url, file, attachment, posts in self.index.media()
        ))
        notes = self._download() if self.download_media else []
        if self.profile.name == "hugo":
            self._hugo_config()
        if self.layouts:
            self._layouts()
        self.folder.write(REPORT_FILE, self.report.text())
        self.folder.write(MARKER, json.dumps({"profile": self.profile.name}) + "\n")
        return privacy_warnings(self.settings) + self.summary.lines() + self.report.lines() + notes

    def _more_redirects(self) -> None:
        """Attachment pages to their post; archives and feeds (``archives.py``)."""
        for attachment, path, parent in self.index.attachments():
            target = self.index.url(parent) if parent else None
            if target:
                if path and path != "/":
                    self.index.redirect(path, target)
                self.index.redirect(f"/?attachment_id={attachment}", target)
        self.summary.structure = structure(self.structures)
        for old, new in archive_redirects(self.profile, self.export.terms, self.used_terms, self.export.authors,
                                          self.days, self.posts_written, front_of(self.summary.structure)):
            if not self.index.is_url(old):
                self.index.redirect(old, new)

    def _unresolved_links(self) -> None:
        """List the internal links no page or redirect answers (``UNRESOLVED_FILE``), and count
        them in the report. A link whose last segment is the slug of exactly one item redirects
        there, as WordPress guesses a post from a wrong address (``redirect_guess_404_permalink``)."""
        self.index.know(["/", *list(self.index.known_sources())])  # decoded already; "/": the home page
        per_post: Counter[int] = Counter()

        def rows() -> Iterator[str]:
            yield "post,link\n"
            for item, link in self.index.unresolved(lookup_keys):
                path = lookup_keys(link)[0]
                guess = None if "?" in path else self.index.guess(_last_segment(path))
                if guess:
                    self.index.redirect(path, guess)
                    self.index.know([path])
                    self.summary.links_guessed += 1
                    continue
                per_post[item] += 1
                yield csv_line(str(item), link)

        self.folder.write_lines(UNRESOLVED_FILE, rows())
        for item, count in per_post.items():
            self.report.add({"id": item, "url": self.index.url(item)}, {"unresolved-links": {"links:unresolved": count}})

    def _download(self) -> list[str]:
        """Fetch every media file once (one URL per local file, preferring one without a query)."""
        static = self.profile.static_dir
        targets: dict[str, str] = {}
        for url, file, _, _ in self.index.media():
            if file:
                target = inside(self.folder.root, f"{static}/{file}" if static else file)
                if target not in targets or ("?" in targets[target] and "?" not in url):
                    targets[target] = url
        result = media_mod.download((url, target) for target, url in targets.items())
        failed = result.failed or {}
        lines = [f"markdown: media {result.fetched} downloaded, {result.cached} already there, {len(failed)} failed"]
        lines += [f"markdown: media failed: {url}: {error}" for url, error in sorted(failed.items())[:10]]
        return lines

    def _layouts(self) -> None:
        """The profile's starter layouts, each only where the folder has no such file yet."""
        for relative, text in theme.starter_files(self.profile, self.export.site):
            if theme.missing(self.folder.root, relative):
                self.folder.write(relative, text)
                self.summary.layouts_written += 1
            else:
                self.summary.layouts_kept += 1

    def _hugo_config(self) -> None:
        """A minimal ``hugo.toml`` unless the folder has a config: raw HTML (embeds, video) allowed."""
        if any(os.path.exists(os.path.join(self.folder.root, name)) for name in HUGO_CONFIGS):
            return
        site = self.export.site
        config = {
            "baseURL": (site.base_blog_url or site.link or "https://example.org").rstrip("/") + "/",
            "title": site.title or "Site",
            "languageCode": site.language or "en",
            "markup": {"goldmark": {"renderer": {"unsafe": True}}},
        }
        if not self.settings.new_urls:
            # Items state their old path (``url``); posts added later follow the old structure.
            pattern = hugo_pattern(self.summary.structure) if self.summary.structure else None
            if pattern:
                config["permalinks"] = {"posts": pattern}
            if any(self.index.is_url(path) for path in ("/tags/", "/categories/")):
                # an item of the old site is there: Hugo's lists of all terms would take its place
                config["disableKinds"] = ["taxonomy"]
                # Hugo (0.73+) asks to confirm that "taxonomy" means these lists, as it does now
                config["ignoreErrors"] = ["error-disable-taxonomy"]
        self.folder.write("hugo.toml", tomli_w.dumps(config))


def _last_segment(path: str) -> str:
    """The last segment of a URL path (``/2020/01/hello/`` -> ``hello``)."""
    return path.rstrip("/").rpartition("/")[2]


def csv_line(*fields: str) -> str:
    """One CSV line (quoted where a field needs it)."""
    return ",".join('"' + f.replace('"', '""') + '"' if any(c in f for c in ',"\r\n') else f for f in fields) + "\n"


def media_manifest(entries: Iterable[dict[str, Any]]) -> Iterator[str]:
    """``media.json`` an entry at a time: the text of ``json.dumps({"media": [...]}, indent=1)``."""
    first = True
    for entry in entries:
        # Indented by splitting at "\n" only: JSON escapes it in strings (not U+2028 and kin,
        # which str.splitlines and so textwrap would take for line ends).
        lines = json.dumps(entry, ensure_ascii=False, indent=1).split("\n")
        yield ('{\n "media": [\n' if first else ",\n") + "\n".join("  " + line for line in lines)
        first = False
    yield '{\n "media": []\n}\n' if first else "\n ]\n}\n"


HUGO_CONFIGS = ("hugo.toml", "hugo.yaml", "hugo.json", "config.toml", "config.yaml", "config.json")


#: Characters JSON may hold raw but YAML may not (DEL, C1 controls, U+FFFE, U+FFFF): Jekyll reads
#: data files, JSON ones too, with a YAML parser, and one of them stops the build.
_NOT_YAML = re.compile("[\x7f-\x9f\ufffe\uffff]")


def yaml_safe_json(text: str) -> str:
    """JSON ``text`` with the characters YAML refuses written as ``\\uXXXX`` escapes: the same value
    to a JSON reader (outside strings, JSON text is ASCII)."""
    return _NOT_YAML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def comments_file(data_dir: str, relative: str) -> str:
    """The data file of a post's comments: its content path, without the content folder."""
    key = relative[: -len(".md")]
    for root in ("src/content/", "content/"):
        key = key.removeprefix(root)
    return f"{data_dir}/comments/{key.lstrip('_')}.json"


def write_markdown(export: Export, items: Iterable[Post | RenderedPost | Skipped], path: str, *, force: bool,
                   **options: Any) -> list[str]:
    """Write ``items`` as a Markdown site folder at ``path``; returns the summary lines.

    ``layouts`` (True, False, or None: only into a new or empty folder) adds the profile's
    starter layouts (``theme.py``).
    """
    check_output(path, force)
    settings = make_settings(export, **options)
    layouts = options.get("layouts")
    if layouts is None:
        layouts = not os.path.isdir(path) or not os.listdir(path)
    writer = MarkdownWriter(export, path, settings, download_media=bool(options.get("download_media")),
                            layouts=layouts)
    os.makedirs(path, exist_ok=True)
    try:
        for item in items:
            writer.add(item)
        return writer.close()
    finally:
        writer.index.close()  # its temporary database is deleted, whether the run ended or stopped
