"""One cycle of lemon24's `reader` over a list of feed URLs, for cycle.py.

cycle.py compares `feeds run` with `reader` as whole processes, each started,
measured and ended the same way; this script is the `reader` side. It opens
(or creates) a reader database, adds the feeds on the first phase, and runs
``update_feeds()`` once, then prints one JSON object with its own timings on
stdout, so the harness can tell interpreter start and imports apart from
the update itself.

    python benchmarks/reader_run.py DB URLS --workers 8 --phase first
    python benchmarks/reader_run.py DB URLS --workers 8 --phase again

``first`` wants a database that does not exist yet; ``again`` reuses the
database of an earlier ``first``.  ``scheduled=False`` is passed because
reader >= 3.21 otherwise updates only the feeds that are due, and a cycle
run right after another would then fetch nothing at all.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()  # before the imports: they are part of a cycle

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path, help="the reader database (SQLite)")
    parser.add_argument("urls", type=Path, help="a file with one feed URL a line")
    parser.add_argument("--workers", type=int, default=1, help="update_feeds(workers=N)")
    parser.add_argument("--phase", choices=("first", "again"), required=True)
    args = parser.parse_args(argv)
    if args.phase == "first" and args.db.exists():
        sys.exit(f"error: {args.db} exists; the first phase needs a fresh database")
    if args.phase == "again" and not args.db.exists():
        sys.exit(f"error: {args.db} does not exist; run the first phase first")

    from reader import UpdateError, make_reader  # timed as part of the imports

    timings: dict[str, float] = {}
    mark = time.perf_counter()
    timings["imports_s"] = mark - STARTED

    def lap(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        timings[name] = now - mark
        mark = now

    reader = make_reader(str(args.db))
    lap("open_s")
    urls = [u for u in args.urls.read_text(encoding="utf-8").split() if u]
    if args.phase == "first":
        for url in urls:
            reader.add_feed(url)
    lap("add_feeds_s")

    outcomes: Counter[str] = Counter()
    entries: Counter[str] = Counter()
    first_error: str | None = None
    for result in reader.update_feeds_iter(workers=args.workers, scheduled=False):
        value = result.value
        if value is None:
            outcomes["not_modified"] += 1
        elif isinstance(value, UpdateError):
            outcomes["error"] += 1
            first_error = first_error or f"{result.url}: {value}"
        else:
            outcomes["updated"] += 1
            entries["new"] += value.new
            entries["modified"] += value.modified
    lap("update_s")

    counts = reader.get_entry_counts()
    reader.close()
    lap("close_s")
    report: dict[str, Any] = {
        "phase": args.phase,
        "workers": args.workers,
        "feeds": len(urls),
        **{k: round(v, 3) for k, v in timings.items()},
        "total_s": round(time.perf_counter() - STARTED, 3),
        "outcomes": dict(outcomes),
        "entries_new": entries["new"],
        "entries_modified": entries["modified"],
        "entries_stored": counts.total,
        "first_error": first_error,
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
