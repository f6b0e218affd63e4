"""html and sitemap sources end to end against a local site on 127.0.0.1."""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest

from feeds import config as config_module
from feeds.cli import main
from feeds.cycle import run_cycle
from feeds.sites import MANNERS
from store import open_store

from .conftest import REPO, FeedServer

NOW = datetime(2024, 4, 5, 6, 0, tzinfo=UTC)


def article_page(n: int, title: str, *, boxes: str = "") -> str:
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{title} - Báo Mẫu</title>
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="2024-04-05T0{n % 9}:30:00+07:00">
<meta name="author" content="Nguyễn Văn {n}">
<meta property="article:section" content="Kinh tế"></head><body>
<nav><a href="/">Trang chủ</a><a href="/kinh-te">Kinh tế</a></nav>
<article><h1>{title}</h1>
{BODIES[n]}
</article>{boxes}
<footer><a href="/gioi-thieu">Giới thiệu</a></footer></body></html>"""


BOXES = """<aside><h2>Đừng bỏ lỡ</h2><ul><li><a href="/kinh-te/bai-viet-so-6-1006.html">Bài sáu</a></li>
<li><a href="/kinh-te/bai-viet-so-1-1001.html">Bài một</a></li></ul></aside>
<aside><h2>Tin khác</h2><ul><li><a href="/kinh-te/bai-viet-so-7-1007.html">Bài bảy</a></li></ul></aside>"""


def listing(links: list[int], *, next_page: str | None = None) -> str:
    items = "".join(
        f'<li><a href="/kinh-te/bai-viet-so-{n}-{1000 + n}.html">Bài {n}</a></li>' for n in links
    )
    paging = (
        f'<div class="pagination"><a rel="next" href="{next_page}">Trang sau</a></div>'
        if next_page
        else ""
    )
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Kinh tế</title></head><body>
<nav><a href="/">Trang chủ</a><a href="/tag/vang">Vàng</a><a href="/tac-gia/nguyen-van-a">Tác giả</a></nav>
<main><ul class="list">{items}</ul>{paging}</main>{BOXES}</body></html>"""


_TOPICS = [
    ("giá lúa gạo", "nông dân đồng bằng", "vụ đông xuân", "xuất khẩu sang Philippines"),
    (
        "thị trường chứng khoán",
        "nhà đầu tư cá nhân",
        "phiên giao dịch chiều",
        "khối ngoại bán ròng",
    ),
    ("giá xăng dầu", "liên bộ Công Thương - Tài chính", "kỳ điều hành mới", "quỹ bình ổn"),
    ("bất động sản nghỉ dưỡng", "chủ đầu tư ven biển", "mùa du lịch hè", "lãi suất cho vay"),
    ("xuất khẩu thủy sản", "doanh nghiệp cá tra", "thị trường Hoa Kỳ", "thuế chống bán phá giá"),
    ("vận tải hàng không", "các hãng bay nội địa", "dịp nghỉ lễ", "giá vé máy bay"),
    ("bán lẻ trực tuyến", "sàn thương mại điện tử", "ngày hội mua sắm", "người tiêu dùng trẻ"),
]
BODIES = {
    n: "".join(
        f"<p>{sentence}</p>"
        for sentence in (
            f"Tin về {a}: {b} đang theo dõi sát diễn biến của {c} năm nay.",
            f"Theo ghi nhận, {b} cho biết {a} chịu tác động lớn từ {d}.",
            f"Nhiều ý kiến cho rằng {c} sẽ quyết định hướng đi của {a} trong quý tới.",
            f"Cơ quan quản lý khuyến nghị {b} thận trọng trước biến động của {d}.",
        )
    )
    for n, (a, b, c, d) in enumerate(_TOPICS, start=1)
}
WORDS = {1: "một", 2: "hai", 3: "ba", 4: "bốn", 5: "năm", 6: "sáu", 7: "bảy"}


@pytest.fixture(autouse=True)
def fresh_manners() -> None:
    MANNERS.robots.clear()
    MANNERS.last.clear()


@pytest.fixture
def site(feed_server: FeedServer) -> FeedServer:
    html = "text/html; charset=utf-8"
    for n in range(1, 8):
        feed_server.route(
            f"/kinh-te/bai-viet-so-{n}-{1000 + n}.html",
            article_page(n, f"Bài viết số {WORDS[n]} về kinh tế Thủ đô", boxes=BOXES),
            content_type=html,
        )
    feed_server.route(
        "/kinh-te", listing([1, 2, 3], next_page="/kinh-te/trang-2"), content_type=html, etag='"l1"'
    )
    feed_server.route("/kinh-te/trang-2", listing([4, 5]), content_type=html)
    feed_server.route(
        "/robots.txt",
        "User-agent: *\nDisallow: /kinh-te/bai-viet-so-5-1005.html\n",
        content_type="text/plain",
    )
    return feed_server


def _config(make_config: Callable[..., Path], url: str, **extra: str) -> Path:
    extra = {"kind": "html", "delay": "0s", **extra}
    return (
        make_config(("Báo Mẫu", url, "kinh-te", *[]), extra="")
        if False
        else _write(make_config, url, extra)
    )


def _write(make_config: Callable[..., Path], url: str, extra: dict[str, str]) -> Path:
    path = make_config()
    lines = ["", "[[sources]]", 'name = "Báo Mẫu"', f'url = "{url}"', 'category = "kinh-te"']
    for key, value in extra.items():
        lines.append(
            f"{key} = {value}"
            if value in ("true", "false") or value.isdigit()
            else f'{key} = "{value}"'
        )
    path.write_text(path.read_text(encoding="utf-8") + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run(path: Path, now: datetime = NOW):  # type: ignore[no-untyped-def]
    cfg = config_module.load(path)
    db = open_store(cfg.store_path)
    return cfg, db, run_cycle(cfg, db, now=now)


def test_listing_pages_articles_picks_robots(
    site: FeedServer, make_config: Callable[..., Path]
) -> None:
    path = _config(make_config, site.base + "/kinh-te", pages="2")
    _, db, summary = _run(path)
    [result] = summary.results
    assert result.status == "ok" and result.new == 6, result  # 1-4 and 7 from the pages, 6 a pick
    titles = {r["title"] for r in db.query("select title from articles")}
    assert "Bài viết số năm về kinh tế Thủ đô" not in titles  # robots.txt disallows it
    assert site.hits("/kinh-te/trang-2") == 1  # the second listing page was followed
    assert site.hits("/kinh-te/bai-viet-so-5-1005.html") == 0
    row = next(
        db.query("select author, published, categories from articles where title like '%số một%'")
    )
    assert row["author"] == "Nguyễn Văn 1" and row["published"] == "2024-04-04T18:30:00+00:00"
    picks = {
        (r["list_slug"], r["url"].rsplit("/", 1)[-1], r["position"])
        for r in db.query("select * from picks")
    }
    assert picks == {
        ("dung-bo-lo", "bai-viet-so-6-1006.html", 1),
        ("dung-bo-lo", "bai-viet-so-1-1001.html", 2),
    }
    assert site.hits("/kinh-te/bai-viet-so-6-1006.html") == 1  # a pick is ingested too
    paths = [p for p, _ in site.requests]
    assert "/tag/vang" not in paths and "/tac-gia/nguyen-van-a" not in paths


def test_second_cycle_fetches_only_new_pages(
    site: FeedServer, make_config: Callable[..., Path]
) -> None:
    path = _config(make_config, site.base + "/kinh-te")
    _run(path)
    before = site.hits("/kinh-te/bai-viet-so-1-1001.html")
    _, _, summary = _run(path, NOW + timedelta(minutes=15))
    assert summary.results[0].status == "not modified"  # the listing answered 304
    assert site.hits("/kinh-te/bai-viet-so-1-1001.html") == before


def test_per_cycle_cap_queues_the_rest(site: FeedServer, make_config: Callable[..., Path]) -> None:
    path = _config(make_config, site.base + "/kinh-te", max_articles="2", robots="false")
    _, db, summary = _run(path)
    assert summary.results[0].new == 2
    queued = [r["url"] for r in db.query("select url from page_queue")]
    assert len(queued) >= 1
    _, db, summary = _run(path, NOW + timedelta(minutes=15))  # listing 304: the queue drains
    assert summary.results[0].new == 2
    assert db.execute("select count(*) from articles").fetchone()[0] == 4


def test_link_pattern_that_matches_nothing_is_reported(
    site: FeedServer, make_config: Callable[..., Path]
) -> None:
    path = _config(make_config, site.base + "/kinh-te", link_pattern=r"/khong-co-\\d+")
    _, _, summary = _run(path)
    assert summary.results[0].status == "failed"
    assert "link_pattern matched 0 of" in (summary.results[0].error or "")


def test_broken_pages_are_skipped_the_rest_goes_in(
    site: FeedServer, make_config: Callable[..., Path]
) -> None:
    site.route(
        "/kinh-te/bai-viet-so-2-1002.html", "not found", status=404, content_type="text/html"
    )
    site.route(
        "/kinh-te/bai-viet-so-3-1003.html", "<html><body><p>cắt ngang", content_type="text/html"
    )
    path = _config(make_config, site.base + "/kinh-te", robots="false")
    _, db, summary = _run(path)
    assert summary.results[0].status == "ok"
    titles = {r["title"] for r in db.query("select title from articles")}
    assert "Bài viết số một về kinh tế Thủ đô" in titles
    assert not titles & {"Bài viết số hai về kinh tế Thủ đô", "Bài viết số ba về kinh tế Thủ đô"}


def test_news_sitemap_and_index(feed_server: FeedServer, make_config: Callable[..., Path]) -> None:
    html = "text/html; charset=utf-8"
    for n in (1, 2, 3):
        feed_server.route(
            f"/kinh-te/bai-viet-so-{n}-{1000 + n}.html",
            article_page(n, f"Bài viết số {WORDS[n]} về kinh tế Thủ đô"),
            content_type=html,
        )
    entry = """<url><loc>{base}/kinh-te/bai-viet-so-{n}-{id}.html</loc><news:news><news:publication>
<news:name>Báo Mẫu</news:name><news:language>vi</news:language></news:publication>
<news:publication_date>{date}</news:publication_date><news:title>Bài {n}</news:title></news:news></url>"""
    entries = "".join(
        entry.format(base=feed_server.base, n=n, id=1000 + n, date=d)
        for n, d in (
            (1, "2024-04-05T08:00:00+07:00"),
            (2, "2024-04-04T20:00:00+07:00"),
            (3, "2024-03-01T08:00:00+07:00"),
        )
    )
    news = f"""<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{entries}</urlset>"""
    feed_server.route("/news.xml.gz", gzip.compress(news.encode()), content_type="application/gzip")
    index = f"""<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>{feed_server.base}/news.xml.gz</loc><lastmod>2024-04-05T08:00:00+07:00</lastmod></sitemap></sitemapindex>"""
    url = feed_server.route("/sitemap.xml", index, content_type="application/xml")
    path = _write(make_config, url, {"kind": "sitemap", "delay": "0s", "robots": "false"})
    _, _, summary = _run(path)
    assert summary.results[0].new == 2  # the entry of 1 March is outside the 2-day window
    assert feed_server.hits("/kinh-te/bai-viet-so-3-1003.html") == 0


def test_bundled_sample_site_offline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(REPO / "config.toml", tmp_path / "config.toml")
    shutil.copytree(REPO / "samples", tmp_path / "samples")
    assert main(["--config", str(tmp_path / "config.toml"), "run"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("Tạp chí Người Hà Nội"))
    assert " ok " in row
    db = open_store(tmp_path / "data" / "feeds.db")
    html_rows = list(
        db.query(
            "select title, author, published, categories, content from articles where source like 'Tạp chí%'"
        )
    )
    seed = next(r for r in html_rows if r["title"].startswith("Hà Nội đối thoại"))
    assert seed["author"] == "Phan Anh" and seed["published"] == "2024-04-05T05:06:00+00:00"
    assert json.loads(seed["categories"]) == ["chuyen-dong-ha-noi"]
    assert "Nghị quyết số 15 - NQ/TW của Bộ Chính trị./." in seed["content"]
    assert "Đừng bỏ lỡ" not in seed["content"] and "Bình luận" not in seed["content"]
    picks = {(r["list_slug"]) for r in db.query("select list_slug from picks")}
    assert picks == {"noi-bat", "dung-bo-lo"}
    assert main(["--config", str(tmp_path / "config.toml"), "featured", "noi-bat"]) == 0
    assert "Nhạc sĩ Nguyễn Thành Trung" in capsys.readouterr().out
    feed = feedparser.parse((tmp_path / "public" / "feeds" / "noi-bat.xml").read_bytes())
    assert len(feed.entries) == 5


def test_sources_test_shows_fields_and_stores_nothing(
    site: FeedServer, make_config: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = _config(make_config, site.base + "/kinh-te", robots="false")
    assert main(["--config", str(path), "sources", "test", "báo mẫu", "--limit", "1"]) == 0
    out = capsys.readouterr().out
    assert "Báo Mẫu (html): HTTP 200" in out
    assert "author      Nguyễn Văn 1  [meta]" in out
    assert "editors' picks seen on the pages:" in out and "dung-bo-lo: #1" in out
    assert not (path.parent / "data").exists()  # nothing stored
    broken = _config(make_config, site.base + "/kinh-te", link_pattern=r"/khong-co-\\d+")
    assert main(["--config", str(broken), "sources", "test", "Báo Mẫu"]) == 1
    assert "link_pattern matched 0 of" in capsys.readouterr().out
