"""The LSH band index, kept in step in batches.

Articles are inserted without touching the index; catch_up() adds every
article past its watermark in one sorted pass and moves the mark. Until then
the new articles' band keys live in the Deduper's memory (band_buffer.py), so
matching within a cycle sees them. The index can be rebuilt from the articles
table alone, so a crash between a commit and a catch-up loses nothing.

Band keys are filed under the week the article was published (article_bands:
week, key, article): a cycle's keys land in one part of the index, and a
lookup reads only the weeks of the dedup window, however old the store.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator
from datetime import datetime

import numpy as np
from sqlite_utils import Database

from .db import in_transaction

# article_bands files each key under the week of publication (migration m009): changing
# this needs a migration that refiles every key.
WEEK_SECONDS = 7 * 24 * 3600
EPOCH = "cast(strftime('%s', published) as integer)"
# Band entries handed to one executemany() (catch_up()).
SLICE = 20_000
_ADD_BAND = "insert or ignore into article_bands (week, key, article) values (?, ?, ?)"


def pack(keys: tuple[int, ...]) -> bytes:
    return array("q", keys).tobytes()


def unpack(blob: bytes | None) -> tuple[int, ...]:
    if not blob:
        return ()
    keys = array("q")
    keys.frombytes(blob)
    return tuple(keys)


def mark(db: Database, name: str) -> int:
    row = next(db.query("select last_rowid from index_state where name = :n", {"n": name}), None)
    return int(row["last_rowid"]) if row else 0


def catch_up(db: Database, *, chunk: int = 2000) -> int:
    """Index every article past the watermark; returns how many articles were added.

    Works through `chunk` articles at a time, each chunk's band keys sorted before
    they go in, so memory stays flat however many articles wait. Inside a
    transaction already open (a cycle's), it joins it, without a savepoint: like
    its steps, a catch-up cut short is written again.
    """
    keyed = mark(db, "keys")
    with in_transaction(db):
        while True:
            before = mark(db, "keys")
            for _ in catch_up_in_steps(db, chunk=chunk, entries=SLICE):
                pass
            if mark(db, "keys") == before:
                break
    return mark(db, "keys") - keyed


def catch_up_in_steps(
    db: Database,
    *,
    chunk: int,
    entries: int,
    before: Callable[[set[int]], object] = lambda weeks: None,
) -> Iterator[int]:
    """catch_up() of the next `chunk` articles past the watermark, `entries` band
    entries a step. Yields after each step (the rows it added); the connection may
    store other things in between, commits included. The watermark moves after the
    last step. `before` gets the chunk's weeks before any of its entries goes in.

    Steps end up in the index when their transaction commits, before the mark
    moves: an abandoned or crashed catch-up leaves entries the next one adds again
    (insert or ignore), never a gap.
    """
    keyed = mark(db, "keys")
    top = next(db.query("select coalesce(max(rowid), 0) as top from articles"))["top"]
    top = min(top, keyed + chunk)
    if top <= keyed:
        return
    rows = _keyed_rows(db, keyed, top)
    before({(published or 0) // WEEK_SECONDS for _, published, _ in rows})
    for part in _band_entries(rows, size=entries):
        with in_transaction(db):  # a step cut short is written again: no savepoint needed
            written = db.conn.executemany(_ADD_BAND, part).rowcount
        yield written
    with in_transaction(db):
        db.execute(
            "update index_state set last_rowid = :top where name = 'keys' and last_rowid = :was",
            {"top": top, "was": keyed},
        )


def _keyed_rows(db: Database, low: int, high: int) -> list[tuple[int, int, bytes | None]]:
    """(rowid, published epoch, keys) of the articles with low < rowid <= high."""
    rows: list[tuple[int, int, bytes | None]] = db.conn.execute(
        f"select rowid, {EPOCH} as published, keys from articles where rowid > ? and rowid <= ?",
        [low, high],
    ).fetchall()
    return rows


def _band_entries(
    rows: list[tuple[int, int, bytes | None]], *, size: int = SLICE
) -> Iterator[Iterator[tuple[int, int, int]]]:
    """(week, key, article) for every band key of `rows`, sorted, each once, in slices
    of `size` entries.

    Sorted so that the inserts walk the index in order; built with numpy because a
    Python tuple per key was most of the cost of a catch-up (64 keys an article),
    and handed over as zips of three plain lists, the cheapest rows executemany()
    reads (a third faster than a list of lists). In slices, because three lists of
    Python ints for a whole chunk (320,000 keys) took 45 MB at the end of a cycle.
    """
    blobs = [blob or b"" for _, _, blob in rows]
    counts = np.array([len(blob) // 8 for blob in blobs], dtype=np.int64)
    keys = np.frombuffer(b"".join(blobs), dtype=np.int64)
    articles = np.repeat(np.array([r[0] for r in rows], dtype=np.int64), counts)
    published = np.repeat(np.array([r[1] or 0 for r in rows], dtype=np.int64), counts)
    weeks = published // WEEK_SECONDS
    order = np.lexsort((articles, keys, weeks))
    weeks, keys, articles = weeks[order], keys[order], articles[order]
    if len(order) > 1:  # the same key twice in one article: once
        first = np.concatenate(
            (
                [True],
                (weeks[1:] != weeks[:-1])
                | (keys[1:] != keys[:-1])
                | (articles[1:] != articles[:-1]),
            )
        )
        weeks, keys, articles = weeks[first], keys[first], articles[first]
    for at in range(0, len(weeks), size):
        end = at + size
        yield zip(
            weeks[at:end].tolist(), keys[at:end].tolist(), articles[at:end].tolist(), strict=True
        )


def has_week(db: Database, week: int) -> bool:
    """Whether article_bands holds any key of `week`."""
    return (
        db.conn.execute("select 1 from article_bands where week = ? limit 1", [week]).fetchone()
        is not None
    )


def epoch(moment: datetime) -> int:
    """A time as article_bands keeps it."""
    return int(moment.timestamp())


def weeks(since: int, until: int) -> list[int]:
    """The article_bands weeks that [since, until] (epoch seconds) overlaps."""
    return list(range(since // WEEK_SECONDS, until // WEEK_SECONDS + 1))


def reindex_article(
    db: Database,
    rowid: int,
    *,
    old: tuple[tuple[int, ...], str],
    new: tuple[tuple[int, ...], datetime],
) -> None:
    """An indexed article changed: replace its entries (unindexed ones wait for catch_up).

    `old` is the stored keys and published text, `new` the new keys and published time.
    """
    old_keys, old_published = old
    new_keys, new_published = new
    if rowid <= mark(db, "keys"):
        was = epoch(datetime.fromisoformat(old_published))
        db.conn.executemany(
            "delete from article_bands where week = ? and key = ? and article = ?",
            [(was // WEEK_SECONDS, key, rowid) for key in set(old_keys)],
        )
        now = epoch(new_published)
        db.conn.executemany(_ADD_BAND, [(now // WEEK_SECONDS, key, rowid) for key in set(new_keys)])
