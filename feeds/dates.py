"""Dates as sources write them -> zone-aware datetimes.

Feeds say `Fri, 05 Apr 2024 12:06:00 +0700`, pages say `05/04/2024 12:06`
(day first, local time). A date with no zone is read in the site's zone, never
as UTC; ISO dates are never read day-first.
"""

from __future__ import annotations

import calendar
import re
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil import parser as dateutil_parser

# A zone marker at the end: Z, +07:00, +0700, GMT, UTC, GMT+7, or an RFC 822 zone name.
_ZONE = re.compile(
    r"(Z|[+-]\d{2}:?\d{2}|\b(GMT|UTC|UT)([+-]\d{1,2}(:?\d{2})?)?|\b[ECMP][SD]T)\)?\s*$", re.I
)
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?")
_GMT_OFFSET = re.compile(r"\(?GMT\s*([+-])\s*(\d{1,2})\)?", re.I)
_WEEKDAY_VI = re.compile(r"^\s*(Thứ\s+\w+|Chủ\s+nhật)\s*,?\s*", re.I)


def has_zone(text: str) -> bool:
    return bool(_ZONE.search(text.strip()))


def from_struct(parsed: time.struct_time) -> datetime:
    """feedparser's *_parsed tuples are UTC."""
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC)


def parse_date(text: str, zone: ZoneInfo) -> datetime | None:
    """Read a date as a person would; zone-less dates are in `zone`; None if unreadable."""
    raw = _WEEKDAY_VI.sub("", text.strip())
    raw = _GMT_OFFSET.sub(lambda m: f"{m.group(1)}{int(m.group(2)):02d}:00", raw)
    if not raw:
        return None
    try:
        if _ISO.match(raw):
            moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        else:
            moment = dateutil_parser.parse(raw, dayfirst=True)
    except (ValueError, OverflowError):
        try:
            moment = dateutil_parser.parse(raw, dayfirst=not _ISO.match(raw), fuzzy=True)
        except (ValueError, OverflowError):
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return sane(moment)


def sane(moment: datetime | None) -> datetime | None:
    """`moment` if it is a real instant we can store; None for year 1, GMT+99 and the like."""
    if moment is None:
        return None
    try:
        utc = moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return moment if 1900 <= utc.year <= 2200 else None


def feed_date(raw: str | None, parsed: time.struct_time | None, zone: ZoneInfo) -> datetime | None:
    """A feed entry's date: feedparser's reading, but zone-less dates in the site zone."""
    if raw and not has_zone(raw):
        local = parse_date(raw, zone)
        if local is not None:
            return local
    if parsed is not None:
        try:
            return sane(from_struct(parsed))
        except (OverflowError, ValueError):
            return None
    return parse_date(raw, zone) if raw else None


def clamp(moment: datetime | None, *, now: datetime, fallback: datetime) -> datetime:
    """Missing dates become `fallback` (first seen); dates over a day ahead become `now`."""
    if moment is None:
        return fallback
    if moment > now + timedelta(days=1):
        return now
    return moment
