"""What the validator reads: inputs grouped into exports, split-export parts,
header bytes, and how a damaged file ends.

Several inputs are not always one export: a pre-commit hook passes every
changed ``.xml`` file at once. So the parts of a split export
(``site.000.xml``, ``site.001.xml`` ...: same name, numbered) and the members
of one zip form one export, and every other file is an export of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from wpmigrate.readers.sources import Source, expand_inputs

_PART = re.compile(r"^(.*)\.(\d{3})\.xml$", re.IGNORECASE)
_ITEM_OPEN = re.compile(rb"<item[\s>]")
_ITEM_TAG = re.compile(rb"<item[\s>]|</item>")
_CLOSING_RSS = re.compile(rb"</rss>\s*$")
CHUNK = 1 << 20
#: A header longer than this is read only this far by the header checks.
HEAD_LIMIT = 64 << 20


@dataclass
class Group:
    """The sources of one export, and the part numbers of a split export."""

    sources: list[Source] = field(default_factory=list)
    #: Part number -> source name, for ``name.NNN.xml`` parts.
    parts: dict[int, str] = field(default_factory=dict)
    stem: str = ""


def group_inputs(inputs: list[str]) -> list[Group]:
    """The exports that ``inputs`` make, in the order first given."""
    groups: dict[str, Group] = {}
    for position, name in enumerate(inputs):
        sources = expand_inputs([name])
        if len(sources) > 1:  # a zip of several parts is one export
            key = f"#{position}"
        else:
            match = _PART.match(sources[0].name)
            key = f"part:{match.group(1)}" if match else f"#{position}"
        group = groups.setdefault(key, Group())
        for source in sources:
            group.sources.append(source)
            match = _PART.match(source.name)
            if match:
                group.stem = match.group(1)
                group.parts.setdefault(int(match.group(2)), source.name)
    return list(groups.values())


def missing_parts(group: Group) -> list[tuple[int, str]]:
    """``(missing number, the given part after it)`` for each gap in a split export."""
    if not group.parts:
        return []
    given = sorted(group.parts)
    gaps = []
    for number in range(given[-1]):
        if number not in group.parts:
            after = next(n for n in given if n > number)
            gaps.append((number, group.parts[after]))
    return gaps


def header_bytes(source: Source) -> bytes:
    """The bytes before the first ``<item>`` (the channel header), up to HEAD_LIMIT."""
    data = bytearray()
    with source.open() as stream:
        while len(data) < HEAD_LIMIT:
            chunk = stream.read(CHUNK)
            if not chunk:
                break
            searched_from = max(0, len(data) - 8)
            data += chunk
            found = _ITEM_OPEN.search(data, searched_from)
            if found:
                return bytes(data[: found.start()])
    return bytes(data)


@dataclass(frozen=True)
class Ending:
    """How a document ends."""

    #: Line of the last ``<item>`` that is never closed, if any.
    open_item_line: int | None
    #: Whether the document ends with ``</rss>``.
    closed: bool
    #: The number of the last line.
    last_line: int


def ending(source: Source) -> Ending:
    """Read a (damaged) document through once to see whether it was cut off."""
    line = 1
    open_line: int | None = None
    carry = b""
    tail = b""
    with source.open() as stream:
        while True:
            chunk = stream.read(CHUNK)
            data = carry + chunk
            limit = len(data) if not chunk else max(0, len(data) - 8)
            position = 0
            for match in _ITEM_TAG.finditer(data, 0, limit + 7 if chunk else len(data)):
                if match.start() >= limit:
                    break
                line += data.count(b"\n", position, match.start())
                position = match.start()
                open_line = line if match.group().startswith(b"<item") else None
            line += data.count(b"\n", position, limit)
            tail = (tail + data[:limit])[-64:]
            carry = data[limit:]
            if not chunk:
                break
    return Ending(open_line, bool(_CLOSING_RSS.search(tail)), line)
