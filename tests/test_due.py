"""When is a source due: the scheduling rules as a pure function of data and `now`."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from feeds.due import Asked, asked_by, backoff, next_due, next_fetch, why_waiting
from store.records import SourceState

NOW = datetime(2024, 4, 5, 10, 0, tzinfo=UTC)  # a Friday
M15 = timedelta(minutes=15)


def rng() -> random.Random:
    return random.Random(7)


def test_interval_with_ten_percent_jitter() -> None:
    dues = [next_fetch(NOW, M15, rand=random.Random(seed)) - NOW for seed in range(200)]
    assert min(dues) >= M15 * 0.9 and max(dues) <= M15 * 1.1
    assert len(set(dues)) > 100  # spread, not in step


@pytest.mark.parametrize(
    ("asked", "at_least"),
    [
        (Asked(max_age=timedelta(hours=1)), timedelta(hours=1)),
        (Asked(ttl=timedelta(minutes=60)), timedelta(minutes=60)),
        (Asked(max_age=timedelta(minutes=1)), M15 * 0.9),  # asking for more often is ignored
    ],
)
def test_never_more_often_than_asked(asked: Asked, at_least: timedelta) -> None:
    assert next_fetch(NOW, M15, asked=asked, rand=rng()) - NOW >= at_least


def test_what_a_feed_asks_is_bounded() -> None:
    far = Asked(max_age=timedelta(days=30))
    assert next_fetch(
        NOW, M15, asked=far, max_interval=timedelta(hours=6), rand=rng()
    ) == NOW + timedelta(hours=6)


def test_skip_hours_and_days() -> None:
    asked = Asked(skip_hours=(10, 11, 12))
    assert next_fetch(NOW, M15, asked=asked, rand=rng()) == datetime(2024, 4, 5, 13, 0, tzinfo=UTC)
    weekend = Asked(skip_days=("Saturday", "Sunday"))
    friday_night = datetime(2024, 4, 5, 23, 55, tzinfo=UTC)
    three_days = timedelta(days=3)
    monday = datetime(2024, 4, 8, 0, 0, tzinfo=UTC)
    assert (
        next_fetch(friday_night, M15, asked=weekend, max_interval=three_days, rand=rng()) == monday
    )
    bounded = next_fetch(friday_night, M15, asked=weekend, rand=rng())
    assert bounded == friday_night + timedelta(days=1)  # [schedule].max_interval holds


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"cache-control": "public, max-age=3600"}, timedelta(hours=1)),
        ({"cache-control": "s-maxage=600"}, timedelta(minutes=10)),
        ({"cache-control": "no-cache, max-age=3600"}, None),
        (
            {"expires": "Fri, 05 Apr 2024 12:00:00 GMT", "date": "Fri, 05 Apr 2024 10:00:00 GMT"},
            timedelta(hours=2),
        ),
        ({"expires": "Fri, 05 Apr 2024 11:00:00 GMT"}, timedelta(hours=1)),
        ({"expires": "0"}, None),
        ({}, None),
    ],
)
def test_max_age_from_headers(headers: dict[str, str], expected: timedelta | None) -> None:
    assert asked_by(headers, now=NOW).max_age == expected


def test_ttl_from_the_feed() -> None:
    assert asked_by({}, now=NOW, ttl_minutes=30).ttl == timedelta(minutes=30)


@pytest.mark.parametrize(
    ("failures", "base"), [(1, M15), (2, M15 * 2), (3, M15 * 4), (20, timedelta(days=1))]
)
def test_exponential_backoff_with_jitter_capped_at_a_day(failures: int, base: timedelta) -> None:
    waits = [backoff(M15, failures, random.Random(s)) for s in range(50)]
    assert all(
        min(base * 0.9, timedelta(days=1)) <= w <= min(base * 1.1, timedelta(days=1)) for w in waits
    )


def test_retry_after_wins_when_later() -> None:
    later = NOW + timedelta(hours=3)
    assert next_due(NOW, M15, failures=1, retry_after=later, rand=rng()) == later


def _state(**fields: object) -> SourceState:
    base = dict.fromkeys(SourceState.__dataclass_fields__) | {
        "name": "A",
        "url": "u",
        "failures": 0,
    }
    return SourceState(**(base | fields))  # type: ignore[arg-type]


def test_why_waiting() -> None:
    assert why_waiting(None, NOW) is None
    assert why_waiting(_state(), NOW) is None
    assert "disabled" in (why_waiting(_state(disabled_reason="HTTP 410 Gone"), NOW) or "")
    assert "Retry-After" in (
        why_waiting(_state(retry_after_until="2024-04-05T11:00:00+00:00"), NOW) or ""
    )
    backing = _state(failures=2, next_due_at="2024-04-05T10:30:00+00:00")
    assert "backing off after 2 failures" in (why_waiting(backing, NOW) or "")
    assert why_waiting(backing, NOW + timedelta(hours=1)) is None
