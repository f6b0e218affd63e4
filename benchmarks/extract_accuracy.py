"""How well and how fast extract_article() reads real Vietnamese article pages.

Runs feeds.extract.article.extract_article over every page that has expected
values in tests/data/pages/expected.json (the real pages under
shared/fixtures/real/vn-html and the bundled sample) and prints, as markdown:

- per page and per field whether the result is right: the title; the published
  time to the minute in the right zone; the author; the section (last label);
  the body (every expected paragraph present, in order, and none of the page's
  boilerplate strings in it);
- the share of pages right for each field;
- pages per second, the median of 5 passes over all pages;
- a profile of one pass: cumulative time of the main stages (lxml parse,
  structured data and JSON-LD, pruning, trafilatura, sanitising, …) and the
  top functions by cumulative time.

    .venv/bin/python benchmarks/extract_accuracy.py [--passes 5] [--top 12]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parents[1]
REAL = REPO.parent / "shared" / "fixtures" / "real"
EXPECTED = REPO / "tests" / "data" / "pages" / "expected.json"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
FIELDS = ("title", "published", "author", "section", "body")
# Stages of extract_article, by (module path fragment, function name).
STAGES = [
    ("lxml parse", "feeds/extract/html.py", "parse_page"),
    ("structured data (JSON-LD, meta, microdata)", "feeds/extract/article.py", "_signals"),
    ("  of which JSON-LD", "feeds/extract/article.py", "_json_ld"),
    ("copy + prune boxes", "feeds/extract/article.py", "_prune"),
    ("trafilatura (locate the body)", "trafilatura/core.py", "bare_extraction"),
    ("match body to trafilatura's lines", "feeds/extract/article.py", "_hit_weights"),
    ("visible dateline", "feeds/extract/article.py", "_visible_date"),
    ("byline", "feeds/extract/article.py", "_author"),
    ("body HTML + sanitise", "feeds/extract/article.py", "_content_html"),
    ("  of which nh3 sanitise", "feeds/sanitize.py", "clean_html"),
]

sys.path.insert(0, str(REPO))
from feeds.extract.article import ArticlePage, extract_article  # noqa: E402
from feeds.text import html_to_text  # noqa: E402


def load_pages() -> list[tuple[dict[str, Any], bytes]]:
    entries = json.loads(EXPECTED.read_text(encoding="utf-8"))["articles"]
    pages = []
    for entry in entries:
        path = (REAL if entry["source"] == "real" else REPO) / entry["file"]
        if path.is_file():
            pages.append((entry, path.read_bytes()))
    return pages


def run(entry: dict[str, Any], body: bytes) -> ArticlePage:
    return extract_article(body, entry["url"], zone=ZONE)


def grade(entry: dict[str, Any], page: ArticlePage) -> dict[str, bool]:
    item = page.item
    if item is None:
        return dict.fromkeys(FIELDS, False)
    text = " ".join(html_to_text(item.content or "").split())
    return {
        "title": item.title == entry["title"],
        "published": same_minute(item.published, entry["published"]),
        "author": item.author == entry["author"],
        "section": (item.labels[-1] if item.labels else None) == entry["section"],
        "body": in_order(text, entry["paragraphs"]) and not any(a in text for a in entry["absent"]),
    }


def same_minute(actual: datetime | None, expected: str | None) -> bool:
    if expected is None or actual is None:
        return actual is expected
    wanted = datetime.fromisoformat(expected)
    return (
        actual.replace(second=0, microsecond=0) == wanted
        and actual.utcoffset() == wanted.utcoffset()
    )


def in_order(text: str, paragraphs: list[str]) -> bool:
    position = 0
    for paragraph in paragraphs:
        position = text.find(" ".join(paragraph.split()), position)
        if position < 0:
            return False
    return True


def accuracy_table(pages: list[tuple[dict[str, Any], bytes]]) -> str:
    rows = ["| page | " + " | ".join(FIELDS) + " |", "|---|" + "---|" * len(FIELDS)]
    totals = dict.fromkeys(FIELDS, 0)
    for entry, body in pages:
        marks = grade(entry, run(entry, body))
        for name, ok in marks.items():
            totals[name] += ok
        cells = " | ".join("✓" if marks[name] else "✗" for name in FIELDS)
        rows.append(f"| {Path(entry['file']).name} | {cells} |")
    share = " | ".join(f"**{totals[n]}/{len(pages)}**" for n in FIELDS)
    rows.append(f"| **right** | {share} |")
    return "\n".join(rows)


def speed(pages: list[tuple[dict[str, Any], bytes]], passes: int) -> tuple[float, list[float]]:
    rates = []
    for _ in range(passes):
        start = time.perf_counter()
        for entry, body in pages:
            run(entry, body)
        rates.append(len(pages) / (time.perf_counter() - start))
    return statistics.median(rates), rates


def profile(pages: list[tuple[dict[str, Any], bytes]], top: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for entry, body in pages:
        run(entry, body)
    profiler.disable()
    stats = pstats.Stats(profiler)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]  # pstats keeps it untyped
    total = max(ct for (_, _, _, ct, _) in raw.values())
    lines = ["| stage | cumulative s | share of total |", "|---|---|---|"]
    for label, fragment, name in STAGES:
        seconds = _cumulative(raw, lambda f, n, fr=fragment, nm=name: fr in f and n == nm)
        lines.append(f"| {label} | {seconds:.3f} | {seconds / total:.0%} |")
    lines += ["", f"| top {top} by cumulative time | calls | cumulative s |", "|---|---|---|"]
    ranked = sorted(raw.items(), key=lambda kv: kv[1][3], reverse=True)
    for (filename, line, name), (_, calls, _, cumulative, _) in ranked[:top]:
        where = _short(filename)
        lines.append(f"| `{where}:{line}({name})` | {calls} | {cumulative:.3f} |")
    return "\n".join(lines)


def _cumulative(raw: dict[Any, Any], wanted: Callable[[str, str], bool]) -> float:
    return sum(v[3] for (f, _, n), v in raw.items() if wanted(f.replace("\\", "/"), n))


def _short(filename: str) -> str:
    filename = filename.replace("\\", "/")
    for marker in ("site-packages/", "/work/main/", str(REPO) + "/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    pages = load_pages()
    if not pages:
        print("no pages found: is shared/fixtures/real next to the repository?")
        return 1
    print(f"## Article extraction accuracy ({len(pages)} pages)\n")
    print(accuracy_table(pages))
    rate, rates = speed(pages, args.passes)
    print(f"\n**{rate:.1f} pages/s** (median of {args.passes} passes over {len(pages)} pages;")
    print(f"passes: {', '.join(f'{r:.1f}' for r in rates)})\n")
    print("## Where the time goes (one pass, cProfile)\n")
    print(profile(pages, args.top))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
