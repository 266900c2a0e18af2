"""URL -> embed: the providers WordPress (oEmbed) and Jetpack turn into players, as
static ``<iframe>`` markup for well-known hosts.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from urllib.parse import parse_qsl, quote, urlsplit

from wpmigrate.clean.shortcodes.markup import (
    _clean_url,
    _decode_entities,
    _dimension,
    _iframe,
    _int,
    _link,
    _media,
    _media_kind,
)

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


#: ASCII digits only (``str.isdigit`` takes ``²``, which ``int`` refuses), and few enough
#: for ``int`` (a 5,000-digit time is garbage, read as none).
_SECONDS_RE = re.compile(r"[0-9]{1,12}")
_DURATION_RE = re.compile(r"(?<![0-9])([0-9]{1,12})([hms])")


def _seconds(value: str | None) -> int:
    """YouTube's ``t``/``start``: ``90``, ``90s`` or ``1h2m3s``."""
    if not value:
        return 0
    if _SECONDS_RE.fullmatch(value):
        return int(value)
    units = {"h": 3600, "m": 60, "s": 1}
    return sum(int(n) * units[u] for n, u in _DURATION_RE.findall(value.lower()))


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


def embed_for_url(url: str, size: Mapping = {}) -> str | None:
    """A known player or an audio/video element for a URL; None for any other URL (what
    WordPress's autoembed leaves as it is)."""
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
    return None


def _embed_url(url: str, size: Mapping) -> str | None:
    """Static HTML for a URL: a known player, an audio/video element, or a plain link."""
    clean = _clean_url(url)
    if clean is None or not urlsplit(clean).netloc:
        return None
    return embed_for_url(clean, size) or _link(clean)
