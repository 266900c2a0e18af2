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
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from itertools import chain
from urllib.parse import parse_qsl

REDIRECTS_DIR = "redirects"
_SAFE_PATH = re.compile(r"^/[^\s\"'{};#]*$")
#: A query name or value Netlify reads as literal text: not empty, no space, ``=`` or ``#``, no leading ``:``.
_NETLIFY_TOKEN = re.compile(r"^[^\s=#:][^\s=#]*$")


def redirect_files(pairs: Iterable[tuple[str, str]]) -> dict[str, Iterator[str]]:
    """File name -> its lines, for nginx, Apache, Netlify and CSV.

    Lines are made as they are read, each format iterating ``pairs`` once (so it must give
    them again each time: a list, a dict's items, the writer's index): an export of a
    million URLs never has a whole file in memory.
    """
    return {
        "nginx.conf": _nginx(_usable(pairs)),
        "apache.htaccess": _apache(_usable(pairs)),
        "_redirects": _netlify(_usable(pairs)),
        "redirects.csv": _csv(_usable(pairs)),
    }


def _usable(pairs: Iterable[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """The pairs that redirect somewhere else, between paths every format can quote."""
    return ((old, new) for old, new in pairs if old != new and _quotable(old, new))


def left_out(pairs: Iterable[tuple[str, str]]) -> int:
    """How many pairs redirect somewhere else but are not written."""
    return sum(1 for old, new in pairs if old != new and not _quotable(old, new))


def _quotable(old: str, new: str) -> bool:
    """Whether both paths can go into every format: a space, a quote, ``;``, ``{``, ``}`` or
    ``#`` would break a server's configuration."""
    return bool(_SAFE_PATH.match(old) and _SAFE_PATH.match(new))


def _split(old: str) -> tuple[str, list[tuple[str, str]]]:
    """``(path, query parameters)``; no parameters for a plain path."""
    path, mark, query = old.partition("?")
    return path, parse_qsl(query, keep_blank_values=True) if mark else []


def _nginx(pairs: Iterator[tuple[str, str]]) -> Iterator[str]:
    yield "# wpmigrate: old WordPress URLs -> new pages. In the http block:\n"
    yield "#   include redirects/nginx.conf;   and in the server block:\n"
    yield "#   if ($wpmigrate_redirect) { return 301 $wpmigrate_redirect; }\n"
    yield "map $request_uri $wpmigrate_redirect {\n"
    yield '    default "";\n'
    for old, new in pairs:
        yield f'    "{old}" "{new}";\n'
    yield "}\n"


def _apache(pairs: Iterator[tuple[str, str]]) -> Iterator[str]:
    yield "# wpmigrate: old WordPress URLs -> new pages (mod_rewrite).\n"
    yield "RewriteEngine On\n"
    for old, new in pairs:
        path, query = _split(old)
        pattern = "^" + re.escape(path.lstrip("/")) + "$"
        for name, value in query:
            yield f"RewriteCond %{{QUERY_STRING}} (^|&){re.escape(name)}={re.escape(value)}(&|$)\n"
        yield f"RewriteRule {pattern} {new}{'?' if query else ''} [R=301,L]\n"


def _netlify(pairs: Iterator[tuple[str, str]]) -> Iterator[str]:
    yield "# wpmigrate: old WordPress URLs -> new pages (Netlify; Cloudflare Pages has no query rules).\n"
    yield "# Query rules are forced (301!): their path / is a file on the new site, which would win otherwise.\n"
    for old, new in pairs:
        path, query = _split(old)
        if not query:
            yield f"{path} {new} 301\n"
        elif all(_NETLIFY_TOKEN.match(part) for pair in query for part in pair):  # else no literal rule exists
            yield " ".join([path, *(f"{name}={value}" for name, value in query), new, "301!"]) + "\n"


def _csv(pairs: Iterator[tuple[str, str]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in chain([("old", "new")], pairs):
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
