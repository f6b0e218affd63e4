"""The whole cycle against a real local server: fetch, store, deduplicate, publish."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import feedparser
import pytest

from feeds import config as config_module
from feeds import cycle
from feeds.cli import main
from feeds.cycle import run_cycle
from store import articles, open_store, stories

from .conftest import DATA, FeedServer

FEEDS = DATA / "feeds"


def _cycle(path: Path, now: datetime, **kwargs: object):  # type: ignore[no-untyped-def]
    cfg = config_module.load(path)
    db = open_store(cfg.store_path)
    return cfg, db, run_cycle(cfg, db, now=now, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def two_sources(feed_server: FeedServer, make_config: Callable[..., Path]) -> Path:
    hanoi = feed_server.route("/hanoi.xml", file=FEEDS / "hanoi.xml", etag='"h1"')
    copies = feed_server.route(
        "/copies.atom", file=FEEDS / "copies.atom", etag='"c1"', content_type="application/atom+xml"
    )
    return make_config(
        ("Tin Hà Nội", hanoi, "chuyen-dong-ha-noi"), ("Báo Thủ đô", copies, "kinh-te")
    )


def test_cycle_stores_one_story_per_copy_and_publishes(two_sources: Path, now: datetime) -> None:
    cfg, db, summary = _cycle(two_sources, now)
    assert [r.status for r in summary.results] == ["ok", "ok"]
    assert articles.count(db) == 5
    assert stories.count(db) == 4  # the bus story came twice: once under a tracking URL
    by_source = {r.source: r for r in summary.results}
    assert by_source["Tin Hà Nội"].new + by_source["Báo Thủ đô"].new == 4
    assert by_source["Tin Hà Nội"].duplicate + by_source["Báo Thủ đô"].duplicate == 1

    public = cfg.publish_dir
    parsed = feedparser.parse((public / "feeds" / "all.xml").read_bytes())
    assert not parsed.bozo and len(parsed.entries) == 4
    bus = next(e for e in parsed.entries if "buýt điện" in e.title)
    assert bus.title == "Hà Nội mở thêm 3 tuyến buýt điện nối trung tâm với sân bay Nội Bài"
    assert (
        bus.link == "https://tinhanoi.example.vn/ha-noi-mo-them-3-tuyen-buyt-dien-1001.html"
    )  # no utm_*
    html = bus.content[0].value
    assert "Cũng đăng trên" in html and "Báo Thủ đô" in html
    assert "<script" not in html and "javascript:" not in html and "onclick" not in html
    assert 'src="https://tinhanoi.example.vn/images/buyt-dien.jpg"' in html
    assert bus.author == "Minh Châu"

    hanoi = feedparser.parse((public / "feeds" / "chuyen-dong-ha-noi.xml").read_bytes())
    titles = {e.title for e in hanoi.entries}
    assert "Triển lãm ảnh về phố cổ mở cửa miễn phí" in titles  # no label: the source's category
    assert any("buýt điện" in t for t in titles)  # label "Chuyen dong Ha Noi", no diacritics
    kinh_te = feedparser.parse((public / "feeds" / "kinh-te.xml").read_bytes())
    assert any(e.title.startswith("Giá vàng hôm nay 5/4") for e in kinh_te.entries)  # alias
    the_gioi = json.loads((public / "feeds" / "the-gioi.json").read_text(encoding="utf-8"))
    assert [i["title"] for i in the_gioi["items"]] == [
        "Thế giới: hội nghị khí hậu khai mạc tại Dubai"
    ]


def test_day_first_date_without_zone_is_site_time(two_sources: Path, now: datetime) -> None:
    cfg, _, _ = _cycle(two_sources, now)
    feed = json.loads((cfg.publish_dir / "feeds" / "kinh-te.json").read_text(encoding="utf-8"))
    gold = next(i for i in feed["items"] if i["title"].startswith("Giá vàng"))
    assert gold["date_published"] == "2024-04-05T09:15:00+07:00"


def test_second_cycle_not_modified_rewrites_nothing(
    two_sources: Path, now: datetime, feed_server: FeedServer
) -> None:
    _cycle(two_sources, now)
    _cfg, db, summary = _cycle(two_sources, now + timedelta(minutes=15))
    assert {r.status for r in summary.results} == {"not modified"}
    assert summary.published is not None and summary.published.written == []
    assert stories.count(db) == 4
    conditional = [h for p, h in feed_server.requests if p == "/hanoi.xml"][-1]
    assert conditional.get("If-None-Match") == '"h1"'


def test_changed_entry_updates_its_story(
    feed_server: FeedServer, make_config: Callable[..., Path], now: datetime
) -> None:
    original = (FEEDS / "hanoi.xml").read_text(encoding="utf-8")
    url = feed_server.route("/h.xml", original)
    path = make_config(("Tin Hà Nội", url, "chuyen-dong-ha-noi"))
    _cfg, db, _ = _cycle(path, now)
    before = {s.article.title: s.id for s in stories.newest(db, category=None, limit=10)}
    edited = original.replace("vàng miếng tăng mạnh", "vàng miếng tăng mạnh, nhẫn đi ngang")
    feed_server.route("/h.xml", edited)
    _, db, summary = _cycle(path, now + timedelta(minutes=15))
    assert (summary.results[0].new, summary.results[0].updated) == (0, 1)
    after = {s.article.title: s.id for s in stories.newest(db, category=None, limit=10)}
    assert stories.count(db) == 3
    new_title = "Giá vàng hôm nay 5/4: vàng miếng tăng mạnh, nhẫn đi ngang"
    assert after[new_title] == before["Giá vàng hôm nay 5/4: vàng miếng tăng mạnh"]


def test_same_text_in_another_unicode_form_is_one_story(
    feed_server: FeedServer, make_config: Callable[..., Path], now: datetime
) -> None:
    import unicodedata

    body = (
        "<p>"
        + "Ủy ban nhân dân thành phố họp bàn kế hoạch chống ngập mùa mưa năm nay. " * 5
        + "</p>"
    )
    feed = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{t}</title>
    <link>https://{h}/</link><description>x</description><item><title>{title}</title>
    <link>https://{h}/a-{n}.html</link><description><![CDATA[{body}]]></description>
    <pubDate>Fri, 05 Apr 2024 08:00:00 +0700</pubDate></item></channel></rss>"""
    title = "Hà Nội họp bàn chống ngập"
    a = feed_server.route("/a.xml", feed.format(t="A", h="a.vn", n=1, title=title, body=body))
    nfd = unicodedata.normalize(
        "NFD", feed.format(t="B", h="b.vn", n=2, title="Video: " + title, body=body)
    )
    b = feed_server.route("/b.xml", nfd)
    path = make_config(("Báo A", a), ("Báo B", b))
    _, db, _ = _cycle(path, now)
    assert stories.count(db) == 1
    story = stories.newest(db, category=None, limit=1)[0]
    assert unicodedata.is_normalized("NFC", story.article.title)
    assert len(story.copies) == 1


def test_failing_sources_do_not_stop_the_cycle(
    feed_server: FeedServer, make_config: Callable[..., Path], now: datetime
) -> None:
    good = feed_server.route("/hanoi.xml", file=FEEDS / "hanoi.xml")
    broken = feed_server.route("/500.xml", "oops", status=500, content_type="text/plain")
    html = feed_server.route("/page", "<!doctype html><html><body>Trang chủ</body></html>",
                             content_type="text/html")  # fmt: skip
    refused = "http://127.0.0.1:9/nothing.xml"
    path = make_config(("Tốt", good), ("Hỏng", broken), ("Trang", html), ("Không kết nối", refused))
    cfg, db, summary = _cycle(path, now)
    results = {r.source: r for r in summary.results}
    assert results["Tốt"].status == "ok" and results["Tốt"].new == 3
    assert results["Hỏng"].error == "HTTP 500 Internal Server Error"
    assert "HTML page, not a feed" in (results["Trang"].error or "")
    assert "cannot connect" in (results["Không kết nối"].error or "")
    assert len(feedparser.parse((cfg.publish_dir / "feeds" / "all.xml").read_bytes()).entries) == 3
    state = {row["name"]: row for row in db.query("select * from sources")}
    assert state["Hỏng"]["failures"] == 1 and state["Tốt"]["failures"] == 0
    assert state["Hỏng"]["next_due_at"] > now.isoformat()


def test_backing_off_source_is_skipped_until_due_or_forced(
    feed_server: FeedServer, make_config: Callable[..., Path], now: datetime
) -> None:
    broken = feed_server.route("/500.xml", "oops", status=500)
    path = make_config(("Hỏng", broken))
    _cycle(path, now)
    _, _, summary = _cycle(path, now + timedelta(seconds=10))
    assert summary.results[0].status == "skipped" and "backing off" in (
        summary.results[0].error or ""
    )
    _, _, summary = _cycle(path, now + timedelta(seconds=10), force=True)
    assert summary.results[0].status == "failed"
    assert feed_server.hits("/500.xml") == 2


def test_many_sources_parse_in_worker_processes(
    feed_server: FeedServer, make_config: Callable[..., Path], now: datetime
) -> None:
    from feeds.cycle import POOL_THRESHOLD

    template = (FEEDS / "hanoi.xml").read_text(encoding="utf-8")
    sources = []
    for n in range(POOL_THRESHOLD + 2):
        body = template.replace("tinhanoi", f"outlet{n}").replace("Hà Nội mở", f"Hà Nội ({n}) mở")
        body = body.replace("Giá vàng hôm nay 5/4", f"Giá vàng {n}").replace(
            "Triển lãm", f"Triển lãm {n}"
        )
        body = body.replace("Từ ngày 10/4", f"Từ ngày 10/4 ({n})")
        sources.append((f"Nguồn {n}", feed_server.route(f"/f{n}.xml", body)))
    path = make_config(*sources)
    _, db, summary = _cycle(path, now)
    assert all(r.status == "ok" for r in summary.results)
    assert articles.count(db) == 3 * len(sources)


def test_parsing_workers_import_little(tmp_path: Path) -> None:
    """A worker imports cli.py (the `feeds` script is its __main__) and prepare.py, and no more:
    not the store's, the HTTP client's, the server's, publishing's or html extraction's libraries,
    which would add tens of megabytes to each worker process."""
    heavy = ("sqlite_utils", "urllib3", "trafilatura", "lxml.html", "jinja2", "feedgen")
    heavy += ("uvicorn", "starlette", "apscheduler", "tomlkit")
    code = "import sys, feeds.cli, feeds.prepare; print(*sys.modules)"
    loaded = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout.split()
    assert [name for name in heavy if name in loaded] == []


def test_run_command_prints_summary_and_exits_zero(
    two_sources: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(two_sources), "run"]) == 0
    out = capsys.readouterr().out
    assert "Tin Hà Nội" in out and "Báo Thủ đô" in out and "2 sources, 0 failed" in out
    assert main(["--config", str(two_sources), "stories", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    bus = next(s for s in listed if "buýt" in s["title"])
    assert [c["source"] for c in bus["copies"]] == ["Báo Thủ đô"]
    assert main(["--config", str(two_sources), "stories", "--category", "kinh-te"]) == 0
    assert "Giá vàng hôm nay 5/4" in capsys.readouterr().out
    assert main(["--config", str(two_sources), "publish"]) == 0
    assert "published 0 files" in capsys.readouterr().out


def test_a_feed_served_again_normalises_only_its_new_and_changed_entries(
    feed_server: FeedServer,
    make_config: Callable[..., Path],
    now: datetime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A server without validators sends the whole feed again: entries stored as they are
    are recognised by their entry hash and not normalised; a new and an edited one are."""
    import feeds.normalize

    template = (FEEDS / "hanoi.xml").read_text(encoding="utf-8")
    url = feed_server.route("/hanoi.xml", template)  # no ETag, no Last-Modified
    path = make_config(("Tin Hà Nội", url, "chuyen-dong-ha-noi"))
    _, db, first = _cycle(path, now)
    assert first.results[0].new == 3
    new_item = """<item>
      <title>Hồ Gươm có thêm phố đi bộ vào buổi sáng</title>
      <link>https://tinhanoi.example.vn/ho-guom-pho-di-bo-1004.html</link>
      <guid isPermaLink="false">tinhanoi-1004</guid>
      <pubDate>Fri, 05 Apr 2024 10:00:00 +0700</pubDate>
      <description>Phố đi bộ quanh Hồ Gươm mở thêm vào buổi sáng cuối tuần.</description>
    </item>
    <item>"""
    edited = template.replace("<item>", new_item, 1).replace(
        "tăng 500.000 đồng mỗi lượng", "tăng 700.000 đồng mỗi lượng"
    )
    feed_server.route("/hanoi.xml", edited)
    normalised: list[str] = []
    original = feeds.normalize.normalize_item

    def counting(item, ctx):  # type: ignore[no-untyped-def]
        normalised.append(item.key)
        return original(item, ctx)

    monkeypatch.setattr(feeds.normalize, "normalize_item", counting)
    _, db, again = _cycle(path, now + timedelta(hours=1), force=True)
    result = again.results[0]
    assert (result.new, result.updated, result.unchanged) == (1, 1, 2)
    assert sorted(normalised) == ["tinhanoi-1002", "tinhanoi-1004"]
    gold = next(a for a in articles_of(db) if a["guid"] == "tinhanoi-1002")
    assert "700.000" in gold["summary"]


def articles_of(db):  # type: ignore[no-untyped-def]
    return list(db.query("select guid, summary, entry_hash from articles order by guid"))


def test_articles_stored_before_entry_hashes_get_theirs_when_seen_unchanged(
    two_sources: Path, now: datetime
) -> None:
    _, db, _ = _cycle(two_sources, now)
    db.execute("update articles set entry_hash = null")
    db.conn.commit()
    db.execute("update sources set etag = null, last_modified = null, body_hash = null")
    db.conn.commit()
    _, db, third = _cycle(two_sources, now + timedelta(hours=2), force=True)
    assert sum(r.unchanged for r in third.results) == 5  # placed, found unchanged
    assert all(a["entry_hash"] for a in articles_of(db))
    _, db, fourth = _cycle(two_sources, now + timedelta(hours=3), force=True)
    assert [r.status for r in fourth.results] == ["not modified", "not modified"]


def test_stored_entries_are_read_beside_an_open_transaction(
    two_sources: Path, now: datetime
) -> None:
    from store.articles import StoredEntries

    cfg, db, _ = _cycle(two_sources, now)
    committed = {a["entry_hash"] for a in articles_of(db)}
    stored = StoredEntries(cfg.store_path)
    try:
        db.conn.execute("BEGIN IMMEDIATE")  # the storing thread's transaction
        db.execute("update articles set entry_hash = 'changed'")
        seen = stored("Tin Hà Nội") | stored("Báo Thủ đô")
        assert len(seen) == 5 and seen == committed  # what was committed, read beside it
        assert stored("Nguồn khác") == frozenset()
        db.conn.execute("ROLLBACK")
    finally:
        stored.close()
    assert StoredEntries(cfg.store_path.parent / "missing.db")("Tin Hà Nội") == frozenset()
    assert StoredEntries(None)("Tin Hà Nội") == frozenset()


def test_an_entry_hash_is_the_same_in_another_process(now: datetime) -> None:
    """Parsing workers compute entry hashes that the next cycle compares: no address,
    no per-process salt may leak into them."""
    from feeds.model import Image, RawItem
    from feeds.normalize import entry_hash

    item = RawItem(
        "g1", "/a.html", "Tiêu đề", "Tác giả", "<p>Tóm tắt</p>", None,
        now, now + timedelta(hours=1), ("Thời sự",), Image("https://a.vn/i.jpg", "image/jpeg", 10),
    )  # fmt: skip
    code = (
        "import sys, pickle; from feeds.normalize import entry_hash;"
        " print(entry_hash(pickle.loads(sys.stdin.buffer.read()), 'https://a.vn/rss'))"
    )
    import pickle

    other = (
        subprocess.run(
            [sys.executable, "-c", code], input=pickle.dumps(item), capture_output=True, check=True
        )
        .stdout.decode()
        .strip()
    )
    assert other == entry_hash(item, "https://a.vn/rss")
    assert entry_hash(item, "https://b.vn/rss") != other


def _pipe_sizes() -> list[int]:
    """The capacity of every pipe this process holds (run in a parsing worker)."""
    import fcntl

    return [fcntl.fcntl(fd, fcntl.F_GETPIPE_SZ) for fd in cycle._pipes()]


def _pipe_limit() -> int:
    try:
        return int(Path("/proc/sys/fs/pipe-max-size").read_text())
    except OSError:
        return 0


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or _pipe_limit() < cycle.PIPE_BYTES,
    reason="pipe capacity is set on Linux, up to /proc/sys/fs/pipe-max-size",
)
def test_a_parsing_worker_has_room_to_send_a_whole_feed_at_once() -> None:
    pool = cycle.parser_pool(cycle.POOL_THRESHOLD)
    if pool is None:
        pytest.skip("one core: parsing runs in the fetching threads, with no pipes")
    with pool:
        sizes = pool.submit(_pipe_sizes).result(timeout=60)
    assert sizes, "a worker talks to its parent through pipes"
    assert all(size >= cycle.PIPE_BYTES for size in sizes), sizes
