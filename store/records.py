"""The records the store accepts and returns.

NewArticle goes in (built by feeds/normalize.py); the *Row classes come out of
queries. store/ never imports feeds/, so these are its own plain dataclasses.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class NewArticle:
    """One normalised entry of one source, ready to store."""

    source: str
    guid: str
    url: str  # canonical: lower-case host, no fragment, no tracking keys, sorted query
    link: str  # as the source gave it
    title: str
    author: str | None
    summary: str | None  # sanitised HTML
    content: str | None  # sanitised HTML
    # Its plain text is not carried: made again from content or summary where it is
    # needed (feeds.text.article_text), it is neither pickled from the worker nor stored.
    text_hash: str | None  # of the normalised text; None when too short to identify a story
    content_hash: str  # of everything published: a change means "updated"
    published: datetime
    updated: datetime | None
    categories: tuple[str, ...]
    labels: tuple[str, ...]
    image_url: str | None = None
    image_type: str | None = None
    image_length: int | None = None
    language: str | None = None
    title_key: str = ""  # the title without outlet furniture, folded
    shingles: int = 0  # distinct word 3-grams of the text
    keys: tuple[int, ...] = ()  # LSH band keys of the text and of its lead
    # Computed with the keys, in the worker that normalised the article, so the thread
    # that stores need not read the text again; not stored.
    shingle_set: bytes = b""  # distinct word 3-gram hashes, sorted uint32
    figures: tuple[str, ...] | None = None  # the numbers in the text
    # What normalising read of the entry, hashed (normalize.entry_hash): stored, so that
    # the same entry in the next fetch is known unchanged before it is normalised.
    entry_hash: str = ""


@dataclass(frozen=True)
class Candidate:
    """A stored article that may be the same story as a new one."""

    id: str
    story_id: str
    source: str
    title: str
    title_key: str
    text: str  # plain text, as earlier versions stored it; '': derived from `body`
    published: str
    shingles: int
    body: str  # the content (else the summary) HTML, when `text` is ''

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Candidate:
        return cls(**{k: row[k] for k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class SourceState:
    """What the store remembers of a source between cycles."""

    name: str
    url: str
    fetch_url: str | None
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    failures: int
    last_fetch_at: str | None
    last_success_at: str | None
    last_error: str | None
    next_due_at: str | None
    retry_after_until: str | None
    disabled_reason: str | None
    ttl_minutes: int | None = None
    item_count: int = 0

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> SourceState:
        return cls(**{k: row.get(k) for k in cls.__dataclass_fields__})  # type: ignore[arg-type]


@dataclass(frozen=True)
class ArticleRow:
    id: str
    source: str
    url: str
    link: str
    title: str
    author: str | None
    summary: str | None
    content: str | None
    published: str
    updated: str | None
    image_url: str | None
    image_type: str | None
    image_length: int | None
    categories: tuple[str, ...]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ArticleRow:
        values = {k: row.get(k) for k in cls.__dataclass_fields__}
        values["categories"] = tuple(json.loads(row.get("categories") or "[]"))
        return cls(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Copy:
    """Another outlet's article in a story: shown as "Cũng đăng trên"."""

    source: str
    link: str


@dataclass(frozen=True)
class StoryRow:
    """A deduplicated story with its representative article and the copies."""

    id: str
    published: str
    updated: str
    article: ArticleRow
    categories: tuple[str, ...]
    copies: tuple[Copy, ...]


@dataclass(frozen=True)
class StoryKey:
    """What a published item's bytes depend on, from the stories table alone.

    Any change to a story's article, copies or categories moves its `updated`.
    """

    id: str
    updated: str
    published: str
    article_id: str
