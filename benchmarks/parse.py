"""Time feed parsing with and without the lxml fast path, over the benchmark corpus.

For every feed of benchmarks/.corpus/feeds (or the first --feeds N) it times, as the
median of --repeat passes, in ms of CPU (and of wall-clock) time per feed:

    feedparser   extract_feed() with the fast path off: feedparser reads everything
    fast first   extract_feed() as shipped: extract_fast(), feedparser when it refuses
    fast only    extract_fast() alone, on the feeds it takes
    prepare      ingest.prepare() (extract + normalize), fast path off and on

and the share of feeds that took the fast path. It first checks that both ways give
equal results (the count of differences should be 0). CPU time is the figure to
compare on a busy machine: the wall-clock time also counts waiting for a core.

    .venv/bin/python benchmarks/parse.py [--feeds 200] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from unittest.mock import patch
from zoneinfo import ZoneInfo

import corpus

from feeds.extract import fast
from feeds.extract import feed as feed_module
from feeds.ingest import ParseJob, prepare

HERE = Path(__file__).resolve().parent
ZONE_NAME = "Asia/Ho_Chi_Minh"
CONTENT_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}


def load_corpus(directory: Path, limit: int) -> list[ParseJob]:
    """The first `limit` feeds as the cycle would hand them to prepare()."""
    if not (directory / "manifest.json").exists():
        print(f"generating the corpus in {directory} ...", flush=True)
        corpus.generate(directory)
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    now = datetime.fromisoformat(manifest["anchor"])
    jobs = []
    for entry in manifest["feeds"][:limit]:
        body = (directory / entry["path"]).read_bytes()
        headers = {"content-type": CONTENT_TYPES[entry["format"]]}
        url = f"http://127.0.0.1:8000/{entry['path']}"
        jobs.append(ParseJob(entry["id"], "feed", url, body, headers, None, {}, ZONE_NAME, now))
    return jobs


def fast_path_on(on: bool) -> AbstractContextManager[object]:
    """Off: extract_feed() as it was before the fast path, feedparser for every document."""
    return nullcontext() if on else patch.object(feed_module, "extract_fast", new=_refuse)


def _refuse(*args: object, **kwargs: object) -> None:
    return None


def extract(job: ParseJob) -> object:
    return feed_module.extract_feed(
        job.body, source=job.source, url=job.url, headers=dict(job.headers), zone=ZoneInfo(job.zone)
    )


def extract_fast(job: ParseJob) -> object:
    return fast.extract_fast(
        job.body, source=job.source, url=job.url, headers=dict(job.headers), zone=ZoneInfo(job.zone)
    )


@dataclass
class Mode:
    """One way of parsing, timed over the jobs it applies to."""

    label: str
    run: Callable[[ParseJob], object]
    fast_path: bool = True
    only_taken: bool = False
    cpu: list[float] = field(default_factory=list)  # ms per feed, one value per pass
    wall: list[float] = field(default_factory=list)


def time_modes(modes: list[Mode], jobs: list[ParseJob], taken: set[str], repeat: int) -> None:
    """Time every mode, `repeat` passes over the jobs.

    Each pass runs every mode on one feed before going to the next, so that the load
    of the machine, which changes over minutes, weighs on all modes alike.
    """
    for _ in range(repeat):
        cpu = dict.fromkeys(range(len(modes)), 0.0)
        wall = dict.fromkeys(range(len(modes)), 0.0)
        for job in jobs:
            for n, mode in enumerate(modes):
                if mode.only_taken and job.source not in taken:
                    continue
                with fast_path_on(mode.fast_path):
                    started_cpu, started = time.process_time(), time.perf_counter()
                    mode.run(job)
                    cpu[n] += time.process_time() - started_cpu
                    wall[n] += time.perf_counter() - started
        for n, mode in enumerate(modes):
            count = len(taken) if mode.only_taken else len(jobs)
            mode.cpu.append(cpu[n] * 1000 / max(count, 1))
            mode.wall.append(wall[n] * 1000 / max(count, 1))


def check(jobs: list[ParseJob]) -> tuple[list[ParseJob], int]:
    """The jobs the fast path takes, and how many of them differ from feedparser's reading."""
    taken, differ = [], 0
    for job in jobs:
        quick = extract_fast(job)
        if quick is None:
            continue
        taken.append(job)
        with fast_path_on(False):
            differ += quick != extract(job)
    return taken, differ


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=HERE / ".corpus")
    parser.add_argument("--feeds", type=int, default=1000, help="use the first N feeds")
    parser.add_argument("--repeat", type=int, default=3, help="passes; the median is shown")
    args = parser.parse_args(argv)

    jobs = load_corpus(args.corpus, args.feeds)
    taken, differ = check(jobs)
    print(f"{len(jobs)} feeds, {sum(len(j.body) for j in jobs) / 1e6:.1f} MB")
    print(f"fast path taken: {len(taken)}/{len(jobs)} ({100 * len(taken) / len(jobs):.1f} %)")
    print(f"results that differ from feedparser's: {differ}")

    modes = [
        Mode("extract, feedparser", extract, fast_path=False),
        Mode("extract, fast first", extract),
        Mode("extract_fast alone*", extract_fast, only_taken=True),
        Mode("prepare, feedparser", prepare, fast_path=False),
        Mode("prepare, fast first", prepare),
    ]
    time_modes(modes, jobs, {job.source for job in taken}, args.repeat)

    print(f"median of {args.repeat} passes, ms per feed     CPU      wall")
    for mode in modes:
        cpu, wall = statistics.median(mode.cpu), statistics.median(mode.wall)
        print(f"  {mode.label:28} {cpu:9.2f} {wall:9.2f}")
    print(f"  (* on the {len(taken)} feeds it takes)")
    slow, quick = (statistics.median(m.cpu) for m in (modes[0], modes[1]))
    slow_prepare, quick_prepare = (statistics.median(m.cpu) for m in (modes[3], modes[4]))
    print(
        f"CPU time saved: extract {slow / quick:.1f}x, prepare {slow_prepare / quick_prepare:.1f}x"
    )


if __name__ == "__main__":
    main()
