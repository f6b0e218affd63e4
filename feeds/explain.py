"""`feeds stories --explain ID`: why a story's articles were put together.

For each article: its outlet, title, link and date, the reason recorded when
it joined (same URL, same text, near-identical text, contained summary) with
the similarity figures, and its overlap with the representative recomputed now.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from store import stories
from store.articles import BODY

from .similarity import overlap
from .text import stored_text


@dataclass(frozen=True)
class ArticleWhy:
    id: str
    source: str
    title: str
    link: str
    published: str
    representative: bool
    joined: dict[str, Any] | None  # as recorded when the article arrived; None for the first
    jaccard: float  # with the representative, now
    containment: float


@dataclass(frozen=True)
class StoryWhy:
    id: str
    asked: str  # the id asked for: an alias when the story was merged into another
    articles: list[ArticleWhy]


def explain_story(db: Database, story_id: str) -> StoryWhy | None:
    current = stories.resolve(db, story_id)
    if current is None:
        return None
    representative = stories.representative(db, current)
    rows = list(
        db.query(
            f"""select id, source, title, link, published, text, {BODY} as body, match
                from articles where story_id = :s order by first_seen, published, id""",
            {"s": current},
        )
    )
    texts = {row["id"]: stored_text(row["text"], row["body"]) for row in rows}
    explained = []
    for row in rows:
        jaccard, containment, _ = overlap(texts[row["id"]], texts[representative])
        explained.append(
            ArticleWhy(
                id=row["id"],
                source=row["source"],
                title=row["title"],
                link=row["link"],
                published=row["published"],
                representative=row["id"] == representative,
                joined=json.loads(row["match"]) if row["match"] else None,
                jaccard=round(jaccard, 3),
                containment=round(containment, 3),
            )
        )
    return StoryWhy(current, story_id, explained)
