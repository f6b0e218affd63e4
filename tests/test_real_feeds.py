"""Every real-world feed in ../shared/fixtures/real/ goes through the pipeline intact.

The fixtures are read from ../shared at test time (several carry no licence, so
they are not copied here); the tests skip when that folder is absent.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest

from feeds import config as config_module
from feeds.cycle import run_cycle
from feeds.prepare import ParseJob, prepare
from feeds.text import article_text
from store import open_store

from .conftest import REAL, FeedServer

NOW = datetime(2026, 11, 27, tzinfo=UTC)
FEED_DIRS = ["vn-feeds", "feedparser", "hard-feeds"]
FEED_FILES = sorted(
    p for d in FEED_DIRS if (REAL / d).exists() for p in (REAL / d).rglob("*") if p.is_file()
) + sorted(p for p in (REAL / "sitemaps").rglob("*") if p.name.startswith(("feed", "atom")))
VN_FEEDS = [p for p in FEED_FILES if "vn-feeds" in p.parts]

pytestmark = pytest.mark.skipif(not REAL.exists(), reason="../shared/fixtures/real is absent")


def _job(path: Path, url: str = "https://vnexpress.net/rss/tin-moi-nhat.rss") -> ParseJob:
    return ParseJob("Nguồn", "feed", url, path.read_bytes(), {}, None, {}, "Asia/Ho_Chi_Minh", NOW)


def _reference_entries(path: Path) -> list[feedparser.FeedParserDict]:
    """feedparser's entries that we publish: with a title or summary and an http(s) link.

    Relative links count (we resolve them against the feed's address); an entry whose
    only link is another scheme (urn:, tag:, javascript:) is not an article to us.
    """
    parsed = feedparser.parse(path.read_bytes())
    return [e for e in parsed.entries if _web_link(e) and (e.get("title") or e.get("summary"))]


def _web_link(entry: feedparser.FeedParserDict) -> bool:
    link = (entry.get("link") or "").strip()
    ident = (entry.get("id") or "").strip()
    if not link and ident.lower().startswith(("http://", "https://")):
        link = ident
    if not link:
        return False
    scheme = link.split(":", 1)[0].lower() if ":" in link.split("/", 1)[0] else ""
    return scheme in ("", "http", "https")


@pytest.mark.parametrize("path", FEED_FILES, ids=lambda p: str(p.relative_to(REAL)))
def test_every_real_feed_is_read_or_refused_with_a_reason(path: Path) -> None:
    prepared = prepare(_job(path))
    reference = _reference_entries(path)
    if prepared.error:
        assert not reference, f"refused ({prepared.error}) but feedparser finds entries"
        assert prepared.error.strip()
        return
    assert len(prepared.articles) == len(reference)
    for article in prepared.articles:
        text = article_text(article.content, article.summary)
        assert unicodedata.is_normalized("NFC", article.title + text)
        assert "<script" not in (article.content or "") + (article.summary or "")
        assert article.published.tzinfo is not None


@pytest.mark.parametrize("path", VN_FEEDS, ids=lambda p: p.name)
def test_vietnamese_feeds_keep_their_diacritics(path: Path) -> None:
    prepared = prepare(_job(path))
    reference = _reference_entries(path)
    assert prepared.articles and len(prepared.articles) == len(reference)
    for article, entry in zip(prepared.articles, reference, strict=True):
        expected = unicodedata.normalize("NFC", " ".join(entry.title.split()))
        assert article.title == expected
        assert article.link == entry.link.strip()


def test_vnexpress_2019_feed_fields() -> None:
    path = REAL / "vn-feeds" / "vnexpress" / "2019-02-18_tin-moi-nhat.rss"
    prepared = prepare(_job(path))
    assert len(prepared.articles) == 25
    first = prepared.articles[0]
    assert any(ch in first.title for ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")
    assert first.published.utcoffset() is not None
    assert first.url.startswith("https://vnexpress.net/")
    assert all(a.image_url is None or a.image_url.startswith("https://") for a in prepared.articles)


def test_same_result_from_a_file_and_over_http(
    feed_server: FeedServer, make_config: Callable[..., Path], tmp_path: Path
) -> None:
    path = REAL / "vn-feeds" / "vnexpress" / "2019-02-14_tin-moi-nhat.rss"
    url = feed_server.route("/vne.rss", file=path)
    local = tmp_path / "vne.rss"
    local.write_bytes(path.read_bytes())
    results = []
    for name, address in (("Qua mạng", url), ("Từ tệp", str(local))):
        cfg_path = make_config((name, address))
        cfg = config_module.load(cfg_path)
        db = open_store(tmp_path / f"{name}.db")
        run_cycle(cfg, db, now=NOW, publish=False)
        rows = db.query(
            "select guid, url, title, content, summary, published from articles order by guid"
        )
        results.append(list(rows))
        cfg_path.unlink()
    assert results[0] == results[1] and len(results[0]) == 25
