"""Time ranking and publishing over a large store: 20 categories, 2 featured lists.

Builds a store of N articles (default 100,000) in as many stories, spread over
20 categories and the last 30 days, with editors' picks on some, written
straight into SQLite through the store's own migrations (the point is to time
publishing, not ingesting). Then times:

- a first publish, every file rendered and written, in a process that has not yet
  loaded the renderers (feedgen, dateutil, Jinja2's templates: about 0.13 s of it),
  as `feeds run` does at the end of its first cycle;
- the same again `--repeat` times into an emptied folder (the renderers loaded):
  the median, less at the mercy of one slow moment of a shared machine;
- a publish with nothing changed (the fingerprints match: nothing rendered,
  no file touched);
- a publish after 100 new stories.

    python benchmarks/publish.py --articles 100000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from feeds import config as config_module
from feeds.publish import publish_all
from store import open_store

CATEGORIES = [
    ("thoi-su", "Thời sự"), ("kinh-te", "Kinh tế"), ("van-hoa", "Văn hóa"), ("xa-hoi", "Xã hội"),
    ("the-gioi", "Thế giới"), ("giao-duc", "Giáo dục"), ("suc-khoe", "Sức khỏe"),
    ("phap-luat", "Pháp luật"), ("the-thao", "Thể thao"), ("cong-nghe", "Công nghệ"),
    ("du-lich", "Du lịch"), ("chuyen-dong-ha-noi", "Chuyển động Hà Nội"),
    ("bat-dong-san", "Bất động sản"),
    ("giai-tri", "Giải trí"), ("oto-xe-may", "Ô tô - Xe máy"), ("khoa-hoc", "Khoa học"),
    ("doi-song", "Đời sống"), ("quoc-phong", "Quốc phòng"), ("nong-nghiep", "Nông nghiệp"),
    ("moi-truong", "Môi trường"),
]  # fmt: skip
WORDS = [
    "Hà",
    "Nội",
    "thành",
    "phố",
    "người",
    "dân",
    "doanh",
    "nghiệp",
    "kinh",
    "tế",
    "phát",
    "triển",
    "dự",
    "án",
    "giao",
    "thông",
    "giáo",
    "dục",
    "y",
    "tế",
    "văn",
    "hóa",
    "du",
    "lịch",
    "thị",
    "trường",
    "giá",
    "vàng",
    "xăng",
    "dầu",
    "bất",
    "động",
    "sản",
    "thời",
    "tiết",
    "mưa",
    "lớn",
]


def config_text(store: Path, public: Path) -> str:
    lines = [
        "[site]", 'title = "Bản tin"', 'base_url = "http://127.0.0.1:8080"',
        "[store]", f'path = "{store}"', "[publish]", f'dir = "{public}"', "items_per_feed = 50",
    ]  # fmt: skip
    for slug, name in CATEGORIES:
        lines += ["[[categories]]", f'slug = "{slug}"', f'name = "{name}"']
    for slug, title in (("noi-bat", "Nổi bật"), ("dung-bo-lo", "Đừng bỏ lỡ")):
        lines += ["[[featured]]", f'slug = "{slug}"', f'title = "{title}"', "size = 10",
                  'window = "72h"', f'sections = ["{title}"]']  # fmt: skip
    return "\n".join(lines) + "\n"


def fill(db_path: Path, articles: int, now: datetime, seed: int = 7) -> None:
    """N stories of one article each, written in bulk; ~1 % with editors' picks."""
    rng = random.Random(seed)
    db = open_store(db_path)
    rows, stories, categories, picks = [], [], [], []
    for n in range(articles):
        published = (now - timedelta(seconds=rng.randrange(30 * 86400))).isoformat(
            timespec="seconds"
        )
        title = " ".join(rng.choice(WORDS) for _ in range(12)).capitalize()
        text = ". ".join(" ".join(rng.choice(WORDS) for _ in range(20)) for _ in range(15))
        aid, sid = f"a{n:07d}", f"00000000-0000-5000-8000-{n:012d}"
        url = f"https://outlet{n % 50}.example.vn/bai-{n}.html"
        rows.append((aid, f"Outlet {n % 50}", aid, url, url, title, "Phóng viên", text[:200],
                     f"<p>{text}</p>", text, "h" + aid, published, published, published, "[]",
                     "[]", sid))  # fmt: skip
        stories.append((sid, aid, published, published))
        categories.append((sid, CATEGORIES[n % len(CATEGORIES)][0], published))
        if n % 100 == 0:
            picks.append(("noi-bat" if n % 200 else "dung-bo-lo", url, "Outlet 1", "Nổi bật", 1,
                          published, published))  # fmt: skip
    with db.atomic():
        db.conn.executemany(
            "insert into stories (id, article_id, published, updated) values (?,?,?,?)", stories
        )
        db.conn.executemany(
            """insert into articles (id, source, guid, url, link, title, author, summary, content,
               text, content_hash, published, first_seen, last_seen, categories, labels, story_id)
               values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
            rows,
        )
        db.conn.executemany(
            "insert into story_categories (story_id, category, published) values (?,?,?)",
            categories,
        )
        db.conn.executemany(
            """insert into picks (list_slug, url, source, heading, position, first_seen, last_seen)
               values (?,?,?,?,?,?,?)""",
            picks,
        )
    db.conn.close()


def timed(work: object) -> float:
    started = time.perf_counter()
    work()  # type: ignore[operator]
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    now = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "config.toml").write_text(
            config_text(root / "feeds.db", root / "public"), encoding="utf-8"
        )
        started = time.perf_counter()
        fill(root / "feeds.db", args.articles, now)
        built = time.perf_counter() - started
        # The store's 500 MB are still being written back to disk, and each published
        # file is fsync'ed: flushed first, so the publish is not timed waiting for them.
        os.sync()
        cfg = config_module.load(root / "config.toml")
        db = open_store(cfg.store_path)
        first = timed(lambda: publish_all(cfg, db, now=now))
        again = []
        for _ in range(args.repeat):
            shutil.rmtree(cfg.publish_dir)
            again.append(timed(lambda: publish_all(cfg, db, now=now)))
        files = sorted(p for p in cfg.publish_dir.rglob("*") if p.is_file())
        before = {p: p.stat().st_mtime_ns for p in files}
        unchanged = [timed(lambda: publish_all(cfg, db, now=now)) for _ in range(args.repeat)]
        touched = sum(1 for p in files if p.stat().st_mtime_ns != before[p])
        fill_more = args.articles
        db.conn.close()
        fill_extra(cfg.store_path, fill_more, now)
        db = open_store(cfg.store_path)
        after_new = timed(lambda: publish_all(cfg, db, now=now))
        report = {
            "articles": args.articles,
            "files": len(files),
            "build_store_seconds": round(built, 1),
            "first_publish_seconds": round(first, 3),
            "first_publish_loaded_seconds_median": round(statistics.median(again), 3),
            "unchanged_publish_seconds_median": round(statistics.median(unchanged), 3),
            "files_touched_when_unchanged": touched,
            "publish_after_100_new_stories_seconds": round(after_new, 3),
            "store_mb": round((root / "feeds.db").stat().st_size / 1e6, 1),
        }
        print(json.dumps(report, indent=2))


def fill_extra(db_path: Path, offset: int, now: datetime) -> None:
    """100 new stories published now, spread over the categories."""
    db = open_store(db_path)
    with db.atomic():
        for n in range(offset, offset + 100):
            sid, aid = f"00000000-0000-5000-8000-{n:012d}", f"a{n:07d}"
            published = now.isoformat(timespec="seconds")
            db.conn.execute(
                "insert into stories (id, article_id, published, updated) values (?,?,?,?)",
                (sid, aid, published, published),
            )
            db.conn.execute(
                """insert into articles (id, source, guid, url, link, title, text, content_hash,
                   published, first_seen, last_seen, categories, labels, story_id)
                   values (?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
                (aid, "Outlet 1", aid, f"https://x.vn/{n}", f"https://x.vn/{n}", f"Tin mới {n}",
                 "mới", aid, published, published, published, "[]", "[]", sid),
            )  # fmt: skip
            db.conn.execute(
                "insert into story_categories (story_id, category, published) values (?,?,?)",
                (sid, CATEGORIES[n % 20][0], published),
            )
    db.conn.close()


if __name__ == "__main__":
    main()
