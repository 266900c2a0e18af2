"""Clean HTML to Markdown: html-to-markdown (a Rust converter) with WordPress's shapes customised.

The converter walks the HTML once and calls back only for the elements a
visitor handles, so the customisations cost little:

* a ``<figure>`` with a ``<figcaption>`` becomes Hugo's ``figure`` shortcode (with the
  link around the image and the alignment class), or the image followed by its caption
  in italics;
* embeds (``<iframe>``) become Hugo's ``youtube``/``vimeo`` shortcodes, or stay
  HTML (with a closing tag: an ``<iframe />`` would swallow the page); ``<video>``
  and ``<audio>`` stay HTML;
* block-editor footnotes (``sup.fn`` references, ``ol.wp-block-footnotes``)
  become Markdown footnotes ``[^1]``;
* every image, media and upload link is collected for the media manifest, and
  rewritten to its local copy when ``media_map`` says so.

Galleries (a ``figure.gallery`` of images), code blocks with their language,
tables and nested lists are what the converter does already.

html-to-markdown's Python bridge drops an exception raised in a callback (and
a result it cannot read) and carries on as if the callback had said
"continue": a bug of ours would silently give the converter's default Markdown.
So every callback is guarded: an exception is kept, the converter is told to
stop, and :func:`to_markdown` raises :class:`CallbackError` (Ctrl-C and other
non-``Exception`` errors propagate as they are).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin

import html_to_markdown as h2m
from html_to_markdown import _html_to_markdown as _rust
from html_to_markdown.api import _to_rust_conversion_options

from wpmigrate.writers.markdown.escape import protect, restore
from wpmigrate.writers.markdown.frontmatter import without_surrogates

#: Elements Markdown has no syntax for, kept as HTML: definition lists, a collapsed
#: ``<details>``, an ``<ol reversed>`` and a ``<sup>`` that is no footnote reference (both
#: renamed on the way, see :func:`_structure`), and the inline ones the converter would
#: otherwise flatten (H<sub>2</sub>O read "H2O") or write in a syntax CommonMark lacks
#: (``==mark==``) or with added text ("NASA (title)").
KEPT_AS_HTML = ("dl", "details", "wpm-ol", "sub", "wpm-sup", "mark", "u", "abbr", "ins")


def _options(newline_style: str):
    return _to_rust_conversion_options(
        h2m.ConversionOptions(
            heading_style="atx",
            code_block_style="backticks",
            bullets="-",
            strong_em_symbol="*",
            escape_asterisks=True,
            escape_underscores=True,
            extract_metadata=False,
            newline_style=newline_style,
            # No Markdown for these: kept as HTML, which every generator's Markdown passes through.
            preserve_tags=list(KEPT_AS_HTML),
        )
    )


#: Built once per hard-break style: converting the options on every call costs as much as a
#: short post. A line break is ``\`` at the line's end (CommonMark), or two spaces (kramdown,
#: Jekyll's Markdown, reads ``\`` as a backslash).
_OPTIONS = {style: _options(style) for style in ("backslash", "spaces")}
_CONTINUE = {"type": "continue"}
_UPLOADS = "/wp-content/uploads/"
_MEDIA_SUFFIX = re.compile(
    r"\.(jpe?g|png|gif|webp|avif|svg|bmp|tiff?|ico|mp3|m4a|ogg|oga|wav|flac|mp4|m4v|mov|webm|ogv|pdf|zip|docx?|xlsx?|pptx?)$",
    re.IGNORECASE,
)
_YOUTUBE = re.compile(r"^https?://(?:www\.)?youtube(?:-nocookie)?\.com/embed/([\w-]{6,})(?:[?#]|$)")
_VIMEO = re.compile(r"^https?://player\.vimeo\.com/video/(\d+)")
_BACKLINK = ("↩", "↩︎", "^")
#: The link around an image, in the converter's Markdown: ``[![alt](src)](link)``.
_IMAGE_LINK = re.compile(r"\A\s*\[!\[.*\]\((?:<([^>]*)>|(\S+?))\)\s*\Z", re.S)
_LINES = re.compile(r"\n+")
_ALIGNMENTS = ("alignleft", "alignright", "aligncenter", "alignnone")
_MEDIA_ATTR = re.compile(r'<(?:img|video|audio|source|a)\b[^>]*?\s(src|href|poster)="([^"]*)"')


class CallbackError(RuntimeError):
    """One of our converter callbacks raised: a bug here, never a property of the input."""


@dataclass(frozen=True)
class HtmlOptions:
    #: ``hugo`` for Hugo's shortcodes; anything else writes portable Markdown and HTML.
    shortcodes: str = ""
    #: Media URL -> the local URL to write instead (``--download-media``); empty: keep URLs.
    media_map: Callable[[str], str | None] | None = None
    #: The post's old URL: relative image and media sources are resolved against it (they
    #: pointed into the old site, and a generator reads them as its own files: Astro fails).
    base_url: str | None = None
    #: Block-editor footnotes as Markdown footnotes (``[^1]``); False: as links and a list.
    footnotes: bool = True
    #: How a line break is written: ``backslash`` or ``spaces`` (see ``_OPTIONS``).
    hard_break: str = "backslash"


@dataclass
class Converted:
    markdown: str
    #: Media URLs the content uses, in order of appearance, without repeats.
    media: list[str] = field(default_factory=list)


def is_media_url(url: str) -> bool:
    """An uploaded file or a link to a media file (images, audio, video, documents)."""
    path = url.split("?", 1)[0].split("#", 1)[0]
    return _UPLOADS in path or bool(_MEDIA_SUFFIX.search(path))


def to_markdown(source: str, options: HtmlOptions) -> Converted:
    """``source`` (clean HTML) as Markdown, with the media URLs it uses."""
    if not source or not source.strip():
        return Converted("")
    if options.base_url and _RELATIVE_SOURCE.search(source):
        source = _absolute_sources(source, options.base_url)
    media = media_urls(source)
    if media and options.media_map is not None:
        source = _rewrite_media(source, options.media_map)
    source = _structure(source)
    protected = protect(source, hugo=options.shortcodes == "hugo")
    marked = protected.html if protected is not None else source
    try:
        content = _convert(marked, options)
    except UnicodeEncodeError:  # a lone surrogate (from a numeric entity): U+FFFD instead
        content = _convert(without_surrogates(marked), options)
    if protected is not None:
        content = restore(content, protected.urls)
    if "wpm-" in content:
        content = _RENAMED.sub(r"<\1", content)
    return Converted(content.strip() + "\n", media)


_RENAMED = re.compile(r"<(/?)wpm-(?=ol\b|sup\b)")
_REVERSED_LIST = re.compile(r"<ol(\s[^>]*\breversed\b[^>]*)>(.*?)</ol>", re.S)
_TABLE = re.compile(r"(<table\b[^>]*>)(.*?)(</table>)", re.S)
#: A ``<sup>`` holding no link (a link there is a footnote reference, which becomes ``[^n]``).
_PLAIN_SUP = re.compile(r"<sup(\s[^>]*)?>((?:(?!</?sup\b|<a\b).)*)</sup>", re.S)
_FIRST_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.S)


def _structure(source: str) -> str:
    """What Markdown would lose, made explicit: an ``<ol reversed>`` and a plain ``<sup>`` renamed
    to be kept as HTML (a nested list stays a list), and a table without a header row given an
    empty one (Markdown would promote the first data row)."""
    if "<ol" in source and "reversed" in source:
        source = _REVERSED_LIST.sub(lambda m: m.group() if "<ol" in m.group(2) else
                                    f"<wpm-ol{m.group(1)}>{m.group(2)}</wpm-ol>", source)
    if "<table" in source:
        source = _TABLE.sub(_with_header, source)
    if "<sup" in source:
        source = _PLAIN_SUP.sub(lambda m: f"<wpm-sup{m.group(1) or ''}>{m.group(2)}</wpm-sup>", source)
    return source


def _with_header(table: re.Match[str]) -> str:
    body = table.group(2)
    first = _FIRST_ROW.search(body)
    if "<th" in body or first is None:
        return table.group()
    cells = first.group(1).count("<td")
    header = "<thead><tr>" + "<th></th>" * cells + "</tr></thead>"
    return table.group(1) + header + body + table.group(3)


def _convert(source: str, options: HtmlOptions) -> str:
    """The converter's Markdown; :class:`CallbackError` if one of our callbacks raised."""
    visitor = _visitor_for(source, options)
    try:
        result = _rust.convert(html=source, options=_OPTIONS[options.hard_break], visitor=visitor)
    except h2m.ConversionError:
        if visitor is None or visitor.failure is None:
            raise
    if visitor is not None and visitor.failure is not None:
        failure, name = visitor.failure
        if not isinstance(failure, Exception):
            raise failure  # Ctrl-C, SystemExit: as they are
        raise CallbackError(f"Markdown conversion: {name} raised {type(failure).__name__}: {failure}") from failure
    return result.content


def media_urls(source: str) -> list[str]:
    """The media URLs of clean HTML: sources of images, audio and video, links to media files.

    Read by a regular expression, not a visitor: the sanitiser writes every
    attribute the same way (double quotes, entities escaped), and a Python call
    per element would cost more than the whole conversion.
    """
    found: dict[str, None] = {}
    for match in _MEDIA_ATTR.finditer(source):
        url = html.unescape(match.group(2))
        if url and (match.group(1) != "href" or is_media_url(url)):
            found.setdefault(url, None)
    return list(found)


#: A relative ``src``/``poster`` (no scheme, not ``//host``) of an image or media element.
_RELATIVE_SOURCE = re.compile(
    r'(<(?:img|video|audio|source)\b[^>]*?\s(?:src|poster)=")(?![a-zA-Z][a-zA-Z0-9+.-]*:|//)([^"]+)"')


def _absolute_sources(source: str, base: str) -> str:
    """Relative ``src``/``poster`` of images and media made absolute against the post's old URL."""
    def absolute(m: re.Match[str]) -> str:
        return f'{m.group(1)}{_attr(urljoin(base, html.unescape(m.group(2))))}"'

    return _RELATIVE_SOURCE.sub(absolute, source)


def _rewrite_media(source: str, media_map: Callable[[str], str | None]) -> str:
    def replace(match: re.Match) -> str:
        url = html.unescape(match.group(2))
        local = media_map(url) if match.group(1) != "href" or is_media_url(url) else None
        if not local:
            return match.group(0)
        start, end = match.span(2)
        offset = match.start(0)
        text = match.group(0)
        return text[: start - offset] + _attr(local) + text[end - offset:]

    return _MEDIA_ATTR.sub(replace, source)


#: Which visitor callbacks a piece of HTML needs, told by substrings; most posts need none.
_FEATURES = (("<figcaption", "figure"), ("<iframe", "embed"), ("<video", "embed"), ("<audio", "embed"),
             ("wp-block-footnotes", "footnotes"))
_METHODS = {
    "figure": ("visit_image", "visit_figcaption", "visit_figure_end"),
    "embed": ("visit_iframe", "visit_video", "visit_audio"),
    "footnotes": ("visit_link", "visit_list_start", "visit_list_item"),
}
_VISITOR_CLASSES: dict[frozenset[str], type] = {}


def _visitor_for(source: str, options: HtmlOptions) -> "_Visitor | None":
    """A visitor with only the callbacks ``source`` needs, or None (the converter's full speed)."""
    features = frozenset(name for needle, name in _FEATURES
                         if needle in source and (options.footnotes or name != "footnotes"))
    if not features:
        return None
    cls = _VISITOR_CLASSES.get(features)
    if cls is None:
        methods = {m: _guarded(m, getattr(_Visitor, m)) for f in features for m in _METHODS[f]}
        cls = _VISITOR_CLASSES[features] = type("_Visitor_" + "_".join(sorted(features)), (_VisitorBase,), methods)
    return cls(options)


def _guarded(name: str, method: Callable) -> Callable:
    """``method``, its exception kept on the visitor and the conversion stopped (see the module doc)."""

    def guarded(self: "_VisitorBase", *args):
        try:
            return method(self, *args)
        except BaseException as exc:  # noqa: BLE001 - re-raised by _convert once the converter returns
            if self.failure is None:
                self.failure = (exc, name)
            return {"type": "error", "output": f"{name} raised {type(exc).__name__}"}

    guarded.__name__ = name
    return guarded


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def _label(text: str) -> str:
    """Alt text or a caption inside ``[...]``: brackets escaped so the link holds."""
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").replace("\n", " ")


def _shortcode_value(text: str) -> str:
    """A Hugo shortcode parameter: a raw string unless it holds a backtick."""
    if "`" not in text:
        return f"`{text}`"
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _VisitorBase:
    """The state of one conversion's callbacks."""

    def __init__(self, options: HtmlOptions) -> None:
        self.hugo = options.shortcodes == "hugo"
        self.image: tuple[str, str, str] | None = None
        self.caption: str | None = None
        #: Items seen in a ``wp-block-footnotes`` list; None outside one.
        self.footnotes: int | None = None
        #: The first exception a callback raised, with the callback's name.
        self.failure: tuple[BaseException, str] | None = None

    def _media_element(self, ctx, kind: str, src: str):
        attributes = {"controls": "", **ctx.attributes()}
        attrs = "".join(f' {k}="{_attr(v)}"' if v else f" {k}" for k, v in sorted(attributes.items()))
        return {"type": "custom", "output": f"\n\n<{kind}{attrs}></{kind}>\n\n"}


class _Visitor(_VisitorBase):
    """Every callback; :func:`_visitor_for` makes classes with only those a post needs."""

    def visit_image(self, ctx, src: str, alt: str, title: str):
        self.image = (src, alt, title)
        return _CONTINUE

    def visit_link(self, ctx, href: str, text: str, title: str):
        if href.startswith("#"):
            if ctx.parent_tag == "sup" and text.strip().isdigit():
                return {"type": "custom", "output": f"[^{text.strip()}]"}
            if text.strip() in _BACKLINK:
                return {"type": "custom", "output": ""}
        return _CONTINUE

    def visit_figcaption(self, ctx, text: str):
        self.caption = " ".join(text.split())  # one line: it is written inside _..._ or a parameter
        return {"type": "custom", "output": ""}

    def visit_figure_end(self, ctx, output: str):
        caption, image = self.caption, self.image
        self.caption = self.image = None
        if not caption:
            return _CONTINUE
        if "gallery" in ctx.attributes().get("class", ""):  # its images, each a block, then its caption
            items = _LINES.sub("\n\n", output.strip())
            return {"type": "custom", "output": f"\n\n{items}\n\n_{caption}_\n\n"}
        if self.hugo and image is not None:
            src, alt, _ = image
            parts = [f"src={_shortcode_value(src)}"]
            if alt:
                parts.append(f"alt={_shortcode_value(alt)}")
            parts.append(f"caption={_shortcode_value(caption)}")
            link = _IMAGE_LINK.search(output)
            if link:
                parts.append(f"link={_shortcode_value(link.group(1) or link.group(2))}")
            align = [c for c in ctx.attributes().get("class", "").split() if c in _ALIGNMENTS]
            if align:
                parts.append(f"class={_shortcode_value(align[0])}")
            return {"type": "custom", "output": "\n\n{{< figure " + " ".join(parts) + " >}}\n\n"}
        return {"type": "custom", "output": f"\n\n{output.strip()}\n\n_{caption}_\n\n"}

    def visit_iframe(self, ctx, src: str):
        if self.hugo:
            for pattern, name in ((_YOUTUBE, "youtube"), (_VIMEO, "vimeo")):
                found = pattern.match(src)
                if found:
                    return {"type": "custom", "output": "{{< " + name + " " + found.group(1) + " >}}"}
        attrs = "".join(f' {k}="{_attr(v)}"' for k, v in sorted(ctx.attributes().items()))
        return {"type": "custom", "output": f"<iframe{attrs}></iframe>"}

    def visit_video(self, ctx, src: str):
        return self._media_element(ctx, "video", src)

    def visit_audio(self, ctx, src: str):
        return self._media_element(ctx, "audio", src)

    def visit_list_start(self, ctx, ordered: bool):
        self.footnotes = 0 if "wp-block-footnotes" in ctx.attributes().get("class", "") else None
        return _CONTINUE

    def visit_list_item(self, ctx, ordered: bool, marker: str, text: str):
        if self.footnotes is None or not text.strip():
            return _CONTINUE
        self.footnotes += 1
        return {"type": "custom", "output": f"[^{self.footnotes}]: {text.strip()}\n"}
