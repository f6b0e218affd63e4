"""Dataclasses passed between the stages of a cycle.

fetch.py returns a Fetched; extract/* turn its body into RawItems; normalize.py
turns each RawItem into a store.records.NewArticle; ingest.py reports a SourceResult.
All are plain, picklable data so parsing can run in worker processes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Fetched:
    """One HTTP response (or local file) as the extractors need it."""

    url: str
    status: int
    body: bytes
    headers: dict[str, str]
    etag: str | None = None
    last_modified: str | None = None
    moved_to: str | None = None  # a permanent redirect (301/308) to remember
    elapsed_ms: int = 0

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True)
class Image:
    url: str
    type: str | None = None
    length: int | None = None


def declared_length(attrs: Mapping[str, Any]) -> int | None:
    """The size in bytes an enclosure or media element declares, when it is a positive number.

    RSS puts it in `length`, Media RSS in `fileSize` (read as `filesize`); both parsers use it.
    """
    raw = str(attrs.get("length") or attrs.get("filesize") or "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else None


@dataclass(frozen=True)
class RawItem:
    """An entry as a document states it; dates already zone-aware, text not yet cleaned."""

    key: str  # guid, else link: what identifies the entry within its source
    link: str
    title: str
    author: str | None = None
    summary: str | None = None  # HTML
    content: str | None = None  # HTML
    published: datetime | None = None
    updated: datetime | None = None
    labels: tuple[str, ...] = ()
    image: Image | None = None
    language: str | None = None


@dataclass(frozen=True)
class FeedMeta:
    """What a document says about itself, beyond its items."""

    title: str | None = None
    link: str | None = None
    language: str | None = None
    ttl_minutes: int | None = None
    skip_hours: tuple[int, ...] = ()
    skip_days: tuple[str, ...] = ()
    problem: str | None = None  # a recoverable parse problem worth logging


@dataclass(frozen=True)
class Extracted:
    items: tuple[RawItem, ...]
    meta: FeedMeta = field(default_factory=FeedMeta)


@dataclass
class SourceResult:
    """How one source fared in a cycle: a row of the summary table."""

    source: str
    status: str  # "ok", "not modified", "failed", "skipped"
    new: int = 0
    updated: int = 0
    duplicate: int = 0
    unchanged: int = 0
    seconds: float = 0.0
    error: str | None = None

    @property
    def changed(self) -> bool:
        return bool(self.new or self.updated or self.duplicate)
