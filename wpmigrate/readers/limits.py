"""The one limit a document must respect: how far apart two item boundaries may be.

An item is parsed whole (its tree, then its post and comments), so memory
grows with the largest item: about ten times its size for one with many
comments. Text between items (the channel's header, or whitespace) is held
whole by libxml2 too. A damaged or hostile file can hold gigabytes with no
item boundary; the readers stop at :data:`DEFAULT_MAX_ITEM_BYTES` instead,
with an error that names the limit and the option that raises it. Real items
are far smaller: the largest in the shared corpus is 55 KB.
"""

from __future__ import annotations

from wpmigrate.errors import InputError

#: Bytes an item (or the header, or the space between two items) may take by default.
DEFAULT_MAX_ITEM_BYTES = 12 << 20
_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


class ItemTooLargeError(InputError):
    """A stretch of the document longer than the limit without an item boundary."""

    def __init__(self, file: str, offset: int, limit: int) -> None:
        super().__init__(
            f"{file}: more than {format_size(limit)} without an item boundary, from byte {offset:,} of the XML"
            " (an item that large, or that much text between items)",
            hint="the limit keeps a damaged or hostile file from taking unbounded memory; if the export"
            " really holds an item that large, raise it with --max-item-size (memory grows to about"
            f" ten times the largest item), e.g. --max-item-size {format_size(limit * 4)}",
        )
        self.file = file
        self.offset = offset
        self.limit = limit


class PageTooLargeError(InputError):
    """A page of a blog read from its pages (readers/pages) longer than the limit."""

    def __init__(self, file: str, limit: int) -> None:
        super().__init__(
            f"{file}: a page of more than {format_size(limit)}",
            hint="the limit keeps a damaged or hostile page from taking unbounded memory; if the blog"
            f" really has a page that large, raise it with --max-item-size, e.g. --max-item-size"
            f" {format_size(limit * 4)}",
        )
        self.file = file
        self.limit = limit


def check_stretch(length: int, limit: int, file: str, offset: int) -> None:
    """Raise :class:`ItemTooLargeError` when ``length`` bytes from ``offset`` exceed ``limit``."""
    if length > limit:
        raise ItemTooLargeError(file, offset, limit)


def parse_size(text: str) -> int:
    """``"16M"`` -> 16 MiB; a plain number is bytes. ValueError for anything else."""
    text = text.strip().upper().removesuffix("B").removesuffix("I")
    unit = text[-1:] if text[-1:] in _UNITS else ""
    number = text[: len(text) - len(unit)]
    if not number.isdecimal() or int(number) <= 0:
        raise ValueError(f"not a size: {text!r} (a whole number of bytes, or with K, M or G)")
    return int(number) * _UNITS[unit]


def format_size(size: int) -> str:
    """The largest unit that divides ``size``: ``16777216`` -> ``16M``."""
    for unit in ("G", "M", "K"):
        if size % _UNITS[unit] == 0:
            return f"{size // _UNITS[unit]}{unit}"
    return str(size)
