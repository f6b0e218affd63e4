"""One source end to end: fetch -> extract -> normalize -> store.

prepare() turns a fetched body into articles. It is pure and picklable, so the
cycle runs it in worker processes when there are many sources. store_result()
writes one source's outcome in one transaction: a crash loses at most the
source in flight.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from store import featured as featured_rows
from store import pages as page_rows
from store import sources as source_rows
from store.db import writing
from store.records import NewArticle

from .clock import iso
from .config import Source
from .dedup import Deduper, Placement
from .errors import ExtractError, FetchError, SourceError
from .extract.feed import extract_feed
from .model import Extracted, FeedMeta, Fetched, RawItem, SourceResult
from .normalize import Context, normalize_item

log = logging.getLogger(__name__)


# Entries read from one document at most; feeds carry tens, archives thousands.
MAX_ENTRIES = 500
_NO_DATE = datetime(1900, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class ParseJob:
    source: str
    kind: str
    url: str
    body: bytes
    headers: Mapping[str, str]
    category: str | None
    labels: Mapping[str, str]
    zone: str
    now: datetime


@dataclass(frozen=True)
class Prepared:
    """A parsed body: the articles, or the reason there are none."""

    articles: tuple[NewArticle, ...] = ()
    meta: FeedMeta = field(default_factory=FeedMeta)
    error: str | None = None
    picks: tuple[tuple[str, str, str, int], ...] = ()  # html/sitemap: editors' boxes seen
    queued: tuple[str, ...] | None = None  # html/sitemap: pages left for the next cycle
    skipped: tuple[tuple[str, str], ...] = ()  # html/sitemap: (url, why) pages given up on
    fields: tuple[tuple[str, dict[str, str]], ...] = ()  # html/sitemap: where each field came from


def body_hash(body: bytes) -> str:
    return hashlib.sha1(body).hexdigest()


def prepare(job: ParseJob) -> Prepared:
    """Extract and normalise; errors come back as text (exceptions do not pickle well)."""
    try:
        extracted = _extract(job)
    except SourceError as exc:
        return Prepared(error=exc.message)
    ctx = Context(job.source, job.url, job.category, job.labels, job.now)
    meta = extracted.meta
    if job.kind == "feed":
        hours, days = skips(job.body)
        meta = replace(meta, skip_hours=hours, skip_days=days)
    items = newest(extracted.items, MAX_ENTRIES)
    articles = tuple(a for item in items if (a := normalize_item(item, ctx)) is not None)
    return Prepared(articles, meta)


def newest(items: tuple[RawItem, ...], limit: int) -> tuple[RawItem, ...]:
    """At most `limit` entries of a document, the newest: a feed of 10,000 entries is history."""
    if len(items) <= limit:
        return items
    dated = sorted(items, key=lambda i: i.published or i.updated or _NO_DATE, reverse=True)
    return tuple(dated[:limit])


_SKIP_HOURS = re.compile(rb"<skipHours>(.*?)</skipHours>", re.S | re.I)
_SKIP_DAYS = re.compile(rb"<skipDays>(.*?)</skipDays>", re.S | re.I)
_HOUR = re.compile(rb"<hour>\s*(\d{1,2})\s*</hour>", re.I)
_DAY = re.compile(rb"<day>\s*([A-Za-z]+)\s*</day>", re.I)


def skips(body: bytes) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """RSS <skipHours> (UTC) and <skipDays>, which feedparser does not read."""
    head = body[:200_000]
    hours_block = _SKIP_HOURS.search(head)
    days_block = _SKIP_DAYS.search(head)
    hours = {int(h) for h in _HOUR.findall(hours_block.group(1))} if hours_block else set()
    days = (
        [d.decode().capitalize() for d in _DAY.findall(days_block.group(1))] if days_block else []
    )
    return tuple(sorted(h for h in hours if h < 24)), tuple(days)


def _extract(job: ParseJob) -> Extracted:
    if job.kind == "feed":
        return extract_feed(
            job.body,
            source=job.source,
            url=job.url,
            headers=dict(job.headers),
            zone=ZoneInfo(job.zone),
        )
    raise ExtractError(job.source, f'kind = "{job.kind}" sources are not supported yet')


def store_articles(
    db: Database, prepared: Prepared, *, now: datetime, deduper: Deduper
) -> Counter[Placement]:
    """Place every article of one source; call inside the source's transaction."""
    counts: Counter[Placement] = Counter()
    for article in prepared.articles:
        counts[deduper.place(db, article, now=now)] += 1
    return counts


def record_fetched(
    db: Database,
    source: Source,
    fetched: Fetched,
    prepared: Prepared | None,
    *,
    now: datetime,
    next_due: datetime,
    deduper: Deduper,
) -> SourceResult:
    """Store a successful fetch (200 or 304) and its articles, in one transaction."""
    if prepared is not None and prepared.error:
        raise ExtractError(source.name, prepared.error)
    with writing(db):
        counts = store_articles(db, prepared, now=now, deduper=deduper) if prepared else Counter()
        fields = {
            "last_fetch_at": iso(now),
            "last_success_at": iso(now),
            "last_status": fetched.status,
            "next_due_at": iso(next_due),
            "etag": fetched.etag,
            "last_modified": fetched.last_modified,
        }
        if fetched.status != 304:
            fields["body_hash"] = body_hash(fetched.body)
        if prepared is not None:
            fields["title"] = prepared.meta.title
            fields["ttl_minutes"] = prepared.meta.ttl_minutes
            if prepared.meta.problem:
                fields["last_error"] = (
                    f"warning: read despite a malformed document: {prepared.meta.problem}"
                )
            if prepared.picks:
                featured_rows.record_picks(
                    db,
                    [
                        (slug, url, source.name, heading, pos)
                        for slug, url, heading, pos in prepared.picks
                    ],
                    now=now,
                )
            if prepared.queued is not None:
                page_rows.set_queue(db, source.name, prepared.queued, now=now)
        if fetched.moved_to and fetched.moved_to != source.url:
            log.info("source moved source=%s url=%s", source.name, fetched.moved_to)
            fields["fetch_url"] = fetched.moved_to
        source_rows.record_success(db, source.name, **fields)
        result = SourceResult(
            source.name,
            "not modified" if prepared is None else "ok",
            new=counts[Placement.NEW],
            updated=counts[Placement.UPDATED],
            duplicate=counts[Placement.DUPLICATE],
            unchanged=counts[Placement.UNCHANGED],
        )
        _log_fetch(db, result, now, fetched.status, fetched.elapsed_ms)
    return result


def record_failure(
    db: Database,
    source: Source,
    error: SourceError,
    *,
    failures: int,
    now: datetime,
    next_due: datetime,
) -> SourceResult:
    fields: dict[str, object] = {
        "failures": failures,
        "last_fetch_at": iso(now),
        "last_error": error.message,
        "next_due_at": iso(next_due),
    }
    status = None
    if isinstance(error, FetchError):
        status = error.status
        fields["last_status"] = status
        if error.retry_after:
            fields["retry_after_until"] = iso(error.retry_after)
        if error.gone:
            fields["disabled_reason"] = error.message
    with writing(db):
        source_rows.record_failure(db, source.name, **fields)
        result = SourceResult(source.name, "failed", error=error.message)
        _log_fetch(db, result, now, status, None)
    return result


def _log_fetch(
    db: Database, result: SourceResult, now: datetime, http_status: int | None, ms: int | None
) -> None:
    source_rows.log_fetch(
        db,
        source=result.source,
        at=iso(now),
        status=result.status,
        http_status=http_status,
        ms=ms,
        new=result.new,
        updated=result.updated,
        duplicate=result.duplicate,
        error=result.error,
    )
