"""The lxml fast path gives exactly what feedparser gives, or steps aside.

Every fixture is read both ways: when extract_fast() returns a result it must equal
the feedparser path's (dataclass ==), under several URLs and response headers. The
plain feeds must take the fast path; documents it does not reproduce must not. The
real-world fixtures are read from ../shared at test time and skipped when absent.
"""

from __future__ import annotations

import contextlib
import random
import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import feedparser.datetimes
import feedparser.mixin
import feedparser.sanitizer
import feedparser.urls
import pytest

from benchmarks.corpus import generate
from feeds.errors import ExtractError
from feeds.extract import fast
from feeds.extract.feed import _extract_with_feedparser, extract_feed
from feeds.model import Extracted

from .conftest import DATA, REAL

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
FEED_DIRS = ["vn-feeds", "feedparser", "hard-feeds"]


def _fixtures() -> list[Path]:
    local = sorted((DATA / "feeds").iterdir()) + sorted(
        p for p in (DATA / "sites").rglob("*") if p.suffix in (".xml", ".atom", ".rss")
    )
    real = sorted(
        p for d in FEED_DIRS if (REAL / d).exists() for p in (REAL / d).rglob("*") if p.is_file()
    ) + sorted(p for p in (REAL / "sitemaps").rglob("*") if p.name.startswith(("feed", "atom")))
    return local + real


FIXTURES = _fixtures()
# (document URL, response headers): HTTP with and without a Content-Type, a local file.
VARIANTS = {
    "no-content-type": ("https://vnexpress.net/rss/tin-moi-nhat.rss", {}),
    "rss+xml": (
        "https://vnexpress.net/rss/tin-moi-nhat.rss",
        {"content-type": "application/rss+xml; charset=utf-8"},
    ),
    "file": (
        "file:///srv/feeds/a/feed.xml",
        {"content-type": "application/xml", "content-language": "vi_VN"},
    ),
    "text/xml": ("http://127.0.0.1:8000/a/b.xml", {"content-type": "text/xml"}),
}
VNEXPRESS_2019 = [
    REAL / "vn-feeds" / "vnexpress" / f"2019-02-{d}_tin-moi-nhat.rss" for d in (14, 18)
]


def _fast(body: bytes, variant: str = "rss+xml") -> Extracted | None:
    url, headers = VARIANTS[variant]
    return fast.extract_fast(body, source="s", url=url, headers=headers, zone=ZONE)


def _slow(body: bytes, variant: str = "rss+xml") -> Extracted | Exception:
    url, headers = VARIANTS[variant]
    try:
        return _extract_with_feedparser(body, source="s", url=url, headers=headers, zone=ZONE)
    except Exception as exc:  # the fast path must then refuse
        return exc


def _assert_same(body: bytes, variant: str = "rss+xml") -> bool:
    """Equal to feedparser when taken; returns whether the fast path was taken."""
    got = _fast(body, variant)
    if got is None:
        return False
    expected = _slow(body, variant)
    assert got == expected
    return True


def _label(path: Path) -> str:
    return str(path.relative_to(REAL if REAL in path.parents else DATA))


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("path", FIXTURES, ids=_label)
def test_fast_path_equals_feedparser_on_every_fixture(path: Path, variant: str) -> None:
    _assert_same(path.read_bytes(), variant)


_HEADER = re.compile(rb"^\s*Header:\s*([\w-]+):\s*(.*?)\s*$", re.M)
DECLARING = [p for p in FIXTURES if _HEADER.search(p.read_bytes()[:1000])]


@pytest.mark.parametrize("path", DECLARING, ids=_label)
def test_fast_path_equals_feedparser_with_the_headers_a_fixture_declares(path: Path) -> None:
    """feedparser's own fixtures say in a comment which HTTP headers to serve them with."""
    body = path.read_bytes()
    headers = {k.decode().lower(): v.decode() for k, v in _HEADER.findall(body[:1000])}
    url = "http://127.0.0.1:8097/tests/" + path.name
    got = fast.extract_fast(body, source="s", url=url, headers=headers, zone=ZONE)
    if got is not None:
        assert got == _extract_with_feedparser(
            body, source="s", url=url, headers=headers, zone=ZONE
        )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("corpus")
    anchor = datetime(2026, 11, 27, tzinfo=UTC)
    generate(out, seed=7, feeds=6, entries=12, anchor=anchor)
    return sorted((out / "feeds").glob("*.xml"))


@pytest.mark.parametrize("variant", VARIANTS)
def test_benchmark_corpus_takes_the_fast_path_with_the_same_result(
    corpus: list[Path], variant: str
) -> None:
    taken = [_assert_same(path.read_bytes(), variant) for path in corpus]
    # text/xml without a charset means US-ASCII to feedparser: Vietnamese text is refused.
    assert all(taken) if variant != "text/xml" else not any(taken)


def test_local_plain_feeds_take_the_fast_path() -> None:
    for name in ("hanoi.xml", "copies.atom"):
        body = (DATA / "feeds" / name).read_bytes()
        for variant in ("no-content-type", "rss+xml", "file"):
            assert _assert_same(body, variant), (name, variant)


@pytest.mark.skipif(not REAL.exists(), reason="../shared/fixtures/real is absent")
@pytest.mark.parametrize("path", VNEXPRESS_2019, ids=lambda p: p.name)
def test_vnexpress_2019_takes_the_fast_path(path: Path) -> None:
    body = path.read_bytes()
    assert _assert_same(body)
    extracted = _fast(body)
    assert extracted is not None and len(extracted.items) == 25
    assert extracted.meta.problem is None


def test_extract_feed_returns_the_fast_result(monkeypatch: pytest.MonkeyPatch) -> None:
    body = (DATA / "feeds" / "hanoi.xml").read_bytes()
    expected = _slow(body)
    monkeypatch.setattr(feedparser, "parse", lambda *a, **k: pytest.fail("feedparser was called"))
    url, headers = VARIANTS["rss+xml"]
    assert extract_feed(body, source="s", url=url, headers=headers, zone=ZONE) == expected


def _rss(item: str, *, head: str = "", root: str = 'version="2.0"') -> bytes:
    return (
        f"{head}<rss {root}><channel><title>Kênh</title><link>https://k.vn/</link><item>"
        f"{item}</item></channel></rss>"
    ).encode()


PLAIN_ITEM = (
    "<title>Tiêu đề</title><link>https://k.vn/a.html</link><description>Tóm tắt</description>"
)
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    )
    + ']><rss version="2.0"><channel><title>&lol9;</title><item><title>a</title>'
    "<link>https://k.vn/a</link></item></channel></rss>"
)
REFUSED = {
    "doctype": _rss(PLAIN_ITEM, head="<!DOCTYPE rss>"),
    "entity declaration": _rss(
        PLAIN_ITEM.replace("Tóm tắt", "&tin;"), head='<!DOCTYPE rss [<!ENTITY tin "Tin">]>'
    ),
    "billion laughs": BILLION_LAUGHS.encode(),
    "external entity": _rss(
        PLAIN_ITEM.replace("Tóm tắt", "&x;"),
        head='<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    ),
    "non-UTF-8": _rss(PLAIN_ITEM, head='<?xml version="1.0" encoding="iso-8859-1"?>')
    .decode()
    .replace("Tiêu đề", "Café")
    .replace("Tóm tắt", "Tóm")
    .replace("Kênh", "Kenh")
    .encode("iso-8859-1"),
    "invalid UTF-8": _rss(PLAIN_ITEM).replace("Tóm tắt".encode(), b"T\xf3m t\xe1t"),
    "UTF-16": _rss(PLAIN_ITEM, head='<?xml version="1.0" encoding="utf-16"?>')
    .decode()
    .encode("utf-16"),
    "RDF": (
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        b' xmlns="http://purl.org/rss/1.0/"><channel rdf:about="https://k.vn/"><title>K</title>'
        b'</channel><item rdf:about="https://k.vn/a"><title>A</title><link>https://k.vn/a</link>'
        b"</item></rdf:RDF>"
    ),
    "RSS 0.91 with DTD": _rss(
        PLAIN_ITEM,
        head='<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        '"http://my.netscape.com/publish/formats/rss-0.91.dtd">',
        root='version="0.91"',
    ),
    "RSS 0.92": _rss(PLAIN_ITEM, root='version="0.92"'),
    "xml:base": _rss(PLAIN_ITEM, root='version="2.0" xml:base="https://other.vn/"'),
    "xhtml content": (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>F</title><entry><title>A</title>'
        b'<link href="https://k.vn/a"/><content type="xhtml">'
        b'<div xmlns="http://www.w3.org/1999/xhtml"><p>x</p></div></content></entry></feed>'
    ),
    "xhtml title": (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title type="xhtml">'
        b'<div xmlns="http://www.w3.org/1999/xhtml">F</div></title>'
        b'<entry><title>A</title><link href="https://k.vn/a"/></entry></feed>'
    ),
    "Atom 0.3": (
        b'<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>F</title><entry>'
        b'<title>A</title><link rel="alternate" type="text/html" href="https://k.vn/a"/>'
        b"</entry></feed>"
    ),
    "not well-formed": _rss(PLAIN_ITEM)[:-20],
    "source element": _rss(PLAIN_ITEM + '<source url="https://s.vn/rss">S</source>'),
    "media:group": _rss(
        PLAIN_ITEM
        + '<media:group xmlns:media="http://search.yahoo.com/mrss/"><media:title>M</media:title></media:group>'
    ),
    "two titles": _rss(PLAIN_ITEM + "<title>Lần hai</title>"),
    "prefix of a known module on another namespace": _rss(
        PLAIN_ITEM
        + '<media:content xmlns:media="https://example.com/not-media" url="https://k.vn/i.jpg"/>'
    ),
    "C1 control character": _rss(PLAIN_ITEM.replace("Tóm tắt", "Tóm&#150;tắt")),
    "unknown date format": _rss(PLAIN_ITEM + "<pubDate>Fri, 05 Apr 2024 08:30:00 EST</pubDate>"),
    "HTML content type": _rss(PLAIN_ITEM),  # with text/html, see below
}


@pytest.mark.parametrize("case", REFUSED)
def test_fast_path_refuses(case: str) -> None:
    body = REFUSED[case]
    html = case == "HTML content type"
    headers = {"content-type": "text/html; charset=utf-8" if html else "application/rss+xml"}
    url = "https://k.vn/rss"
    assert fast.extract_fast(body, source="s", url=url, headers=headers, zone=ZONE) is None
    with pytest.raises(fast.Refused):
        fast.read_plain_feed(body, url=url, headers=headers, zone=ZONE)
    with contextlib.suppress(ExtractError):  # feedparser reads it as before
        extract_feed(body, source="s", url=url, headers=headers, zone=ZONE)


# Pieces the mutations put into a feed: damage, and odd but well-formed XML.
CONTROL = ["\x01", "\x0b", "\x00", "\x85", "\ufffe", "&#1;"]
ODD_TEXT = ["&amp;amp;", "&#233;", "<![CDATA[<b>x</b>]]>", "<!-- c -->", "Ã©", "\u00a0"]
ODD_TITLES = ["<Title>", "<title type='html'>", "<title xml:lang='en'>"]
ODD_ELEMENTS = [
    "<foo:bar xmlns:foo='http://foo.example/'>x</foo:bar>",
    "<comments>https://k.vn/c</comments>",
    "<enclosure url='/rel.jpg' type='image/png' length='12'/>",
    "<media:thumbnail xmlns:media='http://search.yahoo.com/mrss/' url='https://k.vn/t.jpg'/>",
    "<dc:date xmlns:dc='http://purl.org/dc/elements/1.1/'>2024-04-05T08:30:00+07:00</dc:date>",
    "<category domain='x'/>",
    "<atom:link xmlns:atom='http://www.w3.org/2005/Atom' rel='enclosure' href='/e.jpg'"
    " type='image/jpeg'/>",
]
CLOSING_TAGS = ["</title>", "</link>", "</guid>", "</description>", "</pubDate>", "</item>"]


def _mutate(text: str, n: int, rng: random.Random) -> str:
    """The n-th of 7 kinds of change: truncation, a dropped end tag, control characters..."""
    at = rng.randrange(len(text))
    kind = n % 7
    if kind == 0:
        return text[:at]
    if kind == 1:
        return text.replace(rng.choice(CLOSING_TAGS), "", 1)
    if kind in (2, 3):
        return text[:at] + rng.choice(CONTROL if kind == 2 else ODD_TEXT) + text[at:]
    if kind == 4:
        title = rng.choice(ODD_TITLES)
        end = "</Title>" if title == "<Title>" else "</title>"
        return text.replace("<title>", title, 1).replace("</title>", end, 1)
    if kind == 5:
        return text.replace("</item>", rng.choice(ODD_ELEMENTS) + "</item>", 1)
    relative = text.replace("<link>https://", "<link>/", 1)
    return relative.replace('<guid isPermaLink="false">', "<guid>", 1)


@pytest.mark.parametrize("variant", ["no-content-type", "rss+xml"])
def test_damaged_and_odd_feeds_are_refused_or_equal(variant: str) -> None:
    body = (DATA / "feeds" / "hanoi.xml").read_bytes()
    rng = random.Random(2024)
    mutants = [_mutate(body.decode(), n, rng).encode() for n in range(50)]
    taken = sum(_assert_same(mutant, variant) for mutant in mutants)
    assert 0 < taken < len(mutants)  # both paths are exercised


@pytest.mark.parametrize(
    "raw",
    [
        "Fri, 05 Apr 2024 08:30:00 +0700", "Fri, 5 Apr 2024 08:30 GMT", "05 Apr 2024 23:59:59 -0530",
        "Sun, 31 Dec 2023 20:00:00 +07:00", "Thu, 29 Feb 2024 00:00:00 UT", "Sat, 01 Jan 2000 00:00:00 Z",
        "Mon, 01 Jan 0001 00:00:00 +0000", "Tue, 05 Oct 2024 08:30:00 UTC",
        "2024-04-05T08:30:00+07:00", "2024-04-05T08:30:00.999999Z", "2024-04-05T08:30-05:30",
        "2024-12-31T23:59:59-12:00",
    ],
)  # fmt: skip
def test_dates_are_read_as_feedparser_reads_them(raw: str) -> None:
    assert fast._utc_struct(raw) == feedparser.datetimes._parse_date(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "0001-01-01T00:00:00+01:00", "Fri, 31 Dec 9999 23:59:59 -1200",  # out of range for the handler
        "Fri, 31 Feb 2024 08:30:00 +0700", "Fri, 05 Apr 2024 08:30:00 EST", "2024-04-05T08:30:00+0700",
        "Fri, 05 Apr 24 08:30:00 +0700", "2024-04-05 08:30:00+07:00", "Friday, 05-Apr-24 08:30:00 GMT",
    ],
)  # fmt: skip
def test_other_dates_are_refused(raw: str) -> None:
    with pytest.raises(fast.Refused):
        fast._utc_struct(raw)


@pytest.mark.parametrize(
    "uri",
    [
        "https://k.vn/a.html", "https://k.vn/a?x=1&y=2#top", "http://k.vn:8080/", "https://k.vn",
        "https://k.vn/tin-tức/a.html", "https://k.vn/a?", "https://k.vn/a#", "https://k.vn/a;p?q",
        "HTTPS://k.vn/a", "https://k.vn//a", "https:///k.vn/a", "/rel/a", "a b", "https://[::1]/",
        "https://k.vn/a/../b", "https://user@k.vn/", "ftp://k.vn/a", "", "tag:k.vn,2024:1",
        "urn:uuid:1-2", "TAG:x", "mailto:a@k.vn", "javascript:alert(1)", "ftp:x", "http:x",
        "file:a", "x1+.-:y", "1tag:x", "tag://x", "ta g:x",
    ],
)  # fmt: skip
def test_urls_are_joined_as_feedparser_joins_them(uri: str) -> None:
    for base in ("https://vnexpress.net/rss/a.rss", "file://srv/a.xml", ""):
        assert fast._urljoin(base, uri) == feedparser.urls._urljoin(base, uri)


def test_tables_copied_from_feedparser_still_match() -> None:
    mixin = feedparser.mixin._FeedParserMixin
    handlers = {
        n.split("_", 2)[2].lower() for n in dir(mixin) if n.startswith(("_start_", "_end_"))
    }
    assert handlers == fast._HANDLED
    assert mixin.namespaces == fast._NAMESPACES
    assert feedparser.sanitizer._HTMLSanitizer.acceptable_elements == fast._HTML_ELEMENTS
