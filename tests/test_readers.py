"""Real feed readers subscribe to what we publish: Debian's newsboat and sfeed.

A cycle ingests three small Vietnamese sources (tests/data/sites), the publish
folder is served on 127.0.0.1, and each reader subscribes to every published
RSS and Atom feed, then separately to the feeds listed in opml.xml. Every item a
reader stores must carry its exact title, link and date. A second cycle adds one
article: after the next reload each reader has exactly one more item in each
feed that article belongs to, and nothing twice (ids are stable).

The readers are system packages (`apt-get install newsboat sfeed`). Without
them the tests are skipped, unless CI is set: then a missing reader fails.
"""

from __future__ import annotations

import functools
import os
import shutil
import sqlite3
import subprocess
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from feeds import config
from feeds.cycle import run_cycle
from store import open_store

from .conftest import CONFIG_HEAD, DATA, FeedServer

SITES = DATA / "sites"
ATOM = "{http://www.w3.org/2005/Atom}"

# (name, path on the source server, file in tests/data/sites, category)
SOURCES = [
    ("Hà Nội Mới", "/hanoimoi.rss", "hanoimoi/tin-moi.rss", "chuyen-dong-ha-noi"),
    ("Phố Cổ", "/phoco.atom", "phoco/atom.xml", "van-hoa"),
    ("Thủ Đô – Thời sự", "/thoi-su.rss", "thudo/thoi-su.rss", "thoi-su"),
]

# Every article of the sources: its exact title, its link and when it was published.
EXPECTED = {
    "Hà Nội khởi công cầu Trần Hưng Đạo bắc qua sông Hồng": (
        "https://hanoimoi.example.vn/khoi-cong-cau-tran-hung-dao-2001.html",
        "2024-04-05T07:45:00+07:00",
    ),
    "Giá xăng & dầu giảm lần thứ ba liên tiếp từ 15 giờ chiều nay": (
        "https://hanoimoi.example.vn/gia-xang-giam-2002.html",
        "2024-04-04T15:05:00+07:00",
    ),
    "Đường Thanh Niên rợp sắc hoa ban tháng Tư": (
        "https://hanoimoi.example.vn/duong-thanh-nien-hoa-ban-2003.html",
        "2024-04-04T21:30:00+07:00",
    ),
    "Phở bò Hàng Trống lọt danh sách “món ngon châu Á”": (
        "https://phoco.example.vn/pho-bo-hang-trong-3001.html",
        "2024-04-05T10:00:00+07:00",
    ),
    "Ngõ nhỏ phố Hàng Bạc giữ nghề kim hoàn trăm năm": (
        "https://phoco.example.vn/ngo-hang-bac-kim-hoan-3002.html",
        "2024-04-04T18:20:00+07:00",
    ),
    "Quốc hội thảo luận dự án Luật Thủ đô (sửa đổi)": (
        "https://thudo.example.vn/quoc-hoi-luat-thu-do-4001.html",
        "2024-04-05T02:10:00+00:00",
    ),
    "Người dân quận Đống Đa góp ý quy hoạch công viên hồ Ba Mẫu": (
        "https://thudo.example.vn/dong-da-cong-vien-ho-ba-mau-4002.html",
        "2024-04-04T16:40:00+07:00",
    ),
}

NEW_TITLE = "Giá vàng miếng SJC vượt 80 triệu đồng/lượng, cao nhất lịch sử"
NEW_LINK = "https://hanoimoi.example.vn/gia-vang-sjc-vuot-80-trieu-2004.html"
NEW_ITEM = f"""
    <item>
      <title>{NEW_TITLE}</title>
      <link>{NEW_LINK}</link>
      <guid isPermaLink="true">{NEW_LINK}</guid>
      <pubDate>Fri, 05 Apr 2024 13:20:00 +0700</pubDate>
      <category>Kinh doanh</category>
      <description>Giá vàng miếng tăng 1,2 triệu đồng mỗi lượng trong phiên chiều.</description>
    </item>
  </channel>"""
NEW_IN = {"all", "kinh-te", "dung-bo-lo"}  # the feeds the new article belongs to

CATEGORIES = """
[[categories]]
slug = "van-hoa"
name = "Văn hóa"

[[categories]]
slug = "thoi-su"
name = "Thời sự"
"""


@dataclass(frozen=True)
class Seen:
    """One item as a reader (or our own parse of a published file) stores it."""

    id: str
    title: str
    link: str
    timestamp: int


def require(binary: str) -> str:
    found = shutil.which(binary)
    if found:
        return found
    message = f"{binary} is not installed (apt-get install newsboat sfeed curl)"
    if os.environ.get("CI"):
        pytest.fail(message + "; CI must have it")
    pytest.skip(message)


def run(args: list[str], home: Path, stdin: bytes | None = None) -> str:
    env = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    env |= {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "no_proxy": "*"}
    done = subprocess.run(
        args, cwd=home, env=env, input=stdin, capture_output=True, timeout=120, check=False
    )
    output = done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace")
    assert done.returncode == 0, f"{args[0]} failed: {output}"
    return output


# --- the publisher side ------------------------------------------------------------


class _Quiet(SimpleHTTPRequestHandler):
    """The publish folder with the content types `feeds serve` sends, and no log lines."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.extensions_map = {
            ".xml": "application/rss+xml; charset=utf-8",
            ".atom": "application/atom+xml; charset=utf-8",
            ".json": "application/feed+json; charset=utf-8",
            ".html": "text/html; charset=utf-8",
        }
        super().__init__(*args, **kwargs)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def publish_server(tmp_path: Path) -> Iterator[str]:
    """The publish folder served on 127.0.0.1, as `feeds serve` would; its base URL."""
    public = tmp_path / "public"
    public.mkdir()
    handler = functools.partial(_Quiet, directory=str(public))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


class Site:
    """The sources on one server, our config publishing to another, and the two cycles."""

    def __init__(self, tmp_path: Path, feed_server: FeedServer, base: str, now: datetime):
        self.server, self.base, self.now = feed_server, base, now
        blocks = []
        for name, path, file, category in SOURCES:
            url = feed_server.route(path, file=SITES / file)
            blocks.append(f'[[sources]]\nname = "{name}"\nurl = "{url}"\ncategory = "{category}"\n')
        head = CONFIG_HEAD.replace("http://127.0.0.1:8080", base)
        text = head + CATEGORIES + "\n" + "\n".join(blocks)
        text = text.replace('aliases = ["Chuyển động"]', 'aliases = ["Chuyển động", "Thủ đô"]')
        (tmp_path / "config.toml").write_text(text, encoding="utf-8")
        self.config = config.load(tmp_path / "config.toml")
        self.db = open_store(self.config.store_path)

    def first_cycle(self) -> None:
        summary = run_cycle(self.config, self.db, now=self.now)
        assert [r.status for r in summary.results] == ["ok"] * len(SOURCES)

    def second_cycle(self) -> None:
        """The same sources again, one of them with one new article."""
        body = (SITES / "hanoimoi" / "tin-moi.rss").read_text(encoding="utf-8")
        self.server.route("/hanoimoi.rss", body.replace("\n  </channel>", NEW_ITEM, 1))
        summary = run_cycle(self.config, self.db, now=self.now + timedelta(hours=1))
        assert sum(r.new for r in summary.results) == 1, summary.results

    @property
    def feeds(self) -> list[str]:
        """Every published RSS and Atom feed, as file names: all.xml, all.atom, …"""
        folder = self.config.publish_dir / "feeds"
        return sorted(p.name for p in folder.iterdir() if p.suffix in (".xml", ".atom"))

    def url(self, feed: str) -> str:
        return f"{self.base}/feeds/{feed}"

    def published(self) -> dict[str, list[Seen]]:
        return {
            feed: read_published(self.config.publish_dir / "feeds" / feed) for feed in self.feeds
        }

    def snapshot(self) -> dict[str, bytes]:
        folder = self.config.publish_dir / "feeds"
        return {feed: (folder / feed).read_bytes() for feed in self.feeds}


def read_published(path: Path) -> list[Seen]:
    """Our own reading of a published RSS or Atom file."""
    root = etree.parse(str(path)).getroot()
    if path.suffix == ".atom":
        return [
            Seen(
                e.findtext(f"{ATOM}id") or "",
                e.findtext(f"{ATOM}title") or "",
                e.find(f"{ATOM}link[@rel='alternate']").get("href", ""),  # type: ignore[union-attr]
                int(datetime.fromisoformat(e.findtext(f"{ATOM}published") or "").timestamp()),
            )
            for e in root.iter(f"{ATOM}entry")
        ]
    return [
        Seen(
            i.findtext("guid") or "",
            i.findtext("title") or "",
            i.findtext("link") or "",
            int(parsedate_to_datetime(i.findtext("pubDate") or "").timestamp()),
        )
        for i in root.iter("item")
    ]


# --- checks and figures ------------------------------------------------------------


def check_exact(seen: list[Seen], extra: dict[str, tuple[str, str]] | None = None) -> None:
    """Every item a reader kept has its exact title, link and date; none is there twice."""
    expected = EXPECTED | (extra or {})
    ids = Counter(item.id for item in seen)
    assert not [i for i, n in ids.items() if n > 1], f"duplicated ids: {ids}"
    for item in seen:
        assert item.title in expected, f"title changed: {item.title!r}"
        link, published = expected[item.title]
        assert item.link == link, item
        assert item.timestamp == int(datetime.fromisoformat(published).timestamp()), item


NEW = {NEW_TITLE: (NEW_LINK, "2024-04-05T13:20:00+07:00")}


def check_second_reload(
    before: dict[str, list[Seen]], after: dict[str, list[Seen]], published: dict[str, int]
) -> None:
    for feed, items in after.items():
        check_exact(items, NEW)
        old = {item.id: item for item in before[feed]}
        assert all(old[i.id] == i for i in items if i.id in old), f"{feed}: an item changed"
        assert set(old) <= {i.id for i in items}, f"{feed}: ids not stable"
        added = [i for i in items if i.id not in old]
        assert len(added) == published[feed], (feed, added)
        assert [i.title for i in added] == ([NEW_TITLE] if feed.split(".")[0] in NEW_IN else [])


def print_figures(
    reader: str,
    capsys: pytest.CaptureFixture[str],
    rows: list[tuple[str, int, int, int, int]],
    notes: list[str],
) -> None:
    lines = [
        f"\n{reader}: items per feed, published vs seen by {reader};"
        " then added by the second cycle, published vs added after the reload",
        f"  {'feed':<26} {'published':>9} {reader:>9}   {'+published':>10} {'+' + reader:>10}",
    ]
    for feed, published, seen, published_added, seen_added in rows:
        lines.append(
            f"  {feed:<26} {published:>9} {seen:>9}   {published_added:>10} {seen_added:>10}"
        )
    with capsys.disabled():
        print("\n".join([*lines, *(f"  {note}" for note in notes)]))


# --- newsboat ------------------------------------------------------------------------


class Newsboat:
    """One newsboat setup: its urls file, cache and (empty) config in a folder."""

    def __init__(self, folder: Path, home: Path) -> None:
        self.folder, self.home = folder, home
        folder.mkdir(parents=True)
        (folder / "config").write_text("", encoding="utf-8")

    def subscribe(self, urls: list[str]) -> None:
        (self.folder / "urls").write_text("\n".join(urls) + "\n", encoding="utf-8")

    def import_opml(self, opml: Path) -> list[str]:
        run(["newsboat", "-i", str(opml), "-u", str(self.folder / "urls")], self.home)
        lines = (self.folder / "urls").read_text(encoding="utf-8").splitlines()
        return [line.split()[0] for line in lines if line.strip()]

    def reload(self) -> list[Seen]:
        f = self.folder
        args = ["-u", str(f / "urls"), "-c", str(f / "cache.db"), "-C", str(f / "config")]
        run(["newsboat", *args, "-x", "reload"], self.home)
        with closing(sqlite3.connect(f / "cache.db")) as db:
            rows = db.execute("select guid, title, url, pubDate from rss_item where deleted = 0")
            return [Seen(*row) for row in rows]


@pytest.fixture
def site(tmp_path: Path, feed_server: FeedServer, publish_server: str, now: datetime) -> Site:
    return Site(tmp_path, feed_server, publish_server, now)


def test_newsboat_sees_every_item_exactly(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    require("newsboat")
    home = tmp_path / "home"
    home.mkdir()
    site.first_cycle()
    published = site.published()
    # One cache per feed: newsboat keys its cache by guid alone, so a story in two
    # subscribed feeds (all and its category) is one row, moved to whichever reloaded last.
    readers = {feed: Newsboat(tmp_path / "newsboat" / feed, home) for feed in site.feeds}
    before = {}
    for feed, reader in readers.items():
        reader.subscribe([site.url(feed)])
        before[feed] = reader.reload()
        check_exact(before[feed])
        assert sorted(i.id for i in before[feed]) == sorted(i.id for i in published[feed])

    from_opml = Newsboat(tmp_path / "newsboat-opml", home)
    imported = from_opml.import_opml(site.config.publish_dir / "opml.xml")
    assert sorted(imported) == sorted(site.url(f) for f in site.feeds if f.endswith(".xml"))
    opml_before = from_opml.reload()
    check_exact(opml_before)
    stories = {i.id for f in imported for i in published[f.rsplit("/", 1)[-1]]}
    assert {i.id for i in opml_before} == stories

    unchanged = site.snapshot()
    site.second_cycle()
    now_published = site.published()
    added = {f: len(now_published[f]) - len(published[f]) for f in site.feeds}
    assert added == {f: int(f.split(".")[0] in NEW_IN) for f in site.feeds}
    for feed, data in site.snapshot().items():  # feeds without the new article: same bytes
        assert (data == unchanged[feed]) == (added[feed] == 0), feed
    after = {feed: reader.reload() for feed, reader in readers.items()}
    check_second_reload(before, after, added)
    opml_after = from_opml.reload()
    check_exact(opml_after, NEW)
    assert len(opml_after) == len(opml_before) + 1

    rows = [
        (f, len(published[f]), len(before[f]), added[f], len(after[f]) - len(before[f]))
        for f in site.feeds
    ]
    notes = [
        f"opml.xml import: {len(imported)} feeds in one cache, {len(opml_before)} items"
        f" for {len(stories)} distinct stories; +{len(opml_after) - len(opml_before)}"
        " after the second cycle"
    ]
    print_figures("newsboat", capsys, rows, notes)


# --- sfeed ---------------------------------------------------------------------------


class Sfeed:
    """sfeed_update with an sfeedrc in a folder; one TSV file per feed under feeds/."""

    def __init__(self, folder: Path, home: Path) -> None:
        self.folder, self.home = folder, home
        folder.mkdir(parents=True)
        self.rc = folder / "sfeedrc"

    def subscribe(self, feeds: dict[str, str]) -> None:
        lines = [f"\tfeed '{name}' '{url}'" for name, url in feeds.items()]
        self._write_rc("feeds() {\n" + "\n".join(lines) + "\n}\n")

    def import_opml(self, opml: Path) -> list[str]:
        rc = run(["sfeed_opml_import"], self.home, stdin=opml.read_bytes())
        self._write_rc(rc)
        return [line.split("'")[3] for line in rc.splitlines() if line.strip().startswith("feed ")]

    def _write_rc(self, body: str) -> None:
        self.rc.write_text(f'sfeedpath="{self.folder / "feeds"}"\n{body}', encoding="utf-8")

    def update(self) -> dict[str, list[Seen]]:
        run(["sfeed_update", str(self.rc)], self.home)
        return {path.name: self._read(path) for path in (self.folder / "feeds").iterdir()}

    @staticmethod
    def _read(path: Path) -> list[Seen]:
        # sfeed(5): timestamp, title, link, content, content-type, id, author, enclosure, category
        rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]
        return [Seen(f[5], f[1], f[2], int(f[0])) for f in rows if f and f[0]]


def test_sfeed_sees_every_item_exactly(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for binary in ("sfeed", "sfeed_update", "sfeed_opml_import", "curl"):
        require(binary)
    home = tmp_path / "home"
    home.mkdir()
    site.first_cycle()
    published = site.published()
    reader = Sfeed(tmp_path / "sfeed", home)
    reader.subscribe({feed: site.url(feed) for feed in site.feeds})
    before = reader.update()
    assert sorted(before) == site.feeds
    for feed, items in before.items():
        check_exact(items)
        assert sorted(i.id for i in items) == sorted(i.id for i in published[feed])

    from_opml = Sfeed(tmp_path / "sfeed-opml", home)
    imported = from_opml.import_opml(site.config.publish_dir / "opml.xml")
    assert sorted(imported) == sorted(site.url(f) for f in site.feeds if f.endswith(".xml"))
    opml_before = from_opml.update()
    for items in opml_before.values():
        check_exact(items)
    opml_count = sum(len(items) for items in opml_before.values())
    assert opml_count == sum(len(published[u.rsplit("/", 1)[-1]]) for u in imported)

    site.second_cycle()
    now_published = site.published()
    added = {f: len(now_published[f]) - len(published[f]) for f in site.feeds}
    after = reader.update()
    check_second_reload(before, after, added)
    opml_after = from_opml.update()
    opml_added = sum(len(items) for items in opml_after.values()) - opml_count
    assert opml_added == sum(added[u.rsplit("/", 1)[-1]] for u in imported)
    for items in opml_after.values():
        check_exact(items, NEW)

    rows = [
        (f, len(published[f]), len(before[f]), added[f], len(after[f]) - len(before[f]))
        for f in site.feeds
    ]
    notes = [
        f"opml.xml import: {len(imported)} feeds, {opml_count} items (one file per feed);"
        f" +{opml_added} after the second cycle"
    ]
    print_figures("sfeed", capsys, rows, notes)
