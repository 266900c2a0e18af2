"""Dates as rendered pages show them, into the model's two forms.

A page gives a date as a machine-readable timestamp (``<time datetime>``,
``article:published_time``, JSON-LD), with its offset, or only as text
("November 22, 2016 at 10:15 am"). A timestamp gives both the UTC ``date``
and the site's ``date_local``; text gives the local time alone, and the UTC
time only once the site's offset is known from a timestamp elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from dateutil import parser as dateutil_parser

_LOCAL = "%Y-%m-%dT%H:%M:%S"


@dataclass(frozen=True)
class PageDate:
    """One date: UTC (``...Z``) where the offset is known, and the site's local time."""

    utc: str | None
    local: str | None
    #: The UTC offset it was given in; None for a text date.
    offset: timedelta | None = None


def from_timestamp(value: str | None) -> PageDate | None:
    """An ISO 8601 timestamp with or without an offset; None if it is not one."""
    if not value or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    local = moment.replace(tzinfo=None, microsecond=0).strftime(_LOCAL)
    if moment.tzinfo is None:
        return PageDate(None, local)
    utc = moment.astimezone(timezone.utc).replace(tzinfo=None, microsecond=0).strftime(_LOCAL) + "Z"
    return PageDate(utc, local, moment.utcoffset())


def from_text(text: str | None, offset: timedelta | None = None) -> PageDate | None:
    """A date written for people ("22 November 2016", "November 22, 2016 at 10:15 am").

    English month names only (what dateutil reads); None when no date is found.
    """
    if not text or not any(ch.isdigit() for ch in text):
        return None
    try:
        moment = dateutil_parser.parse(text.replace(" at ", " "), fuzzy=True, default=datetime(1900, 1, 1))
    except (ValueError, OverflowError):
        return None
    if moment.year == 1900:
        return None
    if moment.tzinfo is not None:
        return from_timestamp(moment.isoformat())
    local = moment.replace(microsecond=0).strftime(_LOCAL)
    if offset is None:
        return PageDate(None, local)
    utc = (moment - offset).strftime(_LOCAL) + "Z"
    return PageDate(utc, local, offset)


def with_offset(date: PageDate | None, offset: timedelta | None) -> PageDate | None:
    """A local-only date given its UTC time from the site's ``offset``, when known."""
    if date is None or date.utc is not None or offset is None or date.local is None:
        return date
    moment = datetime.strptime(date.local, _LOCAL) - offset
    return PageDate(moment.strftime(_LOCAL) + "Z", date.local, offset)


def in_zone(date: PageDate, offset: timedelta) -> PageDate:
    """A UTC ``date`` with its local time in the zone ``offset`` (the site's, found elsewhere)."""
    if date.utc is None:
        return date
    moment = datetime.strptime(date.utc, _LOCAL + "Z") + offset
    return PageDate(date.utc, moment.strftime(_LOCAL), offset)
