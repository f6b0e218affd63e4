"""store/: migrations (fresh and from an older file), pragmas, search, transactions."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from store import StoreUnavailable, open_store
from store.db import connect
from store.migrations import migrations


def test_fresh_database_is_migrated(tmp_path: Path) -> None:
    db = open_store(tmp_path / "feeds.db")
    assert {"sources", "articles", "stories", "story_categories", "fetch_log"} <= set(
        db.table_names()
    )
    assert next(db.query("pragma journal_mode"))["journal_mode"] == "wal"
    assert next(db.query("pragma foreign_keys"))["foreign_keys"] == 1
    assert [m.name for m in migrations.applied(db)] == [m.name for m in migrations._migrations]


def test_older_database_upgrades_on_open_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = connect(path)
    migrations.apply(old, stop_before="m002_source_feed_meta")
    old.table("sources").insert({"name": "Cũ", "url": "http://127.0.0.1:9/a.xml", "kind": "feed"})
    old.conn.close()
    db = open_store(path)
    assert "title" in db.table("sources").columns_dict
    assert next(db.query("select name from sources"))["name"] == "Cũ"
    assert not migrations.pending(db)


def test_band_keys_are_indexed_after_the_batch(tmp_path: Path) -> None:
    from feeds.config import DedupSettings
    from feeds.dedup import Deduper
    from feeds.model import RawItem
    from feeds.normalize import Context, normalize_item

    db = open_store(tmp_path / "feeds.db")
    now = datetime(2024, 4, 5, tzinfo=UTC)
    ctx = Context("Nguồn", "https://a.vn/", None, {}, now)
    item = RawItem(
        "1", "https://a.vn/1.html", "Giá vàng tăng mạnh", summary="<p>Vàng miếng SJC</p>"
    )
    deduper = Deduper(DedupSettings())
    with db.atomic():
        deduper.place(db, normalize_item(item, ctx), now=now)
    count = "select count(*) as n from article_bands"
    assert next(db.query(count))["n"] == 0  # indexed in batches, after the cycle
    assert deduper.pending == 1
    deduper.catch_up(db)
    assert next(db.query(count))["n"] == 64  # 32 bands of the text, 32 of its lead
    assert deduper.pending == 0
    assert "articles_fts" not in db.table_names()  # dropped by m011: nothing searched it


def test_a_corrupt_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "feeds.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreUnavailable, match="not a database"):
        open_store(path)


def test_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    db = open_store(tmp_path / "feeds.db")
    with pytest.raises(sqlite3.IntegrityError), db.atomic():
        db.table("sources").insert({"name": "A", "url": "u", "kind": "feed"})
        db.table("sources").insert({"name": "A", "url": "u", "kind": "feed"})
    assert db.table("sources").count == 0


def test_fetch_records_held_and_written_together_match_one_by_one(tmp_path: Path) -> None:
    from store import sources
    from store.sources import FetchRecords

    rows = [
        ("Một", "http://127.0.0.1:9/1.xml", "feed"),
        ("Hai", "http://127.0.0.1:9/2.xml", "feed"),
    ]
    one_by_one, together = open_store(tmp_path / "a.db"), open_store(tmp_path / "b.db")
    records = FetchRecords()
    for db in (one_by_one, together):
        sources.sync(db, rows)
    ok = {"last_status": 304, "etag": '"é"', "next_due_at": "2024-04-05T05:00:00+00:00"}
    failed = {"failures": 3, "last_error": "không kết nối được", "last_status": None}
    log = {"source": "Một", "at": "2024-04-05T05:00:00+00:00", "status": "not modified"}
    log |= {"http_status": 304, "ms": 12, "new": 0, "updated": 0, "duplicate": 0, "error": None}
    with one_by_one.atomic():
        sources.record_success(one_by_one, "Một", **ok)
        sources.record_failure(one_by_one, "Hai", **failed)
        sources.log_fetch(one_by_one, **log)
    records.success("Một", **ok)
    records.failure("Hai", **failed)
    records.log(**log)
    with together.atomic():
        records.write(together)
    for table in ("sources", "fetch_log"):
        query = f"select * from {table} order by 1"
        assert list(together.query(query)) == list(one_by_one.query(query))
    assert not records.updates and not records.logs  # written once


def test_catch_up_in_small_slices_indexes_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The band index catches up chunk by chunk and slice by slice (to bound memory);
    how finely does not change what it holds."""
    from feeds.config import DedupSettings
    from feeds.dedup import Deduper
    from feeds.model import RawItem
    from feeds.normalize import Context, normalize_item
    from store import indexes

    def indexed(chunk: int, slice_: int) -> list[tuple[int, int, int]]:
        monkeypatch.setattr(indexes, "SLICE", slice_)
        db = open_store(tmp_path / f"{chunk}-{slice_}.db")
        now = datetime(2024, 4, 5, tzinfo=UTC)
        deduper = Deduper(DedupSettings())
        with db.atomic():
            for n in range(5):
                ctx = Context("Nguồn", "https://a.vn/", None, {}, now)
                item = RawItem(
                    str(n), f"https://a.vn/{n}.html", f"Tin số {n} về giá vàng",
                    summary=f"<p>Vàng miếng SJC phiên {n} tăng {n} triệu đồng mỗi lượng</p>",
                )  # fmt: skip
                deduper.place(db, normalize_item(item, ctx), now=now)
        assert indexes.catch_up(db, chunk=chunk) == 5
        return db.execute("select week, key, article from article_bands").fetchall()

    whole = indexed(5000, 20_000)
    assert len(whole) > 5 * 32
    assert indexed(2, 7) == whole

    # A chunk written in steps and cut short after its first (a crash, or a full
    # catch-up that takes over) leaves the mark where it was; the next catch-up writes
    # the chunk again, and the index ends up the same.
    db = open_store(tmp_path / "cut.db")
    db.execute("attach database ? as whole", [str(tmp_path / "5000-20000.db")])
    steps = indexes.catch_up_in_steps(db, chunk=5, entries=50)
    assert next(steps, None) is None  # no article yet: nothing to do
    with db.atomic():
        db.execute("insert into main.stories select * from whole.stories")
        db.execute("insert into main.articles select * from whole.articles")
    steps = indexes.catch_up_in_steps(db, chunk=5, entries=50)
    assert next(steps) == 50
    del steps
    assert indexes.mark(db, "keys") == 0
    assert db.execute("select count(*) from article_bands").fetchone() == (50,)
    assert indexes.catch_up(db) == 5
    assert db.execute("select week, key, article from article_bands").fetchall() == whole


def test_states_can_leave_the_article_counts_out(tmp_path: Path) -> None:
    """A cycle reads every source's state; counting each one's articles would read the
    whole index, so the cycle asks for the states without the counts."""
    from store import sources

    db = open_store(tmp_path / "feeds.db")
    sources.sync(db, [("A", "https://a.vn/rss", "feed")])
    counted, uncounted = sources.states(db), sources.states(db, counted=False)
    assert set(counted) == set(uncounted) == {"A"}
    assert uncounted["A"].item_count == 0
    assert counted["A"].url == uncounted["A"].url == "https://a.vn/rss"
