"""What html and sitemap sources need between cycles: known URLs and queued pages."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlite_utils import Database

from .timestamps import utc_text


def known_urls(db: Database, sources: list[str]) -> dict[str, set[str]]:
    """Canonical URLs already stored, per source: those pages are not fetched again."""
    found: dict[str, set[str]] = defaultdict(set)
    for name in sources:
        for row in db.query("select url from articles where source = :s", {"s": name}):
            found[name].add(row["url"])
    return found


def queued(db: Database, sources: list[str]) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = defaultdict(list)
    for name in sources:
        rows = db.query(
            "select url from page_queue where source = :s order by added, url", {"s": name}
        )
        found[name] = [row["url"] for row in rows]
    return {name: tuple(urls) for name, urls in found.items()}


def set_queue(db: Database, source: str, urls: tuple[str, ...], *, now: datetime) -> None:
    """Replace a source's queue (inside its transaction)."""
    db.execute("delete from page_queue where source = :s", {"s": source})
    added = utc_text(now)
    db.conn.executemany(
        "insert or ignore into page_queue (source, url, added) values (?, ?, ?)",
        [(source, url, added) for url in urls],
    )
