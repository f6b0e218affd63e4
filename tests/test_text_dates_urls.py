from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from feeds.clock import format_duration, parse_duration
from feeds.dates import clamp, parse_date
from feeds.normalize import categorize, text_key
from feeds.text import fold, html_to_text, slugify
from feeds.urls import canonical_url

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Chuyển động Hà Nội", "chuyen-dong-ha-noi"),
        ("Đừng bỏ lỡ", "dung-bo-lo"),
        (unicodedata.normalize("NFD", "Văn hóa – Giải trí"), "van-hoa-giai-tri"),
        ("Nổi bật", "noi-bat"),
    ],
)
def test_slugify_vietnamese(text: str, expected: str) -> None:
    assert slugify(text) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Chuyen dong Ha Noi", "Chuyển động Hà Nội"),
        (unicodedata.normalize("NFD", "Đời sống"), "đời  SỐNG"),
        ("Văn hoá", "Văn hóa"),  # the two accent placements in use
    ],
)
def test_fold_ignores_case_diacritics_and_form(a: str, b: str) -> None:
    assert fold(a) == fold(b)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("05/04/2024 12:06", datetime(2024, 4, 5, 12, 6, tzinfo=HCM)),
        ("Thứ sáu, 5/4/2024, 12:06 (GMT+7)", datetime(2024, 4, 5, 5, 6, tzinfo=UTC)),
        ("2024-04-05T12:06:00+07:00", datetime(2024, 4, 5, 5, 6, tzinfo=UTC)),
        ("2024-04-05 12:06", datetime(2024, 4, 5, 12, 6, tzinfo=HCM)),  # never day-first
        ("Fri, 05 Apr 2024 12:06:00 +0700", datetime(2024, 4, 5, 5, 6, tzinfo=UTC)),
        ("không phải ngày", None),
    ],
)
def test_parse_date_day_first_in_site_zone(raw: str, expected: datetime | None) -> None:
    assert parse_date(raw, HCM) == expected


def test_clamp_missing_and_future_dates() -> None:
    now = datetime(2024, 4, 5, tzinfo=UTC)
    assert clamp(None, now=now, fallback=now) == now
    assert clamp(now + timedelta(days=30), now=now, fallback=now) == now
    assert clamp(now + timedelta(hours=2), now=now, fallback=now) == now + timedelta(hours=2)


@pytest.mark.parametrize(
    ("text", "seconds"), [("90s", 90), ("15m", 900), ("2h", 7200), ("3d", 259200), ("1h30m", 5400)]
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)
    assert parse_duration(format_duration(timedelta(seconds=seconds))).total_seconds() == seconds


@pytest.mark.parametrize("text", ["15 min", "", "0m", "m15", "1.5h", "-3m"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "https://VnExpress.net/a-1.html?utm_source=rss&utm_medium=x",
            "https://vnexpress.net/a-1.html",
        ),
        ("https://e.vn/a.html?b=2&a=1#comments", "https://e.vn/a.html?a=1&b=2"),
        ("https://e.vn/a.html?fbclid=XYZ&gclid=1", "https://e.vn/a.html"),
        ("https://e.vn/chuyển-động.html", "https://e.vn/chuy%E1%BB%83n-%C4%91%E1%BB%99ng.html"),
    ],
)
def test_canonical_url(a: str, b: str) -> None:
    assert canonical_url(a) == canonical_url(b)


def test_canonical_url_keeps_meaningful_query() -> None:
    assert canonical_url("https://e.vn/a?id=1") != canonical_url("https://e.vn/a?id=2")


def test_categorize_by_label_alias_or_fallback() -> None:
    index = {"chuyen dong ha noi": "chuyen-dong-ha-noi", "kinh doanh": "kinh-te"}
    assert categorize(("Chuyển động Hà Nội",), index, "x") == ("chuyen-dong-ha-noi",)
    assert categorize(("KINH DOANH", "Kinh doanh"), index, "x") == ("kinh-te",)
    assert categorize(("Thể thao",), index, "x") == ("x",)
    assert categorize((), index, None) == ()


def test_text_key_ignores_form_and_spacing_but_not_short_text() -> None:
    long = "Hà Nội đối thoại tháo gỡ khó khăn cho doanh nghiệp " * 6
    assert text_key(long) == text_key(unicodedata.normalize("NFD", long.upper()).replace(" ", "  "))
    assert text_key("Video: xem ngay") is None


def test_html_to_text_keeps_paragraphs() -> None:
    assert html_to_text("<p>Một &amp; hai</p><p>ba<br>bốn</p>") == "Một & hai\nba\nbốn"
