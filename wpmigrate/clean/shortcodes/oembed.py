"""URLs of the oEmbed providers WordPress knows that have no static player: a post on
Twitter/X, Instagram or Facebook, a WordPress.tv talk, a TikTok ...

WordPress showed such a URL (alone on its line, or in ``[embed]``) as the provider's HTML,
and cached that HTML in the post's ``_oembed_{md5}`` meta, which the export carries. The
key hashes the theme's embed size, so the cache is searched by the URL instead. Found, the
cached HTML is used (the sanitiser then drops its scripts and keeps the quoted text and
links); not found, a link to the URL. Either way it is counted, ``embed:cached:PROVIDER``
or ``embed:linked:PROVIDER``, for the run's report.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from wpmigrate.clean.shortcodes.embeds import _host_is
from wpmigrate.clean.shortcodes.markup import _link

#: Provider name -> its hosts (a host matches them and their subdomains). From WordPress's
#: ``WP_oEmbed`` providers and Jetpack's (Facebook, Instagram), less those with a static player.
PROVIDERS: dict[str, tuple[str, ...]] = {
    "twitter": ("twitter.com", "x.com"),
    "instagram": ("instagram.com", "instagr.am"),
    "facebook": ("facebook.com", "fb.watch"),
    "wordpress-tv": ("wordpress.tv",),
    "tiktok": ("tiktok.com",),
    "reddit": ("reddit.com",),
    "tumblr": ("tumblr.com",),
    "flickr": ("flickr.com", "flic.kr"),
    "imgur": ("imgur.com",),
    "pinterest": ("pinterest.com",),
    "scribd": ("scribd.com",),
    "issuu": ("issuu.com",),
    "speakerdeck": ("speakerdeck.com",),
    "kickstarter": ("kickstarter.com", "kck.st"),
    "mixcloud": ("mixcloud.com",),
    "meetup": ("meetup.com",),
    "smugmug": ("smugmug.com",),
    "cloudup": ("cloudup.com",),
    "animoto": ("animoto.com",),
    "screencast": ("screencast.com",),
    "reverbnation": ("reverbnation.com",),
    "amazon": ("read.amazon.com", "a.co"),
    "crowdsignal": ("crowdsignal.com", "crowdsignal.net", "polldaddy.com", "poll.fm"),
    "pocketcasts": ("pca.st",),
    "bluesky": ("bsky.app",),
    "wolfram": ("wolframcloud.com",),
}
_UNKNOWN = "{{unknown}}"  # WordPress's cache entry for a URL the provider refused


def provider_of(url: str) -> str | None:
    """The provider a URL belongs to, or None."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return None
    for name, domains in PROVIDERS.items():
        if _host_is(host, *domains):
            return name
    return None


def cache_of(meta: Iterable) -> tuple[str, ...]:
    """The cached embed HTML among a post's meta (``_oembed_{md5}``; not the times, not misses)."""
    return tuple(
        m.value for m in meta
        if m.key.startswith("_oembed_") and not m.key.startswith("_oembed_time_")
        and isinstance(m.value, str) and m.value.strip() and m.value.strip() != _UNKNOWN
    )


def provider_embed(url: str, cache: tuple[str, ...]) -> tuple[str, str] | None:
    """``(html, count key)`` for a provider's URL; None for a URL of no provider here."""
    provider = provider_of(url)
    if provider is None:
        return None
    key = _cache_key(url)
    for html in cache:
        if key and key in html.replace("&amp;", "&"):
            return f'<figure class="embed embed-{provider}">{html}</figure>', f"embed:cached:{provider}"
    return f"<p>{_link(url)}</p>", f"embed:linked:{provider}"


def _cache_key(url: str) -> str:
    """What the provider's HTML quotes of the URL: its host-less path, without a trailing slash."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    status = re.search(r"/status(?:es)?/([0-9]+)", path)
    return status.group(1) if status else path if len(path) > 4 else ""
