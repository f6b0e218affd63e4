"""Feed discovery: what real Vietnamese pages declare, and the order of look-ups over HTTP."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from feeds import config, discover
from feeds.cli import main
from feeds.fetch import Fetcher
from feeds.model import Fetched

from .conftest import DATA, REAL, FeedServer

SITES = DATA / "sites"
PAGES = REAL / "vn-html" / "myfeed-2012"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
BASE = "https://bao.example.vn/chuyen-muc/"


def page(body: bytes, url: str = BASE, content_type: str = "text/html") -> Fetched:
    return Fetched(url=url, status=200, body=body, headers={"content-type": content_type})


# Pages saved from Vietnamese outlets in 2012: what each declares or links to.
REAL_PAGES = [
    (
        "vnexpress.hompage.html",
        [("https://bao.example.vn/RSS/GL/trang-chu.rss", "VnExpress - RSS")],
        ["http://vnexpress.net/gl/rss/"],
    ),
    (
        "24h1.html",
        [("http://www.24h.com.vn/upload/rss/giaoducduhoc.rss", "24H.COM.VN - RSS")],
        ["https://bao.example.vn/guest/RSS/", "http://www.24h.com.vn/guest/RSS/"],
    ),
    (
        "ngoisao1.html",
        [("https://bao.example.vn/RSS/trang-chu.rss", "Ngoisao - RSS")],
        ["https://bao.example.vn/rss/"],
    ),
    ("dantri1.html", [], ["https://bao.example.vn/rss"]),
    ("genk1.html", [], ["https://bao.example.vn/rss.chn"]),
    ("nld1.html", [], ["https://bao.example.vn/rss.htm"]),
    ("thanhnien.homepage.html", [], ["https://bao.example.vn/pages/rss.aspx"]),
    ("zing1.html", [], ["http://news.zing.vn/rss/rss.html"]),
    ("soha.homepage.html", [], []),
]


@pytest.mark.parametrize(
    ("name", "alternates", "indexes"), REAL_PAGES, ids=[p[0] for p in REAL_PAGES]
)
def test_links_of_real_vietnamese_pages(
    name: str, alternates: list[tuple[str, str]], indexes: list[str]
) -> None:
    file = PAGES / name
    if not file.exists():
        pytest.skip(f"{file} is not here (shared real-world fixtures)")
    links = discover.page_links(page(file.read_bytes()))
    assert links.alternates == alternates
    assert links.feeds == []
    assert links.indexes == indexes
    assert links.title  # every one has a <title>, in NFC


def test_rss_index_page_lists_one_feed_per_section() -> None:
    body = (SITES / "thudo" / "rss.html").read_bytes()
    links = discover.page_links(page(body, "https://thudo.example.vn/rss.html"))
    assert links.title == "RSS – Báo Thủ Đô"
    assert links.feeds == [
        ("https://thudo.example.vn/rss/thoi-su.rss", "Thời sự"),
        ("https://thudo.example.vn/rss/kinh-doanh.rss", "Kinh doanh"),
        ("https://thudo.example.vn/rss/van-hoa.rss", "Văn hóa"),
        ("https://thudo.example.vn/rss/thoi-su.rss", "Thời sự"),  # listed twice on the page
    ]
    assert links.indexes == []  # the page's own address is not an index to visit


@pytest.mark.parametrize(
    ("url", "role"),
    [
        ("https://vnexpress.net/rss/thoi-su.rss", "feed"),
        ("https://vietnamnet.vn/rss/thoi-su", "feed"),
        ("https://example.vn/index.rss", "feed"),
        ("https://example.vn/atom.xml", "feed"),
        ("https://vnexpress.net/rss", "index"),
        ("https://vnexpress.net/rss/", "index"),
        ("https://tuoitre.vn/rss.htm", "index"),
        ("https://news.zing.vn/rss/rss.html", "index"),
        ("https://example.vn/feed", "index"),
        ("https://vnexpress.net/thoi-su/ha-noi-mo-them-3-tuyen-buyt-1001.html", None),
        ("https://example.vn/rss-va-tin-nhanh", None),
    ],
)
def test_link_role(url: str, role: str | None) -> None:
    assert discover.link_role(url) == role


def test_base_href_and_charset_from_meta() -> None:
    # windows-1258, the old Vietnamese code page: "ờ" is "ơ" + a combining grave accent.
    title = "Thơ\u0300i sư\u0323 – Ba\u0301o cu\u0303".encode("cp1258")
    body = (
        b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1258">'
        b"<title>" + title + b'</title><base href="https://cu.example.vn/goc/">'
        b'<link rel="alternate" type="application/atom+xml; charset=utf-8" href="tin.atom">'
        b"</head></html>"
    )
    links = discover.page_links(page(body, content_type="text/html"))
    assert links.title == "Thời sự – Báo cũ"
    assert links.alternates == [("https://cu.example.vn/goc/tin.atom", "")]


def test_a_feed_served_as_html_is_still_a_feed() -> None:
    body = (SITES / "hanoimoi" / "tin-moi.rss").read_bytes()
    preview = discover.as_feed(page(body, content_type="text/html; charset=utf-8"), ZONE)
    assert preview is not None and preview.items == 3 and preview.title == "Hà Nội Mới – Tin mới"


def _discover(server: FeedServer, path: str, now: datetime) -> list[discover.Candidate]:
    with Fetcher(config.FetchSettings()) as fetcher:
        return discover.discover(fetcher, server.base + path, now=now, zone=ZONE)


def _route(server: FeedServer, path: str, file: Path) -> None:
    kind = "text/html; charset=utf-8" if file.suffix == ".html" else "application/rss+xml"
    server.route(path, file=file, content_type=kind)


def test_home_page_linking_its_rss_index(feed_server: FeedServer, now: datetime) -> None:
    _route(feed_server, "/", SITES / "thudo" / "index.html")
    _route(feed_server, "/rss.html", SITES / "thudo" / "rss.html")
    found = _discover(feed_server, "/", now)
    assert [(c.title, c.found_by) for c in found] == [
        ("Thời sự", f"{feed_server.base}/rss.html"),
        ("Kinh doanh", f"{feed_server.base}/rss.html"),
        ("Văn hóa", f"{feed_server.base}/rss.html"),
    ]
    assert [path for path, _ in feed_server.requests] == ["/", "/rss.html"]


def test_usual_paths_are_tried_in_order_and_stop_at_the_first_feed(
    feed_server: FeedServer, now: datetime
) -> None:
    _route(feed_server, "/", SITES / "trang-tinh" / "index.html")
    assert _discover(feed_server, "/", now) == []
    assert [path for path, _ in feed_server.requests] == [
        "/", "/rss", "/feed", "/rss.xml", "/atom.xml", "/feed.xml", "/index.rss", "/rss.html"
    ]  # fmt: skip
    feed_server.requests.clear()
    _route(feed_server, "/rss.xml", SITES / "hanoimoi" / "tin-moi.rss")
    found = _discover(feed_server, "/", now)
    assert [(c.url, c.title) for c in found] == [
        (f"{feed_server.base}/rss.xml", "Hà Nội Mới – Tin mới")
    ]
    assert found[0].preview is not None and found[0].preview.items == 3
    assert [path for path, _ in feed_server.requests] == ["/", "/rss", "/feed", "/rss.xml"]


def test_add_the_real_vnexpress_home_page(
    feed_server: FeedServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = PAGES / "vnexpress.hompage.html"
    feed = REAL / "vn-feeds" / "vnexpress" / "2019-02-18_tin-moi-nhat.rss"
    if not (home.exists() and feed.exists()):
        pytest.skip("the shared real-world fixtures are not here")
    _route(feed_server, "/", home)
    _route(feed_server, "/RSS/GL/trang-chu.rss", feed)
    path = tmp_path / "config.toml"
    path.write_text('[site]\ntitle = "Thử"\nbase_url = "http://127.0.0.1:8080"\n', encoding="utf-8")
    assert main(["--config", str(path), "sources", "add", feed_server.base + "/"]) == 0
    out = capsys.readouterr().out
    assert "read 25 items" in out and "feed title: Tin mới nhất - VnExpress RSS" in out
    source = config.load(path).sources[0]
    assert (source.name, source.url) == (
        "Tin mới nhất - VnExpress RSS",
        f"{feed_server.base}/RSS/GL/trang-chu.rss",
    )
