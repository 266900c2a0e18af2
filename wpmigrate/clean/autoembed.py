"""WordPress's ``autoembed``: a bare URL of a known provider alone on its line (or alone in
its ``<p>``) becomes that provider's embed.

``WP_Embed::autoembed`` runs on ``the_content`` at priority 8, before blocks and wpautop.
Its two patterns are ported as they are; newlines inside HTML tags are hidden first
(``wp_replace_in_html_tags``) so a URL on its own line inside a tag's attributes is not
taken. A URL no provider knows stays exactly as written (WordPress's ``linkifunknown`` is
off here). Each embed is counted under ``embed:auto``.
"""

from __future__ import annotations

import re
from collections import Counter

from wpmigrate.clean.autop import _HTML_SPLIT
from wpmigrate.clean.shortcodes.oembed import provider_embed
from wpmigrate.clean.shortcodes.embeds import embed_for_url

_HIDDEN_NEWLINE = "<!-- wp-line-break -->"
_ASCII_SPACE = " \t\n\r\f\v"
_MAY_EMBED = re.compile(r"(?:^|[\n>])\s*https?://", re.I | re.ASCII | re.M)
_URL_ON_ITS_LINE = re.compile(r'^(\s*)(https?://[^\s<>"]+)(\s*)$', re.I | re.M | re.ASCII)
_URL_IN_ITS_P = re.compile(r'(<p(?: [^>]*)?>\s*)(https?://[^\s<>"]+)(\s*</p>)', re.I | re.ASCII)


def _may_embed(text: str) -> bool:
    """Whether some ``http(s)://`` stands at a line's start or after ``>``, behind ASCII
    whitespace at most (what ``_MAY_EMBED`` asks, found from each ``://``)."""
    at = text.find("://")
    while at != -1:
        start = at - 5 if text[max(at - 5, 0) : at].lower() == "https" else at - 4
        if start >= 0 and text[start : start + 4].lower() == "http":
            before = len(text[:start].rstrip(_ASCII_SPACE))
            if before == 0 or text[before - 1] == ">" or "\n" in text[before:start]:
                return True
        at = text.find("://", at + 3)
    return False


def autoembed(text: str, counts: Counter[str] | None = None, cache: tuple[str, ...] = ()) -> str:
    """``text`` with each bare known-provider URL alone on a line replaced by its embed: a
    static player, or for a provider without one (a tweet ...) the HTML WordPress cached
    in ``cache`` (the post's ``_oembed_*`` values), else a link (``shortcodes.oembed``)."""
    # Both patterns need a URL at a line's start or after a tag, behind whitespace at most;
    # hiding newlines only takes line starts away, so without one here there is none later.
    if not _may_embed(text):
        return text
    if "<" in text:  # wp_replace_in_html_tags(): hide newlines in tags, comments, CDATA
        parts = _HTML_SPLIT.split(text)
        parts[1::2] = [part.replace("\n", _HIDDEN_NEWLINE) for part in parts[1::2]]
        text = "".join(parts)
    if _MAY_EMBED.search(text):
        found = counts if counts is not None else Counter()

        def embed(m: re.Match[str]) -> str:
            html = embed_for_url(m.group(2))
            if html is None:
                by_provider = provider_embed(m.group(2), cache)
                if by_provider is None:
                    return m.group()
                html, key = by_provider
                found[key] += 1
            found["embed:auto"] += 1
            return m.group(1) + html + m.group(3)

        text = _URL_ON_ITS_LINE.sub(embed, text)
        text = _URL_IN_ITS_P.sub(embed, text)
    return text.replace(_HIDDEN_NEWLINE, "\n")
