"""Small helpers over lxml's HTML trees: parsing bytes, CSS selection, text and classes."""

from __future__ import annotations

import re
from functools import lru_cache

import lxml.html
from lxml import etree
from lxml.cssselect import CSSSelector

from wpmigrate.chars import without_lone_surrogates

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
#: Control characters no HTML page means and no XML output may hold (the model goes to WXR).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def parse(data: bytes, charset: str | None = None) -> etree._Element:
    """An HTML document's root element, decoded by its declared charset (else UTF-8)."""
    text = decode(data, charset)
    try:
        root = lxml.html.document_fromstring(text or "<html></html>")
    except (etree.ParserError, ValueError):
        root = lxml.html.document_fromstring("<html></html>")
    return root


def decode(data: bytes, charset: str | None = None) -> str:
    """``data`` as text: the HTTP charset, else a ``<meta charset>``, else UTF-8; bad bytes and
    control characters replaced (U+FFFD)."""
    declared = _META_CHARSET.search(data[:4096])
    for name in (charset, declared.group(1).decode("ascii") if declared else None, "utf-8"):
        if not name:
            continue
        try:
            return _NOT_XML.sub("\ufffd", without_lone_surrogates(data.decode(name, errors="replace")))
        except LookupError:
            continue
    return _NOT_XML.sub("\ufffd", data.decode("utf-8", errors="replace"))


@lru_cache(maxsize=None)
def _selector(css: str) -> CSSSelector:
    return CSSSelector(css, translator="html")


def select(root: etree._Element, css: str) -> list[etree._Element]:
    """Every element under ``root`` (itself included) matching the CSS selector list ``css``."""
    return _selector(css)(root)


def first(root: etree._Element, css: str) -> etree._Element | None:
    """The first element matching ``css`` in document order, or None."""
    found = select(root, css)
    return found[0] if found else None


def text(element: etree._Element | None) -> str:
    """The element's text, whitespace runs made one space, trimmed."""
    if element is None:
        return ""
    return _SPACE.sub(" ", element.text_content()).strip()


def classes(element: etree._Element | None) -> list[str]:
    """The element's class names, in order."""
    if element is None:
        return []
    return (element.get("class") or "").split()


def attribute(root: etree._Element, css: str, name: str) -> str | None:
    """``name`` of the first element matching ``css`` that has it, stripped; None if none has."""
    for element in select(root, css):
        value = element.get(name)
        if value and value.strip():
            return value.strip()
    return None


def inner_html(element: etree._Element) -> str:
    """The element's content as HTML (its text and children, not its own tag)."""
    parts = [element.text or ""]
    for child in element:
        parts.append(etree.tostring(child, encoding="unicode", method="html", with_tail=True))
    return "".join(parts).strip()


def drop(element: etree._Element) -> None:
    """Remove ``element`` and its content, keeping the text that follows it."""
    if element.getparent() is not None:
        element.drop_tree()


def absolute_links(element: etree._Element, address) -> None:
    """Make the ``href``, ``src`` and ``srcset`` links under ``element`` absolute, in place:
    ``address(href)`` gives a link's address, or None to leave it as written."""
    for node in element.iter():
        if not isinstance(node.tag, str):
            continue
        for name in ("href", "src"):
            value = node.get(name)
            if value and not value.startswith(("http://", "https://")):
                found = address(value)
                if found:
                    node.set(name, _NOT_XML.sub("\ufffd", found))
        srcset = node.get("srcset")
        if srcset:
            candidates = ", ".join(_absolute_candidate(c, address) for c in srcset.split(",") if c.strip())
            node.set("srcset", _NOT_XML.sub("\ufffd", candidates))  # a character reference may give one


def _absolute_candidate(candidate: str, address) -> str:
    url, _, size = candidate.strip().partition(" ")
    return " ".join(filter(None, [address(url) or url, size.strip()]))
