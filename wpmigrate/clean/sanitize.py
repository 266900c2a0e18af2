"""Make post HTML safe to publish anywhere, keeping what posts legitimately use.

The work is done by nh3 (Python bindings to ammonia, a maintained Rust sanitiser built on
html5ever, the HTML5 parser of Servo): an allow-list of tags and attributes, URL schemes
checked after entity decoding, comments dropped. This module only states the policy and
adds what ammonia leaves to the caller:

* ``javascript:``/``data:``/other schemes are checked on every URL attribute, ``srcset`` and
  ``poster`` included (ammonia checks only ``href``/``src``/``cite``-like ones).
* ``data:`` URLs are kept for ``<img src>`` only, and only for raster images
  (png, gif, jpeg, webp, avif): old posts embed small images that way and an ``<img>``
  cannot run script. ``data:image/svg+xml`` and ``data:`` anywhere else are removed.
* ``<iframe>`` survives when its ``src`` is an http(s) URL (WordPress showed it: a map, a
  talk, a player); others are removed whole. One not on a known video/audio/map embed host
  (:data:`IFRAME_HOSTS`) gets a ``sandbox`` that lets it play but not navigate the page.
  An iframe's children (fallback text that html5ever keeps as raw text, so a ``<script>``
  there would reach a less careful parser downstream) are always dropped.
* ``style`` is kept with an allow-list of properties and values without ``url(``,
  ``expression(`` or escapes.
* WordPress's own markers ``<!--more-->``, ``<!--more Custom text-->``, ``<!--nextpage-->``
  and ``<!--noteaser-->`` are kept; every other comment goes.
* Pathologically deep nesting is flattened first (html5ever's tree builder is quadratic in
  depth: 100,000 nested ``<div>`` take minutes); real posts never come near the limit.

The output is deterministic: html5ever serialises attributes in source order.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from html import escape as html_escape
from html import unescape
from itertools import islice
from urllib.parse import urlsplit

import nh3

from wpmigrate.chars import without_lone_surrogates

#: Tags kept. Unknown tags are unwrapped (their text stays); see CLEAN_CONTENT_TAGS.
TAGS: frozenset[str] = frozenset(
    """
    a abbr acronym address article aside audio b bdi bdo big blockquote br caption center cite code
    col colgroup dd del details dfn div dl dt em figcaption figure footer h1 h2 h3 h4 h5 h6 header hr
    i iframe img ins kbd li main mark nav ol p picture pre q rp rt ruby s samp section small source
    span strike strong sub summary sup table tbody td tfoot th thead time tr track tt u ul var video wbr
    """.split()
)

#: Tags removed together with everything inside them (not just unwrapped).
CLEAN_CONTENT_TAGS: frozenset[str] = frozenset(
    "script style noscript template title textarea select noembed noframes".split()
)

#: Attributes allowed on every kept tag.
GLOBAL_ATTRIBUTES: frozenset[str] = frozenset({"class", "id", "title", "lang", "dir", "style"})

#: Attributes allowed per tag, on top of GLOBAL_ATTRIBUTES.
ATTRIBUTES: dict[str, frozenset[str]] = {
    tag: frozenset(names.split())
    for tag, names in {
        "a": "href name rel target hreflang",
        "img": "src srcset sizes alt width height loading align",
        "audio": "src controls autoplay loop muted preload",
        "video": "src poster controls autoplay loop muted preload playsinline width height",
        "source": "src srcset type media sizes",
        "track": "src kind srclang label default",
        "iframe": "src width height allow allowfullscreen frameborder loading referrerpolicy title sandbox",
        "blockquote": "cite",
        "q": "cite",
        "del": "cite datetime",
        "ins": "cite datetime",
        "time": "datetime",
        "ol": "start reversed type",
        "ul": "type",
        "li": "value",
        "table": "border cellpadding cellspacing width align summary",
        "td": "colspan rowspan headers align valign width",
        "th": "colspan rowspan headers scope align valign width",
        "tr": "align valign",
        "col": "span width",
        "colgroup": "span width",
        "p": "align",
        "div": "align",
        "h1": "align", "h2": "align", "h3": "align", "h4": "align", "h5": "align", "h6": "align",
        "details": "open",
    }.items()
}  # fmt: skip

#: Hosts an <iframe src> may point to, each with the path its embeds live under.
IFRAME_HOSTS: dict[str, tuple[str, ...]] = {
    "www.youtube.com": ("/embed/",),
    "youtube.com": ("/embed/",),
    "www.youtube-nocookie.com": ("/embed/",),
    "youtube-nocookie.com": ("/embed/",),
    "player.vimeo.com": ("/video/",),
    "www.dailymotion.com": ("/embed/",),
    "geo.dailymotion.com": ("/player",),
    "embed.ted.com": ("/talks/",),
    "videopress.com": ("/embed/",),
    "video.wordpress.com": ("/embed/",),
    "w.soundcloud.com": ("/player/",),
    "open.spotify.com": ("/embed",),
    "bandcamp.com": ("/EmbeddedPlayer/",),
    "archive.org": ("/embed/",),
    "www.slideshare.net": ("/slideshow/embed_code/",),
    "www.google.com": ("/maps/embed", "/maps?", "/maps/d/embed"),
    "maps.google.com": ("/",),
    "www.openstreetmap.org": ("/export/embed.html",),
}

#: URL schemes ammonia lets through on href/src (``data`` is narrowed further below).
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel", "ftp", "data"})

#: Control characters that are not HTML whitespace: invisible in a browser, invalid in XML,
#: kept by the HTML parser. Dropped, written out or as references (``&#1;``, ``&#x0e``), before
#: cleaning: a reference decoded inside an attribute made the output hold the raw character,
#: and ``java&#14;script:`` must be seen as the scheme it becomes once the character is gone.
_CONTROL = re.compile("[\x01-\x08\x0b\x0e-\x1f\x7f]")
_NUMERIC_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?")
_URL_ATTRIBUTES = frozenset({"href", "src", "cite", "poster"})
_DATA_IMAGE = re.compile(r"data:image/(?:png|gif|jpe?g|webp|avif)[;,]", re.I)
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_IGNORED_IN_URL = re.compile(r"[\t\n\r]")
_C0_AND_SPACE = "".join(map(chr, range(0x21)))
_SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel", "ftp"})

#: CSS properties kept in style attributes: layout and typography that posts use.
STYLE_PROPERTIES: frozenset[str] = frozenset(
    """
    text-align color background-color font-weight font-style font-size font-family font-variant
    text-decoration text-transform text-indent line-height letter-spacing white-space
    vertical-align width height max-width min-width max-height min-height float clear display
    margin margin-top margin-right margin-bottom margin-left padding padding-top padding-right
    padding-bottom padding-left border border-top border-right border-bottom border-left
    border-width border-style border-color border-collapse border-spacing border-radius
    list-style-type direction aspect-ratio object-fit
    """.split()
)
_STYLE_VALUE = re.compile(r"[\w\s#%.,+\-'\"/!]*(?:\((?:[\w\s#%.,+\-/]*)\)[\w\s#%.,+\-'\"/!]*)*")
_STYLE_FUNCTIONS = frozenset({"rgb", "rgba", "hsl", "hsla", "calc", "var"})


def _url_ok(tag: str, attr: str, url: str) -> bool:
    # As browsers read it: tabs and newlines anywhere and C0/space at the ends are ignored.
    url = _IGNORED_IN_URL.sub("", url).strip(_C0_AND_SPACE)
    m = _SCHEME.match(url)
    if m is None:
        return True  # relative
    scheme = m.group(1).lower()
    if scheme == "data":
        return tag == "img" and attr == "src" and _DATA_IMAGE.match(url) is not None
    return scheme in _SAFE_SCHEMES


def _srcset_ok(value: str) -> bool:
    # Candidates are "url [descriptor]" separated by commas; a data: URL contains commas,
    # so any data: at all is refused here.
    if "data:" in value.lower():
        return False
    return all(_url_ok("img", "srcset", c.split()[0]) for c in value.split(",") if c.strip())


#: What an iframe from an unknown host may do: run and play, open links in a new window;
#: not navigate the page that holds it.
IFRAME_SANDBOX = "allow-scripts allow-same-origin allow-popups allow-forms allow-presentation"


def iframe_allowed(src: str) -> bool:
    """True when ``src`` is an http(s) or protocol-relative URL with a host, and no user or port."""
    return _iframe_url(src) is not None


def known_embed(src: str) -> bool:
    """True when ``src`` is an embed URL of a known video/audio/map host (:data:`IFRAME_HOSTS`)."""
    url = _iframe_url(src)
    if url is None:
        return False
    prefixes = IFRAME_HOSTS.get(url.hostname or "")
    path = url.path + ("?" + url.query if url.query else "")
    return prefixes is not None and any(path.startswith(p) for p in prefixes)


def _iframe_url(src: str):
    try:
        url = urlsplit(src.strip())
        host, port = url.hostname, url.port
    except ValueError:
        return None
    if url.scheme not in ("http", "https", "") or not host or port or url.username or "\\" in src:
        return None
    return url


def _style(value: str) -> str | None:
    """Keep allowed declarations; the value unchanged when all of them are."""
    kept, changed = [], False
    for declaration in value.split(";"):
        if not declaration.strip():
            continue
        prop, sep, val = declaration.partition(":")
        prop = prop.strip().lower()
        ok = (
            sep
            and prop in STYLE_PROPERTIES
            and _STYLE_VALUE.fullmatch(val) is not None
            and all(f.lower() in _STYLE_FUNCTIONS for f in re.findall(r"([\w-]*)\s*\(", val))
        )
        if ok:
            kept.append(declaration)
        else:
            changed = True
    if not kept:
        return None
    return value if not changed else ";".join(d.strip() for d in kept)


class _Raised(threading.local):
    """What the attribute hook raised, for :func:`sanitize` to raise again.

    nh3 prints and swallows an exception raised in the hook, then drops the
    attribute, so Ctrl-C or a bug there would silently alter the output.
    """

    error: BaseException | None = None


_raised = _Raised()


def _filter_attribute(tag: str, attr: str, value: str) -> str | None:
    """nh3's per-attribute hook: None drops the attribute; what it raises is kept for later."""
    try:
        return _attribute_kept(tag, attr, value)
    except BaseException as error:  # noqa: BLE001 - re-raised by sanitize()
        if _raised.error is None:
            _raised.error = error
        return None


def _attribute_kept(tag: str, attr: str, value: str) -> str | None:
    if attr in _URL_ATTRIBUTES:
        if not _url_ok(tag, attr, value):
            return None
        if tag == "iframe" and attr == "src" and not iframe_allowed(value):
            return None
    elif attr == "srcset":
        return value if _srcset_ok(value) else None
    elif attr == "style":
        return _style(value)
    return value


_CLEANER = nh3.Cleaner(
    tags=set(TAGS),
    clean_content_tags=set(CLEAN_CONTENT_TAGS),
    attributes={"*": set(GLOBAL_ATTRIBUTES), **{t: set(a) for t, a in ATTRIBUTES.items()}},
    attribute_filter=_filter_attribute,
    url_schemes=set(URL_SCHEMES),
    strip_comments=True,
    link_rel=None,
)

# ---------------------------------------------------------------------------- markers, iframes

_MARKER = re.compile(r"<!--(more(?:\s[^\"<>]*?)?|nextpage|noteaser)-->")
_PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")
# In html5ever's output every attribute is double-quoted with < > " & escaped, and an
# iframe's content is raw text up to the first "</iframe", so this reads it exactly.
_IFRAME = re.compile(r"<iframe((?:\s[^>]*)?)>.*?</iframe>", re.S)


def _protect_markers(html: str) -> tuple[str, list[str]]:
    if "\ue000" in html or "<!--" not in html:
        return html, []
    found: list[str] = []

    def keep(m: re.Match[str]) -> str:
        found.append(m.group(0))
        return f"\ue000{len(found) - 1}\ue001"

    return _MARKER.sub(keep, html), found


def _restore_markers(html: str, found: list[str]) -> str:
    if not found:
        return html
    return _PLACEHOLDER.sub(lambda m: found[int(m.group(1))] if int(m.group(1)) < len(found) else "", html)


_SRC = re.compile(r'\ssrc="([^"]*)"')
_SANDBOX = re.compile(r'\ssandbox="[^"]*"')


def _fix_iframes(html: str) -> str:
    """Each iframe without its content; without a ``src``, gone; sandboxed unless a known embed."""
    if "<iframe" not in html:
        return html
    return _IFRAME.sub(_fixed_iframe, html)


def _fixed_iframe(m: re.Match[str]) -> str:
    attributes = m.group(1)
    src = _SRC.search(attributes)
    if src is None:
        return ""
    if not known_embed(unescape(src.group(1))):
        attributes = _SANDBOX.sub("", attributes) + f' sandbox="{IFRAME_SANDBOX}"'
    return f"<iframe{attributes}></iframe>"


# ---------------------------------------------------------------------------- nesting

#: Deeper than this, elements are unwrapped before html5ever sees the document.
MAX_DEPTH = 512
# The start tag of each of these makes html5ever look down the stack of open elements for
# a <p> to close, so their nesting depth is what costs time (inline tags do not).
_BLOCKS = (
    "address|article|aside|blockquote|button|center|details|dialog|dir|div|dl|fieldset|figcaption|"
    "figure|footer|form|h[1-6]|header|hgroup|listing|main|menu|nav|ol|pre|search|section|summary|"
    "table|ul"
)
_BLOCK_START = re.compile(rf"<(?:{_BLOCKS})[\s/>]", re.I)
# Comments and raw-text elements are skipped whole: a "</div>" inside a script closes nothing.
# A trailing slash is not looked at: "<div/>" opens a div in HTML.
_TAG_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<(script|style|textarea|title|xmp|iframe|noembed|noframes|noscript)\b.*?(?:</\1\s*>|\Z)"
    rf"|<(/?)({_BLOCKS})[\s/>]",
    re.I | re.S,
)


def _deeper_than(html: str, limit: int) -> bool:
    """Whether block containers nest more than ``limit`` deep, estimated from the tags as
    written. Stops as soon as it knows: no list of tags, whatever the size of ``html``."""
    if html.count("<") <= limit or not _more_than(_BLOCK_START.finditer(html), limit):
        return False
    depth = 0
    for m in _TAG_TOKEN.finditer(html):
        if not m.group(3):
            continue
        if m.group(2):
            depth = max(depth - 1, 0)
        else:
            depth += 1
            if depth > limit:
                return True
    return False


def _more_than(matches: Iterator[re.Match[str]], count: int) -> bool:
    return next(islice(matches, count, None), None) is not None


class _Flattener:
    """An lxml parser target that writes the document back, elements nested deeper than
    MAX_DEPTH reduced to their text. Fed by events, so it sees every level (a tree that
    libxml2 builds itself stops at about 2,000) and keeps no tree at all."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.depth = 0

    def start(self, tag: str, attrib: dict) -> None:
        self.depth += 1
        if tag not in ("html", "head", "body") and self.depth <= MAX_DEPTH + 3:
            attrs = "".join(f' {k}="{html_escape(v)}"' for k, v in attrib.items())
            self.out.append(f"<{tag}{attrs}>")

    def end(self, tag: str) -> None:
        if tag not in ("html", "head", "body") and self.depth <= MAX_DEPTH + 3 and tag not in _VOID:
            self.out.append(f"</{tag}>")
        self.depth -= 1

    def data(self, text: str) -> None:
        self.out.append(html_escape(text, quote=False))

    def comment(self, text: str) -> None:
        self.out.append(f"<!--{text}-->")

    def close(self) -> str:
        return "".join(self.out)


_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())


def flatten_deep(html: str) -> str:
    """``html`` with elements nested deeper than MAX_DEPTH reduced to their text; as it was
    when nothing is that deep (the usual case, told by counting tags)."""
    return _flatten(html) if _deeper_than(html, MAX_DEPTH) else html


def _flatten(html: str) -> str:
    """Keep only the text of elements nested deeper than MAX_DEPTH. Only reached for input
    no editor produces; linear in time and memory."""
    from lxml import etree  # noqa: PLC0415 - rare path

    from wpmigrate.clean.noise import wrap_fragment  # noqa: PLC0415

    parser = etree.HTMLParser(recover=True, target=_Flattener())
    parser.feed(wrap_fragment(html))
    return parser.close()


# ---------------------------------------------------------------------------- API


_NESTED_ANCHOR = re.compile(r"<a\b[^>]*>(?:(?!</a>).)*?<a\b", re.DOTALL)


def sanitize(html: str) -> str:
    """Sanitised HTML: no script, event handlers, javascript:/data: links, foreign iframes
    or dangerous styles; figures, tables, lists, code, media and known embeds kept.
    Total: any string in, a string out."""
    if not isinstance(html, str) or not html:
        return ""
    html = without_lone_surrogates(html)  # lone surrogates cannot cross into Rust
    html = _CONTROL.sub("", html)
    if "&#" in html:
        html = _NUMERIC_REFERENCE.sub(_drop_control, html)
    html = flatten_deep(html)
    html, markers = _protect_markers(html)
    out = _clean_once(html)
    for _ in range(2):
        # An anchor left inside an anchor (HTML's parsing of tables in links can write one)
        # reads differently when parsed again: clean again, so that sanitising is idempotent.
        if not _NESTED_ANCHOR.search(out):
            break
        out = _clean_once(out)
    return _restore_markers(_fix_iframes(out), markers)


def _drop_control(reference: re.Match[str]) -> str:
    """"" for a reference to a character :data:`_CONTROL` drops, else the reference as it is."""
    hexadecimal, decimal = reference.groups()
    code = int(hexadecimal, 16) if hexadecimal else int(decimal)
    return "" if code < 0x110000 and _CONTROL.match(chr(code)) else reference.group()


def _clean_once(html: str) -> str:
    out = _CLEANER.clean(html)
    error, _raised.error = _raised.error, None
    if error is not None:
        raise error
    return out
