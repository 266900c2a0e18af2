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
from urllib.parse import parse_qsl

REDIRECTS_DIR = "redirects"
_SAFE_PATH = re.compile(r"^/[^\s\"'{};#]*$")
#: A query name or value Netlify reads as literal text: not empty, no space, ``=`` or ``#``, no leading ``:``.
_NETLIFY_TOKEN = re.compile(r"^[^\s=#:][^\s=#]*$")


def redirect_files(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """File name -> text, for nginx, Apache, Netlify and CSV."""
    pairs = [(old, new) for old, new in pairs if old != new and _SAFE_PATH.match(old) and _SAFE_PATH.match(new)]
    return {
        "nginx.conf": _nginx(pairs),
        "apache.htaccess": _apache(pairs),
        "_redirects": _netlify(pairs),
        "redirects.csv": _csv(pairs),
    }


def _split(old: str) -> tuple[str, list[tuple[str, str]]]:
    """``(path, query parameters)``; no parameters for a plain path."""
    path, _, query = old.partition("?")
    return path, parse_qsl(query, keep_blank_values=True)


def _nginx(pairs: list[tuple[str, str]]) -> str:
    lines = [
        "# wpmigrate: old WordPress URLs -> new pages. In the http block:",
        "#   include redirects/nginx.conf;   and in the server block:",
        "#   if ($wpmigrate_redirect) { return 301 $wpmigrate_redirect; }",
        "map $request_uri $wpmigrate_redirect {",
        "    default \"\";",
    ]
    for old, new in pairs:
        lines.append(f'    "{old}" "{new}";')
    lines.append("}")
    return "\n".join(lines) + "\n"


def _apache(pairs: list[tuple[str, str]]) -> str:
    lines = ["# wpmigrate: old WordPress URLs -> new pages (mod_rewrite).", "RewriteEngine On"]
    for old, new in pairs:
        path, query = _split(old)
        pattern = "^" + re.escape(path.lstrip("/")) + "$"
        for name, value in query:
            lines.append(f"RewriteCond %{{QUERY_STRING}} (^|&){re.escape(name)}={re.escape(value)}(&|$)")
        lines.append(f"RewriteRule {pattern} {new}{'?' if query else ''} [R=301,L]")
    return "\n".join(lines) + "\n"


def _netlify(pairs: list[tuple[str, str]]) -> str:
    lines = [
        "# wpmigrate: old WordPress URLs -> new pages (Netlify; Cloudflare Pages has no query rules).",
        "# Query rules are forced (301!): their path / is a file on the new site, which would win otherwise.",
    ]
    for old, new in pairs:
        path, query = _split(old)
        if not query:
            lines.append(f"{path} {new} 301")
        elif all(_NETLIFY_TOKEN.match(part) for pair in query for part in pair):  # else no literal rule exists
            lines.append(" ".join([path, *(f"{name}={value}" for name, value in query), new, "301!"]))
    return "\n".join(lines) + "\n"


def _csv(pairs: list[tuple[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["old", "new"])
    writer.writerows(pairs)
    return buffer.getvalue()
