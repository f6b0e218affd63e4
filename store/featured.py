"""What featured-list ranking reads: recent stories with their coverage, and editors' picks."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from .timestamps import utc_text


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


def record_picks(
    db: Database, picks: list[tuple[str, str, str, str, int]], *, now: datetime
) -> None:
    """Upsert (list_slug, url, source, heading, position) rows seen on a page at `now`."""
    seen = utc_text(now)
    db.conn.executemany(
        """insert into picks (list_slug, url, source, heading, position, first_seen, last_seen)
           values (?, ?, ?, ?, ?, ?, ?)
           on conflict (list_slug, url, source) do update set
               last_seen = excluded.last_seen, position = excluded.position,
               heading = excluded.heading""",
        [(slug, url, source, heading, position, seen, seen)
         for slug, url, source, heading, position in picks],
    )  # fmt: skip


# The stories that can compete: picked for this list, carried by several outlets, or among
# the newest (for the rest, recency is the whole score, so older ones can only lose).
CANDIDATES = """
    with contenders (id) as (
        select s.id from stories s
            where s.published >= :since and s.outlets > 1
        union
        select a.story_id from picks p join articles a on a.url = p.url
            where p.list_slug = :slug
        union
        select id from (select id from stories where published >= :since
                        order by published desc limit :newest)
    )
    select s.id, s.published, s.outlets, a.title, a.source,
           (select min(category) from story_categories c where c.story_id = s.id) as category
    from contenders k join stories s on s.id = k.id join articles a on a.id = s.article_id
    where s.published >= :since
"""


def candidates(
    db: Database,
    *,
    list_slug: str,
    since: datetime,
    pins: tuple[str, ...] = (),
    newest: int = 1000,
) -> list[StoryStats]:
    """Stories published since `since` that can make the list, with coverage and picks.

    `pins` are canonical article URLs; a story's `urls` lists those of them it holds
    (the only URLs ranking needs). `newest`: how many of the newest single-outlet,
    unpicked stories compete (enough to fill a list whatever its diversity rules).
    """
    params = {"since": utc_text(since), "slug": list_slug, "newest": newest}
    rows = list(db.query(CANDIDATES, params))
    if not rows:
        return []
    pinned: dict[str, list[str]] = defaultdict(list)
    known = {row["id"]: row for row in rows}
    for url in pins:
        for row in db.query(
            """select s.id, s.published, s.outlets, a.title, a.source,
                      (select min(category) from story_categories c where c.story_id = s.id)
                          as category
               from articles x join stories s on s.id = x.story_id
               join articles a on a.id = s.article_id where x.url = :u""",
            {"u": url},
        ):
            pinned[row["id"]].append(url)
            if row["id"] not in known and row["published"] >= params["since"]:
                known[row["id"]] = row
                rows.append(row)
    picks: dict[str, list[PickSeen]] = defaultdict(list)
    for row in db.query(
        """select a.story_id, p.source, min(p.position) as position, max(p.last_seen) as last_seen
           from picks p join articles a on a.url = p.url join stories s on s.id = a.story_id
           where p.list_slug = :slug and s.published >= :since
           group by a.story_id, p.source""",
        params,
    ):
        picks[row["story_id"]].append(PickSeen(row["source"], row["position"], row["last_seen"]))
    return [
        StoryStats(
            id=row["id"],
            published=row["published"],
            title=row["title"],
            source=row["source"],
            category=row["category"],
            outlets=row["outlets"],
            urls=tuple(pinned.get(row["id"], ())),
            picks=tuple(sorted(picks[row["id"]], key=lambda p: p.source)),
        )
        for row in rows
    ]
