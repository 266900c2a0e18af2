"""HTML helpers for the handlers: escaping, URLs, numbers, media elements, inline math.
"""

from __future__ import annotations

import html
import posixpath
import re
from urllib.parse import urlsplit

# --------------------------------------------------------------------------- HTML helpers


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _literal(text: str) -> str:
    """Text as HTML, brackets encoded too so that no later pass takes it for a shortcode."""
    return html.escape(text, quote=False).replace("[", "&#91;").replace("]", "&#93;")


def _attrs(**attrs: object) -> str:
    """`` name="value"`` pairs; None/False are left out, True is a bare attribute."""
    parts = []
    for name, value in attrs.items():
        name = name.rstrip("_").replace("_", "-")
        if value is None or value is False:
            continue
        parts.append(f" {name}" if value is True else f' {name}="{_esc(value)}"')
    return "".join(parts)


_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_URL_JUNK_RE = re.compile(r"[\x00-\x1f\x7f]")


def _decode_entities(value: str) -> str:
    """Decode ``&amp;``-style references, only the ones closed by ``;`` (URLs hold ``&copy=``)."""
    if "&" not in value:
        return value
    return _ENTITY_RE.sub(lambda m: html.unescape(m.group()), value)


def _clean_url(url: str | None) -> str | None:
    """An http(s), protocol-relative or relative URL, entity-decoded; None for anything else."""
    if not url:
        return None
    url = _URL_JUNK_RE.sub("", _decode_entities(url)).strip(" \"'")
    if not url:
        return None
    if url.startswith("//"):
        url = "https:" + url
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https", "") else None


def _int(value: object, default: int | None = None) -> int | None:
    """PHP's ``(int)``: the leading digits, or the default."""
    m = re.match(r"\s*([0-9]{1,9})", str(value or ""))
    return int(m.group(1)) if m else default


def _dimension(value: object) -> str | None:
    """A width/height: digits, optionally with ``%``."""
    m = re.match(r"\s*([0-9]{1,5}%?)", str(value or ""))
    return m.group(1) if m and m.group(1) not in ("0", "0%") else None


_EXTENSIONS = {
    "audio": frozenset("mp3 m4a ogg oga wav flac wma aac opus".split()),
    "video": frozenset("mp4 m4v webm ogv mov wmv flv avi mkv 3gp".split()),
    "document": frozenset("pdf doc docx xls xlsx ppt pptx odt zip txt".split()),
}


def _media_kind(url: str) -> str | None:
    """``audio``, ``video`` or ``document`` by file extension; None otherwise (images too)."""
    try:
        ext = posixpath.splitext(urlsplit(url).path)[1][1:].lower()
    except ValueError:
        return None
    return next((kind for kind, exts in _EXTENSIONS.items() if ext in exts), None)


def _link(url: str, text: str | None = None) -> str:
    return f'<a href="{_esc(url)}">{_esc(text if text is not None else url)}</a>'


def _iframe(provider: str, src: str, width: object, height: object, title: str) -> str:
    frame = _attrs(src=src, width=width, height=height, title=title, loading="lazy", allowfullscreen=True)
    return f'<figure class="embed embed-{provider}"><iframe{frame}></iframe></figure>'


def _media(kind: str, urls: list[str], **attrs: object) -> str:
    """An ``<audio>``/``<video>`` element with a link to the file as its fallback."""
    if len(urls) == 1:
        head = f"<{kind} controls{_attrs(src=urls[0], **attrs)}>"
    else:
        head = f"<{kind} controls{_attrs(**attrs)}>" + "".join(f"<source{_attrs(src=u)} />" for u in urls)
    return f"{head}{_link(urls[0])}</{kind}>"




_LATEX_OPTIONS_RE = re.compile(r"(?:&(?:amp;|#0*38;)?(?:s|bg|fg)=[^&\s]*)+\s*\Z", re.I)


def _math(tex: str) -> str:
    """TeX as pandoc writes inline math: ``<span class="math inline">\\(...\\)</span>``."""
    tex = _LATEX_OPTIONS_RE.sub("", tex)
    tex = html.unescape(tex).replace("\r", " ").replace("\n", " ").strip()
    return f'<span class="math inline">\\({_literal(tex)}\\)</span>'
