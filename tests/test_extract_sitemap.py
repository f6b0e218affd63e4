"""Sitemaps: Google News, plain urlsets, indexes, gzip, BOM, bad namespaces, the window.

Synthetic sitemaps are in tests/data/pages; the real ones are read from
shared/fixtures/real/sitemaps at test time and skipped when it is absent.
"""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta

import pytest

from feeds.extract import sitemap as sitemap_module
from feeds.extract.sitemap import Sitemap, SitemapEntry, extract_sitemap

from .conftest import DATA, REAL

PAGES = DATA / "pages"
SITEMAPS = REAL / "sitemaps"
NEWS = (PAGES / "sitemap-news.xml").read_bytes()
URL = "https://baothu.vn/sitemap-news.xml"
NOW = datetime(2024, 4, 5, 6, 0, tzinfo=UTC)  # 13:00 in Hà Nội
needs_real = pytest.mark.skipif(not SITEMAPS.is_dir(), reason="shared/fixtures/real is absent")


def _read(body: bytes, window: timedelta = timedelta(days=2), url: str = URL) -> Sitemap:
    return extract_sitemap(body, url, now=NOW, window=window)


def _real(name: str) -> bytes:
    return (SITEMAPS / name).read_bytes()


def test_news_sitemap_entries() -> None:
    entries = _read(NEWS).entries
    assert [e.url for e in entries] == [
        "https://baothu.vn/kinh-te/gia-vang-hom-nay-tang-manh-99001.html",
        "https://baothu.vn/thoi-su/ha-noi-mo-them-tuyen-buyt-dien-99002.html",
        "https://baothu.vn/the-gioi/tin-khong-ghi-ngay-97000.html",  # undated: kept
    ]  # the March article is outside the window; the utm_ copy is the same article
    first = entries[0]
    assert first.title == "Giá vàng hôm nay tăng mạnh"
    assert first.keywords == ("giá vàng", "kinh tế", "thị trường")
    assert first.publication == "Báo Thử"
    assert first.published == datetime(2024, 4, 5, 5, 6, tzinfo=UTC)
    # news:publication_date wins over lastmod
    assert entries[1].published == datetime(2024, 4, 4, 0, 30, tzinfo=UTC)
    assert entries[2] == SitemapEntry("https://baothu.vn/the-gioi/tin-khong-ghi-ngay-97000.html")


@pytest.mark.parametrize(
    ("window", "count"),
    [(timedelta(hours=2), 2), (timedelta(days=2), 3), (timedelta(days=30), 4)],
)
def test_window_filters_by_date(window: timedelta, count: int) -> None:
    assert len(_read(NEWS, window).entries) == count


def test_gzipped_body_reads_the_same() -> None:
    assert _read(gzip.compress(NEWS)) == _read(NEWS)


def test_gzip_bomb_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sitemap_module, "MAX_UNZIPPED", 1000)
    with pytest.raises(ValueError, match="larger than"):
        _read(gzip.compress(NEWS))


def test_corrupt_gzip_is_refused() -> None:
    with pytest.raises(ValueError, match="corrupt gzip"):
        _read(gzip.compress(NEWS)[:40])


def test_bom_and_leading_space() -> None:
    assert _read(b"\xef\xbb\xbf\n  " + NEWS) == _read(NEWS)


def test_index_children_newest_first_stale_ones_dropped() -> None:
    index = _read((PAGES / "sitemap-index.xml").read_bytes(), timedelta(days=3))
    assert index.entries == ()
    assert index.children == (
        "https://baothu.vn/sitemaps/2024-04-05.xml",
        "https://baothu.vn/sitemaps/2024-04-04.xml",
        "https://baothu.vn/sitemaps/news.xml",  # no lastmod: kept, last, made absolute
    )


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "empty"),
        (b"<html><body>Not found</body></html>", "HTML page"),
        (b"<opml version='2.0'><body/></opml>", "not a sitemap root"),
        (b"this is not a sitemap", "neither XML nor"),
    ],
)
def test_unreadable_bodies_say_why(body: bytes, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        _read(body)


def test_entities_are_not_resolved() -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY secret SYSTEM "file:///etc/hostname">]>'
        b"<urlset><url><loc>https://baothu.vn/a-12345.html?x=&secret;</loc></url></urlset>"
    )
    entries = _read(body).entries  # the reference stays as written: no file was read
    assert [e.url for e in entries] == ["https://baothu.vn/a-12345.html?x=&secret;"]


# --- real sitemaps -------------------------------------------------------------------

FOREVER = timedelta(days=365 * 40)


@needs_real
def test_real_news_sitemap_with_padded_fields() -> None:
    entries = _read(_real("advertools/news_sitemap.xml"), FOREVER).entries
    assert len(entries) == 6
    first = entries[0]
    assert first.url == (
        "https://www.nytimes.com/interactive/2020/05/11/magazine/quarantine-insanity.html"
    )
    assert first.title == (
        "Quarantine Was Driving Me Crazy — So I Decided to Lose My Mind on Purpose"
    )
    assert first.published == datetime(2020, 5, 11, 9, 0, 1, tzinfo=UTC)
    assert first.keywords == ("Coronavirus (2019-nCoV)", "Quarantines", "Writing and Writers")
    assert first.publication == "The New York Times"


@needs_real
@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("crawler-commons/shinpaideshou-news-sitemap.xml", 3),
        ("crawler-commons/sitemap-news.xml", 2),
        ("usp/google-news.xml", 2),
        ("crawler-commons/hebdenbridgetimes-articles-sitemap.xml", 74),
        ("crawler-commons/sitemap-images.xml", 1),
        ("trafilatura/sitemap-hreflang.xml", 3),
        ("crawler-commons/atom.xml", 1),
        ("crawler-commons/xmlRss_pubDate.xml", 7),
    ],
)
def test_real_sitemaps_count(name: str, count: int) -> None:
    entries = _read(_real(name), FOREVER).entries
    assert len(entries) == count
    assert all(
        e.url.startswith(("http://", "https://")) and e.url == e.url.strip() for e in entries
    )


@needs_real
def test_real_news_sitemap_with_a_bare_date() -> None:
    entries = _read(_real("usp/google-news.xml"), FOREVER).entries
    assert entries[0].published == datetime(2024, 1, 1, tzinfo=UTC)
    assert [e.title for e in entries] == ["News Article One", "News Article Two"]


@needs_real
@pytest.mark.parametrize(
    ("gz", "plain"),
    [("trafilatura/sitemap.xml.gz", "trafilatura/sitemap.xml")],
)
def test_real_gzip_matches_plain(gz: str, plain: str) -> None:
    assert _read(_real(gz), FOREVER) == _read(_real(plain), FOREVER)
    assert len(_read(_real(gz), FOREVER).entries) == 84


@needs_real
def test_real_gzip_regular_sitemap() -> None:
    entries = _read(_real("advertools/regular_sitemap.xml.gz"), FOREVER).entries
    assert entries[0] == SitemapEntry(
        "http://www.example.com/", published=datetime(2005, 1, 1, tzinfo=UTC)
    )


@needs_real
def test_real_bom_text_sitemap() -> None:
    assert [e.url for e in _read(_real("crawler-commons/sitemap-with-bom.txt")).entries] == [
        "http://www.domain.com/page1.html",
        "http://www.domain.com/page2.html",
    ]


@needs_real
@pytest.mark.parametrize(
    "name", ["crawler-commons/sitemap.badns.xml", "crawler-commons/sitemap.ns.xml"]
)
def test_real_bad_namespace(name: str) -> None:
    urls = [e.url for e in _read(_real(name)).entries]
    assert urls == ["http://www.example.com/1", "http://www.example.com/2"]


@needs_real
def test_real_index_newest_first() -> None:
    index = _read(_real("advertools/sitemap_index.xml"), FOREVER)
    assert index.children[:2] == (
        "https://advertools.readthedocs.io/sitemap.xml",  # 18:23 on 2020-05-20
        "http://www.example.com/sitemap.xml",  # 2020-05-20, midnight
    )
    assert len(index.children) == 4
    assert index.children[-1].endswith("sitemap_index.xml")  # no lastmod: last


@needs_real
def test_real_index_window_drops_old_children() -> None:
    assert _read(_real("advertools/sitemap_index.xml")).children == (
        "https://raw.githubusercontent.com/eliasdabbas/advertools/master/tests/data/"
        "sitemap_testing/sitemap_index.xml",
    )


@needs_real
def test_real_index_without_loc_elements() -> None:
    children = _read(_real("crawler-commons/sitemap.index.xml")).children
    assert len(children) == 15
    assert children[0] == "https://example.com/sitemap.jss?portalCode=10260&lang=en"


@needs_real
def test_real_broken_sitemap_is_refused() -> None:
    with pytest.raises(ValueError, match="not a readable sitemap"):
        _read(_real("advertools/error_sitemap.xml"))
