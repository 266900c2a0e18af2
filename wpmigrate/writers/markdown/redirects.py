"""Redirects from every old WordPress URL to the new page, in the formats people deploy.

Old URLs are paths on the old site: permalinks (``/2016/11/22/hello/``), the
query forms (``/?p=12``, ``/?page_id=3``, ``/?attachment_id=7``) and paths
under ``_wp_old_slug``. Query forms need their own rule in each server.

Netlify's ``_redirects`` grammar is ``FROM [KEY=VALUE ...] TO [STATUS[!]]``. A
query rule names its value literally (``/ p=12 /posts/hello/ 301!``): a
placeholder (``p=:p``) would match every value, so the first ``?p=`` rule would
take every post. It is forced (``!``) because its path, ``/``, is a file on the
new site too, and Netlify serves an existing file rather than apply a rule
that is not forced ("shadowing").

Non-ASCII paths are written the way each server compares them: nginx (``$uri``) and
Apache (``RewriteRule``) match the decoded path, so the rules hold it decoded (UTF-8);
Netlify's rules and every target are percent-encoded, as a ``Location`` header must be.
The writer's index holds old paths decoded (:func:`decoded_path`): one path spelled two ways is
one rule, and an old path that decodes to its new URL is no redirect (the page itself is there).
"""

from __future__ import annotations

import csv
import functools
import io
import math
import re
from collections.abc import Iterable, Iterator
from itertools import chain
from urllib.parse import parse_qsl, quote, unquote

REDIRECTS_DIR = "redirects"
_SAFE_PATH = re.compile(r"^/[^\t\r\n\f\v\"'{};#$]*$")
_SLASHES = re.compile("/{2,}")
#: What a target keeps unencoded: the URL syntax, ``%`` (an escape already there).
_URL_SAFE = "/?=&%:@!*'()+,;~-._"
#: A query name or value Netlify reads as literal text: not empty, no space, ``=`` or ``#``, no leading ``:``.
_NETLIFY_TOKEN = re.compile(r"^[^\s=#:][^\s=#]*$")


def redirect_files(pairs: Iterable[tuple[str, str]]) -> dict[str, Iterator[str]]:
    """File name -> its lines, for nginx, Apache, Netlify and CSV.

    Lines are made as they are read, each format iterating ``pairs`` once (so it must give
    them again each time: a list, a dict's items, the writer's index): an export of a
    million URLs never has a whole file in memory.
    """
    return {
        "nginx.conf": _nginx(_usable(pairs), _hash_sizes(_usable(pairs))),
        "apache.htaccess": _apache(_usable(pairs)),
        "_redirects": _netlify(_usable(pairs)),
        "redirects.csv": _csv(_usable(pairs)),
    }


def _usable(pairs: Iterable[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """The pairs that redirect somewhere else, from paths every format can quote. ``pairs``
    hold decoded paths (:func:`decoded_path`), each old path once (the writer's index)."""
    # "/a/" -> "/a" is no redirect either: a server serves both from the folder /a/
    return ((old, new) for old, new in pairs if old.rstrip("/") != new.rstrip("/") and _quotable(old, new))


def left_out(pairs: Iterable[tuple[str, str]]) -> int:
    """How many pairs redirect somewhere else but are not written."""
    return sum(1 for old, new in pairs if old.rstrip("/") != new.rstrip("/") and not _quotable(old, new))


def decoded_path(path: str) -> str:
    """``path`` as servers compare it: percent-decoded (left as it is where its escapes are not
    UTF-8), its slashes merged (``//a/`` is ``/a/``); a query is kept as it is."""
    head, mark, query = path.partition("?")
    if "//" in head:
        head = _SLASHES.sub("/", head)
    if "%" in head:
        try:
            head = unquote(head, errors="strict")
        except UnicodeDecodeError:
            pass
    return head + mark + query


@functools.lru_cache(maxsize=4096)  # many old paths lead to one new page
def _target(url: str) -> str:
    """A URL as a ``Location`` header (or a Netlify rule) holds it: percent-encoded."""
    return quote(url, safe=_URL_SAFE)


def _nginx_string(text: str) -> str:
    """``text`` inside an nginx quoted string (where ``\\`` and ``"`` are escapes)."""
    return text.replace("\\", "\\\\")


def _quotable(old: str, new: str) -> bool:
    """Whether the old path can go into every format (a tab, newline, quote, ``;``, ``{``, ``}``,
    ``#`` or ``$`` would break a server's configuration); the new one is written encoded."""
    return bool(_SAFE_PATH.match(old)) and bool(new)


def _split(old: str) -> tuple[str, list[tuple[str, str]]]:
    """``(path, query parameters)``; no parameters for a plain path."""
    path, mark, query = old.partition("?")
    return path, parse_qsl(query, keep_blank_values=True) if mark else []


def _hash_sizes(pairs: Iterator[tuple[str, str]]) -> tuple[int, int]:
    """nginx's ``map_hash_bucket_size`` (a power of two the longest key fits in) and
    ``map_hash_max_size`` (room for every key) for these pairs."""
    longest, count = 0, 0
    for old, _ in pairs:
        longest, count = max(longest, len(old.encode("utf-8", "replace"))), count + 1
    bucket = 64
    while bucket < longest + 32:
        bucket *= 2
    return bucket, max(2048, 2 ** math.ceil(math.log2(count * 2 + 1)))


def _nginx(pairs: Iterator[tuple[str, str]], sizes: tuple[int, int]) -> Iterator[str]:
    yield "# wpmigrate: old WordPress URLs -> new pages. In the http block:\n"
    yield "#   include redirects/nginx.conf;   and in the server block:\n"
    yield "#   if ($wpmigrate_redirect) { return 301 $wpmigrate_redirect; }\n"
    yield "# Keys are the decoded path ($uri, as nginx compares it), with the query of ?p= forms.\n"
    yield "# The hash sizes fit these keys (remove them if your http block sets larger ones).\n"
    yield f"map_hash_bucket_size {sizes[0]};\n"
    yield f"map_hash_max_size {sizes[1]};\n"
    yield "map $uri$is_args$args $wpmigrate_redirect {\n"
    yield '    default "";\n'
    for old, new in pairs:
        yield f'    "{_nginx_string(old)}" "{_target(new)}";\n'
        if len(old) > 1 and old.endswith("/"):  # WordPress answers without the slash too
            yield f'    "{_nginx_string(old[:-1])}" "{_target(new)}";\n'
    yield "}\n"


def _apache(pairs: Iterator[tuple[str, str]]) -> Iterator[str]:
    yield "# wpmigrate: old WordPress URLs -> new pages (mod_rewrite).\n"
    yield "RewriteEngine On\n"
    for old, new in pairs:
        path, query = _split(old)
        # "/?": the path has its leading "/" in a server's configuration, not in .htaccess
        # the slash at the end optional, as WordPress has it
        pattern = "^/?" + re.escape(path.strip("/")).replace("\\ ", "\\x20") + ("/?$" if path != "/" else "$")
        for name, value in query:
            yield f"RewriteCond %{{QUERY_STRING}} (^|&){re.escape(name)}={re.escape(value)}(&|$)\n"
        yield f"RewriteRule {pattern} {_apache_target(new)}{'?' if query else ''} [R=301,NE,L]\n"


def _apache_target(url: str) -> str:
    """A target in a ``RewriteRule``: encoded, its ``%`` escaped (``%8`` in ``%CF%80`` would be a
    back-reference to a condition)."""
    return _target(url).replace("%", "\\%")


def _netlify(pairs: Iterator[tuple[str, str]]) -> Iterator[str]:
    yield "# wpmigrate: old WordPress URLs -> new pages (Netlify; Cloudflare Pages has no query rules).\n"
    yield "# Query rules are forced (301!): their path / is a file on the new site, which would win otherwise.\n"
    for old, new in pairs:
        path, query = _split(old)
        if not query:
            yield f"{_target(path)} {_target(new)} 301\n"
        elif all(_NETLIFY_TOKEN.match(part) for pair in query for part in pair):  # else no literal rule exists
            yield " ".join([path, *(f"{name}={value}" for name, value in query), _target(new), "301!"]) + "\n"


def _csv(pairs: Iterator[tuple[str, str]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in chain([("old", "new")], pairs):
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
