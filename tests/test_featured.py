"""Featured-list ranking: pins, window, half-life, picks, coverage, diversity, ties."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from feeds.clock import iso
from feeds.config import Featured
from feeds.featured import rank, score
from store.featured import PickSeen, StoryStats

NOW = datetime(2024, 4, 5, 12, 0, tzinfo=UTC)
RULES = Featured(slug="dung-bo-lo", title="Đừng bỏ lỡ", size=3, window=timedelta(hours=72))


def story(
    sid: str,
    hours_ago: float,
    *,
    outlets: int = 1,
    picks: int = 0,
    category: str = "xa-hoi",
    source: str = "Báo A",
    url: str | None = None,
    position: int = 1,
) -> StoryStats:
    seen = iso(NOW - timedelta(hours=1))
    return StoryStats(
        id=sid,
        published=iso(NOW - timedelta(hours=hours_ago)),
        title=f"Tin {sid}",
        source=source,
        category=category,
        outlets=outlets,
        urls=(url or f"https://a.vn/{sid}.html",),
        picks=tuple(PickSeen(f"site{i}", position, seen) for i in range(picks)),
    )


def ids(stories: list[StoryStats], rules: Featured = RULES) -> list[str]:
    return [s.story.id for s in rank(stories, rules, NOW).chosen]


CASES = [
    ("newer first when nothing else differs", [story("old", 20), story("new", 1), story("mid", 8)], RULES, ["new", "mid", "old"]),
    ("outside the window never", [story("a", 80), story("b", 1)], RULES, ["b"]),
    ("editors' picks outweigh recency", [story("fresh", 0), story("picked", 30, picks=2)], RULES, ["picked", "fresh"]),
    ("coverage counts", [story("one", 2), story("four", 6, outlets=4)], RULES, ["four", "one"]),
    ("pins first, in config order", [story("a", 1), story("b", 2, url="https://b.vn/x"), story("c", 3, url="https://c.vn/y")],
     Featured("l", "L", size=3, pin=("https://c.vn/y?utm_source=z", "https://b.vn/x")), ["c", "b", "a"]),
    ("a pin outside the window is dropped", [story("a", 1), story("b", 100, url="https://b.vn/x")],
     Featured("l", "L", size=3, pin=("https://b.vn/x",)), ["a"]),
    ("at most max_per_category of one category", [story("a", 1), story("b", 2), story("c", 3), story("d", 4, category="kinh-te")],
     Featured("l", "L", size=3, max_per_category=2), ["a", "b", "d"]),
    ("at most max_per_outlet of one outlet", [story("a", 1), story("b", 2), story("c", 3, source="Báo B", category="x")],
     Featured("l", "L", size=2, max_per_outlet=1), ["a", "c"]),
    ("ties go to the smaller id", [story("b", 5), story("a", 5)], RULES, ["a", "b"]),
    ("ties go first to the editors' order", [story("a", 5, picks=1, position=3), story("b", 5, picks=1, position=1)], RULES, ["b", "a"]),
    ("size is respected", [story(str(n), n) for n in range(10)], RULES, ["0", "1", "2"]),
]  # fmt: skip


@pytest.mark.parametrize(("why", "stories", "rules", "expected"), CASES, ids=[c[0] for c in CASES])
def test_ranking(why: str, stories: list[StoryStats], rules: Featured, expected: list[str]) -> None:
    assert ids(stories, rules) == expected


def test_same_inputs_same_list() -> None:
    stories = [story(str(n), n * 1.5, outlets=n % 3 + 1, picks=n % 2) for n in range(30)]
    first = rank(stories, RULES, NOW)
    assert first == rank(list(reversed(stories)), RULES, NOW)


def test_half_life_halves_recency_and_picks() -> None:
    rules = Featured("l", "L", half_life=timedelta(hours=10))
    parts = score(story("a", 10, picks=1), rules, NOW)
    assert parts.recency == pytest.approx(0.5)
    assert parts.picks == pytest.approx(0.5 ** (1 / 10))
    assert parts.coverage == 0.0
    assert parts.score == pytest.approx(3 * parts.picks + parts.recency)


def test_runners_up_say_why_they_were_left_out() -> None:
    stories = [story("a", 1), story("b", 2), story("c", 3), story("d", 4, category="kinh-te")]
    ranking = rank(stories, Featured("l", "L", size=3, max_per_category=2), NOW)
    [runner] = ranking.runners_up
    assert runner.story.id == "c" and "category xa-hoi" in runner.note
