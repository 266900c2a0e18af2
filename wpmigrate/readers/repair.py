"""Repair the XML quirks WordPress is known to write, on the fly, with warnings.

The reader parses strictly first; only when that fails does it parse again
through :class:`RepairingStream`, which fixes, outside CDATA sections and
comments:

* characters that XML 1.0 forbids (control characters), everywhere;
* a raw ``&`` that starts no entity (``?a=1&b=2`` in an unescaped URL);
* HTML named entities XML does not know (``&nbsp;`` becomes ``&#160;``);
* character references to characters XML forbids (a UTF-16 surrogate half such as
  ``&#55357;``, as tools that count in UTF-16 write an emoji; ``&#0;``) become
  U+FFFD, the replacement character a browser shows for them;
* namespace prefixes used but never declared (``atom:link``), declared on ``<rss>``.

Each kind of repair becomes one warning naming how often and the first lines.
"""

from __future__ import annotations

import html.entities
import re
from dataclasses import dataclass, field
from typing import BinaryIO
from urllib.parse import quote

from wpmigrate.diagnostics import Diagnostics

CHUNK = 1 << 20
_URI_SAFE = "/:?#[]@!$&'()*+,;=%~"
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_BAD_AMP = re.compile(rb"&(?!#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z_][A-Za-z0-9_.-]*;)")
_NAMED_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]*);")
_CHAR_REFERENCE = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,16})|([0-9]{1,20}));")
_XML_ENTITIES = {b"amp", b"lt", b"gt", b"quot", b"apos"}
_OPENERS = re.compile(rb"<!\[CDATA\[|<!--")
_CLOSER = {b"<![CDATA[": b"]]>", b"<!--": b"-->"}
_ROOT = re.compile(rb"<rss(?=[\s>/])")
_NON_ASCII_NAMESPACE = re.compile(rb'(xmlns(?::[\w.-]+)?\s*=\s*")([^"]*[\x80-\xff][^"]*)(")')
_HOLD_BACK = 64
_FIRST_LINES = 5

#: URIs for prefixes that exports are known to use without declaring them.
KNOWN_PREFIXES = {
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "wp": "http://wordpress.org/export/1.2/",
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "media": "http://search.yahoo.com/mrss/",
    "sy": "http://purl.org/rss/1.0/modules/syndication/",
    "slash": "http://purl.org/rss/1.0/modules/slash/",
    "georss": "http://www.georss.org/georss",
    "geo": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
}


def prefix_uri(prefix: str) -> str:
    """The URI to bind an undeclared prefix to."""
    return KNOWN_PREFIXES.get(prefix, f"urn:wpmigrate:undeclared:{prefix}")


@dataclass
class _Tally:
    """How often one kind of repair was made, and the first lines where."""

    count: int = 0
    lines: list[int] = field(default_factory=list)

    def add(self, line: int) -> None:
        self.count += 1
        if len(self.lines) < _FIRST_LINES:
            self.lines.append(line)


class RepairingStream:
    """A binary file wrapper whose ``read`` returns repaired XML bytes."""

    def __init__(self, raw: BinaryIO, prefixes: dict[str, int] | None = None) -> None:
        self._raw = raw
        #: Undeclared prefixes to declare on ``<rss>``, with the line they were met on.
        self.prefixes = dict(prefixes or {})
        self._carry = b""
        self._out = bytearray()
        self._eof = False
        self._line = 1
        self._closer: bytes | None = None  # inside CDATA or a comment: what ends it
        self._root_done = not self.prefixes
        self.tallies: dict[str, _Tally] = {}

    def read(self, size: int = -1) -> bytes:
        while not self._eof and (size < 0 or len(self._out) < size):
            self._fill()
        if size < 0 or size >= len(self._out):
            data, self._out = bytes(self._out), bytearray()
        else:
            data = bytes(self._out[:size])
            del self._out[:size]
        return data

    def close(self) -> None:
        self._raw.close()

    def report(self, diagnostics: Diagnostics, file: str) -> None:
        """Add one warning per kind of repair made."""
        for prefix, line in self.prefixes.items():
            diagnostics.warn(
                "xml-undeclared-prefix",
                f"namespace prefix '{prefix}' is used but never declared; "
                f"bound it to {prefix_uri(prefix)}",
                file=file,
                line=line,
            )
        for code, what in _MESSAGES.items():
            tally = self.tallies.get(code)
            if tally:
                lines = ", ".join(map(str, tally.lines)) + (", ..." if tally.count > len(tally.lines) else "")
                diagnostics.warn(code, f"{what} ({tally.count}x, at line {lines})", file=file, line=tally.lines[0])

    def _fill(self) -> None:
        chunk = self._raw.read(CHUNK)
        data = self._carry + chunk
        if not chunk:
            self._eof = True
            self._carry = b""
        else:
            cut = _safe_cut(data)
            data, self._carry = data[:cut], data[cut:]
        if not self._root_done:
            data = self._declare_prefixes(data)
        self._out += self._repair(data)

    def _declare_prefixes(self, data: bytes) -> bytes:
        match = _ROOT.search(data)
        if not match:
            return data
        self._root_done = True
        decls = "".join(f' xmlns:{p}="{prefix_uri(p)}"' for p in sorted(self.prefixes))
        return data[: match.end()] + decls.encode() + data[match.end() :]

    def _repair(self, data: bytes) -> bytes:
        pieces: list[bytes] = []
        pos, line = 0, self._line
        while pos < len(data):
            if self._closer is not None:
                end = data.find(self._closer, pos)
                stop = len(data) if end < 0 else end + len(self._closer)
                if end >= 0:
                    self._closer = None
                pieces.append(self._strip_controls(data[pos:stop], line))
            else:
                opener = _OPENERS.search(data, pos)
                stop = len(data) if opener is None else opener.end()
                if opener is not None:
                    self._closer = _CLOSER[opener.group()]
                pieces.append(self._fix_markup(data[pos:stop], line))
            line += data.count(b"\n", pos, stop)
            pos = stop
        self._line = line
        return b"".join(pieces)

    def _strip_controls(self, text: bytes, line: int) -> bytes:
        if not _CONTROL.search(text):
            return text
        for match in _CONTROL.finditer(text):
            self._tally("xml-control-char", line + text.count(b"\n", 0, match.start()))
        return _CONTROL.sub(b"", text)

    def _fix_markup(self, text: bytes, line: int) -> bytes:
        text = self._strip_controls(text, line)
        if b"xmlns" in text:
            text = self._ascii_namespaces(text, line)
        if b"&" not in text:
            return text

        def amp(match: re.Match[bytes]) -> bytes:
            self._tally("xml-raw-ampersand", line + text.count(b"\n", 0, match.start()))
            return b"&amp;"

        def entity(match: re.Match[bytes]) -> bytes:
            name = match.group(1)
            if name in _XML_ENTITIES:
                return match.group()
            self._tally("xml-html-entity", line + text.count(b"\n", 0, match.start()))
            char = html.entities.html5.get(name.decode() + ";")
            if char is None:
                return b"&amp;" + name + b";"
            return "".join(f"&#{ord(c)};" for c in char).encode()

        def reference(match: re.Match[bytes]) -> bytes:
            hexadecimal, decimal = match.groups()
            if _xml_char(int(hexadecimal, 16) if hexadecimal else int(decimal)):
                return match.group()
            self._tally("xml-char-invalid", line + text.count(b"\n", 0, match.start()))
            return b"&#xFFFD;"

        text = _BAD_AMP.sub(amp, text)
        if b"&#" in text:
            text = _CHAR_REFERENCE.sub(reference, text)
        return _NAMED_ENTITY.sub(entity, text)

    def _ascii_namespaces(self, text: bytes, line: int) -> bytes:
        """libxml2 rejects namespace URIs with raw non-ASCII; percent-encode them (RFC 3987)."""

        def encode(match: re.Match[bytes]) -> bytes:
            self._tally("xml-namespace-uri", line + text.count(b"\n", 0, match.start()))
            return match.group(1) + quote(match.group(2), safe=_URI_SAFE).encode() + match.group(3)

        return _NON_ASCII_NAMESPACE.sub(encode, text)

    def _tally(self, code: str, line: int) -> None:
        self.tallies.setdefault(code, _Tally()).add(line)


_MESSAGES = {
    "xml-control-char": "removed characters that XML does not allow (control characters)",
    "xml-raw-ampersand": "escaped a raw '&' that started no entity",
    "xml-html-entity": "replaced an HTML entity XML does not define by its character",
    "xml-namespace-uri": "percent-encoded non-ASCII characters in a namespace URI",
    "xml-char-invalid": "replaced a reference to a character XML does not allow (a UTF-16 surrogate half, "
                        "a control character) by U+FFFD, as a browser shows it",
}


def _xml_char(code: int) -> bool:
    """Whether XML 1.0 allows the character ``code``."""
    return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF


def _safe_cut(data: bytes) -> int:
    """Where to cut a chunk so no token (``&...;``, ``<![CDATA[``, ``]]>``) is split."""
    tail_start = max(0, len(data) - _HOLD_BACK)
    cut = len(data)
    for marker in (b"&", b"<", b"]", b"-"):
        found = data.rfind(marker, tail_start)
        if found >= 0:
            cut = min(cut, found)
    return cut
