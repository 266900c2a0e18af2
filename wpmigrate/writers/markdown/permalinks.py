"""Old addresses kept: each post's exact WordPress path, its file name, the site's permalink structure.

WordPress writes every item's address into the export (``<link>``); the reader keeps it
relative to the blog's home (``Post.path``, percent-encoded as WordPress wrote it). By
default the new site serves each item there: the path decoded (a static server decodes the
request before it looks for a file), its slug verbatim. Only what no file system can hold is
changed: a ``/`` or NUL in a segment, a name over 255 bytes.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import unquote

#: A file name's limit on every common file system, in bytes of UTF-8.
NAME_BYTES = 255
#: What the writer may add around a stem: Jekyll's ``YYYY-MM-DD-`` prefix, a ``-NNN`` on a clash,
#: ``.json`` (comments) or ``.md``, and ``.wpmigrate-part`` while a file is replaced.
_ADDED_BYTES = len("2024-01-01-") + len("-999") + len(".json") + len(".wpmigrate-part")
STEM_BYTES = NAME_BYTES - _ADDED_BYTES
_UNSAFE = re.compile(r"[/\\\x00-\x1f\x7f]")
_SLASHES = re.compile(r"/{2,}")
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}$")


def file_stem(slug: str) -> str | None:
    """The slug as a file-name stem, verbatim where it can be one; None for an empty slug.

    A ``/``, ``\\``, NUL or control character becomes ``-``; a stem over :data:`STEM_BYTES`
    bytes is cut at a character boundary."""
    stem = _UNSAFE.sub("-", slug.strip())
    if len(stem.encode("utf-8", "surrogatepass")) > STEM_BYTES:
        stem = stem.encode("utf-8", "surrogatepass")[:STEM_BYTES].decode("utf-8", "ignore").rstrip("-")
    return stem if stem.strip(".") else None


def served_path(path: str) -> str | None:
    """Where a static site can serve the item WordPress had at ``path``: the path decoded, its
    slashes merged (``//greek/x/`` is what nginx and Apache serve as ``/greek/x/``); None for a
    query form (``/?p=12``), the home page, or a segment no file system can hold."""
    if not path.startswith("/") or "?" in path or "#" in path:
        return None
    try:
        segments = [unquote(s, errors="strict") for s in path.split("/")]
    except UnicodeDecodeError:
        return None
    if any(_UNSAFE.search(s) or s in (".", "..") or len(s.encode("utf-8", "surrogatepass")) > NAME_BYTES
           for s in segments):
        return None
    served = _SLASHES.sub("/", "/".join(segments))
    return None if served == "/" else served


def as_directory(url: str) -> str:
    """``url`` as a folder (``/about`` -> ``/about/``) unless it names a file (``/a/b.html``):
    what Jekyll, Eleventy and Astro need to write ``index.html`` rather than a bare file."""
    last = url.rsplit("/", 1)[-1]
    return url if url.endswith("/") or _EXTENSION.search(last) else url + "/"


#: WordPress structure tags, as Hugo's permalink tokens.
_HUGO_TOKENS = {"%year%": ":year", "%monthnum%": ":month", "%day%": ":day", "%postname%": ":slug",
                "%post_id%": ":contentbasename"}


def structure(counts: Counter[str]) -> str | None:
    """The permalink structure most posts follow (``/%year%/%monthnum%/%postname%/``), from the
    count of each post's :func:`tagged` path; None when no post has one."""
    found = [(n, tag) for tag, n in counts.items() if tag]
    return max(found)[1] if found else None


def tagged(path: str, day: tuple[str, str, str] | None, slug: str, item: int) -> str:
    """``path`` with its date, slug and id replaced by WordPress's tags; "" when no slug or id is
    in it (then it is no structure)."""
    parts = path.split("/")
    values = {"%postname%": slug, "%post_id%": str(item)}
    if day:
        values.update({"%year%": day[0], "%monthnum%": day[1], "%day%": day[2]})
    tagged, named = [], False
    for part in parts:
        stem, dot, ext = part.partition(".") if part.endswith(".html") else (part, "", "")
        tag = next((t for t, v in values.items() if v and stem == v), None)
        named = named or tag in ("%postname%", "%post_id%")
        tagged.append((tag or part) + dot + ext)
    return "/".join(tagged) if named else ""


def hugo_pattern(tagged: str) -> str | None:
    """A WordPress structure as a Hugo ``[permalinks]`` pattern; None when it has a part
    Hugo cannot make (a literal ``%category%``, an id that is not the file name)."""
    if "%post_id%" in tagged:
        return None
    pattern = tagged
    for tag, token in _HUGO_TOKENS.items():
        pattern = pattern.replace(tag, token)
    return None if "%" in pattern else pattern
