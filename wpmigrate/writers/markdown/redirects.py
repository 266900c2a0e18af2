"""Redirects from every old WordPress URL to the new page, in the formats people deploy.

Old URLs are paths on the old site: permalinks (``/2016/11/22/hello/``), the
query forms (``/?p=12``, ``/?page_id=3``, ``/?attachment_id=7``) and paths
under ``_wp_old_slug``. Query forms need their own rule in each server.
"""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import parse_qsl

REDIRECTS_DIR = "redirects"
_SAFE_PATH = re.compile(r"^/[^\s\"'{};#]*$")


def redirect_files(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """File name -> text, for nginx, Apache, Netlify and CSV."""
    pairs = [(old, new) for old, new in pairs if old != new and _SAFE_PATH.match(old) and _SAFE_PATH.match(new)]
    return {
        "nginx.conf": _nginx(pairs),
        "apache.htaccess": _apache(pairs),
        "_redirects": _netlify(pairs),
        "redirects.csv": _csv(pairs),
    }


def _split(old: str) -> tuple[str, str | None, str | None]:
    """``(path, query name, query value)``; the name is None for a plain path."""
    path, _, query = old.partition("?")
    if not query:
        return path, None, None
    (name, value), *_ = parse_qsl(query, keep_blank_values=True) or [("", "")]
    return path, name, value


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
        path, name, value = _split(old)
        pattern = "^" + re.escape(path.lstrip("/")) + "$"
        if name is None:
            lines.append(f"RewriteRule {pattern} {new} [R=301,L]")
        else:
            lines.append(f"RewriteCond %{{QUERY_STRING}} (^|&){re.escape(name)}={re.escape(value or '')}(&|$)")
            lines.append(f"RewriteRule {pattern} {new}? [R=301,L]")
    return "\n".join(lines) + "\n"


def _netlify(pairs: list[tuple[str, str]]) -> str:
    lines = ["# wpmigrate: old WordPress URLs -> new pages (Netlify, Cloudflare Pages)."]
    for old, new in pairs:
        path, name, value = _split(old)
        lines.append(f"{path} {new} 301" if name is None else f"{path} {name}={value} {new} 301")
    return "\n".join(lines) + "\n"


def _csv(pairs: list[tuple[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["old", "new"])
    writer.writerows(pairs)
    return buffer.getvalue()
