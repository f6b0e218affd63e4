"""Store one source's outcome: its articles placed into stories, its fetch state, its log.

prepare.py turns a fetched body into articles, in worker processes when there
are many sources; record_fetched() and record_failure() write what came of one
source in one transaction, so a crash loses at most the source in flight.
ParseJob, Prepared and prepare() are re-exported for callers that import them
from here.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime
from functools import partial

from sqlite_utils import Database

from store import featured as featured_rows
from store import pages as page_rows
from store import sources as source_rows
from store.db import in_transaction
from store.sources import FetchRecords

from .clock import iso
from .config import Source
from .dedup import Deduper, Placement
from .errors import ExtractError, FetchError, SourceError
from .model import Fetched, SourceResult
from .prepare import ParseJob, Prepared, body_hash, prepare

__all__ = [
    "ParseJob",
    "Prepared",
    "body_hash",
    "prepare",
    "record_failure",
    "record_fetched",
    "store_articles",
]

log = logging.getLogger(__name__)


def store_articles(
    db: Database, prepared: Prepared, *, now: datetime, deduper: Deduper
) -> Counter[Placement]:
    """Place every article of one source; call inside the source's transaction."""
    return deduper.place_all(db, prepared.articles, now=now)


def record_fetched(
    db: Database,
    source: Source,
    fetched: Fetched,
    prepared: Prepared | None,
    *,
    now: datetime,
    next_due: datetime,
    deduper: Deduper,
    records: FetchRecords | None = None,
) -> SourceResult:
    """Store a successful fetch (200 or 304) and its articles, in one transaction; the
    source's state and log row go to `records` when given (written with its batch)."""
    if prepared is not None and prepared.error:
        raise ExtractError(source.name, prepared.error)
    # run_cycle() stores several sources to a transaction (cycle.Commits); a savepoint per
    # source would roll back nothing more: what fails here fails before writing, or is a
    # store error that ends the whole transaction.
    with in_transaction(db):
        counts = store_articles(db, prepared, now=now, deduper=deduper) if prepared else Counter()
        if prepared is not None:
            counts[Placement.UNCHANGED] += prepared.unchanged
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
        if records is not None:
            records.success(source.name, **fields)
        else:
            source_rows.record_success(db, source.name, **fields)
        result = SourceResult(
            source.name,
            "not modified" if prepared is None else "ok",
            new=counts[Placement.NEW],
            updated=counts[Placement.UPDATED],
            duplicate=counts[Placement.DUPLICATE],
            unchanged=counts[Placement.UNCHANGED],
        )
        _log_fetch(db, result, now, fetched.status, fetched.elapsed_ms, records)
    return result


def record_failure(
    db: Database,
    source: Source,
    error: SourceError,
    *,
    failures: int,
    now: datetime,
    next_due: datetime,
    records: FetchRecords | None = None,
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
    with in_transaction(db):
        if records is not None:
            records.failure(source.name, **fields)
        else:
            source_rows.record_failure(db, source.name, **fields)
        result = SourceResult(source.name, "failed", error=error.message)
        _log_fetch(db, result, now, status, None, records)
    return result


def _log_fetch(
    db: Database,
    result: SourceResult,
    now: datetime,
    http_status: int | None,
    ms: int | None,
    records: FetchRecords | None,
) -> None:
    log_fetch = partial(source_rows.log_fetch, db) if records is None else records.log
    log_fetch(
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
