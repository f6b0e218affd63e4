"""When is a source due? Pure decisions on its state and `now`.

A source that failed waits longer each time (exponential, ±10 % jitter so a
thousand failing sources do not retry in step, capped at a day) and starts
again at its normal interval after one success. A 429/503 Retry-After and a
410 Gone are obeyed as the server asked. A source that works is fetched at
its interval (±10 % jitter), but never more often than it asks: HTTP
Cache-Control max-age and Expires, RSS <ttl>, <skipHours> and <skipDays> can
only push the next fetch later, and only up to [schedule].max_interval.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from store.records import SourceState

from .clock import from_iso

MAX_BACKOFF = timedelta(days=1)
JITTER = 0.1


def backoff(interval: timedelta, failures: int, rand: random.Random | None = None) -> timedelta:
    """Wait after `failures` consecutive failures: interval × 2^(failures-1), capped, jittered."""
    if failures <= 0:
        return interval
    base = min(interval * (2 ** min(failures - 1, 20)), MAX_BACKOFF)
    factor = 1 + (rand or random).uniform(-JITTER, JITTER)
    jittered: timedelta = base * factor
    return min(jittered, MAX_BACKOFF)


def next_due(
    now: datetime,
    interval: timedelta,
    *,
    failures: int = 0,
    retry_after: datetime | None = None,
    rand: random.Random | None = None,
) -> datetime:
    due = now + backoff(interval, failures, rand)
    if retry_after is not None and retry_after > due:
        due = retry_after
    return due


@dataclass(frozen=True)
class Asked:
    """How often a source asks to be read, from its last response."""

    max_age: timedelta | None = None  # Cache-Control max-age, or Expires - Date
    ttl: timedelta | None = None  # RSS <ttl>
    skip_hours: tuple[int, ...] = ()  # RSS <skipHours>, hours 0-23 in UTC
    skip_days: tuple[str, ...] = ()  # RSS <skipDays>: Monday … Sunday


_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def next_fetch(
    now: datetime,
    interval: timedelta,
    *,
    asked: Asked = Asked(),
    max_interval: timedelta = MAX_BACKOFF,
    rand: random.Random | None = None,
) -> datetime:
    """After a successful fetch: the interval, jittered, pushed later by what the feed asks."""
    wait = interval * (1 + (rand or random).uniform(-JITTER, JITTER))
    for asked_wait in (asked.max_age, asked.ttl):
        if asked_wait is not None and asked_wait > wait:
            wait = min(asked_wait, max(max_interval, interval))
    due = now + wait
    limit = now + max(max_interval, interval)
    while due < limit and _skipped(due, asked):
        due = due.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return min(due, limit)


def _skipped(moment: datetime, asked: Asked) -> bool:
    utc = moment.astimezone(UTC)
    return utc.hour in asked.skip_hours or _DAYS[utc.weekday()] in asked.skip_days


def asked_by(
    headers: dict[str, str],
    *,
    now: datetime,
    ttl_minutes: int | None = None,
    skip_hours: tuple[int, ...] = (),
    skip_days: tuple[str, ...] = (),
) -> Asked:
    """What a response's headers and a feed's channel elements ask of us."""
    return Asked(
        max_age=_max_age(headers, now),
        ttl=timedelta(minutes=ttl_minutes) if ttl_minutes else None,
        skip_hours=skip_hours,
        skip_days=skip_days,
    )


def _max_age(headers: dict[str, str], now: datetime) -> timedelta | None:
    control = headers.get("cache-control", "").lower()
    if "no-store" in control or "no-cache" in control:
        return None
    for part in control.split(","):
        name, _, value = part.strip().partition("=")
        if name in ("s-maxage", "max-age") and value.strip().isdigit():
            return timedelta(seconds=int(value))
    expires, date = headers.get("expires"), headers.get("date")
    if expires:
        try:
            until = parsedate_to_datetime(expires)
            sent = parsedate_to_datetime(date) if date else None
        except (TypeError, ValueError):
            return None
        if until.tzinfo is not None and (sent is None or sent.tzinfo is not None):
            left = until - (sent or now)
            return left if left > timedelta() else None
    return None


def why_waiting(state: SourceState | None, now: datetime) -> str | None:
    """None when the source may be fetched now; otherwise the reason it is held back."""
    if state is None:
        return None
    if state.disabled_reason:
        return f"disabled: {state.disabled_reason}"
    if state.retry_after_until and from_iso(state.retry_after_until) > now:
        return f"the server asked to wait until {state.retry_after_until[:16]} UTC (Retry-After)"
    if state.failures and state.next_due_at and from_iso(state.next_due_at) > now:
        return (
            f"backing off after {state.failures} failure{'s' if state.failures > 1 else ''},"
            f" next try {state.next_due_at[:16]} UTC (use --force to fetch now)"
        )
    return None


def should_fetch(state: SourceState | None, now: datetime, interval: timedelta) -> bool:
    """For the scheduler's interval trigger: fetch now, or is the source not due yet?

    The trigger fires every interval; a source that is backing off, was asked by
    its server to wait, or asked (ttl, Cache-Control) to be read less often has a
    later due time in the store, and the run is skipped. Slack of the jitter's
    size keeps a run that fires a little before its due time from being skipped.
    """
    if state is None:
        return True
    if state.disabled_reason:
        return False
    if state.retry_after_until and from_iso(state.retry_after_until) > now:
        return False
    if state.next_due_at:
        return from_iso(state.next_due_at) <= now + interval * (JITTER * 1.5)
    return True
