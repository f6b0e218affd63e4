"""The test bench: configs in tmp_path, good feeds to put beside hostile ones, and checks.

A `Bench` writes a config.toml whose sources live on the local `feed_server`,
runs `feeds run` in-process (or `run_cycle` with a fixed clock), and reads
back what a user would see: the summary table, `feeds sources list --json`,
the source states /healthz reports, the stored article ids and the published
files.
"""

from __future__ import annotations

import functools
import io
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import closing, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from lxml import etree

from feeds import config as config_module
from feeds.cli import main
from feeds.cycle import CycleSummary, run_cycle
from store import open_store
from store import sources as source_rows
from store.records import SourceState

from ..conftest import CONFIG_HEAD, FeedServer, source_block
from .published import parse_xml, published_problems

GOOD = "Nguồn tốt"
GOOD_CATEGORY = "the-gioi"
BAD = "Nguồn xấu"
BAD_CATEGORY = "kinh-te"
BAD_PATH = "/bad.xml"

# Real Vietnamese headlines: every diacritic class, đ/Đ, and the tone marks on ư/ơ.
HEADLINES = (
    "Hà Nội mở thêm ba tuyến buýt điện nối trung tâm với sân bay Nội Bài",
    "Giá vàng hôm nay: vàng miếng tăng mạnh, nhẫn trơn đi ngang",
    "Đường sắt đô thị Nhổn – ga Hà Nội chạy thử đoạn đi ngầm",
    "Thủ tướng yêu cầu gỡ vướng cho dự án nhà ở xã hội",
    "Triển lãm ảnh về phố cổ mở cửa miễn phí cho người dân",
    "Mưa lớn kéo dài, nhiều tuyến phố nội đô ngập sâu",
    "Xuất khẩu gạo quý đầu năm đạt mức cao nhất một thập kỷ",
    "Học sinh Việt Nam giành bốn huy chương vàng Olympic Toán",
)


def item_xml(
    title: str,
    link: str,
    *,
    guid: str | None = None,
    description: str = "",
    pub: str = "Fri, 05 Apr 2024 08:00:00 +0700",
    extra: str = "",
) -> str:
    return (
        f"<item><title>{title}</title><link>{link}</link>"
        f'<guid isPermaLink="false">{guid or link}</guid><pubDate>{pub}</pubDate>'
        f"<description>{description}</description>{extra}</item>\n"
    )


def rss(
    items: Iterable[str],
    *,
    title: str = "Báo thử",
    declaration: str = '<?xml version="1.0" encoding="utf-8"?>',
    head: str = "",
) -> str:
    return (
        f"{declaration}\n{head}"
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:media="http://search.yahoo.com/mrss/">\n'
        f"<channel><title>{title}</title><link>https://bao.example.vn/</link>"
        f"<description>tin</description>\n{''.join(items)}</channel></rss>\n"
    )


def good_feed(tag: str, count: int = 3, *, host: str = "tot.example.vn", start: int = 0) -> str:
    """A well-formed feed of `count` Vietnamese items whose links carry `tag`.

    Feeds with different `start` share no headline, so they never merge into one story.
    """
    items = []
    for n in range(count):
        headline = HEADLINES[(start + n) % len(HEADLINES)]
        items.append(
            item_xml(
                f"{headline} ({tag}-{n})",
                f"https://{host}/{tag}/bai-{n}.html",
                description=f"<![CDATA[<p>{headline}. Bài số {n} của {tag}.</p>]]>",
                pub=f"Fri, 05 Apr 2024 0{n % 9}:00:00 +0700",
            )
        )
    return rss(items, title=f"Báo {tag}")


@dataclass
class CliRun:
    code: int
    out: str
    err: str
    seconds: float


def run_cli(*args: str) -> CliRun:
    """`feeds ARGS` in-process, its output captured."""
    out, err = io.StringIO(), io.StringIO()
    started = time.monotonic()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return CliRun(code, out.getvalue(), err.getvalue(), time.monotonic() - started)


@functools.cache
def empty_store() -> Path:
    """A freshly migrated, empty database file, made once per test session."""
    path = Path(tempfile.mkdtemp(prefix="feeds-empty-store-")) / "feeds.db"
    db = open_store(path)
    db.execute("pragma wal_checkpoint(truncate)")
    db.close()
    return path


@functools.cache
def baseline_template() -> Path:
    """One good cycle of the usual pair (good source, bad source serving a good feed)."""
    folder = Path(tempfile.mkdtemp(prefix="feeds-baseline-"))
    server = FeedServer()
    (folder / "run").mkdir()
    try:
        bench = Bench(folder / "run", server)
        bad = server.route(BAD_PATH, good_feed("xau", host="xau.example.vn", start=4))
        bench.pair(bad)
        first = bench.run()
        assert first.code == 0, first.err
    finally:
        server.close()
    cfg = bench.config
    with closing(sqlite3.connect(cfg.store_path)) as conn:
        conn.execute("pragma wal_checkpoint(truncate)")
    shutil.copyfile(cfg.store_path, folder / "feeds.db")
    shutil.copytree(cfg.publish_dir, folder / "public")
    return folder


def run_process(config: Path, *args: str, deadline: float) -> CliRun | None:
    """`python -m feeds --config CONFIG ARGS` as a real process; None if it outlives `deadline`."""
    command = [sys.executable, "-m", "feeds", "--config", str(config), *args]
    started = time.monotonic()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        out, err = process.communicate(timeout=deadline)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return None
    return CliRun(process.returncode, out, err, time.monotonic() - started)


class Bench:
    """A config.toml on the local server, and what a user would see after each run."""

    def __init__(self, folder: Path, server: FeedServer) -> None:
        self.folder, self.server = folder, server
        self.path = folder / "config.toml"

    def write(
        self,
        sources: Sequence[tuple[str, str] | tuple[str, str, str]],
        *,
        timeout: str = "2s",
        max_bytes: int = 2_000_000,
        items_per_feed: int = 50,
        extra: str = "",
    ) -> Path:
        head = CONFIG_HEAD.replace(
            'timeout = "5s"', f'timeout = "{timeout}"\nmax_bytes = {max_bytes}'
        ).replace("items_per_feed = 50", f"items_per_feed = {items_per_feed}")
        blocks = [source_block(*s) for s in sources]
        self.path.write_text(head + extra + "\n" + "\n".join(blocks), encoding="utf-8")
        store_path = self.config.store_path
        if not store_path.exists():  # a migrated empty store: saves every test the migrations
            store_path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(empty_store(), store_path)
        return self.path

    def pair(self, bad_url: str, *, good_path: str = "/good.xml", **options: Any) -> Path:
        """The usual layout: one good source beside the hostile one."""
        good = self.server.route(good_path, good_feed("tot"))
        return self.write([(GOOD, good, GOOD_CATEGORY), (BAD, bad_url, BAD_CATEGORY)], **options)

    @property
    def config(self) -> config_module.Config:
        return config_module.load(self.path)

    @property
    def public(self) -> Path:
        return self.config.publish_dir

    def run(self, *extra: str) -> CliRun:
        return run_cli("--config", str(self.path), "run", *extra)

    def cycle(self, now: datetime, **options: Any) -> CycleSummary:
        cfg = self.config
        db = open_store(cfg.store_path)
        try:
            return run_cycle(cfg, db, now=now, **options)
        finally:
            db.close()

    def sources_json(self) -> dict[str, dict[str, Any]]:
        listed = run_cli("--config", str(self.path), "sources", "list", "--json")
        assert listed.code == 0, listed.err
        return {row["name"]: row for row in json.loads(listed.out)}

    def states(self) -> dict[str, SourceState]:
        """What /healthz reports per source (Service.health reads exactly these)."""
        db = open_store(self.config.store_path)
        try:
            return source_rows.states(db)
        finally:
            db.close()

    def article_ids(self) -> set[str]:
        return article_ids(self.config.store_path)

    def stored_text(self) -> str:
        """Every text column of every table, for markers that must never be stored."""
        with closing(sqlite3.connect(self.config.store_path)) as conn:
            tables = [
                r[0] for r in conn.execute("select name from sqlite_master where type='table'")
            ]
            parts: list[str] = []
            for table in tables:
                for row in conn.execute(f'select * from "{table}"'):
                    parts.extend(str(v) for v in row if isinstance(v, str | bytes))
        return "\n".join(parts)

    def published_titles(self, slug: str = "all") -> list[str]:
        feed = json.loads((self.public / "feeds" / f"{slug}.json").read_text(encoding="utf-8"))
        return [item["title"] for item in feed["items"]]

    def published_links(self, slug: str = "all") -> list[str]:
        root = parse_xml(self.public / "feeds" / f"{slug}.xml").getroot()
        return [link.text or "" for link in root.iterfind("channel/item/link")]

    def requests_to(self, path: str) -> int:
        return sum(1 for asked, _ in self.server.requests if asked.split("?")[0] == path)

    def problems(self) -> list[str]:
        return published_problems(self.public)

    # --- the usual check: a good cycle, then the hostile one -------------------------

    def baseline(self, **options: Any) -> set[str]:
        """The state after a good cycle in which the bad source served a good feed.

        That cycle runs once per session (baseline_template()); each test gets a copy
        of its database and published files. Returns the article ids stored.
        """
        bad = self.server.route(BAD_PATH, good_feed("xau", host="xau.example.vn", start=4))
        self.pair(bad, **options)
        template = baseline_template()
        cfg = self.config
        shutil.copyfile(template / "feeds.db", cfg.store_path)
        shutil.copytree(template / "public", cfg.publish_dir, dirs_exist_ok=True)
        before = self.article_ids()
        assert len(before) == 6
        return before

    def verify(
        self,
        run: CliRun,
        before: set[str],
        *,
        must_fail: bool = False,
        error_says: str = "",
        titles: Sequence[str] = (),
    ) -> str | None:
        """The promise after a cycle with a hostile source; returns the bad source's error."""
        assert run.code == 0, run.err
        assert "Traceback" not in run.err
        assert before <= self.article_ids(), "an article stored before was lost"
        good_titles = self.published_titles(GOOD_CATEGORY)
        assert len(good_titles) == 3 and all("(tot-" in t for t in good_titles), good_titles
        problems = self.problems()
        assert not problems, f"{len(problems)} problems in the published files: {problems[:8]}"

        listed = self.sources_json()
        states = self.states()
        assert listed[GOOD]["last_error"] is None and states[GOOD].last_error is None
        failed = f"failed: {BAD}: " in run.out
        if must_fail:
            assert failed, run.out
        if not failed:
            published = set(self.published_titles("all")) | set(self.published_titles(BAD_CATEGORY))
            stored = self.stored_text()
            missing = [t for t in titles if t not in published and t not in stored]
            assert not missing, f"titles not kept as given: {missing}"
            return None
        error = listed[BAD]["last_error"]
        assert actionable(error), error
        assert f"failed: {BAD}: {error}" in run.out  # the summary names it the same way
        assert states[BAD].last_error == error  # what /healthz shows
        assert error_says in error
        return str(error)


def actionable(message: str | None) -> bool:
    """Words a user can act on: not empty, no traceback, not a bare exception name."""
    return bool(
        message
        and len(message) > 12
        and "Traceback" not in message
        and not re.fullmatch(r"\w+(Error|Exception)(: .*)?", message)
    )


def article_ids(db_path: Path) -> set[str]:
    with closing(sqlite3.connect(db_path)) as conn:
        return {row[0] for row in conn.execute("select id from articles")}


def stored(db: Path) -> tuple[set[str], set[str], list[tuple[str, int]], str]:
    """Article ids, article URLs, URLs in more than one story, and the integrity check."""
    with closing(sqlite3.connect(db, timeout=30)) as conn:
        check = conn.execute("pragma integrity_check").fetchone()[0]
        ids = {r[0] for r in conn.execute("select id from articles")}
        urls = {r[0] for r in conn.execute("select link from articles")}
        split = conn.execute(
            "select url, count(distinct story_id) n from articles group by url having n > 1"
        ).fetchall()
    return ids, urls, split, check


def unreadable(public: Path) -> list[str]:
    """Published files that do not parse, and visible temporary files."""
    bad = []
    for path in public.rglob("*"):
        if not path.is_file():
            continue
        if path.name.startswith("."):
            continue  # a hidden temporary file: never served
        try:
            if path.suffix == ".tmp":
                bad.append(f"{path.name}: a visible temporary file")
            elif path.suffix in (".xml", ".atom", ".xsl"):
                etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
            elif path.suffix == ".json":
                json.loads(path.read_text(encoding="utf-8"))
            elif path.suffix == ".html" and not path.read_text(encoding="utf-8").rstrip().endswith(
                "</html>"
            ):
                bad.append(f"{path.name}: cut short")
        except (etree.XMLSyntaxError, ValueError) as exc:
            bad.append(f"{path.name}: {exc}")
    return bad


WORDS = " ".join(HEADLINES).replace(":", "").replace(",", "").replace("–", "").split()


class Corpus:
    """Each source's feed is its first `counts[i]` entries; entries never change once served."""

    def __init__(self, server: FeedServer, rand: random.Random, *, sources: int) -> None:
        self.rand, self.sources = rand, sources
        self.counts = [5] * sources
        self.urls = [server.route(f"/s{i}.xml", handler=self._handler(i)) for i in range(sources)]

    def _handler(self, source: int) -> Callable[[BaseHTTPRequestHandler], None]:
        def send(handler: BaseHTTPRequestHandler) -> None:
            body = self.feed(source, self.counts[source]).encode()
            handler.send_response(200)
            handler.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)

        return send

    @staticmethod
    def feed(source: int, count: int) -> str:
        items = []
        for k in reversed(range(count)):
            pick = random.Random(source * 100_000 + k)
            text = " ".join(pick.choice(WORDS) for _ in range(60))
            items.append(
                item_xml(
                    f"{' '.join(text.split()[:9])} (nguồn {source}, bài {k})",
                    f"https://s{source}.example.vn/bai-{k}.html",
                    description=f"<![CDATA[<p>{text}</p>]]>",
                    pub=f"Fri, 05 Apr 2024 {k % 24:02d}:{k % 60:02d}:00 +0700",
                )
            )
        return rss(items, title=f"Nguồn {source}")

    def grow(self, picks: int = 6) -> None:
        """A few new entries at a few sources."""
        for source in self.rand.sample(range(self.sources), picks):
            self.counts[source] += self.rand.randint(1, 3)

    @property
    def served(self) -> set[str]:
        return {
            f"https://s{i}.example.vn/bai-{k}.html"
            for i in range(self.sources)
            for k in range(self.counts[i])
        }


def start_run(config: Path) -> subprocess.Popen[bytes]:
    """`python -m feeds --config CONFIG run` in its own process group, stderr piped."""
    return subprocess.Popen(
        [sys.executable, "-m", "feeds", "--config", str(config), "run"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: the kill takes the parser pool too
    )
