"""A post written in Markdown, published as written (``Content.markdown``).

No HTML round trip, so no escapes are added. What the writer must still change:
``<!--more...-->`` becomes the plain :data:`MORE` divider on its own lines, and
under ``--download-media`` the destinations of images and of links to media files
are rewritten to the local copies (inline ``(url)`` and ``[ref]: url``
definitions; code is left alone). Such a body holds no raw HTML and no shortcodes:
posts with those go the HTML route (see ``clean.textformats.markdown_body``).
"""

from __future__ import annotations

import re

from wpmigrate.clean.textformats import MARKDOWN_CODE
from wpmigrate.writers.markdown.convert_html import Converted, HtmlOptions, is_media_url

_MORE = re.compile(r"[ \t]*<!--more(?:.*?)?-->[ \t]*", re.S)
# ``](url "title")`` (group 1: ``!`` for an image) and ``[ref]: url`` (at a line's start).
# No "[" inside the brackets: linear on a line of many "[" (and an image inside a link is found
# as an image).
_DESTINATION = re.compile(r"(!?)\[[^\[\]\n]*\]\(\s*<?([^)\s>]+)>?|^ {0,3}\[[^\[\]\n]+\]:[ \t]*<?([^\s>]+)>?", re.M)


def markdown_source_body(source: str, options: HtmlOptions, more: str) -> Converted:
    """``source`` as the post's body: ``more`` as the teaser divider, media listed and rewritten."""
    body = _with_divider(source, more)
    media: dict[str, None] = {}
    pieces, last = [], 0
    for code in MARKDOWN_CODE.finditer(body):
        pieces.append(_media(body[last:code.start()], options, media))
        pieces.append(code.group())
        last = code.end()
    pieces.append(_media(body[last:], options, media))
    return Converted("".join(pieces), list(media))


def _with_divider(source: str, more: str) -> str:
    """``source`` with its first ``<!--more-->`` as ``more`` between blank lines, later ones dropped
    (no divider where nothing stands before or after it, as for HTML bodies)."""
    parts = _MORE.split(source.replace("\r\n", "\n"), maxsplit=1)
    teaser, rest = (parts[0].strip(), _MORE.sub("", parts[1]).strip()) if len(parts) == 2 else ("", parts[0].strip())
    if teaser and rest:
        return f"{teaser}\n\n{more}\n\n{rest}\n"
    return (teaser or rest) + "\n"


def _media(text: str, options: HtmlOptions, found: dict[str, None]) -> str:
    """``text`` with media destinations rewritten when ``options`` map them; each one noted in ``found``."""

    def one(match: re.Match[str]) -> str:
        group = 2 if match.group(2) is not None else 3
        url = match.group(group)
        if not (match.group(1) or is_media_url(url)):
            return match.group()
        found.setdefault(url, None)
        local = options.media_map(url) if options.media_map is not None else None
        if not local:
            return match.group()
        start, end = match.span(group)
        return match.group()[: start - match.start()] + local + match.group()[end - match.start():]

    return _DESTINATION.sub(one, text)
