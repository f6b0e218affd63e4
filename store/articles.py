"""Articles: one row per entry per source, each attached to one story."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database

from .records import ArticleRow, NewArticle


def _utc(moment: datetime) -> str:
    """ISO-8601 UTC text; a naive datetime is a bug and fails loudly."""
    assert moment.tzinfo is not None, "naive datetime"
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else _utc(moment)


def _columns(article: NewArticle) -> dict[str, Any]:
    return {
        "url": article.url,
        "link": article.link,
        "title": article.title,
        "author": article.author,
        "summary": article.summary,
        "content": article.content,
        "text": article.text,
        "text_hash": article.text_hash,
        "content_hash": article.content_hash,
        "published": _iso(article.published),
        "updated": _iso(article.updated),
        "categories": json.dumps(list(article.categories), ensure_ascii=False),
        "labels": json.dumps(list(article.labels), ensure_ascii=False),
        "image_url": article.image_url,
        "image_type": article.image_type,
        "image_length": article.image_length,
        "language": article.language,
    }


def find(db: Database, article_id: str) -> dict[str, Any] | None:
    rows = db.query(
        "select id, content_hash, story_id, published from articles where id = :id",
        {"id": article_id},
    )
    return next(rows, None)


def story_with_url(db: Database, url: str) -> str | None:
    row = next(db.query("select story_id from articles where url = :u limit 1", {"u": url}), None)
    return row["story_id"] if row else None


def story_with_text(db: Database, text_hash: str) -> str | None:
    row = next(
        db.query("select story_id from articles where text_hash = :h limit 1", {"h": text_hash}),
        None,
    )
    return row["story_id"] if row else None


def insert(
    db: Database, article_id: str, article: NewArticle, *, story_id: str, now: datetime
) -> None:
    seen = _utc(now)
    row = _columns(article) | {
        "id": article_id,
        "source": article.source,
        "guid": article.guid,
        "first_seen": seen,
        "last_seen": seen,
        "story_id": story_id,
    }
    db.table("articles").insert(row)


def update(db: Database, article_id: str, article: NewArticle, *, now: datetime) -> None:
    db.table("articles").update(article_id, _columns(article) | {"last_seen": _utc(now)})


def get(db: Database, article_id: str) -> ArticleRow:
    row = next(db.query("select * from articles where id = :id", {"id": article_id}))
    return ArticleRow.from_row(row)


def in_story(db: Database, story_id: str) -> list[ArticleRow]:
    rows = db.query(
        "select * from articles where story_id = :s order by published, first_seen, id",
        {"s": story_id},
    )
    return [ArticleRow.from_row(r) for r in rows]


def count(db: Database) -> int:
    return int(next(db.query("select count(*) as n from articles"))["n"])
