"""Malformed documents where a feed should be: the cycle goes on and says what went wrong.

Each case is served from 127.0.0.1 as one source beside a good one, after a
first cycle in which the same source served a good feed. Then `feeds run`:
it exits 0; the bad source is either read (what it holds is stored) or named
with its error in the summary, in `feeds sources list --json` and in the
source states /healthz shows; the good source's stories are published;
no article stored before is lost; nothing published is executable.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ..conftest import REAL
from .bench import BAD, GOOD, HEADLINES, Bench, CliRun, item_xml, rss, run_process

FEEDPARSER = REAL / "feedparser"
FIXTURES = sorted(
    p
    for folder in ("illformed", "encoding")
    if (FEEDPARSER / folder).is_dir()
    for p in (FEEDPARSER / folder).rglob("*.xml")
)
_HEADER = re.compile(rb"^\s*Header:\s*([\w-]+):\s*(.*?)\s*$", re.M)


@dataclass
class Document:
    body: bytes
    content_type: str = "application/xml"
    headers: dict[str, str] = field(default_factory=dict)
    # Titles the source must publish when the document is read; () = no expectation.
    titles: tuple[str, ...] = ()
    must_fail: bool = False
    error_says: str = ""  # a phrase the error must contain when it fails


def from_fixture(path: Path) -> Document:
    """A feedparser fixture, served with the HTTP headers its comment asks for."""
    body = path.read_bytes()
    headers = {k.decode(): v.decode() for k, v in _HEADER.findall(body[:1000])}
    content_type = next(
        (v for k, v in headers.items() if k.lower() == "content-type"), "application/xml"
    )
    headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
    return Document(body, content_type, headers)


def to_cp1258(text: str) -> bytes:
    """Vietnamese in Windows-1258: precomposed â ă ê ô ơ ư đ, tone marks as combining characters."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        try:
            out.append(char.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", char)
        base, marks = decomposed[0], decomposed[1:]
        shape = "".join(m for m in marks if m in "\u0302\u0306\u031b")
        tones = "".join(m for m in marks if m not in "\u0302\u0306\u031b")
        out.append((unicodedata.normalize("NFC", base + shape) + tones).encode("cp1258"))
    return b"".join(out)


VIETNAMESE = (
    "Hà Nội: người dân đổ xô đi mua vàng, giá tăng kỷ lục ở phố Trần Hưng Đạo",
    "Ủy ban nhân dân thành phố họp bàn kế hoạch chống ngập mùa mưa",
)


def _vi_items(titles: tuple[str, ...], host: str = "cp1258.example.vn") -> list[str]:
    return [item_xml(t, f"https://{host}/bai-{n}.html") for n, t in enumerate(titles)]


def cp1258_feed(declare_in_xml: bool) -> bytes:
    declaration = (
        '<?xml version="1.0" encoding="windows-1258"?>'
        if declare_in_xml
        else '<?xml version="1.0"?>'
    )
    return to_cp1258(rss(_vi_items(VIETNAMESE), declaration=declaration, title="Báo cũ"))


# Vietnamese typed in the legacy 8-bit font encodings, read by the declared code page:
# what a reader sees is mojibake, and we must keep it as given, not crash or "repair" it.
# "Hà Nội đón khách du lịch", "Giá vàng tăng mạnh" in TCVN3 (ABC) bytes, read as Latin-1.
TCVN3_AS_LATIN1 = tuple(
    b.decode("latin-1")
    for b in (b"H\xb5 N\xe9i \xae\xe3n kh\xb8ch du l\xdech", b"Gi\xb8 v\xb5ng t\xa8ng m\xb9nh")
)
VNI_AS_CP1252 = ("Haø Noäi ñoùn khaùch du lòch", "Giaù vaøng taêng maïnh")  # VNI-Windows bytes
UTF8_AS_CP1252 = tuple(t.encode("utf-8").decode("cp1252", "replace") for t in VIETNAMESE)


def mojibake(titles: tuple[str, ...], charset: str) -> Document:
    declaration = f'<?xml version="1.0" encoding="{charset}"?>'
    text = rss(_vi_items(titles, "cu.example.vn"), declaration=declaration, title="Bao cu")
    expected = tuple(" ".join(unicodedata.normalize("NFC", t).split()) for t in titles)
    return Document(text.encode(charset), titles=expected)


WORDS = tuple(" ".join(HEADLINES).replace(":", "").replace(",", "").replace("–", "").split())


def many_entries(count: int, *, alike: bool = False) -> Document:
    """`count` entries; `alike` ones differ only in their number (a template gone wild)."""
    pick = random.Random(count)
    items = []
    for n in range(count):
        words = " ".join(pick.choice(WORDS) for _ in range(40))
        items.append(
            item_xml(
                f"Tin số {n}: {VIETNAMESE[n % 2] if alike else words[:80]}",
                f"https://nhieu.example.vn/bai-{n}.html",
                description="" if alike else words,
                pub=f"Thu, 04 Apr 2024 {n % 24:02d}:{n % 60:02d}:00 +0700",
            )
        )
    return Document(rss(items).encode())


def huge_title() -> Document:
    title = ("Tiêu đề rất dài " * 7000)[:100_000]
    body = rss([item_xml(title, "https://dai.example.vn/bai.html")]).encode()
    return Document(body)


INVALID_DATES = (
    "not a date",
    "Fri, 99 Foo 99999 99:99:99 +9999",
    "0000-00-00T00:00:00Z",
    "01/01/0001 00:00",
    "0001-01-01T00:00:00+14:00",
    "Mon, 01 Jan 0001 00:00:00 +1400",
    "9999-12-31T23:59:59-12:00",
    "31/02/2024 25:61",
    "",
    "1e309",
    "-1",
    "Thứ Hai, 32/13/2024 - 99:99",
    "2024-04-05T08:00:00+99:99",
    "Fri, 05 Apr 2024 08:00:00 GMT+99",
    "\u0000\u202e2024",
    "9" * 400,
)


def invalid_dates() -> Document:
    items = [
        item_xml(f"Ngày hỏng số {n}", f"https://ngay.example.vn/bai-{n}.html", pub=date)
        for n, date in enumerate(INVALID_DATES)
    ]
    titles = tuple(f"Ngày hỏng số {n}" for n in range(len(INVALID_DATES)))
    return Document(rss(items).encode(), titles=titles)


def declared_one_charset_sent_another() -> list[tuple[str, Document]]:
    utf8 = rss(
        _vi_items(VIETNAMESE, "lech.example.vn"),
        declaration='<?xml version="1.0" encoding="iso-8859-1"?>',
    )
    cp = cp1258_feed(declare_in_xml=False)
    return [
        ("xml-says-latin1-sends-utf8", Document(utf8.encode("utf-8"))),
        (
            "header-says-utf8-sends-cp1258",
            Document(cp, content_type="application/rss+xml; charset=utf-8"),
        ),
        (
            "header-says-cp1258-sends-utf8",
            Document(
                rss(_vi_items(VIETNAMESE)).encode(),
                content_type="application/rss+xml; charset=windows-1258",
            ),
        ),
        (
            "header-says-nonsense-charset",
            Document(
                rss(_vi_items(VIETNAMESE)).encode(), content_type="text/xml; charset=x-klingon"
            ),
        ),
        (
            "utf16-declared-utf8-sent",
            Document(
                rss(
                    _vi_items(VIETNAMESE), declaration='<?xml version="1.0" encoding="utf-16"?>'
                ).encode()
            ),
        ),
        (
            "invalid-utf8-bytes",
            Document(
                rss(_vi_items(VIETNAMESE)).encode()[:-200]
                + b"\xff\xfe\xc3(" * 50
                + b"</channel></rss>"
            ),
        ),
    ]


SYNTHETIC: list[Any] = [
    (
        "html-page",
        Document(
            "<!doctype html><html><head><title>Trang chủ</title></head><body>Tin tức</body></html>".encode(),
            "text/html; charset=utf-8",
            must_fail=True,
            error_says="HTML page, not a feed",
        ),
    ),
    (
        "html-page-served-as-rss",
        Document(
            b"<html><body><p>Xin l\xc3\xb4i</p></body></html>",
            "application/rss+xml",
            must_fail=True,
            error_says="HTML page",
        ),
    ),
    pytest.param(
        "empty-body",
        Document(b"", must_fail=True, error_says="empty"),
    ),
    ("whitespace-body", Document(b" \n\t\r\n" * 100, must_fail=True, error_says="empty")),
    (
        "binary-garbage",
        Document(bytes(range(256)) * 40, "application/octet-stream", must_fail=True),
    ),
    ("json-instead", Document(b'{"items": []}', "application/json", must_fail=True)),
    ("truncated-mid-item", Document(rss(_vi_items(VIETNAMESE)).encode()[:400])),
    ("100kb-title", huge_title()),
    pytest.param(
        "invalid-dates",
        invalid_dates(),
    ),
    *declared_one_charset_sent_another(),
    (
        "cp1258-in-xml-declaration",
        Document(cp1258_feed(True), "application/rss+xml", titles=VIETNAMESE),
    ),
    (
        "cp1258-in-content-type",
        Document(
            cp1258_feed(False), "application/rss+xml; charset=windows-1258", titles=VIETNAMESE
        ),
    ),
    (
        "cp1258-in-both",
        Document(cp1258_feed(True), "text/xml; charset=windows-1258", titles=VIETNAMESE),
    ),
    ("tcvn3-mojibake", mojibake(TCVN3_AS_LATIN1, "iso-8859-1")),
    ("vni-mojibake", mojibake(VNI_AS_CP1252, "windows-1252")),
    ("utf8-read-as-cp1252", mojibake(UTF8_AS_CP1252, "utf-8")),
]

CASES = [(f"{p.parent.name}/{p.name}", p) for p in FIXTURES] + SYNTHETIC


def _case_id(case: Any) -> str:
    return str(case.values[0] if hasattr(case, "values") else case[0])


def check_contained(bench: Bench, document: Document, tally: Callable[[str, int], None]) -> CliRun:
    """First a good cycle, then the hostile document in the bad source's place."""
    before = bench.baseline(max_bytes=4_000_000, timeout="10s")
    bench.server.route(
        "/bad.xml", document.body, content_type=document.content_type, headers=document.headers
    )
    tally("hostile documents", 1)
    run = bench.run()
    bench.verify(
        run,
        before,
        must_fail=document.must_fail,
        error_says=document.error_says,
        titles=document.titles,
    )
    return run


@pytest.mark.parametrize(("name", "case"), CASES, ids=[_case_id(c) for c in CASES])
def test_malformed_document_is_contained(
    name: str, case: Path | Document, bench: Bench, tally: Callable[[str, int], None]
) -> None:
    document = from_fixture(case) if isinstance(case, Path) else case
    run = check_contained(bench, document, tally)
    assert run.seconds < 30, f"{name} took {run.seconds:.1f}s"


def test_the_feedparser_corpus_is_there() -> None:
    """The shared fixtures are read at test time; say so when they are missing."""
    if not FIXTURES:
        pytest.skip(f"no feedparser fixtures under {FEEDPARSER}")
    assert len(FIXTURES) >= 30


def test_recovered_document_keeps_its_problem_for_the_user(bench: Bench) -> None:
    """A feed read despite being malformed: the summary says so, and so should `sources list`."""
    body = rss(_vi_items(VIETNAMESE)).encode().replace(b"</channel></rss>", b"<item><title>c")
    bad = bench.server.route("/bad.xml", body)
    bench.pair(bad)
    run = bench.run()
    assert run.code == 0
    assert f"ok: {BAD}: recovered from a malformed document" in run.out
    assert set(VIETNAMESE) <= set(bench.published_titles("kinh-te"))
    assert bench.sources_json()[BAD]["last_error"], "sources list shows no problem"


def test_good_source_named_in_summary(bench: Bench) -> None:
    bad = bench.server.route("/bad.xml", b"<rss", content_type="application/rss+xml")
    bench.pair(bad)
    run = bench.run()
    assert re.search(rf"^{re.escape(GOOD)}\s+ok\s+3\b", run.out, re.M), run.out
    assert re.search(rf"^{re.escape(BAD)}\s+failed\b", run.out, re.M), run.out
    assert "2 sources, 1 failed" in run.out


def test_ten_thousand_entries_finish_in_seconds(
    bench: Bench, tally: Callable[[str, int], None]
) -> None:
    """5,000 distinct entries and 5,000 that differ only in their number, in one feed."""
    distinct, alike = many_entries(5_000), many_entries(5_000, alike=True)
    half = distinct.body.split(b"</channel>")[0]
    rest = alike.body.split(b"<item>", 1)[1].replace(
        b"nhieu.example.vn/bai-", b"nhieu.example.vn/giong-"
    )
    bad = bench.server.route("/bad.xml", half + b"<item>" + rest)
    bench.pair(bad, max_bytes=20_000_000)
    tally("hostile documents", 1)
    run = run_process(bench.path, "run", deadline=12)
    assert run is not None, "feeds run did not finish within 12 s"
    assert run.code == 0, run.err
    assert len(bench.published_titles("the-gioi")) == 3
    assert not bench.problems()
