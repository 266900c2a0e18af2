"""Shortcodes: WordPress's grammar, and static HTML for the tags worth converting.

The grammar follows ``wp-includes/shortcodes.php`` (``get_shortcode_regex``,
``shortcode_parse_atts``, ``do_shortcode``) but is implemented as a small scanner
rather than one regex, so that unterminated tags, ``[`` soup and multi-megabyte
bodies stay linear:

* ``[tag attrs]``, ``[tag attrs /]`` and ``[tag attrs]content[/tag]``; the content
  runs to the *first* ``[/tag]``, so a tag cannot nest in itself; an opener with no
  closer is self-closing.
* ``[[tag]]`` is an escape and renders as ``[tag]``.
* Brackets inside HTML tags and comments are not shortcodes (WordPress hides them
  the same way; it also expands shortcodes inside attribute values, which we leave),
  nor are those inside Jetpack's inline ``$latex ...$`` (it runs first there).

Handlers emit plain semantic HTML (``figure``, ``pre > code``, ``audio``, an
``iframe`` only for well-known video/map hosts, otherwise a link), with every
attribute value escaped.
"""

from __future__ import annotations

import heapq
import html
import math
import posixpath
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import parse_qsl, quote, urlsplit

from wpmigrate.model import Attachment

# --------------------------------------------------------------------------- attributes

_ATTR_RE = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"(?:\s|$)"""
    r"""|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)"""
    r"""|([\w-]+)\s*=\s*([^\s'"]+)(?:\s|$)"""
    r"""|"([^"]*)"(?:\s|$)"""
    r"""|'([^']*)'(?:\s|$)"""
    r"""|(\S+)(?:\s|$)""",
    re.ASCII,
)
_ATTR_SPACES_RE = re.compile("[\u00a0\u200b]+")
_BALANCED_TAGS_RE = re.compile(r"[^<]*+(?:<[^>]*+>[^<]*+)*+")
_INT_KEY_RE = re.compile(r"0|-?[1-9][0-9]{0,17}")
_CSLASH_RE = re.compile(r"\\(x[0-9A-Fa-f]{1,2}|[0-7]{1,3}|.)", re.S)
_CSLASH_CHARS = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "v": "\v", "b": "\b", "f": "\f"}


def _stripcslashes(value: str) -> str:
    """PHP's ``stripcslashes``: C-style escapes are interpreted, other backslashes dropped."""
    if "\\" not in value:
        return value

    def one(m: re.Match[str]) -> str:
        esc = m.group(1)
        if esc[0] == "x" and len(esc) > 1:
            return chr(int(esc[1:], 16))
        if esc[0] in "01234567":
            return chr(int(esc, 8) & 0xFF)
        return _CSLASH_CHARS.get(esc, esc)

    return _CSLASH_RE.sub(one, value)


def parse_attributes(text: str) -> dict[str | int, str]:
    """``shortcode_parse_atts``: ``name="v"``, ``name='v'``, ``name=v`` and positionals.

    Names are lower-cased; positional values get integer keys 0, 1, ...; values pass
    through ``stripcslashes``; a value holding an unbalanced ``<`` is blanked. Where
    WordPress returns a bare string (only whitespace matched nothing) this returns ``{}``.
    """
    text = _ATTR_SPACES_RE.sub(" ", text)
    atts: dict[str | int, str] = {}
    next_index = 0
    for m in _ATTR_RE.finditer(text):
        g = m.groups()
        name = g[0] if g[0] is not None else g[2] if g[2] is not None else g[4]
        if name is not None:
            if name == "0":  # PHP's empty("0"): WordPress drops such an attribute
                continue
            key: str | int = name.lower()
            value = g[1] if g[0] is not None else g[3] if g[2] is not None else g[5]
            if _INT_KEY_RE.fullmatch(name):  # PHP turns numeric string keys into ints
                key = int(name)
                next_index = max(next_index, key + 1)
            atts[key] = _stripcslashes(value)
        else:
            value = g[6] or g[7] or g[8]
            if value:
                atts[next_index] = _stripcslashes(value)
                next_index += 1
    for key, value in atts.items():
        if "<" in value and not _BALANCED_TAGS_RE.fullmatch(value):
            atts[key] = ""
    return atts


# --------------------------------------------------------------------------- grammar

# HTML comments, CDATA and tags: brackets inside them are not shortcodes. A tag
# stops at the next "<" so that a stray "<" cannot make the scan quadratic.
_HTML_HIDDEN_RE = re.compile(
    r"<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)|<[A-Za-z/!?][^<>]*>", re.S
)
_HIDE_BRACKETS = str.maketrans("[]", "\x01\x02")
_CLOSER_RE = re.compile(r"\[/([^<>&/\[\]\x00-\x20=]+)\]")


_INLINE_LATEX_START_RE = re.compile(r"\$latex(?:=\s*|\s+)", re.I)
_INLINE_LATEX_BODY_RE = re.compile(r"((?:[^$\\]++|\\.)*+)\$", re.S)


def _latex_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, TeX) of Jetpack's inline ``$latex ...$`` (``\\$`` does not end it)."""
    if "$" not in text:
        return
    pos = 0
    while start := _INLINE_LATEX_START_RE.search(text, pos):
        body = _INLINE_LATEX_BODY_RE.match(text, start.end())
        if body is None:  # unterminated: no later "$latex" can end either
            return
        yield start.start(), body.end(), body.group(1)
        pos = body.end()


def _hide_brackets(text: str) -> str:
    """The text with ``[``/``]`` inside HTML tags, comments and ``$latex$`` replaced, same length."""

    def hide(s: str) -> str:
        return s.translate(_HIDE_BRACKETS) if ("[" in s or "]" in s) else s

    if "<" in text:
        text = _HTML_HIDDEN_RE.sub(lambda m: hide(m.group()), text)
    spans = list(_latex_spans(text))
    if spans:
        pieces, pos = [], 0
        for start, end, _ in spans:
            pieces += [text[pos:start], hide(text[start:end])]
            pos = end
        text = "".join(pieces) + text[pos:]
    return text


# "[" or "[[" and a name. A greedy [\w-]* run always ends where WordPress's
# (?![\w-]) wants it, so a plain name can be looked up instead of alternated.
_OPENER_RE = re.compile(r"\[(\[?)([A-Za-z][\w-]*)", re.ASCII)
_PLAIN_NAME_RE = re.compile(r"[A-Za-z][\w-]*", re.ASCII)


@lru_cache(maxsize=64)
def _opener_for(tagnames: frozenset[str] | None) -> tuple[re.Pattern[str], frozenset[str] | None]:
    """The opener regex for these names, and the set to look the matched name up in."""
    if tagnames is None or all(_PLAIN_NAME_RE.fullmatch(t) for t in tagnames):
        return _OPENER_RE, tagnames
    names = "|".join(map(re.escape, sorted(tagnames, key=len, reverse=True)))  # get_shortcode_regex's way
    return re.compile(r"\[(\[?)(" + names + r")(?![\w-])", re.ASCII), None


@dataclass(frozen=True, slots=True)
class ShortcodeMatch:
    """One shortcode found in a text; ``group(n)`` numbers as ``get_shortcode_regex`` does."""

    text: str = field(repr=False)
    tag: str
    start: int
    end: int
    #: Where the tag name ends and where the opening tag's ``]`` is followed.
    name_end: int
    open_end: int
    #: Offsets of the attribute text in ``text`` (kept as offsets: it may be long).
    attr_span: tuple[int, int]
    self_closing: bool
    #: ``[`` / ``]`` matched beyond the tag (both present: an escaped shortcode).
    prefix: str
    suffix: str
    content_span: tuple[int, int] | None

    @property
    def escaped(self) -> bool:
        return bool(self.prefix and self.suffix)

    @property
    def content(self) -> str | None:
        """Text between opener and ``[/tag]``, or None for a self-closing shortcode."""
        if self.content_span is None:
            return None
        return self.text[self.content_span[0] : self.content_span[1]]

    @property
    def attr_text(self) -> str:
        return self.text[self.attr_span[0] : self.attr_span[1]]

    @property
    def raw(self) -> str:
        return self.text[self.start : self.end]

    @property
    def attrs(self) -> dict[str | int, str]:
        return parse_attributes(self.attr_text)

    def span(self) -> tuple[int, int]:
        return self.start, self.end

    def group(self, n: int = 0) -> str | None:
        values = (
            self.raw,
            self.prefix,
            self.tag,
            self.attr_text,
            "/" if self.self_closing else "",
            self.content,
            self.suffix,
        )
        return values[n]


class _Scanner:
    """Finds shortcodes left to right in one text, in time linear in its length."""

    def __init__(self, text: str, tagnames: frozenset[str] | None) -> None:
        self.text = text
        self.scan = _hide_brackets(text)
        self.pattern, self.names = _opener_for(tagnames)
        self._closers: dict[str, list[int]] | None = None
        self._close_from = len(text) + 1
        self._close_at = -1

    def _next_close(self, pos: int) -> int:
        """Index of the first ``]`` at or after pos (cached: pos only grows)."""
        if not (self._close_from <= pos and (self._close_at < 0 or pos <= self._close_at)):
            self._close_from = pos
            self._close_at = self.scan.find("]", pos)
        return self._close_at

    def _closer_after(self, tag: str, pos: int) -> int:
        if self._closers is None:
            self._closers = {}
            for m in _CLOSER_RE.finditer(self.scan):
                self._closers.setdefault(m.group(1), []).append(m.start())
        starts = self._closers.get(tag)
        if not starts:
            return -1
        i = bisect_left(starts, pos)
        return starts[i] if i < len(starts) else -1

    def match(self, pos: int) -> ShortcodeMatch | None:
        """The first shortcode starting at or after pos."""
        while True:
            m = self.pattern.search(self.scan, pos)
            if m is None:
                return None
            if self.names is None or m.group(2) in self.names:
                break
            pos = m.start() + 1
        name_end = m.end()
        close = self._next_close(name_end)
        if close < 0:  # no "]" anywhere after: nothing further can match
            return None
        tag = m.group(2)
        self_closing = close > name_end and self.scan[close - 1] == "/"
        end = open_end = close + 1
        content_span = None
        if not self_closing:
            closer = self._closer_after(tag, open_end)
            if closer >= 0:
                content_span = (open_end, closer)
                end = closer + len(tag) + 3
        suffix = "]" if self.scan.startswith("]", end) else ""
        return ShortcodeMatch(
            text=self.text,
            tag=tag,
            start=m.start(),
            end=end + len(suffix),
            name_end=name_end,
            open_end=open_end,
            attr_span=(name_end, close - 1 if self_closing else close),
            self_closing=self_closing,
            prefix=m.group(1),
            suffix=suffix,
            content_span=content_span,
        )


def find_shortcodes(text: str, tagnames: Iterable[str] | None = None) -> Iterator[ShortcodeMatch]:
    """Top-level shortcodes of the given names, in order, as ``preg_replace_callback`` sees them.

    ``tagnames=None`` finds any name of the form ``[A-Za-z][\\w-]*``. Content is not
    searched: call again on ``match.content`` for nested shortcodes.
    """
    if "[" not in text:
        return
    if isinstance(tagnames, str):
        tagnames = (tagnames,)
    names = None if tagnames is None else frozenset(tagnames)
    if names == frozenset():
        return
    scanner = _Scanner(text, names)
    pos = 0
    while (m := scanner.match(pos)) is not None:
        yield m
        pos = m.end


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


# --------------------------------------------------------------------------- embeds


def _host_is(host: str, *domains: str) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def _split(url: str) -> tuple[str, str, dict[str, str]] | None:
    """(lower-cased host, path, query+fragment args) of an absolute or scheme-less URL."""
    url = _decode_entities(url).strip(" \"'=")
    if not url:
        return None
    if "://" not in url:
        url = "https://" + url.lstrip("/")
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    args = dict(parse_qsl(parts.fragment.lstrip("!"), keep_blank_values=True))
    args.update(parse_qsl(parts.query, keep_blank_values=True))
    return host, parts.path, args


def _seconds(value: str | None) -> int:
    """YouTube's ``t``/``start``: ``90``, ``90s`` or ``1h2m3s``."""
    if not value:
        return 0
    if value.isdigit():
        return int(value)
    units = {"h": 3600, "m": 60, "s": 1}
    return sum(int(n) * units[u] for n, u in re.findall(r"(\d+)([hms])", value.lower()))


def _size(args: Mapping, default_w: int, default_h: int) -> tuple[str, str]:
    """Width and height from ``w``/``h``/``width``/``height``; height follows 16:9 if missing."""
    w = _dimension(args.get("width") or args.get("w"))
    h = _dimension(args.get("height") or args.get("h"))
    if w and not h and w.isdigit():
        h = str(math.ceil(int(w) * 9 / 16))
    return w or str(default_w), h or str(default_h)


_YOUTUBE_ID_RE = re.compile(r"[\w-]{11}", re.ASCII)
_YOUTUBE_PATH_RE = re.compile(r"/(?:v|e|embed|shorts|live)/([\w-]+)", re.ASCII)


def _youtube(url: str, size: Mapping = {}) -> str | None:
    """Every URL form Jetpack accepts (watch, youtu.be, /v/, /embed/, #!v=, playlist, &w=)."""
    url = _decode_entities(url).strip(" \"'=")
    if _YOUTUBE_ID_RE.fullmatch(url):
        url = "https://www.youtube.com/watch?v=" + url
    url = url.replace("#!v=", "?v=")
    if "?" not in url and "&" in url:  # http://www.youtube.com/v/ID&hl=en&fs=1
        url = url.replace("&", "?", 1)
    q = url.find("?")
    if q >= 0:  # /v/ID?fs=1?hl=en: extra question marks separate arguments too
        url = url[: q + 1] + url[q + 1 :].replace("?", "&")
    parts = _split(url)
    if parts is None or not _host_is(parts[0], "youtube.com", "youtu.be", "youtube-nocookie.com"):
        return None
    host, path, args = parts
    video = args.get("v", "")
    if host.endswith("youtu.be"):
        video = path.strip("/").split("/")[0]
    elif m := _YOUTUBE_PATH_RE.match(path):
        video = "" if m.group(1) == "videoseries" else m.group(1)
    video = re.sub(r"[^\w-]", "", video, flags=re.ASCII)
    playlist = re.sub(r"[^\w-]", "", args.get("list", ""), flags=re.ASCII)
    if not video and not playlist:
        return None
    query = {"list": playlist, "start": _seconds(args.get("start") or args.get("t"))}
    query["end"] = _int(args.get("end"), 0)
    src = "https://www.youtube-nocookie.com/embed/" + (video or "videoseries")
    params = "&".join(f"{k}={v}" for k, v in query.items() if v)
    width, height = _size({**args, **size}, 640, 360)
    return _iframe("youtube", src + ("?" + params if params else ""), width, height, "YouTube video")


def _vimeo(url: str, size: Mapping = {}) -> str | None:
    url = _decode_entities(url).strip(" \"'=")
    video, private = (url, None) if url.isdigit() else (None, None)
    if video is None:
        parts = _split(url)
        if parts is None or not _host_is(parts[0], "vimeo.com"):
            return None
        # the last all-digit path segment (album/1/video/2, channels/x/2), then an unlisted hash
        segments = [s for s in parts[1].split("/") if s]
        numeric = [i for i, s in enumerate(segments) if s.isdigit()]
        if not numeric:
            return None
        video, rest = segments[numeric[-1]], segments[numeric[-1] + 1 :]
        private = rest[0] if rest and re.fullmatch(r"[0-9a-f]{6,}", rest[0]) else parts[2].get("h")
    src = f"https://player.vimeo.com/video/{video}" + (f"?h={quote(private)}" if private else "")
    return _iframe("vimeo", src, *_size(size, 640, 360), "Vimeo video")


def _dailymotion(url: str, size: Mapping = {}) -> str | None:
    url = _decode_entities(url).strip(" \"'=")
    if re.fullmatch(r"[a-z0-9]{5,12}", url, re.I):
        video = url
    else:
        parts = _split(url)
        if parts is None or not _host_is(parts[0], "dailymotion.com", "dai.ly"):
            return None
        m = re.match(r"/([a-z0-9]+)", parts[1], re.I) if parts[0] == "dai.ly" else None
        m = m or re.search(r"/video/([a-z0-9]+)", parts[1], re.I)
        if not m:
            return None
        video = m.group(1)
    src = f"https://www.dailymotion.com/embed/video/{video}"
    return _iframe("dailymotion", src, *_size(size, 640, 360), "Dailymotion video")


def _videopress(guid: str, size: Mapping = {}) -> str | None:
    guid = guid.strip(" \"'=")
    parts = _split(guid) if "/" in guid else None
    if parts is not None:
        if not _host_is(parts[0], "videopress.com", "video.wordpress.com"):
            return None
        guid = parts[1].rstrip("/").rsplit("/", 1)[-1]
    if not re.fullmatch(r"[A-Za-z0-9]{8}", guid):
        return None
    return _iframe("videopress", f"https://videopress.com/embed/{guid}", *_size(size, 640, 360), "VideoPress video")


def _soundcloud(url: str, size: Mapping = {}, params: str = "") -> str | None:
    parts = _split(url)
    if parts is None or not _host_is(parts[0], "soundcloud.com"):
        return None
    src = "https://w.soundcloud.com/player/?url=" + quote(_decode_entities(url).strip(" \"'="), safe="")
    params = re.sub(r"[^\w=&%.-]", "", _decode_entities(params))
    width, height = _dimension(size.get("width")) or "100%", _dimension(size.get("height")) or "166"
    return _iframe("soundcloud", src + ("&" + params if params else ""), width, height, "SoundCloud audio")


def _spotify(ref: str, size: Mapping = {}) -> str | None:
    ref = _decode_entities(ref).strip(" \"'=")
    kinds = "track|album|playlist|artist|episode|show"
    m = re.fullmatch(rf"spotify:(?:user:[^:]+:)?({kinds}):(\w+)", ref, re.ASCII)
    if m is None:
        parts = _split(ref)
        if parts is None or not _host_is(parts[0], "open.spotify.com", "play.spotify.com"):
            return None
        m = re.search(rf"/({kinds})/(\w+)", parts[1], re.ASCII)
        if m is None:
            return None
    src = f"https://open.spotify.com/embed/{m.group(1)}/{m.group(2)}"
    width, height = _dimension(size.get("width")) or "100%", _dimension(size.get("height")) or "380"
    return _iframe("spotify", src, width, height, "Spotify player")


def _ted(ref: str, size: Mapping = {}) -> str | None:
    ref = _decode_entities(ref).strip(" \"'=")
    if ref.isdigit():
        return _link(f"https://www.ted.com/talks/view/id/{ref}")
    parts = _split(ref)
    if parts is None or not _host_is(parts[0], "ted.com"):
        return None
    m = re.search(r"/talks/(?:lang/[\w-]+/)?([\w-]+)", parts[1], re.ASCII)
    if m is None:
        return None
    return _iframe("ted", f"https://embed.ted.com/talks/{m.group(1)}", *_size(size, 640, 360), "TED talk")


def _googlemaps(url: str, size: Mapping = {}) -> str | None:
    url = _decode_entities(_decode_entities(url)).strip(" \"'=")  # Jetpack stored "&amp;amp;"
    parts = _split(url)
    if parts is None:
        return None
    host, path, args = parts
    is_maps = host.startswith(("maps.google.", "mapsengine.google.")) or (
        re.match(r"(?:www\.)?google\.[a-z.]+$", host) is not None and path.startswith("/maps")
    )
    if not is_maps:
        return None
    base, _, query = url.partition("?")
    query = query.partition("#")[0]
    kept = [p for p in query.split("&") if p and p.split("=", 1)[0] not in ("w", "h", "hq", "output")]
    if "/embed" not in path:
        kept.append("output=embed")
    src = "https://" + base.split("://", 1)[-1] + ("?" + "&".join(kept) if kept else "")
    return _iframe("googlemaps", src, *_size({**args, **size}, 425, 350), "Google Maps")


def _slideshare(attr_text: str) -> str | None:
    m = re.search(r"\bid=([0-9]+)", _decode_entities(attr_text))
    if m is None:
        return None
    size = dict(re.findall(r"\b(w|h)=([0-9]+)", attr_text))
    src = f"https://www.slideshare.net/slideshow/embed_code/{m.group(1)}"
    return _iframe("slideshare", src, *_size(size, 595, 485), "SlideShare presentation")


#: URL → HTML for hosts with a known static embed, tried in order by [embed] and friends.
_URL_EMBEDS: tuple[Callable[[str, Mapping], str | None], ...] = (
    _youtube, _vimeo, _dailymotion, _videopress, _soundcloud, _spotify, _ted, _googlemaps,
)


def _embed_url(url: str, size: Mapping) -> str | None:
    """Static HTML for a URL: a known player, an audio/video element, or a plain link."""
    clean = _clean_url(url)
    if clean is None or not urlsplit(clean).netloc:
        return None
    for embed in _URL_EMBEDS:
        out = embed(clean, size)
        if out:
            return out
    kind = _media_kind(clean)
    if kind in ("audio", "video"):
        w, h = (_dimension(size.get("width")), _dimension(size.get("height"))) if kind == "video" else (None, None)
        return _media(kind, [clean], width=w, height=h)
    return _link(clean)


# --------------------------------------------------------------------------- rendering


@dataclass
class ShortcodeContext:
    """What the handlers may know about the post being rendered."""

    post_id: int | None = None
    #: id -> Attachment, for ``[gallery ids=..]`` and for ``[gallery]``/``[playlist]``
    #: without ids (the attachments whose parent is ``post_id``, ordered by id).
    attachments: Mapping[int, Attachment] = field(default_factory=dict)
    #: Shortcodes no handler converts:
    #: ``"keep"``: left verbatim and counted as ``shortcode:unknown:NAME``;
    #: ``"drop"``: the tags removed (enclosed content kept), counted as ``shortcode:dropped:NAME``;
    #: ``"raw"``: what WordPress does for unregistered tags: left verbatim, not even
    #: recognised, so neither counted nor unescaped (``[[foo]]`` stays).
    unknown: str = "keep"
    #: Whether ``[code]`` bodies are stored entity-encoded (SyntaxHighlighter's
    #: ``_syntaxhighlighter_encoded`` postmeta); None guesses from the body.
    code_encoded: bool | None = None


class _Unconvertible(Exception):
    """A known shortcode whose arguments are unusable; ``html`` is the fallback to emit."""

    def __init__(self, html_: str = "") -> None:
        super().__init__(html_)
        self.html = html_


_Handler = Callable[["_Renderer", ShortcodeMatch, dict], str]
_HANDLERS: dict[str, _Handler] = {}
#: Tags that only mean something around content (``[php]...[/php]``): without a
#: closing tag they are prose, left alone like an unregistered tag.
_ENCLOSING_ONLY: set[str] = set()


def _handles(*tags: str, enclosing_only: bool = False) -> Callable[[_Handler], _Handler]:
    def register(fn: _Handler) -> _Handler:
        for tag in tags:
            _HANDLERS[tag] = fn
        if enclosing_only:
            _ENCLOSING_ONLY.update(tags)
        return fn

    return register


_BLOCK_OUTPUT_RE = re.compile(r"<(?:figure|pre|blockquote|div|ol|ul|p|table)\b")
_BLANK_RE = re.compile(r"(?:\s|&nbsp;|\xa0)*")
_P_CLOSE_RE = re.compile(r"(?:\s|&nbsp;|\xa0)*(?:<br\s*/?>\s*)?</p>")
_UNKNOWN_NAME_RE = re.compile(r"[a-z][a-z0-9_]*(?:-[a-z0-9_]+)*")
_MAX_DEPTH = 64
_MAX_UNKNOWN_ATTRS = 1000


def _plausible(m: ShortcodeMatch) -> bool:
    """Whether an unregistered ``[name ...]`` looks like a shortcode rather than prose.

    ``[sic]``-style words and ``[Note: ...]`` asides are common in posts; a shortcode
    has a lower-case name and either no arguments, ``=``/``"`` arguments, a ``/]``
    or a closing tag. Markdown-style ``[text](url)`` is prose.
    """
    if m.attr_span[1] - m.attr_span[0] > _MAX_UNKNOWN_ATTRS or not _UNKNOWN_NAME_RE.fullmatch(m.tag):
        return False
    attrs = m.attr_text
    if "<" in attrs or "\n" in attrs:
        return False
    if m.text.startswith("(", m.open_end):
        return False
    return m.self_closing or m.content_span is not None or not attrs.strip() or "=" in attrs or '"' in attrs


class _Renderer:
    def __init__(self, ctx: ShortcodeContext) -> None:
        if ctx.unknown not in ("keep", "drop", "raw"):
            raise ValueError(f"unknown= must be 'keep', 'drop' or 'raw', not {ctx.unknown!r}")
        self.ctx = ctx
        self.counts: Counter[str] = Counter()
        self.tagnames = None if ctx.unknown != "raw" else KNOWN_TAGS
        self.depth = 0
        self._children: dict[int, list[tuple[int, Attachment]]] | None = None

    # -- the scan

    def render(self, text: str) -> str:
        if "[" not in text or self.depth >= _MAX_DEPTH:
            return self._inline_latex(text)
        self.depth += 1
        try:
            return self._render(text)
        finally:
            self.depth -= 1

    def _render(self, text: str) -> str:
        scanner = _Scanner(text, self.tagnames)
        out: list[str] = []
        drops: list[tuple[int, int]] = []  # closing tags of dropped unknown shortcodes
        pos = scan = 0  # text before pos is in out; the scan goes on from scan
        while (m := scanner.match(scan)) is not None:
            step = self._known(m) if m.tag in _HANDLERS else self._unknown(m, drops)
            if isinstance(step, int):  # left as text: copied later with what follows
                scan = step
                continue
            start, end, html = step
            if not m.prefix and not m.suffix and _BLOCK_OUTPUT_RE.match(html):
                start, end = self._unwrap_paragraph(text, pos, start, end)
            self._copy(out, text, pos, start, drops)
            out.append(html)
            pos = scan = end
        self._copy(out, text, pos, len(text), drops)
        return "".join(out)

    # A step is where to scan on from (the shortcode stays text) or (start, end, html).

    def _known(self, m: ShortcodeMatch) -> int | tuple[int, int, str]:
        if m.escaped:
            return m.start, m.end, m.text[m.start + 1 : m.end - 1]
        converted = self._convert(m)
        if converted is None:  # [php] with no code, or a failed handler: plain text
            return m.name_end
        return m.start, m.end, m.prefix + converted + m.suffix

    def _unknown(self, m: ShortcodeMatch, drops: list[tuple[int, int]]) -> int | tuple[int, int, str]:
        if not _plausible(m):
            return m.name_end
        if m.escaped:
            return m.start, m.end, m.text[m.start + 1 : m.end - 1]
        if self.ctx.unknown == "keep":
            self.counts[f"shortcode:unknown:{m.tag}"] += 1
            return m.name_end  # its attributes and content are scanned, as WordPress does
        self.counts[f"shortcode:dropped:{m.tag}"] += 1
        if m.content_span is not None:
            heapq.heappush(drops, (m.content_span[1], m.content_span[1] + len(m.tag) + 3))
        return m.start, m.open_end, m.prefix

    def _copy(self, out: list[str], text: str, a: int, b: int, drops: list[tuple[int, int]]) -> None:
        """Append text[a:b], leaving out pending closing tags of dropped shortcodes."""
        while drops and drops[0][0] < b:
            d_start, d_end = heapq.heappop(drops)
            if d_start >= a and d_end <= b:
                out.append(self._inline_latex(text[a:d_start]))
                a = d_end
        if a < b:
            out.append(self._inline_latex(text[a:b]))

    @staticmethod
    def _unwrap_paragraph(text: str, pos: int, start: int, end: int) -> tuple[int, int]:
        """Widen (start, end) over a ``<p>`` holding only this shortcode (``shortcode_unautop``)."""
        p = text.rfind("<p>", pos, start)
        if p < 0 or not _BLANK_RE.fullmatch(text, p + 3, start):
            return start, end
        close = _P_CLOSE_RE.match(text, end)
        return (p, close.end()) if close else (start, end)

    def _convert(self, m: ShortcodeMatch) -> str | None:
        if m.content_span is None and m.tag in _ENCLOSING_ONLY:
            return None
        try:
            converted = _HANDLERS[m.tag](self, m, m.attrs)
        except _Unconvertible as bad:
            self.counts[f"shortcode:invalid:{m.tag}"] += 1
            return bad.html
        except (RecursionError, MemoryError):
            raise
        except Exception:  # a handler bug must not lose the post: keep the text
            self.counts[f"shortcode:error:{m.tag}"] += 1
            return None
        self.counts[f"shortcode:converted:{m.tag}"] += 1
        return converted

    def _inline_latex(self, text: str) -> str:
        """Jetpack's ``$latex ...$`` inline form."""
        out, pos = [], 0
        for start, end, tex in _latex_spans(text):
            self.counts["shortcode:converted:latex"] += 1
            out += [text[pos:start], _math(tex)]
            pos = end
        return "".join(out) + text[pos:] if out else text

    # -- attachments

    def children(self, parent: int | None, kind: str | None) -> list[Attachment]:
        """Attachments of a post, by id, whose file is of this kind (None: images and the rest)."""
        if parent is None:
            return []
        if self._children is None:
            self._children = {}
            for att_id, att in sorted(self.ctx.attachments.items()):
                if att.parent is not None:
                    self._children.setdefault(att.parent, []).append((att_id, att))
        return [att for _, att in self._children.get(parent, []) if _media_kind(att.url) == kind]

    def resolve(self, ids: list[int]) -> list[Attachment]:
        found = [self.ctx.attachments.get(i) for i in ids]
        missing = found.count(None)
        if missing:
            self.counts["shortcode:missing-attachment"] += missing
        return [a for a in found if a is not None]


def _ids(value: str | None) -> list[int]:
    return [int(x) for x in re.findall(r"[0-9]+", value or "")]


def _first(attrs: dict, *keys: str | int) -> str:
    return next((attrs[k] for k in keys if attrs.get(k)), "")


def render_shortcodes(html: str, ctx: ShortcodeContext | None = None) -> tuple[str, Counter[str]]:
    """Convert the known shortcodes of ``html`` to HTML; count what happened.

    Counter keys: ``shortcode:converted:TAG``, ``shortcode:invalid:TAG`` (known tag,
    unusable arguments: a link or nothing was emitted), ``shortcode:unknown:NAME`` /
    ``shortcode:dropped:NAME`` (see ``ShortcodeContext.unknown``),
    ``shortcode:missing-attachment`` (ids a gallery or playlist names that the export
    lacks) and ``shortcode:error:TAG`` (a handler failed; the text was kept).
    A shortcode alone in a ``<p>`` that becomes a block (figure, pre ...) takes the
    ``<p>`` with it, as ``shortcode_unautop`` does.
    """
    renderer = _Renderer(ctx or ShortcodeContext())
    return renderer.render(html), renderer.counts


# --------------------------------------------------------------------------- handlers

_CAPTION_MEDIA_RE = re.compile(r"((?:<a [^<>]+>\s*)?<img [^<>]+>(?:\s*</a>)?)(.*)", re.I | re.S)
_ALIGNMENTS = frozenset({"alignleft", "alignright", "aligncenter"})


@_handles("caption", "wp_caption")
def _caption(r: _Renderer, m: ShortcodeMatch, a: dict) -> str:
    """``<figure>`` + ``<figcaption>``, from the ``caption=`` attribute or the text after the image.

    Unlike WordPress, a missing width does not hide the caption.
    """
    media = m.content or ""
    caption = a.get("caption")
    if caption is None:
        found = _CAPTION_MEDIA_RE.search(media)
        media, caption = (media[: found.end(1)], found.group(2)) if found else (media, "")
    media_html = r.render(media).strip()
    caption_html = r.render(caption.strip())
    if not caption_html:
        return media_html
    align = a.get("align", "")
    figure = _attrs(class_=align if align in _ALIGNMENTS else None)
    return f"<figure{figure}>{media_html}<figcaption>{caption_html}</figcaption></figure>"


def _image(att: Attachment, link_file: bool) -> str:
    url = _clean_url(att.url)
    if url is None:
        return ""
    img = f"<img{_attrs(src=url, alt=att.alt)} />"
    if link_file:
        img = f'<a href="{_esc(url)}">{img}</a>'
    caption = att.caption.strip()
    return f"<figure>{img}<figcaption>{caption}</figcaption></figure>" if caption else img


@_handles("gallery", "slideshow")
def _gallery(r: _Renderer, m: ShortcodeMatch, a: dict) -> str:
    """``<figure class="gallery">`` of ``<img>``; captioned items become nested figures."""
    ids = _ids(a.get("ids") or a.get("include"))
    if ids:
        items = r.resolve(ids)
    else:
        items = r.children(_int(a.get("id")) or r.ctx.post_id, None)
        if str(a.get("order", "")).upper() == "DESC":
            items.reverse()
    excluded = {r.ctx.attachments.get(i) for i in _ids(a.get("exclude"))}
    images = [_image(att, a.get("link") == "file") for att in items if att not in excluded]
    images = [img for img in images if img]
    if not images:
        raise _Unconvertible("")
    return '<figure class="gallery">' + "".join(images) + "</figure>"  # no newlines: wpautop-safe


@_handles("playlist")
def _playlist(r: _Renderer, m: ShortcodeMatch, a: dict) -> str:
    kind = "video" if a.get("type") == "video" else "audio"
    ids = _ids(a.get("ids") or a.get("include"))
    items = r.resolve(ids) if ids else r.children(_int(a.get("id")) or r.ctx.post_id, kind)
    links = []
    for att in items:
        url = _clean_url(att.url)
        if url:
            name = att.title or posixpath.basename(urlsplit(url).path) or url
            links.append(f"<li>{_link(url, name)}</li>")
    if not links:
        raise _Unconvertible("")
    return f'<ol class="playlist">{"".join(links)}</ol>'


def _media_sources(r: _Renderer, a: dict, keys: tuple[str, ...], kind: str) -> list[str]:
    urls = [_clean_url(a.get(k)) for k in ("src", *keys, 0)]
    urls = list(dict.fromkeys(u for u in urls if u))
    if not urls:
        urls = [u for att in r.children(r.ctx.post_id, kind)[:1] if (u := _clean_url(att.url))]
    return urls


@_handles("audio")
def _audio(r: _Renderer, m: ShortcodeMatch, a: dict) -> str:
    """``<audio>``; also WordPress.com's ``[audio url.mp3,url2.mp3|titles=..|artists=..]``."""
    raw = m.attr_text.strip().lstrip("=")
    if "|" in raw or ("," in raw and 0 in a and not a.get("src")):
        files, *options = raw.split("|")
        opts = dict(o.split("=", 1) for o in options if "=" in o)
        urls = [u for u in (_clean_url(f) for f in files.split(",")) if u]
        if not urls:
            raise _Unconvertible("")
        players = "".join(_media("audio", [u]) for u in urls)
        label = " – ".join(_esc(_decode_entities(opts[k])) for k in ("titles", "artists") if opts.get(k))
        return f'<figure class="audio">{players}<figcaption>{label}</figcaption></figure>' if label else players
    urls = _media_sources(r, a, ("mp3", "m4a", "ogg", "oga", "wav", "flac"), "audio")
    if not urls:
        raise _Unconvertible("")
    return _media("audio", urls)


@_handles("video")
def _video(r: _Renderer, m: ShortcodeMatch, a: dict) -> str:
    urls = _media_sources(r, a, ("mp4", "m4v", "webm", "ogv", "wmv", "flv"), "video")
    if not urls:
        raise _Unconvertible("")
    for embed in (_youtube, _vimeo):
        out = embed(urls[0], a)
        if out:
            return out
    width, height = _dimension(a.get("width")), _dimension(a.get("height"))
    return _media("video", urls, width=width, height=height, poster=_clean_url(a.get("poster")))


def _url_argument(m: ShortcodeMatch, a: dict, *names: str) -> str:
    """The URL/id of an embed shortcode: enclosed text, the first positional, or a named attribute."""
    return ((m.content or "").strip() or _first(a, 0, *names)).lstrip("=")


def _fallback_link(ref: str) -> _Unconvertible:
    url = _clean_url(ref)
    return _Unconvertible(_link(url) if url and urlsplit(url).netloc else "")


@_handles("embed")
def _embed(r: _Renderer, m: ShortcodeMatch, a: dict) -> str:
    url = _url_argument(m, a, "src", "url")
    out = _embed_url(url, a)
    if out is None:  # WordPress prints what was not a URL as it was
        raise _Unconvertible(r.render(m.content or ""))
    return out


def _url_embed(embed: Callable[[str, Mapping], str | None], *names: str) -> _Handler:
    """A handler for ``[tag URL-or-id w=.. h=..]`` served by one of the URL embedders."""

    def handler(r: _Renderer, m: ShortcodeMatch, a: dict) -> str:
        ref = _url_argument(m, a, *names)
        size = {**a, **dict(re.findall(r"\b(w|h|width|height)=([0-9]+%?)", m.attr_text))}
        out = embed(ref, size)
        if out is None:
            raise _fallback_link(ref)
        return out

    return handler


_handles("youtube")(_url_embed(_youtube, "url", "src", "v", "id"))
_handles("vimeo")(_url_embed(_vimeo, "id", "url"))
_handles("dailymotion")(_url_embed(_dailymotion, "id", "url", "video"))
_handles("googlemaps")(_url_embed(_googlemaps, "url", "src"))
_handles("spotify")(_url_embed(_spotify, "id", "url", "uri"))
_handles("ted")(_url_embed(_ted, "id", "url"))
_handles("wpvideo", "videopress")(_url_embed(_videopress, "id", "guid"))


@_handles("soundcloud")
def _soundcloud_tag(r: _Renderer, m: ShortcodeMatch, a: dict) -> str:
    ref = _url_argument(m, a, "url")
    out = _soundcloud(ref, a, a.get("params", ""))
    if out is None:
        raise _fallback_link(ref)
    return out


@_handles("slideshare")
def _slideshare_tag(r: _Renderer, m: ShortcodeMatch, a: dict) -> str:
    out = _slideshare(m.attr_text)
    if out is None:
        raise _Unconvertible("")
    return out


def _link_handler(pattern: str, canonical: Callable[[re.Match[str]], str], *names: str) -> _Handler:
    """A handler for ``[tag URL-or-id]`` whose static form is a link (the real embed needs a script)."""
    compiled = re.compile(pattern, re.I)

    def handler(r: _Renderer, m: ShortcodeMatch, a: dict) -> str:
        ref = _url_argument(m, a, *names)
        found = compiled.search(_decode_entities(ref))
        if found is None:
            raise _fallback_link(ref)
        return _link(canonical(found))

    return handler


_handles("instagram")(
    _link_handler(
        r"^(?:(?:https?:)?//)?(?:www\.)?(?:instagram\.com|instagr\.am)/[^\s\"'<>]+",
        lambda f: "https://" + re.sub(r"^(?:https?:)?//", "", f.group()),
        "url",
    )
)
_handles("gist")(
    _link_handler(
        r"^(?:(?:https?:)?//gist\.github\.com/)?((?:[\w-]+/)?[0-9a-f]{5,})",
        lambda f: f"https://gist.github.com/{f.group(1)}",
        "id",
        "url",
    )
)


@_handles("tweet")
def _tweet(r: _Renderer, m: ShortcodeMatch, a: dict) -> str:
    """A ``blockquote.twitter-tweet`` holding the tweet's link (what the embed script upgrades)."""
    ref = _decode_entities(_url_argument(m, a, "tweet", "url", "id"))
    if ref.isdigit():
        url = f"https://twitter.com/i/status/{ref}"
    else:
        found = re.match(r"(?:https?:)?//(?:(?:www|mobile)\.)?(?:twitter|x)\.com/[\w]+/status(?:es)?/[0-9]+", ref)
        if found is None:
            raise _fallback_link(ref)
        url = "https://" + found.group().split("//", 1)[1]
    return f'<blockquote class="twitter-tweet">{_link(url)}</blockquote>'


@_handles("polldaddy", "crowdsignal")
def _poll(r: _Renderer, m: ShortcodeMatch, a: dict) -> str:
    """Crowdsignal's own no-script fallback: a link to the poll or survey."""
    poll, survey = _decode_entities(a.get("poll", "")), _decode_entities(a.get("survey", ""))
    if re.fullmatch(r"[0-9]+", poll):
        return _link(f"https://poll.fm/{poll}", "Take Our Poll")
    if re.fullmatch(r"[0-9A-Fa-f]+", survey):
        return _link(f"https://polldaddy.com/s/{survey}", "Take Our Survey")
    raise _Unconvertible("")  # ratings and the rest only exist as scripts


#: SyntaxHighlighter brush aliases: each is also a shortcode (``[php]...[/php]``).
_LANGUAGES = {
    "as3": "actionscript", "actionscript3": "actionscript", "bash": "bash", "shell": "bash",
    "cf": "coldfusion", "coldfusion": "coldfusion", "clj": "clojure", "clojure": "clojure",
    "c": "c", "cpp": "cpp", "c-sharp": "csharp", "csharp": "csharp", "css": "css",
    "delphi": "pascal", "pas": "pascal", "pascal": "pascal", "diff": "diff", "patch": "diff",
    "erl": "erlang", "erlang": "erlang", "fsharp": "fsharp", "go": "go", "golang": "go",
    "groovy": "groovy", "haskell": "haskell", "java": "java", "javafx": "javafx", "jfx": "javafx",
    "js": "javascript", "jscript": "javascript", "javascript": "javascript", "matlab": "matlab",
    "objc": "objectivec", "obj-c": "objectivec", "perl": "perl", "pl": "perl", "php": "php",
    "plain": "", "text": "", "powershell": "powershell", "ps": "powershell", "py": "python",
    "python": "python", "r": "r", "splus": "r", "rails": "ruby", "ror": "ruby", "rb": "ruby",
    "ruby": "ruby", "scala": "scala", "sql": "sql", "swift": "swift", "tex": "latex",
    "vb": "vbnet", "vbnet": "vbnet", "xml": "xml", "xhtml": "xml", "xslt": "xslt", "html": "html",
    "yaml": "yaml", "yml": "yaml",
}  # fmt: skip
_ENCODED_HINT_RE = re.compile(r"&(?:lt|gt|amp|quot|#0*3[89]|#0*6[02]|#x0*(?:26|3c|3e));", re.I)
_EDITOR_BREAK_RE = re.compile(r"<br\s*/?>\n?|</p>\s*<p>", re.I)


def _code_body(content: str, encoded: bool | None) -> str:
    """The code as text, escaped once.

    A body the visual editor saved is entity-encoded, with ``<br />`` and ``</p><p>``
    for line breaks: it is decoded first. Without ``ctx.code_encoded`` the body counts
    as encoded when it has entities and no markup other than those breaks.
    """
    if encoded is None:
        encoded = bool(_ENCODED_HINT_RE.search(content)) and "<" not in _EDITOR_BREAK_RE.sub("", content)
    if encoded:
        content = _EDITOR_BREAK_RE.sub(lambda b: "\n\n" if b.group().startswith("</") else "\n", content)
        content = html.unescape(content)
    content = re.sub(r"\A(?:[ \t]*\r?\n)+", "", content).rstrip()
    return _literal(content)


@_handles("code", "sourcecode", "source", *(t for t in _LANGUAGES if t != "tex"), enclosing_only=True)
def _code(r: _Renderer, m: ShortcodeMatch, a: dict) -> str:
    """``<pre><code class="language-X">``; a code tag with no closing tag is left as text."""
    lang = _first(a, "language", "lang", 0).strip().lower() if m.tag in ("code", "sourcecode", "source") else m.tag
    lang = _LANGUAGES.get(lang, re.sub(r"[^a-z0-9+#_-]", "", lang))
    cls = f' class="language-{_esc(lang)}"' if lang else ""
    return f"<pre><code{cls}>{_code_body(m.content or '', r.ctx.code_encoded)}</code></pre>"


_LATEX_OPTIONS_RE = re.compile(r"(?:&(?:amp;|#0*38;)?(?:s|bg|fg)=[^&\s]*)+\s*\Z", re.I)


def _math(tex: str) -> str:
    """TeX as pandoc writes inline math: ``<span class="math inline">\\(...\\)</span>``."""
    tex = _LATEX_OPTIONS_RE.sub("", tex)
    tex = html.unescape(tex).replace("\r", " ").replace("\n", " ").strip()
    return f'<span class="math inline">\\({_literal(tex)}\\)</span>'


@_handles("latex", enclosing_only=True)
def _latex(r: _Renderer, m: ShortcodeMatch, a: dict) -> str:
    return _math(m.content or "")


#: Every tag the handlers convert.
KNOWN_TAGS: frozenset[str] = frozenset(_HANDLERS)
