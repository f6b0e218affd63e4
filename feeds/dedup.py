"""Articles -> stories: which story does a new article join?

An article joins an existing story when it is the same entry of the same source
(a changed entry updates its article, never makes a second story), carries the
same canonical URL, or the same normalised text. Near-duplicate matching (same
story told with other markup, a dropped sentence, a summary against a full page)
plugs in as a StoryMatcher. Story ids are assigned once and never recomputed.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from sqlite_utils import Database

from store import articles, stories
from store.records import NewArticle


class Placement(StrEnum):
    NEW = "new"  # first article of a new story
    DUPLICATE = "duplicate"  # joined a story another article started
    UPDATED = "updated"  # the same entry came back changed
    UNCHANGED = "unchanged"


class StoryMatcher(Protocol):
    """Finds the story an article that matched no exact key belongs to, if any."""

    def find(self, db: Database, article: NewArticle) -> str | None: ...


class NoNearMatch:
    def find(self, db: Database, article: NewArticle) -> str | None:
        return None


@dataclass(frozen=True)
class Match:
    story_id: str
    reason: str


def article_id(source: str, guid: str) -> str:
    return hashlib.sha1(f"{source}\n{guid}".encode()).hexdigest()[:32]


def new_story_id(first_article_id: str) -> str:
    """Derived from the first article, so the same history always gives the same ids."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"feeds:story:{first_article_id}"))


def exact_match(db: Database, article: NewArticle) -> Match | None:
    if story := articles.story_with_url(db, article.url):
        return Match(story, "same URL")
    if article.text_hash and (story := articles.story_with_text(db, article.text_hash)):
        return Match(story, "same text")
    return None


def is_better_representative(candidate: NewArticle, current_has_content: bool) -> bool:
    """A full version beats a summary-only one; otherwise the first arrival stays."""
    return bool(candidate.content) and not current_has_content


def place(
    db: Database, article: NewArticle, *, now: datetime, matcher: StoryMatcher | None = None
) -> Placement:
    """Store one article and attach it to its story. Call inside a transaction."""
    aid = article_id(article.source, article.guid)
    existing = articles.find(db, aid)
    if existing is not None:
        if existing["content_hash"] == article.content_hash:
            return Placement.UNCHANGED
        articles.update(db, aid, article, now=now)
        stories.touch(db, existing["story_id"], now=now, published=article.published)
        stories.add_categories(db, existing["story_id"], article.categories)
        return Placement.UPDATED

    match = exact_match(db, article)
    story_id = match.story_id if match else (matcher or NoNearMatch()).find(db, article)
    if story_id is None:
        story_id = new_story_id(aid)
        stories.create(
            db,
            story_id,
            article_id=aid,
            published=article.published,
            now=now,
            categories=article.categories,
        )
        articles.insert(db, aid, article, story_id=story_id, now=now)
        return Placement.NEW

    articles.insert(db, aid, article, story_id=story_id, now=now)
    current = articles.get(db, stories.representative(db, story_id))
    better = is_better_representative(article, bool(current.content))
    stories.touch(
        db, story_id, now=now, published=article.published, article_id=aid if better else None
    )
    stories.add_categories(db, story_id, article.categories)
    return Placement.DUPLICATE
