"""Media: where each URL's local copy goes, the manifest, and ``--download-media``.

The local name comes from the URL alone (host, then path; WordPress's
``wp-content/uploads/`` left out for the site's own files), so every post can
be rewritten to it in a worker process before anything is downloaded.
Downloads run in a thread pool with retries; a file is written under a
temporary name and renamed when complete, so an interrupted run resumes where
it stopped: files already there are kept, not fetched again.
"""

from __future__ import annotations

import os
import posixpath
import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from slugify import slugify

from wpmigrate import __version__

MEDIA_DIR = "media"
USER_AGENT = f"wpmigrate/{__version__} (+media download)"


@dataclass(frozen=True)
class MediaPaths:
    """Maps a media URL to its local file; picklable, so workers can rewrite links."""

    #: Hosts whose ``/wp-content/uploads/`` prefix is dropped (the site's own).
    site_hosts: frozenset[str]
    #: The URL prefix the site serves the media folder at (``/media``).
    url_prefix: str = "/" + MEDIA_DIR

    def relative(self, url: str) -> str | None:
        """``media/...`` for ``url``; None for what is not a downloadable http(s) URL."""
        host = hostname(url)  # empty for a broken one too: no local copy, the link stays
        if not host:
            return None
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return None
        path = unquote(parts.path)
        marker = "/wp-content/uploads/"
        if host in self.site_hosts and marker in path:
            folder: list[str] = []
            path = path.split(marker, 1)[1]
        else:
            folder = [re.sub(r"[^a-z0-9.-]", "-", host)]
        segments = [_segment(s) for s in path.split("/") if s not in ("", ".", "..")]
        if not segments:
            return None
        return posixpath.join(MEDIA_DIR, *folder, *segments)

    def __call__(self, url: str) -> str | None:
        """The URL the site serves the local copy at (what links are rewritten to)."""
        relative = self.relative(url)
        return None if relative is None else self.url_prefix + relative[len(MEDIA_DIR):]


def hostname(url: str) -> str:
    """The host of ``url``, lower-cased; empty for none or a broken one (``http://[zz]/``)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


_PLAIN_SEGMENT = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*(\.[A-Za-z0-9]+)?")


def _segment(text: str) -> str:
    """A path segment made safe, keeping the extension and case."""
    if _PLAIN_SEGMENT.fullmatch(text):
        return text  # the common case, without slugify's cost
    stem, dot, ext = text.rpartition(".")
    if not dot or not stem:
        return slugify(text, lowercase=False) or "file"
    return (slugify(stem, lowercase=False) or "file") + "." + (slugify(ext, lowercase=False) or "bin")


@dataclass
class DownloadResult:
    fetched: int = 0
    cached: int = 0
    failed: dict[str, str] | None = None


def download(jobs: Iterable[tuple[str, str]], *, workers: int = 8, retries: int = 3, timeout: float = 30.0,
             backoff: float = 0.5) -> DownloadResult:
    """Fetch each ``(url, target file)`` not already there; returns counts and failures by URL."""
    result = DownloadResult(failed={})
    pending = []
    for url, target in jobs:
        if os.path.isfile(target) and os.path.getsize(target) > 0:
            result.cached += 1
        else:
            pending.append((url, target))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        outcomes = pool.map(lambda job: _fetch(*job, retries=retries, timeout=timeout, backoff=backoff), pending)
        for (url, _), error in zip(pending, outcomes):
            if error is None:
                result.fetched += 1
            else:
                result.failed[url] = error  # type: ignore[index]
    return result


def _fetch(url: str, target: str, *, retries: int, timeout: float, backoff: float) -> str | None:
    """Download ``url`` to ``target`` via a ``.part`` file; None on success, else the last error."""
    os.makedirs(os.path.dirname(target), exist_ok=True)
    partial = target + ".part"
    error = "not tried"
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(backoff * 2 ** (attempt - 1))
        try:
            request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
            with urllib.request.urlopen(request, timeout=timeout) as response, open(partial, "wb") as out:
                while chunk := response.read(1 << 16):
                    out.write(chunk)
            os.replace(partial, target)
            return None
        except urllib.error.HTTPError as exc:
            error = f"HTTP {exc.code}"
            if 400 <= exc.code < 500 and exc.code not in (408, 429):
                break  # the server says no: asking again will not help
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            error = str(getattr(exc, "reason", None) or exc)
    try:
        os.unlink(partial)
    except OSError:
        pass
    return error
