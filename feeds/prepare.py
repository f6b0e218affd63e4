"""A fetched body -> articles: extract and normalise, the part of ingesting run in workers.

cycle.py submits prepare() to its worker processes when there are many sources
(or calls it in the fetching thread when there are few); ingest.py stores what
it returns. Pure and picklable both ways. This module and what it imports are
all a worker loads, so they stay clear of the store's sqlite-utils, the HTTP
client and the html/article extraction: each would add megabytes to every
worker process. The parsers and normalisers are imported on first use: a
cycle where every source answered 304 needs only ParseJob, Prepared and
body_hash from here.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from store.records import NewArticle

from .errors import ExtractError, SourceError
from .model import Extracted, FeedMeta, RawItem

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
    stored: frozenset[str] = frozenset()  # entry hashes of the source's stored articles


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
    unchanged: int = 0  # entries known stored as they are, not normalised again


def body_hash(body: bytes) -> str:
    return hashlib.sha1(body).hexdigest()


def prepare(job: ParseJob) -> Prepared:
    """Extract and normalise; errors come back as text (exceptions do not pickle well)."""
    from .normalize import Context, entry_hash, normalize_item  # loaded on first use

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
    articles = []
    unchanged = 0
    for item in items:
        if job.stored and entry_hash(item, job.url) in job.stored:
            unchanged += 1  # stored as it is: normalising it would give the same article
            continue
        try:
            article = normalize_item(item, ctx)
        except Exception as exc:  # one odd entry must not cost the whole feed
            log.warning("entry skipped source=%s link=%r error=%r", job.source, item.link, exc)
            continue
        if article is not None:
            articles.append(article)
    return Prepared(tuple(articles), meta, unchanged=unchanged)


def newest(items: tuple[RawItem, ...], limit: int) -> tuple[RawItem, ...]:
    """At most `limit` entries of a document, the newest: a feed of 10,000 entries is history."""
    if len(items) <= limit:
        return items
    dated = sorted(items, key=lambda i: i.published or i.updated or _NO_DATE, reverse=True)
    return tuple(dated[:limit])


_SKIP_HOURS = re.compile(rb"<skipHours>(.*?)</skipHours>", re.S | re.I)
_SKIP_DAYS = re.compile(rb"<skipDays>(.*?)</skipDays>", re.S | re.I)
_SKIP_ANY = re.compile(rb"<skip(?:Hours|Days)>", re.I)
_HOUR = re.compile(rb"<hour>\s*(\d{1,2})\s*</hour>", re.I)
_DAY = re.compile(rb"<day>\s*([A-Za-z]+)\s*</day>", re.I)


def skips(body: bytes) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """RSS <skipHours> (UTC) and <skipDays>, which feedparser does not read."""
    head = body[:200_000]
    if not _SKIP_ANY.search(head):  # most feeds have neither: one scan, not two
        return (), ()
    hours_block = _SKIP_HOURS.search(head)
    days_block = _SKIP_DAYS.search(head)
    hours = {int(h) for h in _HOUR.findall(hours_block.group(1))} if hours_block else set()
    days = (
        [d.decode().capitalize() for d in _DAY.findall(days_block.group(1))] if days_block else []
    )
    return tuple(sorted(h for h in hours if h < 24)), tuple(days)


def _extract(job: ParseJob) -> Extracted:
    from .extract.feed import extract_feed  # lxml, feedparser: loaded on first use

    if job.kind == "feed":
        return extract_feed(
            job.body,
            source=job.source,
            url=job.url,
            headers=dict(job.headers),
            zone=ZoneInfo(job.zone),
        )
    raise ExtractError(job.source, f'kind = "{job.kind}" sources are not supported yet')
