"""When is a source due? Pure decisions on its state and `now`.

A source that failed waits longer each time (exponential, ±10 % jitter so a
thousand failing sources do not retry in step, capped at a day) and starts
again at its normal interval after one success. A 429/503 Retry-After and a
410 Gone are obeyed as the server asked.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

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
