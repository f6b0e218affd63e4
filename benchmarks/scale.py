"""Does a `feeds run` cycle over a store of 1,000,000 articles still cost what changed?

The project's target is that a cycle's cost follows what changed, not the size
of the store. This script measures the same cycles against two stores that
differ only in how much history they hold:

    base   a real first cycle over the corpus (cycle.py's config, local server
           and `feeds` command): 1,000 feeds x 50 entries = 50,000 articles
    grown  a copy of it with the base's articles replicated --copies times
           (default 19, so 1,000,000 articles) with SQL only, copy k with new
           ids, guids and URLs (suffix -k{k}) and every date k weeks earlier,
           its stories, their categories, aliases, picks, fetch log and
           band-index rows (week - k); the band index's mark moved to the end

The grown store is checked (quick_check, or integrity_check with
--integrity-check; foreign_key_check; counts; every story's representative
present; band rows per week as expected; `feeds stories` runs on it) and
published once, as its last cycle would have left it. Then per repetition, on
a fresh copy of each store in turn (the order alternates), with cycle.py's
process-tree measurement:

    unchanged  ``feeds run`` while every feed answers 304
    publish    ``feeds publish`` with nothing changed
    changed    ``feeds run`` after server.touch(): 10 % of the feeds get 3 new
               entries; the same touch (same seed) for every run

It prints medians and the ratio grown / base for each (near 1 is a cost that
follows what changed), two reads of a cycle timed alone on each store (the
sources' states with their article counts, and the touched sources' stored entry
hashes: the two whose cost follows the store), the database's bytes per article
in all and per table and index (dbstat), and saves everything to
benchmarks/results/scale-<date>.json.
With --profile, one more changed cycle per store runs under py-spy and is
summed up per pipeline stage (stages.py): where the time grows, if it does.

    .venv/bin/python benchmarks/scale.py --work /tmp/scale-work [--profile]
    .venv/bin/python benchmarks/scale.py --feeds 50 --entries 20 --copies 3 --repeat 1

The stores stay in --work (about 9 GB for the grown one, as much again for
the copy a run measures) until --clean; --reuse measures the stores built by
an earlier run instead of building them again.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import corpus
import cycle
import stages
from cycle import Run, RunFailed
from server import CorpusServer, start_server

from feeds.dedup import article_id, new_story_id

HERE = Path(__file__).resolve().parent
DB = Path("data") / "feeds.db"  # inside a store folder, as cycle.CONFIG_HEAD sets it
WEEK_DAYS = 7
TOUCH_SEED = 1  # every changed run gets the same new entries
# The build's connection: a large page cache for the indexes that take random inserts,
# the temporary copies of the base rows in memory; the journal and syncs as the store
# has them (WAL, synchronous=normal: store/db.py).
BUILD_PRAGMAS = (
    "pragma cache_size = -1048576",
    "pragma temp_store = memory",
    "pragma synchronous = normal",
)
# Tables the copies leave alone: per source, per published file, or bookkeeping.
NOT_COPIED = {"sources", "publish_state", "index_state", "page_queue", "_sqlite_migrations"}
CYCLES = ("unchanged", "publish", "changed")
READS = {  # time_reads()
    "states": "read alone: every source's state and article count (store.sources.states)",
    "entry_hashes": "read alone: entry hashes of the touched sources (articles.entry_hashes)",
}
METRICS = (
    ("wall_s_median", "wall s", ".2f"),
    ("cycle_s_median", "in-process s", ".2f"),
    ("cpu_s_median", "CPU s, whole tree", ".2f"),
    ("peak_rss_mib_median", "peak RSS of the tree, MiB", ".0f"),
)


@dataclass(frozen=True, slots=True)
class Store:
    label: str  # "base" or "grown"
    folder: Path  # config.toml, data/feeds.db, public/
    articles: int

    @property
    def name(self) -> str:
        """How the tables call it: "50k", "1M"."""
        n = self.articles
        return f"{n / 1e6:g}M" if n >= 1_000_000 else f"{n / 1e3:g}k"


# ---------------------------------------------------------------- the base store


def build_base(
    folder: Path,
    manifest: dict[str, Any],
    base_url: str,
    server: CorpusServer,
    feeds: str,
    timeout: float,
    per_host: int | None,
) -> Run:
    """A real first cycle into ``folder``; its store checkpointed, ready to copy."""
    config = cycle.write_config(folder, manifest, base_url, per_host)
    print(f"first cycle over {len(manifest['feeds'])} feeds into {folder} ...", flush=True)
    first = cycle.measure_feeds(server, feeds, config, "first", 0, timeout)
    print(cycle.report_line(first, 0), flush=True)
    checkpoint(folder / DB)
    return first


def checkpoint(path: Path) -> None:
    """Move the WAL into the database file (the store stays in WAL mode)."""
    with sqlite3.connect(path) as conn:
        conn.execute("pragma wal_checkpoint(truncate)")
    conn.close()


# ---------------------------------------------------------------- growing it


def copy_article_id(source: str, guid: str, k: int) -> str:
    """The id `feeds` gives an entry of `source` with copy k's guid."""
    return article_id(source, f"{guid}-k{k}")


def copy_story_id(story_id: str, k: int) -> str:
    """A story id for copy k of a story: a version-5 UUID, like every story id."""
    return new_story_id(f"{story_id}-k{k}")


def copy_entry_hash(entry_hash: str | None, k: int) -> str | None:
    """Copy k's entry hash (NewArticle.entry_hash): another entry, so another hash."""
    if entry_hash is None:
        return None
    return hashlib.sha1(f"{entry_hash}-k{k}".encode()).hexdigest()[: len(entry_hash)]


def shifted(column: str) -> str:
    """SQL for an ISO-8601 UTC time moved by :shift ("-7 days"), in the store's format."""
    return f"strftime('%Y-%m-%dT%H:%M:%S+00:00', {column}, :shift)"


@dataclass(frozen=True, slots=True)
class Copying:
    """How copy k of a table's base rows is made: every column as it is but these."""

    rows: str  # FROM: the base rows, as b
    changes: dict[str, str]  # column -> SQL of its value in copy k (if the table has it)
    times: tuple[str, ...] = ()  # ISO-8601 UTC times, moved k weeks back
    keep: str | None = None  # the base rows, kept in temp.base_<table> before the first copy


COPYING = {
    "stories": Copying(
        "temp.base_stories b",
        {
            "id": "copy_story_id(b.id, :k)",
            "article_id": "(select copy_article_id(a.source, a.guid, :k) from articles a"
            " where a.id = b.article_id)",
        },
        times=("published", "updated"),
        keep="select * from stories",
    ),
    "story_categories": Copying(
        "temp.base_story_categories b",
        {"story_id": "copy_story_id(b.story_id, :k)"},
        times=("published",),
        keep="select * from story_categories",
    ),
    "story_aliases": Copying(
        "temp.base_story_aliases b",
        {"old_id": "copy_story_id(b.old_id, :k)", "story_id": "copy_story_id(b.story_id, :k)"},
        keep="select * from story_aliases",
    ),
    "articles": Copying(  # the base rows are those up to the base's last rowid, :span
        "articles b where b.rowid <= :span order by b.rowid",
        {
            "rowid": "b.rowid + :k * :span",
            "id": "copy_article_id(b.source, b.guid, :k)",
            "guid": "b.guid || :suffix",
            "url": "b.url || :suffix",
            "link": "b.link || :suffix",
            "story_id": "copy_story_id(b.story_id, :k)",
            "entry_hash": "copy_entry_hash(b.entry_hash, :k)",
            # how it joined its story: "with" names the article it matched, now its copy
            "match": "case when json_extract(b.match, '$.with') is null then b.match"
            " else replace(b.match, json_extract(b.match, '$.with'),"
            " (select copy_article_id(a.source, a.guid, :k) from articles a"
            " where a.id = json_extract(b.match, '$.with'))) end",
        },
        times=("published", "updated", "first_seen", "last_seen"),
    ),
    # In (week, key, article) order, which week - k and article + k * span keep: each
    # copy's rows go into the index in order, a page after another.
    "article_bands": Copying(
        "temp.base_article_bands b order by b.rowid",
        {"week": "b.week - :k", "article": "b.article + :k * :span"},
        keep="select * from article_bands order by week, key, article",
    ),
    "picks": Copying(
        "temp.base_picks b",
        {"url": "b.url || :suffix"},
        times=("first_seen", "last_seen"),
        keep="select * from picks",
    ),
    "fetch_log": Copying(
        "temp.base_fetch_log b", {"id": "null"}, times=("at",), keep="select * from fetch_log"
    ),
}


def copy_statement(conn: sqlite3.Connection, table: str) -> str:
    """INSERT ... SELECT of one copy of `table`'s base rows, column by column."""
    how = COPYING[table]
    columns = [row[1] for row in conn.execute(f"pragma table_info({table})")]
    if "rowid" in how.changes:
        columns.insert(0, "rowid")
    values = []
    for column in columns:
        value = how.changes.get(column, f"b.{column}")
        values.append(shifted(value) if column in how.times else value)
    return f"insert into {table} ({', '.join(columns)}) select {', '.join(values)} from {how.rows}"


def grow(path: Path, copies: int) -> dict[str, Any]:
    """Add `copies` copies of the store's articles and what hangs on them, a transaction
    each; the journal mode, the base's last rowid, the seconds of each copy."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.create_function("copy_article_id", 3, copy_article_id, deterministic=True)
    conn.create_function("copy_story_id", 2, copy_story_id, deterministic=True)
    conn.create_function("copy_entry_hash", 2, copy_entry_hash, deterministic=True)
    for pragma in BUILD_PRAGMAS:
        conn.execute(pragma)
    mode = conn.execute("pragma journal_mode").fetchone()[0]
    span = conn.execute("select max(rowid) from articles").fetchone()[0]
    mark = conn.execute("select last_rowid from index_state where name = 'keys'").fetchone()[0]
    if mark != span:
        sys.exit(f"error: the base store's band index stops at {mark}, its articles at {span}")
    check_shift(conn)
    skipped = not_copied(conn)
    for table, how in COPYING.items():
        if how.keep:
            conn.execute(f"create temp table base_{table} as {how.keep}")
    statements = [copy_statement(conn, table) for table in COPYING]
    seconds = []
    for k in range(1, copies + 1):
        started = time.perf_counter()
        params = {"k": k, "span": span, "suffix": f"-k{k}", "shift": f"-{WEEK_DAYS * k} days"}
        conn.execute("begin immediate")
        for statement in statements:
            conn.execute(statement, params)
        conn.execute("commit")
        seconds.append(round(time.perf_counter() - started, 2))
        print(f"  copy {k}/{copies}: {seconds[-1]:.1f} s", flush=True)
    conn.execute(
        "update index_state set last_rowid = (select max(rowid) from articles) where name = 'keys'"
    )
    conn.execute("pragma wal_checkpoint(truncate)")
    conn.close()
    return {"journal_mode": mode, "span": span, "copy_s": seconds, "not_copied": skipped}


def check_shift(conn: sqlite3.Connection) -> None:
    """The shift by 0 days gives every stored time back unchanged: the format is the store's."""
    for table, column in (("articles", "published"), ("articles", "first_seen")):
        moved = shifted(column).replace(":shift", "'+0 days'")
        query = f"select count(*) from {table} where {moved} is not {column}"
        if bad := conn.execute(query).fetchone()[0]:
            sys.exit(f"error: {bad} {table}.{column} values are not in the expected format")


def not_copied(conn: sqlite3.Connection) -> dict[str, int]:
    """Tables with rows that no copy repeats, with their row counts (for the record)."""
    names = [
        row[0]
        for row in conn.execute("select name from sqlite_schema where type = 'table'")
        if not row[0].startswith("sqlite_") and row[0] not in COPYING
    ]
    counts = {name: conn.execute(f'select count(*) from "{name}"').fetchone()[0] for name in names}
    unknown = sorted(n for n, rows in counts.items() if rows and n not in NOT_COPIED)
    if unknown:  # a table added since this script was written: say it was left as it is
        print(f"note: not copied (unknown to this script): {', '.join(unknown)}", flush=True)
    return counts


# ---------------------------------------------------------------- checking it


TABLE_COUNTS = ("articles", "stories", "story_categories", "story_aliases", "article_bands")


def counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        found = {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLE_COUNTS}
    conn.close()
    return found


def check_grown(
    path: Path, base: dict[str, int], copies: int, feeds: str, *, full: bool
) -> dict[str, Any]:
    """Everything that must hold of the grown store; exits with what does not."""
    started = time.perf_counter()
    found = counts(path)
    want = {t: base[t] * (copies + 1) for t in found}
    wrong = {t: (found[t], want[t]) for t in found if found[t] != want[t]}
    conn = sqlite3.connect(path)
    check = "integrity_check" if full else "quick_check"
    quick = [row[0] for row in conn.execute(f"pragma {check}")]
    orphans = conn.execute("pragma foreign_key_check").fetchall()
    no_representative = conn.execute(
        "select count(*) from stories s where not exists"
        " (select 1 from articles a where a.id = s.article_id and a.story_id = s.id)"
    ).fetchone()[0]
    dangling = conn.execute(
        "select count(*) from articles m where json_extract(m.match, '$.with') is not null"
        " and not exists (select 1 from articles a where a.id = json_extract(m.match, '$.with'))"
    ).fetchone()[0]
    mark = conn.execute("select last_rowid from index_state where name = 'keys'").fetchone()[0]
    top = conn.execute("select max(rowid) from articles").fetchone()[0]
    weeks = dict(conn.execute("select week, count(*) from article_bands group by week"))
    conn.close()
    problems = []
    if wrong:
        problems.append(f"counts (found, expected): {wrong}")
    if quick != ["ok"]:
        problems.append(f"{check}: {quick[:5]}")
    if orphans:
        problems.append(f"foreign_key_check: {len(orphans)} rows, e.g. {orphans[:3]}")
    if no_representative:
        problems.append(f"{no_representative} stories without their representative article")
    if dangling:
        problems.append(f"{dangling} articles matched with an article that is not stored")
    if mark != top:
        problems.append(f"band index mark {mark}, last article {top}")
    if weeks != expected_weeks(path, copies):
        problems.append("band rows per week differ from the base's shifted by k weeks")
    listing = subprocess.run(
        [feeds, "--config", str(path.parent.parent / "config.toml"), "stories", "--limit", "3"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if listing.returncode != 0 or "id " not in listing.stdout:
        problems.append(f"`feeds stories` failed: {listing.stderr.strip()[-500:]}")
    if problems:
        sys.exit("error: the grown store is not consistent:\n  " + "\n  ".join(problems))
    return {
        "counts": found,
        check: "ok",
        "foreign_key_check": "ok",
        "feeds_stories": listing.stdout.splitlines()[:2],
        "seconds": round(time.perf_counter() - started, 1),
    }


def expected_weeks(path: Path, copies: int) -> dict[int, int]:
    """Band rows per week if every copy k repeats the base's rows k weeks earlier."""
    with sqlite3.connect(path) as conn:
        span = conn.execute("select max(rowid) / :n from articles", {"n": copies + 1}).fetchone()[0]
        base = conn.execute(
            "select week, count(*) from article_bands where article <= ? group by week", [span]
        ).fetchall()
    conn.close()
    expected: Counter[int] = Counter()
    for week, n in base:
        for k in range(copies + 1):
            expected[week - k] += n
    return dict(expected)


def publish_once(feeds: str, folder: Path) -> dict[str, Any]:
    """``feeds publish`` on a grown store, as its last cycle would have left it.

    The grown store holds the base's published files and their fingerprints; where a
    feed's newest stories now include copies (a category with fewer stories than a
    feed lists, in a small corpus), this publish renders them, not the first measured
    cycle.
    """
    started = time.perf_counter()
    done = subprocess.run(
        [feeds, "--config", str(folder / "config.toml"), "publish"],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if done.returncode != 0:
        sys.exit(f"error: `feeds publish` on the grown store failed: {done.stderr[-500:]}")
    return {"output": done.stdout.strip(), "seconds": round(time.perf_counter() - started, 2)}


# ---------------------------------------------------------------- sizes


def sizes(path: Path, articles: int) -> dict[str, Any]:
    """The file's bytes per article, and each table's and index's (dbstat), largest first."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "select name, sum(pgsize), sum(unused) from dbstat group by name order by 2 desc"
        ).fetchall()
        page_size = conn.execute("pragma page_size").fetchone()[0]
        free_pages = conn.execute("pragma freelist_count").fetchone()[0]
    conn.close()
    total = sum(p.stat().st_size for p in path.parent.glob(f"{path.name}*"))  # -wal, -shm
    return {
        "articles": articles,
        "file_bytes": total,
        "bytes_per_article": round(total / articles),
        "free_bytes": free_pages * page_size,
        "by_name": {
            name: {"bytes": size, "per_article": round(size / articles), "unused": unused}
            for name, size, unused in rows
        },
    }


# ---------------------------------------------------------------- measuring


def fresh_copy(store: Store, run_dir: Path) -> float:
    """A copy of the store's folder for runs that change it; the seconds it took.

    Written through to the disk before it is measured: otherwise the kernel would
    still be writing back gigabytes of the copy while the first run goes.
    """
    started = time.perf_counter()
    shutil.rmtree(run_dir, ignore_errors=True)
    shutil.copytree(store.folder, run_dir)
    flush(run_dir)
    return time.perf_counter() - started


def flush(folder: Path) -> None:
    """fsync() every file under `folder`."""
    for path in folder.rglob("*"):
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def measure_publish(feeds: str, config: Path, rep: int, timeout: float) -> Run:
    """``feeds publish``, measured as cycle.measure_feeds() measures ``feeds run``."""
    workdir = config.parent
    code = cycle.code_fingerprint()
    before = cycle.snapshot(workdir / "public")
    out, log = workdir / "publish.out", workdir / "publish.log"
    command = [feeds, "--config", str(config), "publish"]
    with out.open("wb") as stdout, log.open("wb") as stderr:
        done = cycle.run_process(command, workdir, stdout, stderr, timeout)
    if done.code != 0:
        cycle.fail("`feeds publish`", done, log)
    inner: dict[str, Any] = {}
    if found := cycle.PUBLISHED_LINE.search(out.read_text(errors="replace")):
        inner = {k: int(v) for k, v in found.groupdict().items()}
    published = cycle.compare(before, cycle.snapshot(workdir / "public"))
    run = cycle.make_run("feeds", "publish", rep, done, workdir / "data", {}, inner, published)
    run.code = code
    return run


def resident_mib(path: Path) -> float | None:
    """How much of a file the page cache holds (util-linux fincore), when it can tell."""
    command = ["fincore", "--bytes", "--noheadings", "--output", "RES", str(path)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except OSError:
        return None
    text = done.stdout.strip()
    return round(int(text) / cycle.MIB, 1) if done.returncode == 0 and text.isdigit() else None


def measure_store(
    server: CorpusServer, feeds: str, store: Store, run_dir: Path, rep: int, timeout: float
) -> tuple[list[tuple[str, Run]], dict[str, Any]]:
    """The unchanged cycle, a publish and the changed cycle on a fresh copy of `store`;
    the runs, and how long the copy took and how much of it was in the page cache."""
    copy_s = fresh_copy(store, run_dir)
    cached = resident_mib(run_dir / DB)
    in_cache = f", {cached:,.0f} MiB of it in the page cache" if cached is not None else ""
    print(f"[{rep}] {store.name}: fresh copy in {copy_s:.1f} s{in_cache}", flush=True)
    config = run_dir / "config.toml"
    server.reset()
    runs = [
        cycle.measure_feeds(server, feeds, config, "unchanged", rep, timeout),
        measure_publish(feeds, config, rep, timeout),
    ]
    server.touch(cycle.TOUCH_FRACTION, cycle.TOUCH_ENTRIES, seed=TOUCH_SEED)
    try:
        runs.append(cycle.measure_feeds(server, feeds, config, "changed", rep, timeout))
    finally:
        server.reset()
    copy = {"store": store.name, "repetition": rep, "seconds": round(copy_s, 1)}
    return [(store.name, run) for run in runs], copy | {"page_cache_mib": cached}


def profile_changed(
    server: CorpusServer, pyspy: str, feeds: str, store: Store, run_dir: Path, results: Path
) -> dict[str, Any]:
    """One changed cycle on a fresh copy of `store` under py-spy, per stage (stages.py)."""
    fresh_copy(store, run_dir)
    stamp = f"{datetime.now():%Y-%m-%d-%H%M%S}"
    raw = results / f"scale-profile-{store.name}-{stamp}.speedscope.json"
    command = [
        pyspy, "record", "--format", "speedscope", "--rate", str(cycle.PYSPY_RATE),
        "--subprocesses", "--output", str(raw),
        "--", feeds, "--config", str(run_dir / "config.toml"), "run",
    ]  # fmt: skip
    log = run_dir / "profile.log"
    server.touch(cycle.TOUCH_FRACTION, cycle.TOUCH_ENTRIES, seed=TOUCH_SEED)
    try:
        with log.open("wb") as out:
            done = cycle.run_process(command, run_dir, out, out, 1800)
    finally:
        server.reset()
    if done.code != 0 or not raw.exists():
        cycle.fail(f"the profiled changed cycle ({store.name})", done, log)
    profile = stages.from_speedscope(raw)
    print(f"\n{store.name}: a changed cycle under py-spy, {done.wall_s:.1f} s\n")
    print(profile.table(), flush=True)
    return {"wall_s_under_profiler": round(done.wall_s, 2), "raw": raw.name, **profile.as_json()}


def touched_sources(server: CorpusServer, manifest: dict[str, Any]) -> list[str]:
    """The sources that server.touch() changes for every changed run."""
    paths = server.touch(cycle.TOUCH_FRACTION, cycle.TOUCH_ENTRIES, seed=TOUCH_SEED)
    server.reset()
    names = {"/" + f["path"]: f["name"] for f in manifest["feeds"]}
    return sorted(names[path] for path in paths)


def time_reads(store: Store, touched: list[str]) -> dict[str, float]:
    """Two reads of a cycle that follow the store's size, each timed alone (median of 5,
    ms) on a read-only connection: every source's state with its count of articles (at
    the start of every cycle), and the entry hashes of the touched sources' newest
    articles (once for each source whose feed changed, from the fetching threads)."""
    from sqlite_utils import Database

    from store import articles
    from store import sources as source_rows

    conn = sqlite3.connect(f"file:{store.folder / DB}?mode=ro", uri=True)
    db = Database(conn)

    def median_ms(read: Callable[[], object]) -> float:
        times = []
        for _ in range(5):
            started = time.perf_counter()
            read()
            times.append(time.perf_counter() - started)
        return round(statistics.median(times) * 1000, 1)

    found = {
        "states": median_ms(lambda: source_rows.states(db)),
        "entry_hashes": median_ms(lambda: [articles.entry_hashes(conn, s) for s in touched]),
    }
    conn.close()
    return found


def notes_on(measured: list[tuple[str, Run]], n_feeds: int) -> list[str]:
    """cycle.py's checks, and that each changed cycle fetched the touched feeds."""
    notes = cycle.checks([run for _, run in measured], n_feeds)
    touched = round(n_feeds * cycle.TOUCH_FRACTION)
    for name, run in measured:
        if run.cycle == "changed" and run.responses.get("200", 0) != touched:
            got = cycle.describe(run.responses)
            notes.append(f"{name} changed (repetition {run.repetition}): {got}, not {touched} 200s")
        if run.cycle == "publish" and (run.published or {}).get("rewritten"):
            notes.append(f"{name} publish (repetition {run.repetition}): rewrote files")
    return notes


# ---------------------------------------------------------------- reporting


def summarize(measured: list[tuple[str, Run]]) -> dict[str, dict[str, dict[str, Any]]]:
    """cycle.summarize() per store: store name -> cycle -> medians and ranges."""
    names = dict.fromkeys(name for name, _ in measured)
    return {
        name: cycle.summarize([run for n, run in measured if n == name])["feeds"] for name in names
    }


def ratio_table(
    summary: dict[str, dict[str, dict[str, Any]]],
    size: dict[str, dict[str, Any]],
    reads: dict[str, dict[str, float]],
) -> str:
    """What / small store / large store / ratio large / small (1 is no growth)."""
    small, large = sorted(summary, key=lambda name: size[name]["articles"])
    lines = [f"| what | {small} | {large} | ratio {large}/{small} |", "|---|---:|---:|---:|"]
    for what in CYCLES:
        for key, unit, fmt in METRICS:
            a, b = (summary[name].get(what, {}).get(key) for name in (small, large))
            if a is None or b is None:
                continue
            cells = [format(a, fmt), format(b, fmt)]
            if key == "wall_s_median":
                cells = [
                    f"{summary[n][what][key]:.2f} ({summary[n][what]['wall_s_min']:.2f}–"
                    f"{summary[n][what]['wall_s_max']:.2f})"
                    for n in (small, large)
                ]
            lines.append(f"| {what}: {unit} | {cells[0]} | {cells[1]} | {b / a:.2f} |")
    for key, what in READS.items():
        a, b = (reads[name][key] for name in (small, large))
        lines.append(f"| {what}, ms | {a:.1f} | {b:.1f} | {b / a:.2f} |")
    a, b = (size[name]["bytes_per_article"] for name in (small, large))
    lines.append(f"| database bytes per article | {a:,} | {b:,} | {b / a:.2f} |")
    a, b = (size[name]["file_bytes"] / 1e6 for name in (small, large))
    lines.append(f"| database file, MB | {a:,.0f} | {b:,.0f} | {b / a:.1f} |")
    return "\n".join(lines)


def size_table(size: dict[str, dict[str, Any]]) -> str:
    """Bytes per article of each table and index (dbstat), largest first; from 1 byte."""
    small, large = sorted(size, key=lambda name: size[name]["articles"])
    names = list(size[large]["by_name"])
    lines = [
        f"| table or index | {small}: bytes/article | {large}: bytes/article | {large}: MB |",
        "|---|---:|---:|---:|",
    ]
    for name in names:
        a = size[small]["by_name"].get(name, {}).get("per_article", 0)
        b = size[large]["by_name"][name]
        if max(a, b["per_article"]) < 1:
            continue
        lines.append(f"| {name} | {a:,} | {b['per_article']:,} | {b['bytes'] / 1e6:,.1f} |")
    return "\n".join(lines)


# ---------------------------------------------------------------- the whole run


def build(
    args: argparse.Namespace,
    manifest: dict[str, Any],
    feeds: str,
    server: CorpusServer,
    base_url: str,
) -> dict[str, Any]:
    """The base store from a real first cycle, and the grown one from a copy of it."""
    shutil.rmtree(args.work, ignore_errors=True)
    base_dir, grown_dir = args.work / "base", args.work / "grown"
    first = build_base(base_dir, manifest, base_url, server, feeds, args.timeout, args.per_host)
    base_counts = counts(base_dir / DB)
    started = time.perf_counter()
    shutil.copytree(base_dir, grown_dir)
    total = base_counts["articles"] * (args.copies + 1)
    print(f"growing a copy to {total:,} articles ({args.copies} copies) ...", flush=True)
    grown = grow(grown_dir / DB, args.copies)
    flush(grown_dir)
    grow_s = time.perf_counter() - started
    print(f"  grown in {grow_s:.0f} s; checking it ...", flush=True)
    checks = check_grown(grown_dir / DB, base_counts, args.copies, feeds, full=args.integrity_check)
    print(f"  checked in {checks['seconds']:.0f} s: {checks['counts']}", flush=True)
    published = publish_once(feeds, grown_dir)
    print(f"  {published['output']} in {published['seconds']:.1f} s", flush=True)
    built = {
        "port": server.server_address[1],
        "corpus": cycle.corpus_facts(manifest),
        "copies": args.copies,
        "first_cycle": asdict(first),
        "base_counts": base_counts,
        "grow": grown | {"seconds": round(grow_s, 1)},
        "checks": checks,
        "first_publish": published,
    }
    (args.work / "stores.json").write_text(json.dumps(built, indent=2), encoding="utf-8")
    return built


def load_built(args: argparse.Namespace, manifest: dict[str, Any]) -> dict[str, Any]:
    """What an earlier run built in --work, if it was built from this corpus and --copies."""
    path = args.work / "stores.json"
    if not path.exists():
        sys.exit(f"error: --reuse: nothing built in {args.work} (no stores.json)")
    built: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if built["corpus"] != cycle.corpus_facts(manifest) or built["copies"] != args.copies:
        sys.exit(f"error: --reuse: {args.work} holds stores of another corpus or --copies")
    return built


def measure_and_report(
    args: argparse.Namespace,
    manifest: dict[str, Any],
    feeds: str,
    server: CorpusServer,
    built: dict[str, Any],
) -> int:
    articles = built["base_counts"]["articles"]
    stores = [
        Store("base", args.work / "base", articles),
        Store("grown", args.work / "grown", articles * (built["copies"] + 1)),
    ]
    env = cycle.environment(feeds, None)
    started = datetime.now().astimezone()
    measured: list[tuple[str, Run]] = []
    copies: list[dict[str, Any]] = []
    error = None
    try:
        for rep in range(1, args.repeat + 1):
            for store in stores if rep % 2 else stores[::-1]:
                runs, copy = measure_store(
                    server, feeds, store, args.work / "run", rep, args.timeout
                )
                for name, run in runs:
                    print(f"{name:>5} {cycle.report_line(run, args.repeat)}", flush=True)
                measured += runs
                copies.append(copy)
    except RunFailed as exc:  # keep what was measured; the run folder stays for the logs
        error = str(exc)
        print(f"error: {error}", file=sys.stderr)
    else:
        shutil.rmtree(args.work / "run", ignore_errors=True)
    if not measured:
        return 1
    profiles = {}
    if args.pyspy and not error:
        args.results.mkdir(parents=True, exist_ok=True)
        for store in stores:
            profiles[store.name] = profile_changed(
                server, args.pyspy, feeds, store, args.work / "run", args.results
            )
        shutil.rmtree(args.work / "run", ignore_errors=True)
    print("timing two reads alone, and the stores' sizes (dbstat) ...", flush=True)
    touched = touched_sources(server, manifest)
    reads = {s.name: time_reads(s, touched) for s in stores}
    size = {s.name: sizes(s.folder / DB, s.articles) for s in stores}
    summary = summarize(measured)
    table, by_name = ratio_table(summary, size, reads), size_table(size)
    print(f"\n{table}\n\n{by_name}\n")
    notes = notes_on(measured, manifest["feeds_count"])
    cycle.print_notes(notes, error, env)
    result = {
        "date": started.isoformat(timespec="seconds"),
        "commands": {
            "unchanged": "feeds --config CONFIG run (every feed 304)",
            "publish": "feeds --config CONFIG publish (nothing changed)",
            "changed": "feeds --config CONFIG run (after server.touch())",
        },
        "environment": env,
        "corpus": cycle.corpus_facts(manifest),
        "repeat": args.repeat,
        "touch": {
            "fraction": cycle.TOUCH_FRACTION,
            "new_entries": cycle.TOUCH_ENTRIES,
            "seed": TOUCH_SEED,
        },
        "stores": {s.label: {"name": s.name, "articles": s.articles} for s in stores},
        "build": {k: v for k, v in built.items() if k != "port"},
        "sizes": size,
        "summary": summary,
        "table": table,
        "size_table": by_name,
        "reads_alone_ms": reads,
        "fresh_copies": copies,
        "profiles": profiles,
        "notes": notes,
        "error": error,
        "runs": [{"store": name, **asdict(run)} for name, run in measured],
    }
    print(f"saved {cycle.save(result, args.results, 'scale')}")
    return 1 if error or any("FAIL" in note for note in notes) else 0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=19, help="copies of the base (default 19)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per store and cycle")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path(tempfile.gettempdir()) / "feeds-scale",
        help="where the stores are built and copied (default $TMPDIR/feeds-scale)",
    )
    parser.add_argument("--reuse", action="store_true", help="measure the stores in --work")
    parser.add_argument(
        "--integrity-check",
        action="store_true",
        help="check the grown store with integrity_check, not quick_check (minutes more)",
    )
    parser.add_argument("--clean", action="store_true", help="delete --work at the end")
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--seed", type=int, default=corpus.DEFAULT_SEED)
    parser.add_argument("--corpus", type=Path, help="default: cycle.py's for the size")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the corpus")
    parser.add_argument(
        "--per-host", type=int, default=16, help="feeds' [fetch] per_host (as cycle.py; 0: none)"
    )
    parser.add_argument(
        "--profile", action="store_true", help="then a changed cycle per store under py-spy"
    )
    parser.add_argument("--feeds-bin", help="the feeds command to run")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per run")
    parser.add_argument("--results", type=Path, default=HERE / "results")
    args = parser.parse_args(argv)
    args.pyspy = None
    if args.profile:
        bin_dir = Path(sys.executable).parent
        args.pyspy = shutil.which("py-spy", path=f"{bin_dir}:{os.environ['PATH']}")
        if not args.pyspy:
            sys.exit("error: --profile needs py-spy: .venv/bin/pip install py-spy")
    args.per_host = args.per_host or None
    if args.corpus is None:  # the folders cycle.py uses
        default = (args.feeds, args.entries) == (1000, 50)
        args.corpus = HERE / (".corpus" if default else f".corpus-{args.feeds}x{args.entries}")

    feeds = cycle.find_feeds(args.feeds_bin)
    manifest = cycle.ensure_corpus(args)
    built = load_built(args, manifest) if args.reuse else None
    server, base_url = start_server(args.corpus, built["port"] if built else 0)
    try:
        if built is None:
            built = build(args, manifest, feeds, server, base_url)
        status = measure_and_report(args, manifest, feeds, server, built)
    finally:
        server.shutdown()
        server.server_close()
    if args.clean:
        shutil.rmtree(args.work, ignore_errors=True)
    raise SystemExit(status)


if __name__ == "__main__":
    main()
