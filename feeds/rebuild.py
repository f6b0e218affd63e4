"""`feeds dedup --rebuild`: re-cluster every stored article, keeping published ids.

After a threshold change the stored stories may no longer match what the rules
say. This clusters all articles again (cluster.py) and maps each new cluster
to an existing id where it can: clusters are visited in the order their first
article arrived, and each takes the earliest-born story id among its articles
that no earlier cluster took. Ids left over become aliases of the cluster that
holds their articles, so they never reappear as new items; only a cluster
split off an old story gets a new id. Running it twice changes nothing.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlite_utils import Database

from store import stories
from store.articles import BODY
from store.db import writing

from .clock import from_iso, iso
from .cluster import Member, cluster
from .config import DedupSettings
from .dedup import new_story_id, priority

log = logging.getLogger(__name__)


@dataclass
class RebuildReport:
    articles: int = 0
    stories_before: int = 0
    stories_after: int = 0
    moved: int = 0  # articles now in another story
    new_ids: list[str] = field(default_factory=list)
    merged_ids: list[str] = field(default_factory=list)


def rebuild(db: Database, settings: DedupSettings, *, now: datetime) -> RebuildReport:
    order = "order by first_seen, published, id"
    rows = list(
        db.query(
            f"""select id, story_id, source, url, text_hash, title_key, published, keys,
                       first_seen, categories, content is not null and content != '' as full
                from articles {order}"""
        )
    )
    members = [
        Member(r["id"], r["url"], r["text_hash"], r["title_key"], from_iso(r["published"]),
               r.pop("keys") or b"")
        for r in rows
    ]  # fmt: skip
    texts = db.execute(f"select text, {BODY} from articles {order}")  # (text, body) rows
    groups = cluster(members, texts, settings)
    del members
    report = RebuildReport(articles=len(rows), stories_before=stories.count(db))
    assignment = _assign_ids(db, groups, rows, report)
    with writing(db):
        for group, story_id in assignment:
            _write_story(db, story_id, [rows[i] for i in group], settings, now, report)
        _alias_leftovers(db, assignment, rows, now, report)
    report.stories_after = stories.count(db)
    log.info(
        "dedup rebuilt articles=%d stories_before=%d stories_after=%d moved=%d",
        report.articles, report.stories_before, report.stories_after, report.moved,
    )  # fmt: skip
    return report


def _assign_ids(
    db: Database, groups: list[list[int]], rows: list[dict[str, object]], report: RebuildReport
) -> list[tuple[list[int], str]]:
    taken: set[str] = set()
    known = {r["id"] for r in db.query("select id from stories")}
    known |= {r["old_id"] for r in db.query("select old_id from story_aliases")}
    assignment = []
    for group in sorted(groups, key=min):
        olds = list(dict.fromkeys(str(rows[i]["story_id"]) for i in group))  # earliest first
        story_id = next((s for s in olds if s not in taken), None)
        if story_id is None:
            story_id = _fresh_id(str(rows[group[0]]["id"]), known | taken)
            report.new_ids.append(story_id)
        taken.add(story_id)
        assignment.append((group, story_id))
    return assignment


def _fresh_id(first_article: str, used: set[str]) -> str:
    candidate = new_story_id(first_article)
    suffix = 0
    while candidate in used:
        suffix += 1
        candidate = str(uuid.uuid5(uuid.NAMESPACE_URL, f"feeds:story:{first_article}:{suffix}"))
    return candidate


def _write_story(
    db: Database,
    story_id: str,
    members: list[dict[str, object]],
    settings: DedupSettings,
    now: datetime,
    report: RebuildReport,
) -> None:
    best = min(members, key=lambda r: (priority(str(r["source"]), settings), not r["full"]))
    published = min(str(r["published"]) for r in members)
    existing = next(db.query("select * from stories where id = :id", {"id": story_id}), None)
    moved = [str(r["id"]) for r in members if r["story_id"] != story_id]
    if existing is None:
        db.table("stories").insert(
            {"id": story_id, "article_id": best["id"], "published": published, "updated": iso(now)}
        )
    elif moved or existing["article_id"] != best["id"] or existing["published"] != published:
        db.table("stories").update(
            story_id, {"article_id": best["id"], "published": published, "updated": iso(now)}
        )
    for article_id in moved:
        db.execute(
            "update articles set story_id = :s where id = :a", {"s": story_id, "a": article_id}
        )
    report.moved += len(moved)
    if moved:
        stories.count_outlets(db, story_id)
    wanted = {c for r in members for c in json.loads(str(r["categories"] or "[]"))}
    query = "select category from story_categories where story_id = :s"
    if wanted != {row["category"] for row in db.query(query, {"s": story_id})}:
        db.execute("delete from story_categories where story_id = :s", {"s": story_id})
        stories.add_categories(db, story_id, sorted(wanted))


def _alias_leftovers(
    db: Database,
    assignment: list[tuple[list[int], str]],
    rows: list[dict[str, object]],
    now: datetime,
    report: RebuildReport,
) -> None:
    kept = {story_id for _, story_id in assignment}
    home = {str(rows[i]["story_id"]): story_id for group, story_id in assignment for i in group}
    for row in list(db.query("select id from stories")):
        old = row["id"]
        if old in kept:
            continue
        params = {"o": old, "s": home[old]}
        # Aliases first: they refer to the story about to go.
        db.execute("update story_aliases set story_id = :s where story_id = :o", params)
        db.execute("delete from story_categories where story_id = :s", {"s": old})
        db.execute("delete from stories where id = :s", {"s": old})
        db.execute(
            "insert or replace into story_aliases (old_id, story_id) values (:o, :s)", params
        )
        report.merged_ids.append(old)
