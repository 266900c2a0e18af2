"""Flash-era players: ``<object>`` and ``<embed>``, which no browser runs any more.

Old posts embed YouTube and other videos as ``<object><param name="movie" value="
https://www.youtube.com/v/ID&hl=en">...<embed src="..."></object>``; the sanitiser would
drop them and the video with them, silently. Here, before ``wpautop``, each becomes what
its URL is today: the provider's player (the same video), an audio or video element for a
media file, a link for any other movie; counted ``embed:converted:object``,
``embed:linked:object``, or ``embed:dropped:object`` when it names no URL at all.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

from wpmigrate.clean.shortcodes.embeds import embed_for_url
from wpmigrate.clean.shortcodes.markup import _clean_url, _link

_MAY_HAVE = re.compile(r"<(?:object|embed)\b", re.I)
_PLAYER = re.compile(r"<object\b[^>]*>.*?</object\s*>|<embed\b[^>]*>(?:\s*</embed\s*>)?", re.I | re.S)
_SIZE = re.compile(r"""\s(width|height)\s*=\s*["']?([0-9]{1,5})\b""", re.I)
_URL_ATTRIBUTE = re.compile(r"""\s(?:src|data|value|movie)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", re.I)


def replace_players(text: str, counts: Counter[str]) -> str:
    """``text`` with each ``<object>``/``<embed>`` replaced by today's form of what it played."""
    if not _MAY_HAVE.search(text):
        return text
    return _PLAYER.sub(lambda m: _replacement(m.group(), counts), text)


def _replacement(player: str, counts: Counter[str]) -> str:
    urls = _urls(player)
    size: dict[str, str] = {}
    for name, value in _SIZE.findall(player):  # the first width and height: the object's own
        size.setdefault(name.lower(), value)
    for url in urls:
        embed = embed_for_url(url, size)
        if embed:
            counts["embed:converted:object"] += 1
            return embed
    if urls:
        counts["embed:linked:object"] += 1
        return f"<p>{_link(urls[0])}</p>"
    counts["embed:dropped:object"] += 1
    return ""


def _urls(player: str) -> list[str]:
    """The absolute http(s) URLs a player names, in order, without repeats."""
    found: dict[str, None] = {}
    for m in _URL_ATTRIBUTE.finditer(player):
        url = _clean_url(next(g for g in m.groups() if g is not None))
        if url and urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc:
            found.setdefault(url, None)
    return list(found)
