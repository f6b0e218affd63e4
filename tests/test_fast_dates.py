"""The fast feed path's dates are what feed_date() makes of feedparser's tuple.

fast._date() skips the struct_time and timestamp round trip for the years sane()
keeps; every edge (years 1899-1901 and 2199-2201, offsets, invalid fields) must give
the same datetime, the same zone object or the same refusal.
"""

from __future__ import annotations

import random
from datetime import datetime
from zoneinfo import ZoneInfo

from feeds.dates import feed_date, has_zone
from feeds.extract import fast

ZONES = [ZoneInfo("Asia/Ho_Chi_Minh"), ZoneInfo("UTC")]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
YEARS = [1, 2, 1899, 1900, 1901, 1969, 1970, 2024, 2199, 2200, 2201, 9999]


def _through_the_tuple(raw: str, zone: ZoneInfo) -> datetime | None:
    """fast._date() as first written: feed_date() given the struct_time."""
    if has_zone(raw):
        return feed_date(raw, fast._utc_struct(raw), zone)
    local = feed_date(raw, None, zone)
    if local is None:
        raise fast.Refused(raw)
    return local


def _read(reader: object, raw: str, zone: ZoneInfo) -> object:
    try:
        found = reader(raw, zone)  # type: ignore[operator]
    except fast.Refused:
        return "refused"
    return (found, found.tzinfo) if isinstance(found, datetime) else found


def _dates(count: int) -> list[str]:
    rng = random.Random(1)
    dates = []
    for _ in range(count):
        year, month = rng.choice(YEARS), rng.randint(0, 13)
        day, hour = rng.choice([0, 1, 28, 29, 30, 31, 32]), rng.choice([0, 12, 23, 24])
        minute, second = rng.choice([0, 59, 60]), rng.choice(["", ":00", ":59", ":60"])
        if rng.random() < 0.5:
            zone = rng.choice(
                ["+0700", "-0700", "+07:00", "GMT", "UTC", "UT", "Z", "+9999", "EST", ""]
            )
            weekday = rng.choice(["Fri, ", ""])
            dates.append(
                f"{weekday}{day:02d} {MONTHS[month % 12]} {year:04d} {hour:02d}:{minute:02d}"
                f"{second} {zone}"
            )
        else:
            zone = rng.choice(["Z", "+07:00", "-23:59", "+00:00"])
            fraction = rng.choice(["", ".123"])
            dates.append(
                f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}{second}{fraction}{zone}"
            )
    return dates


def test_dates_are_feed_dates_of_feedparsers_tuple() -> None:
    rng = random.Random(2)
    for raw in _dates(20_000):
        zone = rng.choice(ZONES)
        assert _read(fast._date, raw, zone) == _read(_through_the_tuple, raw, zone), raw


def test_every_date_of_the_two_formats_has_a_zone() -> None:
    """What lets _date() try the two formats before has_zone()."""
    for raw in _dates(20_000):
        if fast._RFC822.fullmatch(raw) or fast._W3DTF.fullmatch(raw):
            assert has_zone(raw), raw
