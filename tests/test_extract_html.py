"""Pages of sites with no feed: listing pages (links, picks, next pages) and article pages.

Expected values for real pages live in tests/data/pages/expected.json, written by
reading each page, never copied from the extractor's output. Real pages are read
from shared/fixtures/real at test time; those tests skip when it is absent.
"""

from __future__ import annotations

import importlib.util
import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from feeds.extract.article import ArticlePage, extract_article
from feeds.extract.html import Listing, Pick, extract_listing, looks_like_article
from feeds.text import fold, html_to_text, nfc

from .conftest import DATA, REAL, REPO

PAGES = DATA / "pages"
EXPECTED = json.loads((PAGES / "expected.json").read_text(encoding="utf-8"))
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason="shared/fixtures/real is absent")
FIELDS = ("title", "published", "author", "section", "body", "boilerplate")


def _path(entry: dict[str, Any]) -> Path:
    return (REAL if entry["source"] == "real" else REPO) / str(entry["file"])


def _marks(entry: dict[str, Any]) -> list[pytest.MarkDecorator]:
    return [needs_real] if entry["source"] == "real" else []


def _article(entry: dict[str, Any]) -> ArticlePage:
    return extract_article(_path(entry).read_bytes(), entry["url"], zone=ZONE)


def _body_text(page: ArticlePage) -> str:
    assert page.item is not None and page.item.content
    return " ".join(html_to_text(page.item.content).split())


def _field_cases() -> list[Any]:
    cases = []
    for entry in EXPECTED["articles"]:
        for name in FIELDS:
            marks = _marks(entry)
            if name in entry.get("known_misses", {}):
                marks.append(pytest.mark.xfail(reason=entry["known_misses"][name], strict=True))
            cases.append(
                pytest.param(entry, name, marks=marks, id=f"{Path(entry['file']).stem}-{name}")
            )
    return cases


# --- real pages, field by field ------------------------------------------------------


@pytest.mark.parametrize(("entry", "name"), _field_cases())
def test_real_article_field(entry: dict[str, Any], name: str) -> None:
    page = _article(entry)
    assert page.problem is None and page.item is not None, page.problem
    item = page.item
    if name == "title":
        assert item.title == entry["title"]
    elif name == "published":
        _assert_minute(item.published, entry["published"])
        _assert_minute(item.updated, entry.get("updated"), optional=True)
    elif name == "author":
        assert item.author == entry["author"]
    elif name == "section":
        assert (item.labels[-1] if item.labels else None) == entry["section"]
    elif name == "body":
        text = _body_text(page)
        missing = [p for p in entry["paragraphs"] if " ".join(p.split()) not in text]
        assert not missing, f"missing paragraphs: {missing}"
        assert _in_order(text, entry["paragraphs"]), "paragraphs out of page order"
    else:
        text = _body_text(page)
        assert [a for a in entry["absent"] if a in text] == []


def _in_order(text: str, paragraphs: list[str]) -> bool:
    position = 0
    for paragraph in paragraphs:
        position = text.find(" ".join(paragraph.split()), position)
        if position < 0:
            return False
    return True


def _assert_minute(actual: datetime | None, expected: str | None, optional: bool = False) -> None:
    if expected is None:
        assert optional or actual is None
        return
    wanted = datetime.fromisoformat(expected)
    assert actual is not None
    assert actual.replace(second=0, microsecond=0) == wanted
    assert actual.utcoffset() == wanted.utcoffset(), "right instant, wrong zone"


@pytest.mark.parametrize(
    "entry",
    [pytest.param(e, marks=_marks(e), id=Path(e["file"]).stem) for e in EXPECTED["articles"]],
)
def test_real_article_is_clean_nfc_html(entry: dict[str, Any]) -> None:
    page = _article(entry)
    assert page.item is not None and page.item.content
    content = page.item.content
    assert content == nfc(content)
    assert "<script" not in content and "<form" not in content and "<iframe" not in content
    assert page.item.key.startswith(("http://", "https://"))
    assert page.fields["title"] and page.fields["content"]


@pytest.mark.parametrize(
    "entry",
    [pytest.param(e, marks=_marks(e), id=Path(e["file"]).stem) for e in EXPECTED["not_articles"]],
)
def test_listing_pages_are_not_articles(entry: dict[str, Any]) -> None:
    page = _article(entry)
    assert page.item is None
    assert page.problem == "page looks like a listing, not an article"


# --- the bundled sample site ---------------------------------------------------------

SAMPLE = REPO / "samples" / "nguoi-ha-noi"
SAMPLE_ARTICLE = next(e for e in EXPECTED["articles"] if e["source"] == "repo")


def test_sample_article_everything() -> None:
    page = _article(SAMPLE_ARTICLE)
    item = page.item
    assert item is not None
    assert item.author == "Phan Anh"
    assert item.published == datetime(2024, 4, 5, 12, 6, tzinfo=ZONE)
    assert item.labels == ("Chuyển động Hà Nội",)
    assert item.language == "vi"
    assert item.image is not None and item.image.url.endswith(
        "2a6093a7f019fc7d85034cfc20728923.jpg"
    )
    assert item.summary is not None and item.summary.startswith("<p>Sáng nay 5/4")
    content = item.content or ""
    assert content.count("<p>") == 13
    assert "<figure>" in content
    assert "<figcaption>Hội nghị đầu tiên trong chuỗi" in content
    assert 'src="https://nguoihanoi.com.vn/images/' in content
    assert page.fields == {
        "title": "json-ld",
        "published": "json-ld",
        "content": "page",
        "author": "json-ld",
        "labels": "json-ld",
        "summary": "json-ld",
        "image": "opengraph",
    }


def test_sample_article_over_http_is_the_same(feed_server: Any) -> None:
    path = SAMPLE / Path(SAMPLE_ARTICLE["file"]).name
    url = feed_server.route("/ha-noi-16234.html", file=path, content_type="text/html")
    body = httpx.get(url).content
    served = extract_article(body, SAMPLE_ARTICLE["url"], zone=ZONE)
    assert served == _article(SAMPLE_ARTICLE)


# --- listing pages -------------------------------------------------------------------


def _listing(entry: dict[str, Any]) -> Listing:
    sections = {fold(name): slug for name, slug in entry.get("sections", {}).items()}
    return extract_listing(
        _path(entry).read_bytes(), entry["url"], link_pattern=None, sections=sections
    )


def test_sample_listing_links_and_picks() -> None:
    entry = EXPECTED["listings"][0]
    listing = _listing(entry)
    assert list(listing.article_links) == entry["article_links"]
    for slug, urls in entry["picks"].items():
        picks = [p for p in listing.picks if p.list_slug == slug]
        assert [p.url for p in picks] == urls
        assert [p.position for p in picks] == list(range(1, len(urls) + 1))
    headings = {p.list_slug: p.heading for p in listing.picks}
    assert headings == {"noi-bat": "Nổi bật", "dung-bo-lo": "Đừng bỏ lỡ"}
    assert list(listing.next_pages) == entry["next_pages"]
    assert listing.links_seen == entry["links_seen"]


@pytest.mark.parametrize(
    "entry",
    [pytest.param(e, marks=_marks(e), id=Path(e["file"]).stem) for e in EXPECTED["listings"][1:]],
)
def test_real_home_pages(entry: dict[str, Any]) -> None:
    listing = _listing(entry)
    assert len(listing.article_links) >= entry["min_articles"]
    for wanted in entry["includes"]:
        assert any(wanted in link for link in listing.article_links), wanted
    for unwanted in entry["excludes"]:
        assert unwanted not in listing.article_links
    assert list(listing.next_pages) == entry["next_pages"]
    assert listing.links_seen >= len(listing.article_links)


def test_heading_with_the_outlet_name_is_a_pick() -> None:
    html = """<html><body><main><a href="/a/chuyen-dong-ha-noi-hom-nay-10001.html">Tin</a></main>
      <div class="box"><h2>Nổi bật <span>Tạp chí Người Hà Nội</span></h2>
      <a href="/a/mot-bai-noi-bat-cua-tap-chi-10002.html">Một bài nổi bật</a></div></body></html>"""
    listing = extract_listing(
        html, "https://nguoihanoi.com.vn/", link_pattern=None, sections={fold("Nổi bật"): "noi-bat"}
    )
    assert listing.picks == (
        Pick("noi-bat", "https://nguoihanoi.com.vn/a/mot-bai-noi-bat-cua-tap-chi-10002.html", 1,
             "Nổi bật Tạp chí Người Hà Nội"),
    )  # fmt: skip
    assert listing.article_links[-1] == listing.picks[0].url


LISTING = (PAGES / "listing-auto.html").read_bytes()


def test_auto_detection_skips_navigation_tags_authors_and_pages() -> None:
    listing = extract_listing(LISTING, "https://baothu.vn/kinh-te", link_pattern=None, sections={})
    assert listing.article_links == (
        "https://baothu.vn/kinh-te/ngan-hang-giam-lai-suat-cho-vay-mua-nha-12345.html",
        "https://www.baothu.vn/kinh-te/xuat-khau-gao-dat-muc-cao-nhat-trong-muoi-nam.htm?utm_source=home",
        "https://baothu.vn/doanh-nghiep/20240405/thi-truong-chung-khoan-phien-sang.aspx",
        "https://baothu.vn/kinh-te/gia-xang-dau-dieu-chinh-chieu-nay-55501.html",
    )
    assert listing.picks == ()


def test_next_page_from_rel_next_and_pagination_same_site_only() -> None:
    listing = extract_listing(LISTING, "https://baothu.vn/kinh-te", link_pattern=None, sections={})
    assert listing.next_pages == ("https://baothu.vn/kinh-te/trang-2",)


def test_link_pattern_matching_nothing_reports_what_it_saw() -> None:
    listing = extract_listing(
        LISTING, "https://baothu.vn/kinh-te", link_pattern=r"-\d+\.chn$", sections={}
    )
    assert listing.article_links == ()
    assert listing.links_seen == 23  # distinct same-site links, the page itself left out


def test_link_pattern_decides_alone() -> None:
    listing = extract_listing(
        LISTING, "https://baothu.vn/kinh-te", link_pattern=r"/tag/", sections={}
    )
    assert listing.article_links == ("https://baothu.vn/tag/lai-suat",)


@pytest.mark.parametrize(
    ("url", "article"),
    [
        ("https://vnexpress.net/thu-tuong-pham-minh-chinh-den-uae-du-cop28-4683356.html", True),
        ("https://nguoihanoi.com.vn/ha-noi-doi-thoai-16234.html", True),
        ("https://laodong.vn/xa-hoi/mot-bai-bao-1234567.ldo", True),
        ("http://genk.vn/internet/amazon-2012122104231130.chn", True),
        ("https://vnexpress.net/the-gioi", False),
        ("https://vnexpress.net/tag/gia-vang-1234567", False),
        ("https://baothu.vn/tac-gia/nguyen-van-an-12345", False),
        ("https://baothu.vn/kinh-te/trang-2", False),
        ("https://baothu.vn/tin-tuc/2024", False),
        ("https://baothu.vn/anh/gia-vang-tang-manh-ngay-5-4.jpg", False),
        ("https://dantri.com.vn/su-kien.htm", False),
    ],
)
def test_article_address_shapes(url: str, article: bool) -> None:
    assert looks_like_article(url) is article


# --- synthetic article pages ---------------------------------------------------------


def _synthetic(name: str, url: str, **kwargs: Any) -> ArticlePage:
    return extract_article((PAGES / name).read_bytes(), url, zone=ZONE, **kwargs)


def test_json_ld_in_graph_with_authors_list() -> None:
    page = _synthetic("article-graph.html", "https://thoibaothu.vn/kinh-te/gia-vang-123456.html")
    item = page.item
    assert item is not None
    assert item.title == "Giá vàng hôm nay tăng mạnh"
    assert item.author == "Nguyễn Thu Hà, Lê Minh"  # the Organization is the outlet
    assert item.published == datetime(2024, 4, 5, 9, 30, tzinfo=ZONE)
    assert item.updated == datetime(2024, 4, 5, 10, 15, tzinfo=ZONE)
    assert item.labels == ("Kinh tế", "Thị trường")  # breadcrumb by position, home left out
    assert item.image is not None and item.image.url == "https://thoibaothu.vn/anh/vang-1200.jpg"
    assert item.language == "vi-vn"
    assert page.fields["published"] == "json-ld" and page.fields["labels"] == "json-ld"


def test_json_ld_offset_an_hour_off_yields_to_the_visible_dateline() -> None:
    page = _synthetic("article-wrong-offset.html", "https://baothu.vn/thoi-su/buyt-dien-99002.html")
    item = page.item
    assert item is not None
    assert item.published == datetime(2024, 4, 5, 12, 6, 27, tzinfo=ZONE)
    assert item.updated == datetime(2024, 4, 5, 13, 10, tzinfo=ZONE)  # same shift
    assert page.fields["published"] == "page"
    assert item.author == "Đoàn Loan"  # JSON-LD "author" is the outlet's name
    assert item.content is not None and "Đoàn Loan" not in item.content


def test_microdata_only() -> None:
    page = _synthetic("article-microdata.html", "https://baothu.vn/van-hoa/le-hoi-98000.html")
    item = page.item
    assert item is not None
    assert (item.title, item.author) == ("Lễ hội hoa ban khai mạc", "Trần Văn Bình")
    assert item.published == datetime(2024, 3, 15, 20, 0, tzinfo=ZONE)
    assert item.labels == ("Văn hóa", "Lễ hội")
    assert page.fields["title"] == "microdata" and page.fields["author"] == "microdata"


def test_page_without_title() -> None:
    page = _synthetic("article-no-title.html", "https://baothu.vn/x/khong-tieu-de-12345.html")
    assert page == ArticlePage(None, "no title", {})


@pytest.mark.parametrize("body", [b"", b"   ", "<html><body></body></html>"])
def test_empty_pages(body: bytes | str) -> None:
    assert extract_article(body, "https://baothu.vn/a-12345.html", zone=ZONE).problem == "no title"


def test_page_with_title_and_no_body() -> None:
    html = "<html><head><title>Chỉ có tiêu đề - Báo Thử</title></head><body><h1>Chỉ có tiêu đề</h1></body></html>"
    page = extract_article(html, "https://baothu.vn/thoi-su/chi-co-tieu-de-12345.html", zone=ZONE)
    assert page.problem == "no article body"


def test_truncated_page_keeps_what_arrived() -> None:
    page = _synthetic("article-truncated.html", "https://baothu.vn/thoi-su/mua-lon-12346.html")
    item = page.item
    assert item is not None
    assert item.title == "Mưa lớn gây ngập nhiều tuyến phố"
    assert item.published == datetime(2024, 4, 5, 17, 45, tzinfo=ZONE)
    text = html_to_text(item.content or "")
    assert text.startswith("Chiều 5/4, mưa lớn") and "Công ty thoát nước" in text


SELECTORS = {
    "title": "//*[@id='tieu-de-bai']",
    "author": "//span[@class='nguoi-viet']",
    "published": "//span[@class='ngay']",
    "content": "//div[@class='noi-dung-bai']",
    "section": "//div[@class='chuyen-muc']",
    "image": "//img[@class='anh-chinh']/@src",
    "lead": "//div[@class='tom-tat']",
}
SELECTOR_URL = "https://congthu.vn/giao-thong/khanh-thanh-cau-vuot-12347.html"


def test_selectors_override_every_field() -> None:
    page = _synthetic("article-selectors.html", SELECTOR_URL, selectors=SELECTORS)
    item = page.item
    assert item is not None
    assert item.title == "Khánh thành cầu vượt sông Hồng mới"
    assert item.author == "Hoàng Nam"
    assert item.published == datetime(2024, 4, 5, 8, 30, tzinfo=ZONE)
    assert item.labels == ("Giao thông",)
    assert item.summary == "<p>Cây cầu dài 1,5 km giúp giảm tải cho cầu Chương Dương.</p>"
    assert item.image is not None and item.image.url == "https://congthu.vn/anh/cau-vuot.jpg"
    assert html_to_text(item.content or "").splitlines() == [
        "Sáng 5/4, thành phố khánh thành cầu vượt sông Hồng mới sau ba năm thi công.",
        "Cầu có sáu làn xe, kết nối quận Hoàn Kiếm với quận Long Biên.",
    ]
    assert set(page.fields.values()) == {"selector"}


def test_without_selectors_the_same_page_reads_worse() -> None:
    page = _synthetic("article-selectors.html", SELECTOR_URL)
    assert page.item is not None and page.item.title == "Cổng thông tin Thử"


def test_bad_xpath_selector_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="selector"):
        _synthetic("article-selectors.html", SELECTOR_URL, selectors={"title": "//*[@id="})


def test_unknown_selector_field_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown selector field"):
        _synthetic("article-selectors.html", SELECTOR_URL, selectors={"headline": "//h1"})


@pytest.mark.skipif(importlib.util.find_spec("cssselect") is not None, reason="cssselect installed")
def test_css_selector_without_cssselect_says_what_to_do() -> None:
    with pytest.raises(ValueError, match="cssselect"):
        _synthetic("article-selectors.html", SELECTOR_URL, selectors={"title": "#tieu-de-bai"})


@pytest.mark.skipif(importlib.util.find_spec("cssselect") is None, reason="cssselect missing")
def test_css_selectors() -> None:
    css = {"title": "#tieu-de-bai", "content": "div.noi-dung-bai", "author": ".nguoi-viet"}
    page = _synthetic("article-selectors.html", SELECTOR_URL, selectors=css)
    assert page.item is not None
    assert (page.item.title, page.item.author) == (
        "Khánh thành cầu vượt sông Hồng mới",
        "Hoàng Nam",
    )


def test_declared_encoding_and_xml_declaration() -> None:
    html = (
        '<?xml version="1.0" encoding="utf-16"?><html><head><meta charset="utf-16">'
        "<title>Đường sắt Cát Linh - Hà Đông</title></head><body><h1>Đường sắt Cát Linh - Hà Đông</h1>"
        "<p>Tuyến đường sắt đô thị đầu tiên của Hà Nội chở hơn mười triệu lượt khách mỗi năm.</p>"
        "</body></html>"
    )
    for body in (html, html.encode("utf-16")):
        page = extract_article(body, "https://baothu.vn/giao-thong/cat-linh-12348.html", zone=ZONE)
        assert page.item is not None and page.item.title == "Đường sắt Cát Linh - Hà Đông"


def test_relative_dateline_needs_now() -> None:
    html = (
        "<html><head><title>Cháy kho hàng ở Long Biên</title></head><body>"
        "<h1>Cháy kho hàng ở Long Biên</h1><span class='time'>2 giờ trước</span>"
        "<div><p>Đám cháy bùng lên lúc rạng sáng, lực lượng cứu hỏa khống chế sau hai giờ.</p></div>"
        "</body></html>"
    )
    url = "https://baothu.vn/thoi-su/chay-kho-hang-12349.html"
    now = datetime(2024, 4, 5, 10, 0, tzinfo=ZONE)
    assert extract_article(html, url, zone=ZONE).item.published is None  # type: ignore[union-attr]
    item = extract_article(html, url, zone=ZONE, now=now).item
    assert item is not None and item.published == datetime(2024, 4, 5, 8, 0, tzinfo=ZONE)
