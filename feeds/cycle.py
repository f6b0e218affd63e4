"""run_cycle(): the whole pipeline once. `feeds run` and the scheduler both call it.

Sources are fetched concurrently (threads: the work is waiting on sockets),
parsed in worker processes when there are enough of them to pay for the
processes' start (parsing is CPU-bound: feedparser, nh3), and stored one at a
time by this thread as results arrive, several sources to a transaction (see
Commits).
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import stat
import time
from collections.abc import Callable, Iterator
from concurrent.futures import (
    FIRST_COMPLETED,
    Executor,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice

from sqlite_utils import Database

from store import pages as page_rows
from store import sources as source_rows
from store.articles import StoredEntries
from store.records import SourceState
from store.sources import FetchRecords

from . import due
from .config import Config, Source
from .dedup import Deduper
from .errors import SourceError
from .fetch import Fetcher, read_local
from .ingest import record_failure, record_fetched
from .memory import trim
from .model import FeedMeta, Fetched, SourceResult
from .prepare import ParseJob, Prepared, body_hash, prepare
from .publish import PublishReport, publish_all

log = logging.getLogger(__name__)

# Articles stored between two catch-ups of the band index: each holds its keys in memory
# until then (feeds/band_buffer.py, about 800 bytes an article), and one catch-up at the
# end of a cycle writes each index page once.
CATCH_UP_EVERY = 100_000
# Below this many sources to parse, worker processes cost more than they save.
POOL_THRESHOLD = 24


@dataclass
class CycleSummary:
    results: list[SourceResult] = field(default_factory=list)
    published: PublishReport | None = None
    seconds: float = 0.0

    @property
    def failed(self) -> list[SourceResult]:
        return [r for r in self.results if r.status == "failed"]


@dataclass(frozen=True)
class Outcome:
    source: Source
    fetched: Fetched | None = None
    prepared: Prepared | None = None
    error: SourceError | None = None
    seconds: float = 0.0


def run_cycle(
    config: Config,
    db: Database,
    *,
    now: datetime,
    force: bool = False,
    publish: bool = True,
    on_result: Callable[[SourceResult], None] | None = None,
) -> CycleSummary:
    """Fetch every enabled source, store what changed, publish; never raises for a source."""
    with _fewer_collections():
        return _run_cycle(config, db, now=now, force=force, publish=publish, on_result=on_result)


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Run the garbage collector's full passes rarely while a cycle runs.

    A cycle allocates hundreds of thousands of small objects (articles, band
    buckets) and frees almost all of them by reference counting; the default
    thresholds make the collector walk every live object again and again, which
    measured 16 % of a first cycle over 200 feeds. Restored afterwards, so a
    service between cycles collects as usual.
    """
    before = gc.get_threshold()
    gc.set_threshold(50_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _run_cycle(
    config: Config,
    db: Database,
    *,
    now: datetime,
    force: bool,
    publish: bool,
    on_result: Callable[[SourceResult], None] | None,
) -> CycleSummary:
    started = time.monotonic()
    summary = CycleSummary()
    source_rows.sync(db, [(s.name, s.url, s.kind) for s in config.sources])
    states = source_rows.states(db, counted=False)
    todo = []
    for source in config.sources:
        if not source.enabled:
            continue
        state = states.get(source.name)
        reason = due.why_waiting(state, now)
        if force and not (state and state.disabled_reason):
            reason = None
        if reason:
            result = SourceResult(source.name, "skipped", error=reason)
            summary.results.append(result)
            if on_result:
                on_result(result)
        else:
            todo.append(source)

    labels = config.label_index()
    memories = site_memory(db, todo)
    stored = StoredEntries(config.store_path)
    with Fetcher(config.fetch) as fetcher, _parser_pool(len(todo)) as pool, closing(stored):

        def work(source: Source) -> Outcome:
            return fetch_and_prepare(
                config, fetcher, pool, source, states.get(source.name), labels, now,
                memories.get(source.name), stored,
            )  # fmt: skip

        deduper = Deduper(config.dedup)
        deduper.catch_up(db)  # what an interrupted cycle left unindexed
        workers = max(1, config.fetch.concurrency)
        with ThreadPoolExecutor(max_workers=workers) as threads, Commits(db) as commits:
            outcomes = _bounded(
                threads,
                work,
                todo,
                # As many fetched but unstored sources as fetching threads: storing
                # takes a core's worth of work, and twice that held 12 MB more for no speed.
                window=workers,
                idle=commits.idle,
                patience=commits.patience,
                # Parsing sets the pace until the last source; the band index is
                # written meanwhile rather than all at the end.
                spare=lambda: deduper.index_ahead(db),
            )
            for outcome in outcomes:
                commits.before()
                result = store_outcome(
                    config, db, deduper, outcome, states, now, records=commits.records
                )
                if deduper.pending >= CATCH_UP_EVERY:
                    deduper.catch_up(db)  # keeps the in-memory band index small
                commits.after(result.new + result.updated + result.duplicate)
                summary.results.append(result)
                if on_result:
                    on_result(result)
        deduper.catch_up(db)
        trim()

    if publish:
        summary.published = publish_all(config, db, now=now)
    summary.seconds = time.monotonic() - started
    return summary


class Commits:
    """Several sources to a transaction: committed every 5 seconds or 5,000 articles,
    and when the next source is slow to come.

    Each commit writes every index page the transaction touched; a source's 50
    articles touch pages in six indexes, so a commit per source wrote most of
    those pages again and again (a fifth of the time of storing, when sources
    arrive faster than one thread stores them; committing every 5,000 articles
    rather than every 1,000 saved another seventh). A source whose document
    cannot be read fails before it writes anything, so it needs no savepoint; a
    crash loses at most the last few seconds' sources, which the next cycle
    fetches again (their fetch state is in the same transaction). Another writer
    waits at most that long (the busy timeout is 30 s); readers never wait (WAL).
    While waiting for the network the transaction is committed once its time is
    up (idle()), not at every gap between two sources: each statement of the
    storing thread lets the fetching threads take the interpreter for a while.
    """

    EVERY_SECONDS = 5.0
    EVERY_ARTICLES = 5000

    def __init__(self, db: Database) -> None:
        self.db = db
        self.articles = 0
        self.since = 0.0
        self.records = FetchRecords()  # the sources' fetch records, written at each commit

    def __enter__(self) -> Commits:
        return self

    def before(self) -> None:
        """A source is about to be stored: open a transaction if none is."""
        if not self.db.conn.in_transaction:
            self.db.conn.execute("BEGIN IMMEDIATE")
            self.articles, self.since = 0, time.monotonic()

    def after(self, articles: int) -> None:
        """A source was stored: commit if enough has accumulated."""
        self.articles += articles
        if self.articles >= self.EVERY_ARTICLES or (
            time.monotonic() - self.since >= self.EVERY_SECONDS
        ):
            self.idle()

    def patience(self) -> float | None:
        """How long to wait for the next source before committing what is stored."""
        if not self.db.conn.in_transaction:
            return None
        return max(0.0, self.since + self.EVERY_SECONDS - time.monotonic())

    def idle(self) -> None:
        """Nothing to store for now: commit what is stored."""
        if self.db.conn.in_transaction:
            self.records.write(self.db)
            self.db.conn.execute("COMMIT")
            trim()

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if self.db.conn.in_transaction:
            if kind:
                self.db.conn.execute("ROLLBACK")
            else:
                self.idle()


def _bounded(
    threads: ThreadPoolExecutor,
    work: Callable[[Source], Outcome],
    sources: list[Source],
    *,
    window: int,
    idle: Callable[[], None] = lambda: None,
    patience: Callable[[], float | None] = lambda: 0.0,
    spare: Callable[[], bool] = lambda: False,
) -> Iterator[Outcome]:
    """Outcomes as they complete, with at most `window` fetched but not yet stored;
    while none is ready, `spare()` does a little deferred work (it returns whether
    any is left), and `idle` is called when none has come within `patience()`
    seconds (None: never).

    Fetching and parsing outrun storing; unbounded, a thousand parsed sources would
    wait in memory for the one thread that stores.
    """
    pending = iter(sources)
    running = {threads.submit(work, source) for source in islice(pending, window)}
    while running:
        done, running = wait(running, timeout=0, return_when=FIRST_COMPLETED)
        while not done and spare():
            done, running = wait(running, timeout=0, return_when=FIRST_COMPLETED)
        if not done:
            done, running = wait(running, timeout=patience(), return_when=FIRST_COMPLETED)
        if not done:
            idle()
            done, running = wait(running, return_when=FIRST_COMPLETED)
        for future in done:
            yield future.result()
            running |= {threads.submit(work, source) for source in islice(pending, 1)}


@contextmanager
def _parser_pool(jobs: int) -> Iterator[Executor | None]:
    pool = parser_pool(jobs)
    if pool is None:
        yield None
        return
    with pool:
        yield pool


def parser_pool(jobs: int) -> ProcessPoolExecutor | None:
    """Worker processes for parsing, one per core but the storing thread's, when there
    are enough sources to pay (on one core, parsing stays in the fetching threads).

    The thread that stores needs a core of its own (about as much CPU as the
    worker's in a first cycle): on two cores a second worker parsed ahead only to
    wait, and cost its memory (about 50 MB) and the storing thread's CPU. The
    worker runs at its parent's priority: it is the lane that sets a first
    cycle's pace, and niced it lost its core whenever one of the parent's threads
    woke (six pairs of fresh first cycles over 1,000 feeds, alternating: faster
    five times, by 5 s at the median).

    spawn, not fork: the parent has threads (HTTP, the scheduler) by then. Not
    forkserver either: a worker forked from a fork server that preloads nothing
    imports as much as a spawned one, and the server is one more process (13 MB)
    for as long as `feeds serve` runs; preloaded, prepare.py's libraries would
    stay in it between cycles, and (Python 3.11 to 3.13) it imports them with
    the current directory first on sys.path, where a `feeds/` or `store/` folder
    would shadow the packages. A worker imports prepare.py for the jobs and, as
    the `feeds` script's __main__, cli.py: both keep their imports light.
    """
    cores = os.cpu_count() or 1
    workers = max(1, cores - 1)
    if jobs < POOL_THRESHOLD or cores < 2:
        return None
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_widen_pipes,
    )


# Room in each pipe between a worker and its parent: a feed's parsed articles (about
# 270 KB pickled for 50 entries) fit at once. Linux allows up to 1 MiB unprivileged.
PIPE_BYTES = 1 << 20


def _widen_pipes() -> None:
    """Let a worker send a whole result without waiting for its parent to read it.

    A pipe holds 64 KiB by default, so a worker's result went through in six
    pieces, each waiting until the parent's result thread took the previous
    one, which needs the interpreter lock the storing thread holds most of the
    time: a worker stood 7 ms between two sources, 1.9 s more over 1,000 feeds
    than with room for the whole result. The worker's only pipes are the
    pool's queues (and the resource tracker's, which this does not harm).
    Linux only; elsewhere, or if refused, the pipes stay as they are.
    """
    try:
        import fcntl  # POSIX only
    except ImportError:
        return
    setsize = getattr(fcntl, "F_SETPIPE_SZ", None)  # Linux only
    if setsize is None:
        return
    for fd in _pipes():
        with suppress(OSError):
            fcntl.fcntl(fd, setsize, PIPE_BYTES)


def _pipes() -> Iterator[int]:
    """The file descriptors of the pipes this process holds (none where /proc is not)."""
    with suppress(OSError):
        for name in os.listdir("/proc/self/fd"):
            with suppress(OSError):  # the listing's own descriptor is closed by now
                if stat.S_ISFIFO(os.fstat(int(name)).st_mode):
                    yield int(name)


def fetch_and_prepare(
    config: Config,
    fetcher: Fetcher,
    pool: Executor | None,
    source: Source,
    state: SourceState | None,
    labels: dict[str, str],
    now: datetime,
    memory: SiteMemory | None = None,
    stored: Callable[[str], frozenset[str]] | None = None,
) -> Outcome:
    """Fetch one source and turn what changed into articles; never raises for the source.

    `stored` gives the entry hashes of a source's stored articles: a feed's entries
    stored as they are now are not normalised again (most of a feed that changed).
    """
    started = time.monotonic()
    try:
        if source.is_local:
            fetched = read_local(source.name, config.local_path(source.url), config.fetch.max_bytes)
        else:
            url = (state.fetch_url if state else None) or source.url
            fetched = fetcher.get(
                source.name,
                url,
                etag=state.etag if state else None,
                last_modified=state.last_modified if state else None,
                now=now,
            )
        unchanged = fetched.not_modified or bool(
            state and state.body_hash == body_hash(fetched.body)
        )
        if source.kind != "feed":
            memory = memory or SiteMemory()
            if unchanged and not memory.queued:
                return Outcome(source, fetched, None, seconds=time.monotonic() - started)
            prepared = _prepare_site(
                config, fetcher, source, fetched, unchanged, labels, now, memory
            )
            return Outcome(source, fetched, prepared, seconds=time.monotonic() - started)
    except SourceError as exc:
        return Outcome(source, error=exc, seconds=time.monotonic() - started)
    if unchanged:
        return Outcome(source, fetched, None, seconds=time.monotonic() - started)
    job = ParseJob(
        source=source.name,
        kind=source.kind,
        url=fetched.url,
        body=fetched.body,
        headers=fetched.headers,
        category=source.category,
        labels=labels,
        zone=config.site.timezone,
        now=now,
        stored=stored(source.name) if stored else frozenset(),
    )
    future: Future[Prepared] | None = pool.submit(prepare, job) if pool else None
    prepared = future.result() if future else prepare(job)
    return Outcome(source, fetched, prepared, seconds=time.monotonic() - started)


@dataclass(frozen=True)
class SiteMemory:
    """What an html or sitemap source's fetch needs from the store: known and queued pages."""

    known: frozenset[str] = frozenset()
    queued: tuple[str, ...] = ()


def site_memory(db: Database, sources: list[Source]) -> dict[str, SiteMemory]:
    names = [s.name for s in sources if s.kind != "feed"]
    known, queued = page_rows.known_urls(db, names), page_rows.queued(db, names)
    return {
        name: SiteMemory(frozenset(known.get(name, ())), queued.get(name, ())) for name in names
    }


def _prepare_site(
    config: Config,
    fetcher: Fetcher,
    source: Source,
    first: Fetched,
    unchanged: bool,
    labels: dict[str, str],
    now: datetime,
    memory: SiteMemory,
) -> Prepared:
    """Walk an html or sitemap source and normalise the articles its pages gave."""
    from . import sites  # page extraction (lxml.html, trafilatura): for these sources only
    from .normalize import Context, normalize_item

    pages = sites.Pages(config, fetcher, source, now)
    found = sites.harvest(
        config,
        pages,
        source,
        first,
        walk=not unchanged,
        known=memory.known.__contains__,
        queued=memory.queued,
    )
    articles = []
    for item in found.items:
        ctx = Context(source.name, item.link, source.category, labels, now)
        if (article := normalize_item(item, ctx)) is not None:
            articles.append(article)
    for url, why in found.skipped:
        log.info("page skipped source=%s url=%s why=%s", source.name, url, why)
    return Prepared(
        tuple(articles),
        FeedMeta(),
        picks=found.picks,
        queued=found.queued,
        skipped=found.skipped,
        fields=found.fields,
    )


def store_outcome(
    config: Config,
    db: Database,
    deduper: Deduper,
    outcome: Outcome,
    states: dict[str, SourceState],
    now: datetime,
    *,
    records: FetchRecords | None = None,
) -> SourceResult:
    """Store one source's outcome; its fetch record goes to `records` when given."""
    source = outcome.source
    state = states.get(source.name)
    interval = config.source_interval(source)
    started = time.monotonic()
    try:
        if outcome.error:
            raise outcome.error
        assert outcome.fetched is not None
        result = record_fetched(
            db,
            source,
            outcome.fetched,
            outcome.prepared,
            now=now,
            next_due=_next_due(config, source, outcome, state, now),
            deduper=deduper,
            records=records,
        )
        if outcome.prepared and outcome.prepared.meta.problem:
            result.error = f"recovered from a malformed document: {outcome.prepared.meta.problem}"
    except SourceError as exc:
        failures = (state.failures if state else 0) + 1
        retry = getattr(exc, "retry_after", None)
        result = record_failure(
            db,
            source,
            exc,
            failures=failures,
            now=now,
            next_due=min(
                due.next_due(now, interval, failures=failures, retry_after=retry),
                now + max(config.max_interval, interval),
            ),
            records=records,
        )
        log.warning("source failed source=%s error=%s", source.name, exc.message)
    else:
        log.info(
            "source done source=%s status=%s new=%d updated=%d duplicate=%d",
            source.name,
            result.status,
            result.new,
            result.updated,
            result.duplicate,
        )
    result.seconds = outcome.seconds + (time.monotonic() - started)
    return result


def _next_due(
    config: Config, source: Source, outcome: Outcome, state: SourceState | None, now: datetime
) -> datetime:
    """After a success: the source's interval, or later if its response or feed asks."""
    assert outcome.fetched is not None
    meta = outcome.prepared.meta if outcome.prepared else None
    ttl = meta.ttl_minutes if meta else (state.ttl_minutes if state else None)
    asked = due.asked_by(
        outcome.fetched.headers,
        now=now,
        ttl_minutes=ttl,
        skip_hours=meta.skip_hours if meta else (),
        skip_days=meta.skip_days if meta else (),
    )
    return due.next_fetch(
        now, config.source_interval(source), asked=asked, max_interval=config.max_interval
    )
