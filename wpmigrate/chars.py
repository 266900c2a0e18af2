"""Lone surrogates: the one kind of character a Python string holds and no encoder takes.

A numeric reference to half a UTF-16 pair (``&#55357;``), or a library caller's
string, can put one in a post; lxml, nh3 (Rust), YAML, SQLite and python-textile
refuse it. Everything that hands text to them replaces it with U+FFFD, as a
browser shows it.
"""

from __future__ import annotations

import re

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def without_lone_surrogates(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD (ASCII text returned at once)."""
    return text if text.isascii() else _LONE_SURROGATE.sub("\ufffd", text)
