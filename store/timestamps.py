"""Moments as the database writes them.

A module of its own, free of sqlite-utils: the parsing workers import the
clock, and through it this, and nothing of the store's connection.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache


@lru_cache(maxsize=4096)  # the cycle's `now` and a story's dates come back again and again
def utc_text(moment: datetime) -> str:
    """ISO-8601 UTC text, the only form datetimes take in the database; naive is a bug."""
    assert moment.tzinfo is not None, "naive datetime"
    return moment.astimezone(UTC).isoformat(timespec="seconds")
