"""The one clock, and the conversions between UTC, the site zone and durations.

Only cli.py and scheduler.py call utc_now(); every other function takes `now`,
so tests can pass a fixed instant.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

from store.timestamps import utc_text

_DURATION = re.compile(r"(\d+)([smhd])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def utc_now() -> datetime:
    return datetime.now(UTC)


def parse_duration(text: str) -> timedelta:
    """`90s`, `15m`, `2h`, `3d` or a sum such as `1h30m`; ValueError otherwise."""
    compact = text.strip()
    if not compact or _DURATION.sub("", compact):
        raise ValueError(
            f"{json.dumps(text, ensure_ascii=False)} is not a duration (write 90s, 15m, 2h or 3d)"
        )
    total = timedelta()
    try:
        for amount, unit in _DURATION.findall(compact):
            total += timedelta(**{_UNITS[unit]: int(amount)})
    except OverflowError:
        raise ValueError(f"{json.dumps(text, ensure_ascii=False)} is too long a duration") from None
    if total <= timedelta():
        raise ValueError(f"{json.dumps(text, ensure_ascii=False)} is not a positive duration")
    return total


def format_duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0 and seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


# ISO-8601 UTC text, the only form datetimes take in the database: the store's own
# function, so that a moment the dedup compares is the very text the store wrote.
iso = utc_text


def from_iso(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    assert moment.tzinfo is not None, f"naive datetime in store: {text}"
    return moment
