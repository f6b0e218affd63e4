"""Find the feeds behind a site or page URL, for `feeds sources add`.

Looked for in this order, stopping at the first step that finds something:
the URL itself is a feed; the page's `<link rel="alternate" type="application/
rss+xml|atom+xml">` and its links to `.rss` files (or into an `/rss/` folder),
as the RSS index pages of Vietnamese outlets list one feed per section; then
the RSS index pages the page links to (`/rss`, `/rss.html`, …) and the usual
paths at the site's root (`/rss`, `/feed`, `/rss.xml`, `/atom.xml`,
`/feed.xml`, `/index.rss`, `/rss.html`), each either a feed or such an index.

Everything goes through feeds.fetch.Fetcher, and feeds are read with
extract_feed, so `add` sees a feed exactly as the cycle will. Page parsing is
pure (`page_links`); sources_cli.py does the talking to the user.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

from .errors import ExtractError, FetchError
from .extract.feed import extract_feed
from .fetch import Fetcher
from .model import Fetched
from .text import clean_line
from .urls import canonical_url

log = logging.getLogger(__name__)

WHO = "sources add"  # the "source" name in fetch errors and logs
FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/rss"}
)
COMMON_PATHS = ("/rss", "/feed", "/rss.xml", "/atom.xml", "/feed.xml", "/index.rss", "/rss.html")
FEED_FILES = frozenset({"rss.xml", "atom.xml", "feed.xml", "rss2.xml"})
MAX_INDEX_PAGES = 2  # index pages linked from the page that are worth a request
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)


@dataclass(frozen=True)
class FeedPreview:
    """A feed read once: what `add` prints before writing anything."""

    url: str
    title: str | None
    items: int
    problem: str | None = None


@dataclass(frozen=True)
class Candidate:
    url: str
    title: str
    found_by: str  # "the URL itself", "a <link> in the page", "a link on the page", a URL
    preview: FeedPreview | None = None  # when it was already read while looking


@dataclass
class PageLinks:
    """What a page offers: declared feeds, links to feed files, links to RSS index pages."""

    title: str = ""
    alternates: list[tuple[str, str]] = field(default_factory=list)  # (url, title)
    feeds: list[tuple[str, str]] = field(default_factory=list)
    indexes: list[str] = field(default_factory=list)


def discover(fetcher: Fetcher, url: str, *, now: datetime, zone: ZoneInfo) -> list[Candidate]:
    """The feeds found for `url`, best first; [] when there are none. FetchError if unreachable."""
    page = fetcher.get(WHO, url, now=now)
    preview = as_feed(page, zone)
    if preview is not None:
        return [Candidate(page.url, preview.title or page.url, "the URL itself", preview)]
    links = page_links(page)
    found = _from_page(links, "a <link> in the page", "a link on the page")
    if found:
        return found
    tried = {canonical_url(page.url)}
    for probe in [*links.indexes[:MAX_INDEX_PAGES], *common_urls(page.url)]:
        if canonical_url(probe) in tried:
            continue
        tried.add(canonical_url(probe))
        found = _probe(fetcher, probe, now=now, zone=zone)
        if found:
            return found
    return []


def _probe(fetcher: Fetcher, url: str, *, now: datetime, zone: ZoneInfo) -> list[Candidate]:
    """A guessed address: a feed, an RSS index page, or nothing (errors are not interesting)."""
    try:
        page = fetcher.get(WHO, url, now=now)
    except FetchError as exc:
        log.debug("probe failed url=%s error=%s", url, exc.message)
        return []
    preview = as_feed(page, zone)
    if preview is not None:
        return [Candidate(page.url, preview.title or page.url, url, preview)]
    return _from_page(page_links(page), url, url)


def _from_page(links: PageLinks, declared: str, linked: str) -> list[Candidate]:
    seen: set[str] = set()
    found = []
    for how, pairs in ((declared, links.alternates), (linked, links.feeds)):
        for href, title in pairs:
            key = canonical_url(href)
            if key not in seen:
                seen.add(key)
                found.append(Candidate(href, title or href, how))
    return found


def common_urls(url: str) -> list[str]:
    """The usual feed and RSS-index addresses at the root of `url`'s site."""
    return [urljoin(url, path) for path in COMMON_PATHS]


def as_feed(fetched: Fetched, zone: ZoneInfo) -> FeedPreview | None:
    """The response read as a feed, or None when it is not one (an HTML page, say).

    The body decides, not the Content-Type: feeds served as text/html are common.
    """
    if _starts_like_html(fetched.body):
        return None
    try:
        extracted = extract_feed(
            fetched.body, source=WHO, url=fetched.url, headers=fetched.headers, zone=zone
        )
    except ExtractError:
        return None
    meta = extracted.meta
    return FeedPreview(fetched.url, meta.title, len(extracted.items), meta.problem)


def read_feed(fetcher: Fetcher, url: str, *, now: datetime, zone: ZoneInfo) -> FeedPreview:
    """Fetch and parse `url` once, as the cycle would; ExtractError when it is not a feed."""
    fetched = fetcher.get(WHO, url, now=now)
    extracted = extract_feed(
        fetched.body, source=WHO, url=fetched.url, headers=fetched.headers, zone=zone
    )
    meta = extracted.meta
    return FeedPreview(fetched.url, meta.title, len(extracted.items), meta.problem)


def read_title(fetcher: Fetcher, url: str, *, now: datetime) -> str | None:
    """The `<title>` of a page (for `--kind html`), None for other documents."""
    fetched = fetcher.get(WHO, url, now=now)
    content_type = fetched.headers.get("content-type", "").split(";")[0].strip().lower()
    if not (_starts_like_html(fetched.body) or content_type == "text/html"):
        return None
    return page_links(fetched).title or None


def _starts_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html"))


def page_links(fetched: Fetched) -> PageLinks:
    """Feeds, feed links and RSS index links of an HTML page, as absolute URLs."""
    parser = _LinkParser()
    parser.feed(decode_html(fetched.body, fetched.headers.get("content-type", "")))
    parser.close()
    base = urljoin(fetched.url, parser.base) if parser.base else fetched.url
    links = PageLinks(title=clean_line(parser.title))
    own = canonical_url(fetched.url)
    for href, title in parser.alternates:
        links.alternates.append((urljoin(base, href), clean_line(title)))
    for href, text in parser.anchors:
        url = urljoin(base, href)
        if not url.startswith(("http://", "https://")) or canonical_url(url) == own:
            continue
        role = link_role(url)
        if role == "feed":
            links.feeds.append((url, text))
        elif role == "index" and url not in links.indexes:
            links.indexes.append(url)
    return links


def link_role(url: str) -> str | None:
    """'feed' for a feed file, 'index' for a page that may list feeds, None otherwise."""
    path = urlsplit(url).path.lower()
    last = path.rstrip("/").rsplit("/", 1)[-1]
    if path.endswith(".rss") or last in FEED_FILES:
        return "feed"
    if last.split(".", 1)[0] == "rss" or last in ("feed", "feeds"):
        return "index"  # /rss, /rss/, /rss.html, /pages/rss.aspx, /rss.chn: a feed or a list
    if "/rss/" in path:
        return "feed"
    return None


def decode_html(body: bytes, content_type: str) -> str:
    """A page's text: charset from the header, else from a <meta>, else UTF-8."""
    charset = None
    match = re.search(r"charset=([\w\-]+)", content_type, re.I)
    if match:
        charset = match.group(1)
    else:
        meta = _META_CHARSET.search(body[:4096])
        charset = meta.group(1).decode("ascii") if meta else None
    try:
        return body.decode(charset or "utf-8", errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


class _LinkParser(HTMLParser):
    """Collects <base>, <title>, feed <link>s and every <a href> with its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.title = ""
        self.alternates: list[tuple[str, str]] = []
        self.anchors: list[tuple[str, str]] = []
        self._anchor: tuple[str, str] | None = None
        self._text: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key.lower(): (value or "").strip() for key, value in attrs}
        href = values.get("href", "")
        if tag == "base" and href and self.base is None:
            self.base = href
        elif tag == "link" and href and _is_feed_link(values):
            self.alternates.append((href, values.get("title", "")))
        elif tag == "a" and href:
            self._anchor, self._text = (href, values.get("title", "")), []
        elif tag == "title" and not self.title:
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._anchor is not None:
            href, title = self._anchor
            self.anchors.append((href, clean_line(" ".join(self._text)) or clean_line(title)))
            self._anchor = None
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._anchor is not None:
            self._text.append(data)
        if self._in_title:
            self.title += data


def _is_feed_link(values: dict[str, str]) -> bool:
    rel = values.get("rel", "").lower().split()
    kind = values.get("type", "").split(";")[0].strip().lower()
    return "alternate" in rel and kind in FEED_TYPES
