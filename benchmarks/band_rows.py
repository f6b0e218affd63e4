"""What writing the LSH band index costs, by table layout and by how rows are handed over.

A first cycle over 1,000 feeds files 50,000 articles under 64 band keys each: 3.2
million rows of `article_bands (week, key, article)`, written by catch-ups of
2,000 articles, each chunk sorted. This replays that with random keys in a fresh
database (WAL, synchronous=normal, SQLite's default page cache, as the cycle
runs) and prints the CPU time of the writes, then the time to look up the keys
of 2,000 articles, for each layout:

- `current`: the project's table, keyed (week, key, article), without rowid;
- `generation`: keyed (week, generation, key, article), a generation per 10,000
  articles, so that each chunk goes in at the end instead of all over the tree
  (a lookup then asks every generation of the week);
- `heap`: no key at all, the cost of the rows alone (no lookup).

`--json` hands each slice over as one JSON text read by `json_each` instead of
`executemany`.

    .venv/bin/python benchmarks/band_rows.py
    .venv/bin/python benchmarks/band_rows.py --layout current --json
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

WEEK = 2900  # every article in one week, as in a first cycle over fresh feeds
GENERATION = 10_000  # articles a generation (layout `generation`)
SLICE = 20_000  # rows a statement, as store.indexes.SLICE

LAYOUTS = {
    "current": "create table b (week integer not null, key integer not null,"
    " article integer not null, primary key (week, key, article)) without rowid",
    "generation": "create table b (week integer not null, gen integer not null,"
    " key integer not null, article integer not null,"
    " primary key (week, gen, key, article)) without rowid",
    "heap": "create table b (week integer, gen integer, key integer, article integer)",
}


def write(db: sqlite3.Connection, layout: str, keys: np.ndarray, chunk: int, as_json: bool) -> None:
    articles, per_article = keys.shape
    for start in range(0, articles, chunk):
        rowids = np.repeat(np.arange(start, start + chunk), per_article)
        band = keys[start : start + chunk].ravel()
        order = np.lexsort((rowids, band))
        band, rowids = band[order], rowids[order]
        generation = start // GENERATION if layout != "current" else None
        db.execute("begin")
        for low in range(0, band.size, SLICE):
            part_keys, part_rows = band[low : low + SLICE], rowids[low : low + SLICE]
            if as_json:
                pairs = json.dumps(np.stack([part_keys, part_rows], 1).tolist())
                columns = (
                    "?, value ->> 0, value ->> 1"
                    if generation is not None
                    else "value ->> 0, value ->> 1"
                )
                values = [generation, pairs] if generation is not None else [pairs]
                db.execute(
                    f"insert or ignore into b select {WEEK}, {columns} from json_each(?)",
                    values,
                )
            elif generation is None:
                db.executemany(
                    f"insert or ignore into b values ({WEEK}, ?, ?)",
                    zip(part_keys.tolist(), part_rows.tolist(), strict=True),
                )
            else:
                db.executemany(
                    f"insert or ignore into b values ({WEEK}, {generation}, ?, ?)",
                    zip(part_keys.tolist(), part_rows.tolist(), strict=True),
                )
        db.execute("commit")


def look_up(db: sqlite3.Connection, layout: str, wanted: np.ndarray, articles: int) -> float:
    generations = ",".join(str(g) for g in range((articles - 1) // GENERATION + 1))
    started = time.perf_counter()
    for row in wanted:
        listed = ",".join(map(str, row.tolist()))
        where = f"week = {WEEK} and key in ({listed})"
        if layout == "generation":
            where = f"week = {WEEK} and gen in ({generations}) and key in ({listed})"
        db.execute(f"select article from b where {where}").fetchall()
    return time.perf_counter() - started


def run(
    layout: str, articles: int, per_article: int, chunk: int, as_json: bool
) -> dict[str, float]:
    rng = np.random.default_rng(20261127)
    keys = rng.integers(0, 2**63, size=(articles, per_article), dtype=np.int64)
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "bands.db"
        db = sqlite3.connect(path, isolation_level=None)
        db.execute("pragma journal_mode = wal")
        db.execute("pragma synchronous = normal")
        db.execute(LAYOUTS[layout])
        before, started = os.times(), time.perf_counter()
        write(db, layout, keys, chunk, as_json)
        after, wall = os.times(), time.perf_counter() - started
        rows = db.execute("select count(*) from b").fetchone()[0]
        found = {
            "rows": rows,
            "write_wall_s": round(wall, 2),
            "write_user_s": round(after.user - before.user, 2),
            "write_system_s": round(after.system - before.system, 2),
            "database_mib": round(path.stat().st_size / 2**20, 1),
        }
        if layout != "heap":
            wanted = keys[rng.integers(0, articles, 2000)]
            found["lookup_2000_articles_s"] = round(look_up(db, layout, wanted, articles), 2)
        db.close()
    return found


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layout", choices=[*LAYOUTS, "all"], default="all")
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--keys", type=int, default=64, help="band keys an article")
    parser.add_argument("--chunk", type=int, default=2000, help="articles a catch-up")
    parser.add_argument("--json", action="store_true", help="hand rows over with json_each")
    args = parser.parse_args(argv)
    layouts = list(LAYOUTS) if args.layout == "all" else [args.layout]
    print(f"SQLite {sqlite3.sqlite_version}; {args.articles:,} articles x {args.keys} keys")
    for layout in layouts:
        print(layout, json.dumps(run(layout, args.articles, args.keys, args.chunk, args.json)))


if __name__ == "__main__":
    main()
