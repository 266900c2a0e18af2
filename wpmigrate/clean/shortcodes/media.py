"""Handlers for media and embeds: caption, gallery, playlist, audio, video, embed and
the provider tags (youtube, vimeo, googlemaps, soundcloud, slideshare, tweet, polls).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

from wpmigrate.clean.shortcodes.embeds import (
    _dailymotion,
    _embed_url,
    _googlemaps,
    _slideshare,
    _soundcloud,
    _spotify,
    _ted,
    _videopress,
    _vimeo,
    _youtube,
    embed_for_url,
)
from wpmigrate.clean.shortcodes.oembed import provider_embed
from wpmigrate.clean.shortcodes.grammar import ShortcodeMatch
from wpmigrate.clean.shortcodes.markup import (
    _attrs,
    _clean_url,
    _decode_entities,
    _dimension,
    _esc,
    _int,
    _link,
    _media,
)
from wpmigrate.clean.shortcodes.render import _first, _Handler, _handles, _ids, _Renderer, _Unconvertible
from wpmigrate.model import Attachment

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
    return f"<figure>{img}<figcaption>{caption}</figcaption></figure>" if caption else f"<figure>{img}</figure>"


@_handles("gallery", "slideshow")
def _gallery(r: _Renderer, m: ShortcodeMatch, a: dict) -> str:
    """``<figure class="gallery">`` of one ``<figure>`` per image (its own block in Markdown),
    with the attachment's alt text and caption."""
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
    clean = _clean_url(url)
    by_provider = provider_embed(clean, r.ctx.oembed_cache) if clean and not embed_for_url(clean, a) else None
    if by_provider is not None:  # a tweet, a post ...: WordPress's cached HTML, or a link
        r.counts[by_provider[1]] += 1
        return by_provider[0]
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
