"""`feeds serve`: the scheduler as a long-running service, and the feeds over HTTP.

APScheduler 3 runs one interval job per source (±10 % jitter, one instance at
a time, missed runs coalesced). The trigger only wakes the job: whether it
fetches is decided by due.should_fetch() on the state the store holds (backoff
after failures, Retry-After, what the feed asked), so the schedule survives a
restart: on start every source resumes at its stored due time, and overdue
ones are spread over their interval instead of all firing at once.
Jobs fetch and parse concurrently; storing takes one lock, so one job at a
time writes. A change republishes after a short debounce. config.toml is
reloaded when it changes or on SIGHUP (an invalid file is refused, the running
config stays); SIGTERM/SIGINT stop cleanly within seconds.
"""

from __future__ import annotations

import logging
import random
import signal
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from store import articles as article_rows
from store import open_store, stories
from store import sources as source_rows

from . import config as config_module
from . import due
from .clock import from_iso, utc_now
from .config import Config, Source
from .cycle import Outcome, fetch_and_prepare, parser_pool, site_memory, store_outcome
from .dedup import Deduper
from .errors import ConfigError, FeedsError
from .fetch import Fetcher
from .model import SourceResult
from .publish import publish_all
from .web import WebServer, create_app

log = logging.getLogger(__name__)

STOP_WITHIN = 8.0  # seconds to let in-flight fetches finish on SIGTERM
FIRST_RUN_SPREAD = timedelta(seconds=30)  # for sources never fetched before
WATCH_EVERY = 2  # seconds between checks of config.toml's modification time


class Service:
    """Everything `feeds serve` runs; `run()` blocks until a stop signal."""

    def __init__(self, config: Config, *, host: str | None = None, port: int | None = None) -> None:
        self.config = config
        self.host, self.port = host or config.host, port if port is not None else config.port
        self.db = open_store(config.store_path)
        self.reader = open_store(config.store_path)  # health checks read on their own connection
        self.write_lock = threading.Lock()
        self.read_lock = threading.Lock()
        self.deduper = Deduper(config.dedup)
        self.fetcher = Fetcher(config.fetch)
        # Parsing in worker processes keeps the web server's thread responsive during a burst.
        self.pool = parser_pool(len(config.sources))
        self.stopping = threading.Event()
        self.reload_requested = threading.Event()
        self.active = 0
        self.active_lock = threading.Condition()
        self.metrics = Metrics()
        self.config_mtime = _mtime(config.path)
        self.scheduler = BackgroundScheduler(
            timezone="UTC",
            executors={"default": ThreadPoolExecutor(max(2, config.fetch.concurrency))},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
        )
        self.web = WebServer(
            create_app(
                publish_dir=config.publish_dir,
                health=self.health,
                metrics=self.metrics_text,
                max_age=self.max_age,
            ),
            host=self.host,
            port=self.port,
        )

    # --- lifecycle -------------------------------------------------------------------

    def run(self) -> int:
        self._install_signals()
        self.web.start()
        log.info(
            "serving host=%s port=%d dir=%s", self.host, self.web.port, self.config.publish_dir
        )
        self._sync_sources()
        self.scheduler.start()
        self._schedule_all(first=True)
        self.scheduler.add_job(self._republish, id="publish", trigger=DateTrigger(utc_now()))
        while not self.stopping.is_set():
            self.stopping.wait(WATCH_EVERY)
            if self.reload_requested.is_set() or _mtime(self.config.path) != self.config_mtime:
                self.reload_requested.clear()
                self.reload()
        self._stop()
        return 0

    def _install_signals(self) -> None:
        def stop(signum: int, frame: FrameType | None) -> None:
            log.info("stopping signal=%s", signal.Signals(signum).name)
            self.stopping.set()

        def reload(signum: int, frame: FrameType | None) -> None:
            self.reload_requested.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGHUP, reload)

    def _stop(self) -> None:
        """No new jobs; in-flight fetches get a few seconds, then their results are dropped."""
        self.scheduler.pause()
        deadline = time.monotonic() + STOP_WITHIN
        with self.active_lock:
            while self.active and time.monotonic() < deadline:
                self.active_lock.wait(0.1)
        self.scheduler.shutdown(wait=False)
        self.fetcher.close()  # aborts any fetch still running
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
        self.web.stop(timeout=1.0)
        with self.write_lock:  # no transaction is half-done past this point
            self.db.close()
        self.reader.close()
        log.info("stopped")

    # --- scheduling ----------------------------------------------------------------

    def _sync_sources(self) -> None:
        with self.write_lock:
            source_rows.sync(self.db, [(s.name, s.url, s.kind) for s in self.config.sources])

    def _schedule_all(self, *, first: bool) -> None:
        now = utc_now()
        with self.read_lock:
            states = source_rows.states(self.reader, counted=False)
        for source in self.config.sources:
            if not source.enabled:
                continue
            state = states.get(source.name)
            stored = from_iso(state.next_due_at) if state and state.next_due_at else None
            interval = self.config.source_interval(source)
            if stored and stored > now:
                when = min(stored, now + interval)
            else:
                spread = interval if state and state.last_fetch_at else FIRST_RUN_SPREAD
                when = now + min(spread, interval) * random.random()
            if first or self.scheduler.get_job(_job_id(source.name)) is None:
                self._schedule(source, when)

    def _schedule(self, source: Source, first_run: datetime) -> None:
        interval = self.config.source_interval(source)
        self.scheduler.add_job(
            self._fetch_job,
            trigger=IntervalTrigger(
                seconds=interval.total_seconds(),
                start_date=first_run,
                jitter=max(1, int(interval.total_seconds() * due.JITTER)),
                timezone="UTC",
            ),
            args=[source.name],
            id=_job_id(source.name),
            name=f"fetch {source.name}",
            replace_existing=True,
            next_run_time=first_run,
            misfire_grace_time=max(1, int(interval.total_seconds())),
        )

    def _fetch_job(self, name: str) -> None:
        source = next((s for s in self.config.sources if s.name == name and s.enabled), None)
        if source is None or self.stopping.is_set():
            return
        with self.active_lock:
            self.active += 1
        try:
            self._fetch(source)
        finally:
            with self.active_lock:
                self.active -= 1
                self.active_lock.notify_all()

    def _fetch(self, source: Source) -> None:
        config = self.config
        now = utc_now()
        with self.read_lock:
            state = source_rows.state(self.reader, source.name)
            memory = site_memory(self.reader, [source]).get(source.name)
        if not due.should_fetch(state, now, config.source_interval(source)):
            return
        started = time.monotonic()
        outcome: Outcome = fetch_and_prepare(
            config, self.fetcher, self.pool, source, state, config.label_index(), now, memory,
            self._stored_entries,
        )  # fmt: skip
        if self.stopping.is_set():
            return  # stopping: the fetched result is dropped, nothing half-written
        with self.write_lock:
            result = store_outcome(
                config, self.db, self.deduper, outcome, {source.name: state} if state else {}, now
            )
            self.deduper.catch_up(self.db)
            after = source_rows.state(self.db, source.name)
        self.metrics.record(result, time.monotonic() - started)
        if result.changed:
            self._schedule_publish()
        if after and after.disabled_reason:
            log.warning("source disabled source=%s reason=%s", source.name, after.disabled_reason)

    def _stored_entries(self, source: str) -> frozenset[str]:
        with self.read_lock:
            return article_rows.entry_hashes(self.reader.conn, source)

    def _schedule_publish(self) -> None:
        if not self.stopping.is_set():
            when = utc_now() + self.config.publish_debounce
            self.scheduler.add_job(
                self._republish, trigger=DateTrigger(when), id="publish", replace_existing=True
            )

    def _republish(self) -> None:
        with self.write_lock:
            report = publish_all(self.config, self.db, now=utc_now())
        self.metrics.published(len(report.written))

    # --- reload ----------------------------------------------------------------------

    def reload(self) -> None:
        """Swap in a new config.toml if it is valid; otherwise keep the running one."""
        self.config_mtime = _mtime(self.config.path)
        try:
            new = config_module.load(self.config.path)
        except ConfigError as exc:
            log.error("config reload refused error=%s", exc)
            return
        if (new.store_path, new.publish_dir) != (self.config.store_path, self.config.publish_dir):
            log.error("config reload refused error=store.path and publish.dir need a restart")
            return
        old = {s.name: s for s in self.config.sources}
        self.config = new
        self.deduper.settings = new.dedup
        self._sync_sources()
        current = {s.name: s for s in new.sources if s.enabled}
        for name in set(old) - set(current):
            if self.scheduler.get_job(_job_id(name)):
                self.scheduler.remove_job(_job_id(name))
        now = utc_now()
        for name, source in current.items():
            if name not in old or old[name] != source:
                soon = FIRST_RUN_SPREAD * random.random()
                self._schedule(source, now + min(soon, self.config.source_interval(source)))
        self._schedule_publish()
        added, removed = len(set(current) - set(old)), len(set(old) - set(current))
        log.info("config reloaded sources=%d added=%d removed=%d", len(current), added, removed)

    # --- what the web server asks ----------------------------------------------------

    def max_age(self, path: str) -> int:
        """Readers may cache a file for half the shortest fetch interval."""
        intervals = [self.config.source_interval(s) for s in self.config.sources if s.enabled]
        shortest = min(intervals, default=self.config.interval)
        return max(30, int(shortest.total_seconds() // 2))

    def health(self) -> dict[str, Any]:
        try:
            with self.read_lock:
                states = source_rows.states(self.reader)
                total = stories.count(self.reader)
        except Exception as exc:  # the database itself is what is being checked
            return {"status": "error", "database": f"error: {exc}"}
        configured = {s.name for s in self.config.sources}
        return {
            "status": "ok",
            "database": "ok",
            "stories": total,
            "sources": {
                name: {
                    "last_success": state.last_success_at,
                    "last_error": state.last_error,
                    "next_due": state.next_due_at,
                    "failures": state.failures,
                    "items": state.item_count,
                }
                for name, state in states.items()
                if name in configured
            },
        }

    def metrics_text(self) -> str:
        with self.read_lock:
            total = stories.count(self.reader)
        return self.metrics.render(stories=total, sources=len(self.config.sources))


class Metrics:
    """Counters for /metrics, in the Prometheus text format."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.fetches: Counter[str] = Counter()
        self.items: Counter[str] = Counter()
        self.seconds = 0.0
        self.last_publish = 0.0
        self.files_written = 0

    def record(self, result: SourceResult, seconds: float) -> None:
        with self.lock:
            self.fetches[result.status] += 1
            self.items["new"] += result.new
            self.items["updated"] += result.updated
            self.items["duplicate"] += result.duplicate
            self.seconds += seconds

    def published(self, written: int) -> None:
        with self.lock:
            self.last_publish = time.time()
            self.files_written += written

    def render(self, *, stories: int, sources: int) -> str:
        with self.lock:
            lines = [
                "# HELP feeds_fetches_total Source fetches by outcome.",
                "# TYPE feeds_fetches_total counter",
                *(
                    f'feeds_fetches_total{{status="{k}"}} {v}'
                    for k, v in sorted(self.fetches.items())
                ),
                "# HELP feeds_fetch_failures_total Source fetches that failed.",
                "# TYPE feeds_fetch_failures_total counter",
                f"feeds_fetch_failures_total {self.fetches['failed']}",
                "# HELP feeds_items_total Articles stored, by what they were.",
                "# TYPE feeds_items_total counter",
                *(f'feeds_items_total{{kind="{k}"}} {v}' for k, v in sorted(self.items.items())),
                "# HELP feeds_fetch_seconds_total Time spent fetching, parsing and storing.",
                "# TYPE feeds_fetch_seconds_total counter",
                f"feeds_fetch_seconds_total {self.seconds:.3f}",
                "# HELP feeds_stories Deduplicated stories in the store.",
                "# TYPE feeds_stories gauge",
                f"feeds_stories {stories}",
                "# HELP feeds_sources Configured sources.",
                "# TYPE feeds_sources gauge",
                f"feeds_sources {sources}",
                "# HELP feeds_last_publish_timestamp_seconds When files were last published.",
                "# TYPE feeds_last_publish_timestamp_seconds gauge",
                f"feeds_last_publish_timestamp_seconds {self.last_publish:.0f}",
                "# HELP feeds_files_written_total Published files rewritten.",
                "# TYPE feeds_files_written_total counter",
                f"feeds_files_written_total {self.files_written}",
            ]
        return "\n".join(lines) + "\n"


def _job_id(name: str) -> str:
    return f"source:{name}"


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def serve(config: Config, *, host: str | None, port: int | None) -> int:
    try:
        return Service(config, host=host, port=port).run()
    except OSError as exc:
        raise FeedsError(f"cannot serve: {exc}") from exc
