"""Sitemaps -> recent article URLs, for sources of kind "sitemap".

Reads Google News sitemaps (`news:title`, `news:publication_date`, `news:keywords`,
`news:publication/news:name`), plain `urlset`s with `lastmod`, `sitemapindex`es
(their child sitemaps, newest first), RSS/Atom feeds used as sitemaps and
one-URL-a-line text sitemaps. Bodies may be gzipped (`.xml.gz`), start with a
BOM, or use a wrong namespace: elements are matched by local name.

ingest.py calls extract_sitemap() on each fetched sitemap, follows `children`,
and reads each entry's page with extract/article.py. Pure: no I/O, `now` given.
"""

from __future__ import annotations

import gzip
import io
import logging
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

from lxml import etree

from ..dates import parse_date
from ..text import clean_line
from ..urls import absolute, canonical_url

log = logging.getLogger(__name__)

MAX_UNZIPPED = 50 * 1024 * 1024  # bytes; a sitemap is at most 50 MB by the protocol
_GZIP_MAGIC = b"\x1f\x8b"
_URL_LINE = re.compile(r"^https?://\S+$")
_UTC = ZoneInfo("UTC")


@dataclass(frozen=True)
class SitemapEntry:
    url: str  # absolute, as written (whitespace trimmed)
    title: str | None = None  # news:title, or the feed item's title
    published: datetime | None = None  # news:publication_date, else lastmod; UTC if no zone
    keywords: tuple[str, ...] = ()  # news:keywords
    publication: str | None = None  # news:publication/news:name


@dataclass(frozen=True)
class Sitemap:
    entries: tuple[SitemapEntry, ...]  # published within `window` of `now`, or undated
    children: tuple[str, ...]  # child sitemaps of an index, newest first


def extract_sitemap(body: bytes, url: str, *, now: datetime, window: timedelta) -> Sitemap:
    """Entries published within `window` before `now` (undated ones are kept), and children.

    Raises ValueError with the reason when the body is not a sitemap: empty, a
    corrupt or oversized gzip stream, an HTML page, or XML with no URLs in it.
    """
    data = _unzip(body).lstrip(b"\xef\xbb\xbf \t\r\n")
    if not data:
        raise ValueError("the sitemap is empty")
    since = now - window
    if not data.startswith(b"<"):
        return Sitemap(_text_entries(data, url), ())
    root = _parse(data)
    kind = _local(root)
    if kind == "sitemapindex":
        return Sitemap((), _children(root, url, since))
    if kind == "urlset":
        entries = (_url_entry(node, url) for node in root if _local(node) == "url")
    elif kind in ("rss", "rdf"):
        entries = (_rss_entry(node, url) for node in root.iter() if _local(node) == "item")
    elif kind == "feed":
        entries = (_atom_entry(node, url) for node in root if _local(node) == "entry")
    elif kind == "html":
        raise ValueError("this is an HTML page, not a sitemap")
    else:
        raise ValueError(f"<{kind}> is not a sitemap root (urlset, sitemapindex, rss or feed)")
    return Sitemap(_recent(entries, since), ())


def _unzip(body: bytes) -> bytes:
    """A gzip body's content (at most MAX_UNZIPPED bytes); other bodies unchanged."""
    if not body.startswith(_GZIP_MAGIC):
        return body
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as stream:
            data = stream.read(MAX_UNZIPPED + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise ValueError(f"corrupt gzip body: {exc}") from exc
    if len(data) > MAX_UNZIPPED:
        raise ValueError(f"gzip body is larger than {MAX_UNZIPPED // 2**20} MB unpacked")
    return data


def _parse(data: bytes) -> etree._Element:
    """Strict XML first; a broken document is read in recovery mode if that finds URLs."""
    strict = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(data, strict)
    except etree.XMLSyntaxError as exc:
        problem = str(exc)
    lenient = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, recover=True
    )
    root = etree.fromstring(data, lenient)
    if root is None or not any(_local(n) in ("loc", "link") for n in root.iter()):
        raise ValueError(f"not a readable sitemap: {problem}")
    log.debug("sitemap recovered problem=%s", problem)
    return root


def _local(node: etree._Element) -> str:
    """An element's name without its namespace, lower case ("" for comments)."""
    if not isinstance(node.tag, str):
        return ""
    return etree.QName(node).localname.lower()


def _child_text(node: etree._Element, *path: str) -> str | None:
    """Text of the first descendant reached by local names, e.g. ("news", "title")."""
    current: etree._Element | None = node
    for name in path:
        if current is None:
            return None
        current = next((c for c in current if _local(c) == name), None)
    if current is None:
        return None
    return clean_line("".join(str(piece) for piece in current.itertext())) or None


def _moment(text: str | None) -> datetime | None:
    if not text:
        return None
    moment = parse_date(text, _UTC)  # W3C datetimes; a bare date is read as UTC midnight
    return moment if moment and 1990 <= moment.year <= 2100 else None


def _url_entry(node: etree._Element, base: str) -> SitemapEntry | None:
    loc = _child_text(node, "loc")
    if not loc:
        return None
    keywords = _child_text(node, "news", "keywords") or ""
    return SitemapEntry(
        url=absolute(loc, base),
        title=_child_text(node, "news", "title"),
        published=_moment(_child_text(node, "news", "publication_date"))
        or _moment(_child_text(node, "lastmod")),
        keywords=tuple(k for k in (clean_line(k) for k in keywords.split(",")) if k),
        publication=_child_text(node, "news", "publication", "name"),
    )


def _rss_entry(node: etree._Element, base: str) -> SitemapEntry | None:
    link = _child_text(node, "link")
    if not link:
        return None
    raw = _child_text(node, "pubdate") or _child_text(node, "date")
    try:
        published = parsedate_to_datetime(raw) if raw else None
    except (TypeError, ValueError):
        published = _moment(raw)
    if published is not None and published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    return SitemapEntry(absolute(link, base), _child_text(node, "title"), published)


def _atom_entry(node: etree._Element, base: str) -> SitemapEntry | None:
    links = [c for c in node if _local(c) == "link" and c.get("href")]
    alternate = [c for c in links if (c.get("rel") or "alternate") == "alternate"]
    if not links:
        return None
    chosen = (alternate or links)[0]
    published = _moment(_child_text(node, "published")) or _moment(_child_text(node, "updated"))
    return SitemapEntry(
        absolute(chosen.get("href") or "", base), _child_text(node, "title"), published
    )


def _text_entries(data: bytes, base: str) -> tuple[SitemapEntry, ...]:
    text = data.decode("utf-8", errors="replace")
    urls = [line.strip() for line in text.splitlines() if _URL_LINE.match(line.strip())]
    if not urls:
        raise ValueError("neither XML nor a list of URLs")
    always = datetime.min.replace(tzinfo=UTC)
    return _recent((SitemapEntry(absolute(u, base)) for u in urls), always)


def _recent(entries: Iterable[SitemapEntry | None], since: datetime) -> tuple[SitemapEntry, ...]:
    """Entries dated at or after `since`, or undated; each URL once, in document order."""
    kept: dict[str, SitemapEntry] = {}
    for entry in entries:
        if entry is None or not entry.url.startswith(("http://", "https://")):
            continue
        if entry.published is None or entry.published >= since:
            kept.setdefault(canonical_url(entry.url), entry)
    return tuple(kept.values())


def _children(root: etree._Element, base: str, since: datetime) -> tuple[str, ...]:
    """Child sitemaps, newest lastmod first, undated ones last; stale ones left out."""
    dated: list[tuple[datetime, str]] = []
    undated: list[str] = []
    for node in root:
        if _local(node) != "sitemap":
            continue
        loc = _child_text(node, "loc") or clean_line("".join(str(t) for t in node.itertext()))
        if not loc:
            continue
        link = absolute(loc, base)
        modified = _moment(_child_text(node, "lastmod"))
        if modified is None:
            undated.append(link)
        elif modified >= since:
            dated.append((modified, link))
    dated.sort(key=lambda pair: pair[0], reverse=True)
    return tuple(dict.fromkeys([link for _, link in dated] + undated))
