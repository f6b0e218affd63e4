"""Featured lists ("Nổi bật", "Đừng bỏ lỡ"): which stories, in which order, and why.

Pure: rank() takes candidate stories, the list's settings and `now`, and
returns the same list for the same inputs. The rules, in the README too:

1. Pins first, in the order the config lists them, while inside the window.
2. Every other story published within the window is scored
       score = weight_picks    × Σ over sites that put it in this list's box
                                   of 0.5 ^ (time since last seen there / half_life)
             + weight_coverage × log2(number of outlets that carried it)
             + weight_recency  × 0.5 ^ (age / half_life)
3. Highest score first; ties go to the story an editor placed higher in a box,
   then the newer story, then the smaller id.
4. Diversity: at most `max_per_category` stories of one category and, when
   `max_per_outlet` is set, at most that many whose representative comes from
   one outlet. A story is one item however many articles it has.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from store.featured import StoryStats

from .clock import from_iso
from .config import Featured
from .urls import canonical_url

RUNNERS_UP = 5


@dataclass(frozen=True)
class Scored:
    story: StoryStats
    score: float
    picks: float
    coverage: float
    recency: float
    pinned: bool = False
    note: str = ""  # why a runner-up was left out


@dataclass(frozen=True)
class Ranking:
    chosen: list[Scored]
    runners_up: list[Scored]


def _decay(age_seconds: float, half_life_seconds: float) -> float:
    return float(0.5 ** (max(age_seconds, 0.0) / half_life_seconds))


def score(story: StoryStats, rules: Featured, now: datetime) -> Scored:
    half = rules.half_life.total_seconds()
    picks = sum(_decay((now - from_iso(p.last_seen)).total_seconds(), half) for p in story.picks)
    coverage = math.log2(max(story.outlets, 1))
    recency = _decay((now - from_iso(story.published)).total_seconds(), half)
    total = (
        rules.weight_picks * picks
        + rules.weight_coverage * coverage
        + rules.weight_recency * recency
    )
    return Scored(story, round(total, 6), round(picks, 6), round(coverage, 6), round(recency, 6))


def rank(candidates: list[StoryStats], rules: Featured, now: datetime) -> Ranking:
    since = now - rules.window
    inside = [s for s in candidates if from_iso(s.published) >= since]
    pinned = _pinned(inside, rules)
    pinned_ids = {s.id for s in pinned}
    scored = sorted(
        (score(s, rules, now) for s in inside if s.id not in pinned_ids),
        key=lambda s: (-s.score, _best_position(s.story), _neg_time(s.story.published), s.story.id),
    )
    chosen = [Scored(s, 0.0, 0.0, 0.0, 0.0, pinned=True) for s in pinned[: rules.size]]
    per_category: dict[str | None, int] = {}
    per_outlet: dict[str, int] = {}
    for s in chosen:
        _count(s.story, per_category, per_outlet)
    runners_up: list[Scored] = []
    for candidate in scored:
        if len(chosen) >= rules.size:
            if len(runners_up) < RUNNERS_UP:
                runners_up.append(candidate)
            continue
        reason = _too_many(candidate.story, rules, per_category, per_outlet)
        if reason:
            if len(runners_up) < RUNNERS_UP:
                runners_up.append(Scored(**{**candidate.__dict__, "note": reason}))
            continue
        chosen.append(candidate)
        _count(candidate.story, per_category, per_outlet)
    return Ranking(chosen, runners_up)


def pin_urls(rules: Featured) -> tuple[str, ...]:
    """The pinned article URLs in their canonical form, as the store keeps them."""
    return tuple(canonical_url(url) for url in rules.pin)


def _pinned(stories: list[StoryStats], rules: Featured) -> list[StoryStats]:
    by_url = {url: s for s in stories for url in s.urls}
    found: list[StoryStats] = []
    for url in rules.pin:
        story = by_url.get(canonical_url(url))
        if story is not None and story not in found:
            found.append(story)
    return found


def _best_position(story: StoryStats) -> int:
    return min((pick.position for pick in story.picks), default=1_000_000)


def _neg_time(published: str) -> float:
    return -from_iso(published).timestamp()


def _count(
    story: StoryStats, per_category: dict[str | None, int], per_outlet: dict[str, int]
) -> None:
    per_category[story.category] = per_category.get(story.category, 0) + 1
    per_outlet[story.source] = per_outlet.get(story.source, 0) + 1


def _too_many(
    story: StoryStats,
    rules: Featured,
    per_category: dict[str | None, int],
    per_outlet: dict[str, int],
) -> str | None:
    if story.category is not None and per_category.get(story.category, 0) >= rules.max_per_category:
        return f"already {rules.max_per_category} from category {story.category}"
    if rules.max_per_outlet and per_outlet.get(story.source, 0) >= rules.max_per_outlet:
        return f"already {rules.max_per_outlet} from {story.source}"
    return None
