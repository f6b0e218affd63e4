"""Stories: the deduplicated unit that feeds publish, one item each.

A story's id is assigned once, when its first article arrives, and never
recomputed; later articles attach to it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from .records import ArticleRow, Copy, StoryKey, StoryRow
from .timestamps import utc_text


def create(
    db: Database,
    story_id: str,
    *,
    article_id: str,
    published: datetime,
    now: datetime,
    categories: Iterable[str],
) -> None:
    """A new story; its `updated` starts at its article's date, not at when we saw it."""
    db.conn.execute(
        "insert into stories (id, article_id, published, updated) values (?, ?, ?, ?)",
        (story_id, article_id, utc_text(published), utc_text(min(published, now))),
    )
    add_categories(db, story_id, categories)


def add_categories(db: Database, story_id: str, categories: Iterable[str]) -> None:
    rows = [{"story_id": story_id, "category": c} for c in categories]
    if rows:
        db.conn.executemany(
            """insert or ignore into story_categories (story_id, category, published)
               select :story_id, :category, published from stories where id = :story_id""",
            rows,
        )


def touch(
    db: Database,
    story_id: str,
    *,
    now: datetime,
    published: datetime | None = None,
    article_id: str | None = None,
) -> None:
    """Mark a story changed; optionally an earlier date or a new representative."""
    params = {"id": story_id, "now": utc_text(now), "published": None, "article": article_id}
    if published is not None:
        params["published"] = utc_text(published)
    db.execute(
        """update stories set updated = :now,
               published = min(published, coalesce(:published, published)),
               article_id = coalesce(:article, article_id)
           where id = :id""",
        params,
    )


def count_outlets(db: Database, story_id: str) -> None:
    """Recount the outlets that carried a story, after an article joined or moved."""
    db.execute(
        """update stories set outlets = (
               select count(distinct source) from articles where story_id = :id)
           where id = :id""",
        {"id": story_id},
    )


def merge(db: Database, survivor: str, merged: str, *, now: datetime) -> None:
    """Fold story `merged` into `survivor`; the merged id is kept as an alias, never reused."""
    params = {"survivor": survivor, "merged": merged, "now": utc_text(now)}
    db.execute("update articles set story_id = :survivor where story_id = :merged", params)
    db.execute(
        """insert or ignore into story_categories (story_id, category, published)
           select :survivor, category, (select published from stories where id = :survivor)
           from story_categories where story_id = :merged""",
        params,
    )
    db.execute("delete from story_categories where story_id = :merged", params)
    db.execute(
        """update stories set updated = :now,
               published = min(published, (select published from stories where id = :merged))
           where id = :survivor""",
        params,
    )
    db.execute("update story_aliases set story_id = :survivor where story_id = :merged", params)
    db.execute("delete from stories where id = :merged", params)
    db.execute(
        "insert or replace into story_aliases (old_id, story_id) values (:merged, :survivor)",
        params,
    )
    count_outlets(db, survivor)


def resolve(db: Database, story_id: str) -> str | None:
    """The current id of a story, following merges; None if unknown."""
    row = next(db.query("select id from stories where id = :id", {"id": story_id}), None)
    if row:
        return story_id
    alias = next(
        db.query("select story_id from story_aliases where old_id = :id", {"id": story_id}), None
    )
    return str(alias["story_id"]) if alias else None


def created_order(db: Database, story_ids: list[str]) -> list[str]:
    """Story ids ordered by when each was first published (its first article's first_seen)."""
    marks, params = _in_list(story_ids)
    rows = db.query(
        f"""select a.story_id, min(a.first_seen) as born, s.published from articles a
            join stories s on s.id = a.story_id
            where a.story_id in ({marks})
            group by a.story_id order by born, s.published, a.story_id""",
        params,
    )
    return [r["story_id"] for r in rows]


def representative(db: Database, story_id: str) -> str:
    row = next(db.query("select article_id from stories where id = :id", {"id": story_id}))
    return str(row["article_id"])


def representative_source(db: Database, story_id: str) -> tuple[str, bool]:
    """The source of a story's representative article, and whether it has full content."""
    row = db.conn.execute(
        """select a.source, coalesce(a.content, '') != '' from stories s
           join articles a on a.id = s.article_id where s.id = ?""",
        [story_id],
    ).fetchone()
    return str(row[0]), bool(row[1])


STORY_COLUMNS = """
    select s.id as story_id, s.published as story_published, s.updated as story_updated, a.*
    from stories s join articles a on a.id = s.article_id
"""


def newest(db: Database, *, category: str | None, limit: int) -> list[StoryRow]:
    """The newest stories (of one category, or all), each with its copies and categories."""
    return by_ids(db, [key.id for key in newest_keys(db, category=category, limit=limit)])


# Newest first on stories_published, stopping at `limit`: a category's membership is one
# primary-key lookup per story walked, never a sort of the whole category.
KEYS = "select s.id, s.updated, s.published, s.article_id from stories s"
NEWEST_KEYS = KEYS + " order by s.published desc, s.id limit :limit"
NEWEST_KEYS_IN = (
    KEYS
    + """
    where s.id in (select story_id from story_categories where category = :cat
                   order by published desc, story_id limit :limit)
    order by s.published desc, s.id limit :limit"""
)


def newest_keys(db: Database, *, category: str | None, limit: int) -> list[StoryKey]:
    """The newest stories' keys: enough to tell whether a feed changed, without its text."""
    query = NEWEST_KEYS if category is None else NEWEST_KEYS_IN
    return [StoryKey(**row) for row in db.query(query, {"cat": category, "limit": limit})]


def keys_of(db: Database, story_ids: list[str]) -> list[StoryKey]:
    """Keys of the given stories, in the given order; unknown ids are left out."""
    if not story_ids:
        return []
    marks, params = _in_list(story_ids)
    found = {
        row["id"]: StoryKey(**row) for row in db.query(f"{KEYS} where s.id in ({marks})", params)
    }
    return [found[s] for s in story_ids if s in found]


def by_ids(db: Database, story_ids: list[str]) -> list[StoryRow]:
    """Stories in the order of `story_ids`; unknown ids are left out."""
    if not story_ids:
        return []
    marks, params = _in_list(story_ids)
    found = {
        row["story_id"]: row
        for row in db.query(STORY_COLUMNS + f" where s.id in ({marks})", params)
    }
    return _with_details(db, [found[s] for s in story_ids if s in found])


def _in_list(values: list[str]) -> tuple[str, dict[str, str]]:
    marks = ", ".join(f":v{i}" for i in range(len(values)))
    return marks, {f"v{i}": value for i, value in enumerate(values)}


def _with_details(db: Database, rows: list[dict[str, Any]]) -> list[StoryRow]:
    if not rows:
        return []
    marks, params = _in_list([str(r["story_id"]) for r in rows])
    categories: dict[str, list[str]] = defaultdict(list)
    for row in db.query(
        f"select story_id, category from story_categories where story_id in ({marks})"
        " order by category",
        params,
    ):
        categories[row["story_id"]].append(row["category"])
    copies: dict[str, list[Copy]] = defaultdict(list)
    for row in db.query(
        f"""select a.story_id, a.source, a.link from articles a join stories s on s.id = a.story_id
            where a.story_id in ({marks}) and a.id != s.article_id
            order by a.published, a.source""",
        params,
    ):
        copies[row["story_id"]].append(Copy(row["source"], row["link"]))
    return [
        StoryRow(
            id=row["story_id"],
            published=row["story_published"],
            updated=row["story_updated"],
            article=ArticleRow.from_row(row),
            categories=tuple(categories[row["story_id"]]),
            copies=tuple(_distinct(copies[row["story_id"]], row["source"])),
        )
        for row in rows
    ]


def _distinct(copies: list[Copy], representative_source: object) -> list[Copy]:
    """One copy per outlet, and none from the representative's own outlet."""
    seen = {representative_source}
    kept = []
    for copy in copies:
        if copy.source not in seen:
            seen.add(copy.source)
            kept.append(copy)
    return kept


def count(db: Database) -> int:
    return int(next(db.query("select count(*) as n from stories"))["n"])
