"""Measure story clustering against a labelled set: quality, and speed as the store grows.

Reads the JSON lines written by generate.py, normalises every article as a cycle
would, and reports:

- quality: pairwise precision and recall of the incremental path (Deduper, the
  one `feeds run` uses) against the ground-truth stories, and how many
  near-miss articles were merged with another story (the goal is zero);
- `--speed`: clustering every article from scratch with the batch path
  (`feeds dedup --rebuild`), wall time and peak memory; and adding 1,000 new
  articles to a store of 10,000 and to one of 100,000 (the curve must stay flat).

    python benchmarks/dedup/generate.py --articles 2000 --out /tmp/dedup-2k.jsonl
    python benchmarks/dedup/measure.py /tmp/dedup-2k.jsonl
    python benchmarks/dedup/generate.py --articles 101000 --out /tmp/dedup-101k.jsonl
    python benchmarks/dedup/measure.py /tmp/dedup-101k.jsonl --speed
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from feeds.cluster import Member, cluster
from feeds.config import DedupSettings
from feeds.dedup import Deduper
from feeds.model import RawItem
from feeds.normalize import Context, normalize_item
from store import indexes, open_store
from store.records import NewArticle

NEAR_MISSES = {
    "same_event_other_article",
    "follow_up",
    "recurring_column",
    "short_boilerplate",
    "outside_window",
}


def load(path: Path, limit: int | None = None) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if limit is not None and number >= limit:
                return
            yield json.loads(line)


def to_article(record: dict[str, Any], now: datetime) -> NewArticle:
    item = RawItem(
        key=record["id"],
        link=record["url"],
        title=record["title"],
        summary=record.get("summary") or None,
        content=record.get("content_html") or None,
        published=datetime.fromisoformat(record["published"]),
    )
    return normalize_item(item, Context(record["source"], record["url"], None, {}, now))


def pairs(groups: dict[Any, list[str]]) -> int:
    return sum(len(g) * (len(g) - 1) // 2 for g in groups.values())


def quality(records: list[dict[str, Any]], articles: list[NewArticle]) -> dict[str, Any]:
    """Place every article through the Deduper in arrival order; compare with the labels."""
    with tempfile.TemporaryDirectory() as folder:
        db = open_store(Path(folder) / "feeds.db")
        deduper = Deduper(DedupSettings())
        started = time.perf_counter()
        order = sorted(range(len(articles)), key=lambda i: (articles[i].published, i))
        for start in range(0, len(order), 50):  # a source's worth per transaction
            with db.atomic():
                for i in order[start : start + 50]:
                    deduper.place(db, articles[i], now=articles[i].published)
        deduper.catch_up(db)
        seconds = time.perf_counter() - started
        story_of = {
            row["guid"]: row["story_id"] for row in db.query("select guid, story_id from articles")
        }
    truth: dict[str, list[str]] = defaultdict(list)
    predicted: dict[str, list[str]] = defaultdict(list)
    cell: Counter[tuple[str, str]] = Counter()
    for record in records:
        truth[record["story"]].append(record["id"])
        predicted[story_of[record["id"]]].append(record["id"])
        cell[(story_of[record["id"]], record["story"])] += 1
    together = sum(n * (n - 1) // 2 for n in cell.values())
    label = {r["id"]: r["story"] for r in records}
    merged_misses = sum(
        1
        for r in records
        if r["kind"] in NEAR_MISSES
        and any(label[other] != r["story"] for other in predicted[story_of[r["id"]]])
    )
    return {
        "articles": len(records),
        "stories_true": len(truth),
        "stories_found": len(predicted),
        "precision": together / max(pairs(predicted), 1),
        "recall": together / max(pairs(truth), 1),
        "near_misses_merged": merged_misses,
        "seconds": seconds,
        "per_kind_missed": missed_by_kind(records, story_of),
    }


def scores(records: list[dict[str, Any]], group_of: dict[int, int]) -> dict[str, Any]:
    """Pairwise precision and recall of a batch clustering (record index -> group)."""
    cell: Counter[tuple[int, str]] = Counter()
    for index, record in enumerate(records):
        cell[(group_of[index], record["story"])] += 1
    together = sum(n * (n - 1) // 2 for n in cell.values())
    found = Counter(group_of.values())
    truth = Counter(r["story"] for r in records)
    predicted_pairs = sum(n * (n - 1) // 2 for n in found.values())
    true_pairs = sum(n * (n - 1) // 2 for n in truth.values())
    return {
        "batch_precision": round(together / max(predicted_pairs, 1), 4),
        "batch_recall": round(together / max(true_pairs, 1), 4),
    }


def missed_by_kind(records: list[dict[str, Any]], story_of: dict[str, str]) -> dict[str, int]:
    """Copies that did not end up in their original's story, by kind."""
    first: dict[str, str] = {}
    for record in records:
        if record["kind"] == "original":
            first[record["story"]] = story_of[record["id"]]
    missed: Counter[str] = Counter()
    for record in records:
        home = first.get(record["story"])
        if home and record["kind"] not in NEAR_MISSES and story_of[record["id"]] != home:
            missed[record["kind"]] += 1
    return dict(missed)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def speed(
    records: list[dict[str, Any]], articles: list[NewArticle], normalise_seconds: float
) -> dict[str, Any]:
    arrival = sorted(range(len(articles)), key=lambda i: (articles[i].published, i))
    members = [
        Member(str(i), a.url, a.text_hash, a.title_key, a.published, indexes.pack(a.keys))
        for i, a in ((i, articles[i]) for i in arrival)
    ]
    started = time.perf_counter()
    texts = (("", articles[i].content or articles[i].summary or "") for i in arrival)
    groups = cluster(members, texts, DedupSettings())
    batch = time.perf_counter() - started
    result: dict[str, Any] = {
        "articles": len(articles),
        "normalise_and_sign_seconds": round(normalise_seconds, 1),
        "batch_cluster_seconds": round(batch, 1),
        "clusters": len(groups),
        **scores(records, {arrival[i]: n for n, group in enumerate(groups) for i in group}),
        "peak_mb_so_far": round(peak_mb()),
    }
    for size in (10_000, 100_000):
        if len(articles) >= size + 1_000:
            result[f"add_1000_to_{size}"] = round(
                add_thousand(articles[:size], articles[size : size + 1000]), 2
            )
    return result


def add_thousand(base: list[NewArticle], new: list[NewArticle]) -> float:
    """Seconds to place 1,000 new articles (20 sources of 50) into a store holding `base`."""
    with tempfile.TemporaryDirectory() as folder:
        db = open_store(Path(folder) / "feeds.db")
        deduper = Deduper(DedupSettings())
        for start in range(0, len(base), 500):
            with db.atomic():
                for article in base[start : start + 500]:
                    deduper.place(db, article, now=article.published)
        deduper.catch_up(db)
        started = time.perf_counter()
        for start in range(0, len(new), 50):
            with db.atomic():
                for article in new[start : start + 50]:
                    deduper.place(db, article, now=article.published)
        deduper.catch_up(db)
        return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("data", type=Path, help="JSON lines from generate.py")
    parser.add_argument("--limit", type=int, help="read only this many articles")
    parser.add_argument("--speed", action="store_true", help="time clustering and adding")
    args = parser.parse_args(argv)
    now = datetime(2030, 1, 1, tzinfo=UTC)  # later than every article: no date is clamped
    records = list(load(args.data, args.limit))
    started = time.perf_counter()
    articles = [to_article(r, now) for r in records]
    normalise = time.perf_counter() - started
    report: dict[str, Any] = {"data": str(args.data), "normalise_seconds": round(normalise, 1)}
    if args.speed:
        report["speed"] = speed(records, articles, normalise)
    else:
        report["quality"] = quality(records, articles)
    report["peak_mb"] = round(peak_mb())
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
