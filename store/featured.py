"""What featured-list ranking reads: recent stories with their coverage, and editors' picks."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlite_utils import Database


@dataclass(frozen=True)
class PickSeen:
    source: str
    position: int
    last_seen: str


@dataclass(frozen=True)
class StoryStats:
    """One candidate story for a featured list."""

    id: str
    published: str
    title: str
    source: str  # the representative's outlet
    category: str | None  # the first of its categories, for diversity
    outlets: int  # distinct sources that carried it
    urls: tuple[str, ...]  # canonical URLs of its articles, for pins
    picks: tuple[PickSeen, ...]


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def record_picks(
    db: Database, picks: list[tuple[str, str, str, str, int]], *, now: datetime
) -> None:
    """Upsert (list_slug, url, source, heading, position) rows seen on a page at `now`."""
    seen = _utc(now)
    db.conn.executemany(
        """insert into picks (list_slug, url, source, heading, position, first_seen, last_seen)
           values (?, ?, ?, ?, ?, ?, ?)
           on conflict (list_slug, url, source) do update set
               last_seen = excluded.last_seen, position = excluded.position,
               heading = excluded.heading""",
        [(slug, url, source, heading, position, seen, seen)
         for slug, url, source, heading, position in picks],
    )  # fmt: skip


def candidates(db: Database, *, list_slug: str, since: datetime) -> list[StoryStats]:
    """Stories published since `since`, each with its coverage and this list's picks."""
    rows = list(
        db.query(
            """select s.id, s.published, a.title, a.source,
                      (select min(category) from story_categories c where c.story_id = s.id)
                          as category
               from stories s join articles a on a.id = s.article_id
               where s.published >= :since""",
            {"since": _utc(since)},
        )
    )
    if not rows:
        return []
    urls: dict[str, list[str]] = defaultdict(list)
    outlets: dict[str, set[str]] = defaultdict(set)
    for row in db.query(
        """select a.story_id, a.url, a.source from articles a join stories s on s.id = a.story_id
           where s.published >= :since""",
        {"since": _utc(since)},
    ):
        urls[row["story_id"]].append(row["url"])
        outlets[row["story_id"]].add(row["source"])
    picks: dict[str, list[PickSeen]] = defaultdict(list)
    for row in db.query(
        """select a.story_id, p.source, min(p.position) as position, max(p.last_seen) as last_seen
           from picks p join articles a on a.url = p.url join stories s on s.id = a.story_id
           where p.list_slug = :slug and s.published >= :since
           group by a.story_id, p.source""",
        {"slug": list_slug, "since": _utc(since)},
    ):
        picks[row["story_id"]].append(PickSeen(row["source"], row["position"], row["last_seen"]))
    return [
        StoryStats(
            id=row["id"],
            published=row["published"],
            title=row["title"],
            source=row["source"],
            category=row["category"],
            outlets=len(outlets[row["id"]]),
            urls=tuple(urls[row["id"]]),
            picks=tuple(sorted(picks[row["id"]], key=lambda p: p.source)),
        )
        for row in rows
    ]
