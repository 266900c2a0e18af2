"""Build the Markdown writer's output with the real static site generators, and read the result.

Hugo and Jekyll are found on PATH; Eleventy and Astro under ``$WPMIGRATE_TOOLS`` (default
``/opt/wpmigrate-tools``), where .ci/setup-tools installs the versions locked in
.ci/tools/package-lock.json. A missing tool skips the test, except with
WPMIGRATE_REQUIRE_TOOLS=1 (set by CI), where it fails.

A build passes only with exit status 0 and no warning or error in its output: each generator's
warning lines are matched by :data:`PROBLEM`.
"""

from __future__ import annotations

import collections
import datetime
import os
import re
import shutil
import subprocess
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from lxml import html

from wpmigrate.convert import ConvertOptions, convert
from wpmigrate.writers.markdown.profiles import PROFILES

#: Where .ci/setup-tools installs the npm generators.
TOOLS = Path(os.environ.get("WPMIGRATE_TOOLS", "/opt/wpmigrate-tools"))
#: The generators, by the writer profile whose output each builds.
GENERATORS = ("hugo", "jekyll", "eleventy", "astro")
#: A line of a generator's output that reports a problem (Hugo's WARN/ERROR, Jekyll's
#: "Warning:"/"Error:", Eleventy's "[11ty] Problem", Astro's "[WARN]"/"[ERROR]", deprecations).
PROBLEM = re.compile(r"\bWARN|\bERROR\b|warning|error:|\[11ty\] Problem|deprecat|does not exist or is empty", re.I)
#: Time limit of one build.
TIMEOUT = 600
_ENV = {"ASTRO_TELEMETRY_DISABLED": "1", "NO_COLOR": "1", "FORCE_COLOR": "0", "ELEVENTY_ENV": "production"}


def tool(name: str) -> str:
    """The generator's executable; skips (fails with WPMIGRATE_REQUIRE_TOOLS=1) when it is missing."""
    found = shutil.which(name) if name in ("hugo", "jekyll") else _npm_bin(name)
    if found:
        return found
    where = "Debian: apt-get install " + name if name in ("hugo", "jekyll") else f"npm, into {TOOLS}"
    if os.environ.get("WPMIGRATE_REQUIRE_TOOLS") == "1":
        pytest.fail(f"{name} is required (WPMIGRATE_REQUIRE_TOOLS=1): run .ci/setup-tools as root")
    pytest.skip(f"{name} is not installed ({where}; .ci/setup-tools installs it)")


def _npm_bin(name: str) -> str | None:
    path = TOOLS / "node_modules" / ".bin" / name
    return str(path) if path.is_file() and os.access(path, os.X_OK) else None


@dataclass
class Built:
    """A site folder written by wpmigrate and the generator's output."""

    profile: str
    site: Path
    public: Path
    output: str
    seconds: float

    def page(self, url: str) -> html.HtmlElement:
        """The built page at ``url`` (``/a/b/`` is ``a/b/index.html``), parsed."""
        path = self.public / url.strip("/")
        if not url.endswith(".html"):
            path = path / "index.html"
        assert path.is_file(), f"{self.profile}: no page built at {url} ({path})"
        return html.fromstring(path.read_bytes())


def write_site(inputs: list[Path], profile: str, site: Path, **format_options) -> None:
    """Convert ``inputs`` to Markdown for ``profile`` into ``site`` (a new folder: layouts on)."""
    options = {"profile": profile, **format_options}
    convert([str(p) for p in inputs], ConvertOptions(to="markdown", output=str(site), recover=True,
                                                     format_options=options))


def build(profile: str, site: Path, public: Path) -> Built:
    """Build ``site`` with the generator of ``profile`` into ``public``; fails on an error or warning."""
    command, cwd = _command(profile, site, public)
    started = time.monotonic()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT,
                          env={**os.environ, **_ENV})
    seconds = time.monotonic() - started
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{profile} build failed ({done.returncode}):\n{output[-5000:]}"
    problems = [line for line in output.splitlines() if PROBLEM.search(line) and not _false_duplicate(line, site)]
    assert not problems, f"{profile} build of {site} reported problems:\n" + "\n".join(problems[:40])
    return Built(profile, site, public, output, seconds)


#: Astro 5's glob loader sometimes reports a file as a duplicate of itself (its check does not
#: compare file names; see withastro/astro#15064; still so in the 5.18.1 pinned here).
_DUPLICATE = re.compile(r'\[glob-loader\] Duplicate id "([^"]+)" found in (.+?)\. Later items')


def _false_duplicate(line: str, site: Path) -> bool:
    """Whether ``line`` is that false report: the id names the very file it was found in, and
    ids are file paths (``content.config.ts``), so no other file has it."""
    found = _DUPLICATE.search(line)
    if not found:
        return False
    return Path(found.group(2)) == site / "src" / "content" / f"{found.group(1)}.md"


def _command(profile: str, site: Path, public: Path) -> tuple[list[str], Path]:
    exe = tool(profile)
    if profile == "hugo":
        return [exe, "--source", str(site), "--destination", str(public), "--panicOnWarning"], site
    if profile == "jekyll":
        return [exe, "build", "--strict_front_matter", "--disable-disk-cache", "--source", str(site),
                "--destination", str(public)], site
    if profile == "eleventy":
        return [exe, "--output", str(public)], site
    if profile == "astro":
        modules = site / "node_modules"  # what `npm install` in the site would give
        if not modules.exists():
            modules.symlink_to(TOOLS / "node_modules", target_is_directory=True)
        return [exe, "build", "--outDir", str(public)], site
    raise ValueError(f"no generator for the {profile} profile")


def front_matter(path: Path) -> dict:
    """The YAML front matter of a Markdown file the writer wrote."""
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), f"{path}: no YAML front matter"
    return yaml.safe_load(text.split("---\n", 2)[1]) or {}


def posts(site: Path, profile: str) -> list[tuple[Path, dict]]:
    """``(file, front matter)`` of every post the writer put in the profile's posts folder."""
    folder = site / PROFILES[profile].posts_dir
    return [(path, front_matter(path)) for path in sorted(folder.glob("*.md"))]


def post_url(profile: str, front: dict) -> str:
    """The URL the writer promised for a post: its ``url`` or ``permalink``, else the profile's pattern."""
    for key in ("url", "permalink"):
        if front.get(key):
            return front[key]
    return PROFILES[profile].post_url.format(slug=front["slug"])


def scheduled(front: dict, date_key: str) -> bool:
    """Whether the post's date is still to come (generators do not build it yet)."""
    when = front.get(date_key)
    if not isinstance(when, datetime.datetime):
        return False
    now = datetime.datetime.now(when.tzinfo) if when.tzinfo else datetime.datetime.now()
    return when > now


def thread_shape(comments: list[dict]) -> list[tuple[str, list]]:
    """A comment thread as nested ``(comment-ID, replies)`` pairs."""
    return [(f"comment-{c['id']}", thread_shape(c.get("replies") or [])) for c in comments]


def page_thread_shape(page: html.HtmlElement) -> list[tuple[str, list]]:
    """The comment thread a reader sees: the nested lists of the page's comments section."""
    sections = page.xpath('//section[@class="comments"]')
    return _list_shape(sections[0].xpath("./ol")) if sections else []


def _list_shape(lists: list) -> list[tuple[str, list]]:
    return [(li.get("id"), _list_shape(li.xpath("./ol"))) for ol in lists for li in ol.xpath("./li")]


def visible_text(fragment: str | bytes | html.HtmlElement) -> str:
    """What a reader sees of HTML: its text without script, style and head, NFC, spaces collapsed."""
    tree = fragment if isinstance(fragment, html.HtmlElement) else _parse(fragment)
    if tree is None:
        return ""
    # Fallback content of players is shown only by a browser that cannot play them.
    for dropped in tree.xpath("//script|//style|//head|//template|//audio|//video|//iframe|//object"):
        if dropped.getparent() is not None:
            dropped.drop_tree()
    for element in tree.iter(*BLOCKS):  # a block boundary separates words; inline tags do not
        element.tail = " " + (element.tail or "")
        element.text = " " + (element.text or "")
    text = tree.text_content()
    return " ".join(unicodedata.normalize("NFC", text).split())


#: Elements whose edges separate words on a page (block boxes, line breaks, cells, items).
BLOCKS = ("p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "br", "hr",
          "td", "th", "tr", "table", "caption", "blockquote", "pre", "figure", "figcaption", "section",
          "article", "header", "footer", "nav", "aside", "main", "details", "summary", "address", "img",
          "body", "html", "title", "option", "label", "fieldset", "legend", "form")


def _parse(fragment: str | bytes) -> html.HtmlElement | None:
    if not (fragment.strip() if isinstance(fragment, str) else fragment.strip()):
        return None
    return html.document_fromstring(fragment if isinstance(fragment, bytes) else f"<body>{fragment}</body>")


#: Words, for the fidelity measure: runs of Unicode word characters, case-folded.
WORD = re.compile(r"\w+")


def words(text: str) -> collections.Counter[str]:
    """The multiset of words of visible text (``\\w+`` runs, case-folded)."""
    return collections.Counter(w.casefold() for w in WORD.findall(text))


def coverage(reference: collections.Counter[str], page: collections.Counter[str]) -> tuple[float, list[str]]:
    """The share of the ``reference`` words (counted with repetition) the page also has, and
    the missing ones (a word the page has fewer times than the reference is missing that often)."""
    total = sum(reference.values())
    if not total:
        return 1.0, []
    missing = reference - page
    return 1 - sum(missing.values()) / total, sorted(missing.elements())
