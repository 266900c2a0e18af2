"""WordPress's ``make_clickable()``: bare URLs, ``www.``/``ftp.`` hosts and e-mail addresses
in comment text become links (``comment_text`` runs it at priority 9, before wpautop).

A port of wp-includes/formatting.php: text is split at HTML tags, nothing inside
``<code>``, ``<pre>``, ``<script>`` or ``<style>`` or inside a tag is touched, and links
nested in links are undone at the end. WordPress's ``esc_url`` and ``rel`` rules are
followed for what they decide here: the characters a URL keeps, ``&`` written as
``&#038;``, and ``rel="nofollow ugc"`` on http(s) links in comments (we do not know which
links are internal to the site, so every http(s) link is treated as external).
"""

from __future__ import annotations

import re

_TAG_SPLIT = re.compile(r"(<[^<>]+>)")
_CODE_OPEN = re.compile(r"<(?:code|pre|script|style)[\s>]", re.I)
_CODE_CLOSE = frozenset({"</code>", "</pre>", "</script>", "</style>"})
_TAG_LIKE_URL = re.compile(r"<\s*\w{1,20}+://")
_URL_CHAR = r"[\w\x80-\U0010ffff#%~/@\[\]*(+=&$-]"
_URL = re.compile(
    r"([\s(<.,;:!?])"  # 1: what comes before
    r"(\w{1,20}+://(?=\S{1,2000}\s)" + _URL_CHAR + r"*+(?:['.,;:!?)]" + _URL_CHAR + r"++)*)"  # 2: the URL
    r"(\)?)"  # 3: a closing parenthesis
    r"(\.\w{2,6})?",  # 4: a file extension
    re.ASCII,  # PHP's patterns here have no "u": \w and \s are ASCII, other characters bytes
)
_WEB_FTP = re.compile(r"([\s>])((www|ftp)\.[\w\x80-\U0010ffff#$%&~/.\-;:=,?@\[\]+]+)", re.I | re.S | re.ASCII)
_EMAIL = re.compile(r"([\s>])([.0-9a-z_+-]+)@(([0-9a-z-]+\.)+[0-9a-z]{2,})", re.I | re.ASCII)
_LONE_AMP = re.compile(r"&(?!(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);)")
_NESTED_LINK = re.compile(r"(<a([ \r\n\t]+[^>]+?>|>))<a [^>]+?>([^>]+?)</a>([^<]*)</a>", re.I)
_LONG = 10000
_CHUNK = 2100

# esc_url(): characters a URL keeps, and the protocols it allows.
_URL_STRAY = re.compile(r"[^a-z0-9\-~+_.?#=!&;,/:%@$|*'()\[\]\x80-\U0010ffff]", re.I)
# What parse_url() gives as scheme://user:pass@host:port, as written.
_AUTHORITY = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*")
_PROTOCOLS = frozenset(
    "http https ftp ftps mailto news irc irc6 ircs gopher nntp feed telnet mms rtsp sms svn tel fax xmpp webcal"
    " urn".split()
)


def make_clickable(text: str) -> str:
    """``text`` with its bare URLs and e-mail addresses turned into links."""
    if not any(mark in text for mark in ("://", "www.", "ftp.", "WWW.", "FTP.", "@")):
        return text
    out: list[str] = []
    nested = 0
    for piece in _TAG_SPLIT.split(text):
        if _CODE_OPEN.match(piece):
            nested += 1
        elif nested and piece.lower() in _CODE_CLOSE:
            nested -= 1
        if nested or not piece or (piece[0] == "<" and not _TAG_LIKE_URL.match(piece)):
            out.append(piece)
        elif len(piece) > _LONG:
            out += [c if len(c) > _CHUNK + 1 else make_clickable(c) for c in _split_by_whitespace(piece, _CHUNK)]
        else:
            out.append(_linkify(piece))
    return _NESTED_LINK.sub(r"\1\3\4</a>", "".join(out))


def _linkify(piece: str) -> str:
    padded = f" {piece} "
    padded = _URL.sub(_url_link, padded)
    padded = _WEB_FTP.sub(_web_ftp_link, padded)
    padded = _EMAIL.sub(_email_link, padded)
    return padded[1:-1]


def _url_link(m: re.Match[str]) -> str:
    url, suffix = m.group(2), m.group(3)
    if suffix == ")" and "(" in url[1:]:
        url, suffix = url + suffix, ""
    url += m.group(4) or ""
    while url.count("(") < url.count(")"):  # parentheses belong to the URL only in pairs
        cut = url.rindex(")")
        url, suffix = url[:cut], url[cut:] + suffix
    href = _esc_url(url)
    if not href:
        return m.group()
    return f'{m.group(1)}<a href="{href}"{_rel(href)}>{href}</a>{suffix}'


def _web_ftp_link(m: re.Match[str]) -> str:
    dest, tail = "http://" + m.group(2), ""
    if dest[-1] in ".,;:)":
        dest, tail = dest[:-1], dest[-1]
    href = _esc_url(dest)
    if not href:
        return m.group()
    return f'{m.group(1)}<a href="{href}"{_rel(href)}>{href}</a>{tail}'


def _email_link(m: re.Match[str]) -> str:
    email = f"{m.group(2)}@{m.group(3)}"
    return f'{m.group(1)}<a href="mailto:{email}">{email}</a>'


def _esc_url(url: str) -> str:
    """What ``esc_url()`` keeps of a URL: '' when its protocol is not allowed; the protocol
    lower-cased (``wp_kses_bad_protocol``)."""
    url = _URL_STRAY.sub("", url.strip().replace(" ", "%20"))
    if not url:
        return ""
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme not in _PROTOCOLS:
        return ""
    url = _LONE_AMP.sub("&amp;", url).replace("&amp;", "&#038;").replace("'", "&#039;")
    return scheme + _encode_brackets(url)[len(scheme) :]


def _encode_brackets(url: str) -> str:
    """``esc_url()``: ``[`` and ``]`` after the scheme, user, host and port become ``%5B`` and
    ``%5D`` (an IPv6 host keeps its own), replaced the way WordPress's ``str_replace`` does."""
    if "[" not in url and "]" not in url:
        return url
    authority = _AUTHORITY.match(url)
    front = authority.group() if authority else ""
    dirty = url.replace(front, "") if front else url
    return url.replace(dirty, dirty.replace("[", "%5B").replace("]", "%5D")) if dirty else url


def _rel(url: str) -> str:
    scheme = url.split(":", 1)[0].lower()
    return ' rel="nofollow ugc"' if scheme in ("http", "https") else ' rel="ugc"'


def _split_by_whitespace(text: str, goal: int) -> list[str]:
    """``_split_str_by_whitespace()``: chunks of about ``goal`` characters, cut after a
    space where there is one."""
    chunks = []
    while len(text) > goal:
        cut = max(text.rfind(" ", 0, goal + 1), text.rfind("\n", 0, goal + 1), text.rfind("\t", 0, goal + 1))
        if cut <= 0:
            found = re.search(r"\s", text[goal:])
            if found is None:
                break
            cut = goal + found.start()
        chunks.append(text[: cut + 1])
        text = text[cut + 1 :]
    chunks.append(text)
    return chunks
