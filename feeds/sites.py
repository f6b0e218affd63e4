"""Sources with no feed: walk a listing page or a news sitemap, fetch the article pages.

For kind "html" the source URL is a listing page: its article links (and the
links in its editors' boxes) are fetched, up to `max_articles` a cycle; links
already stored are skipped, the rest wait in a queue for the next cycle.
Listing pages that paginate are followed `pages` deep. For kind "sitemap" the
entries published within `window` are fetched the same way; a sitemap index
is followed to its newest children. Politely: robots.txt is obeyed unless the
source turns it off, requests to one host are spaced `delay` apart (and at
most [fetch].per_host at once, in fetch.py).

A local source (a path or file: URL, like the bundled sample) is read as a
mirror of its site: the listing's canonical URL names the site, and that
site's URLs are read from the listing's folder.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from .config import Config, Source
from .errors import ExtractError, FetchError
from .extract.article import extract_article
from .extract.html import Element, Listing, extract_listing, parse_page
from .extract.sitemap import extract_sitemap
from .fetch import Fetcher, read_local
from .model import Fetched, RawItem
from .text import fold
from .urls import canonical_url

log = logging.getLogger(__name__)

MAX_SITEMAP_CHILDREN = 5
ROBOTS_FOR = 24 * 3600.0  # seconds a host's robots.txt is trusted before it is read again


@dataclass(frozen=True)
class Harvest:
    """What one html or sitemap source yielded this cycle."""

    items: tuple[RawItem, ...] = ()
    picks: tuple[
        tuple[str, str, str, int], ...
    ] = ()  # (list slug, canonical url, heading, position)
    queued: tuple[str, ...] = ()  # article URLs left for the next cycle
    skipped: tuple[tuple[str, str], ...] = ()  # (url, why) pages that gave no article
    fields: tuple[tuple[str, dict[str, str]], ...] = ()  # (url, where each field came from)


class HostManners:
    """Per host, whichever source asks: its robots.txt rules and its last request time."""

    def __init__(self) -> None:
        self.robots: dict[str, tuple[float, RobotFileParser | None]] = {}
        self.last: dict[str, float] = {}
        self.lock = threading.Lock()


MANNERS = HostManners()


class Pages:
    """Fetches one source's pages: robots.txt, spacing per host, local mirrors."""

    def __init__(self, config: Config, fetcher: Fetcher, source: Source, now: datetime) -> None:
        self.config, self.fetcher, self.source, self.now = config, fetcher, source, now
        self.mirror: tuple[str, Path] | None = None  # (site origin, local folder)

    def get(self, url: str) -> Fetched:
        """An article page or further listing page (not conditional: these are new)."""
        if self.mirror and _origin(url) == self.mirror[0]:
            path = self.mirror[1] / urlsplit(url).path.lstrip("/")
            fetched = read_local(self.source.name, path, self.config.fetch.max_bytes)
            return Fetched(url, fetched.status, fetched.body, fetched.headers)
        if not url.startswith(("http://", "https://")):
            raise FetchError(self.source.name, f"not an http(s) address: {url}")
        if self.source.robots and not self._allowed(url):
            raise FetchError(self.source.name, f"robots.txt of {_origin(url)} disallows {url}")
        self._space(url)
        return self.fetcher.get(self.source.name, url, now=self.now)

    def _space(self, url: str) -> None:
        """Wait until `delay` has passed since the last request to this host."""
        host = urlsplit(url).netloc
        delay = self.source.delay.total_seconds()
        with MANNERS.lock:
            start = max(time.monotonic(), MANNERS.last.get(host, 0.0) + delay)
            MANNERS.last[host] = start
        time.sleep(max(0.0, start - time.monotonic()))

    def _allowed(self, url: str) -> bool:
        origin = _origin(url)
        with MANNERS.lock:
            cached = MANNERS.robots.get(origin)
        if cached is None or time.monotonic() - cached[0] > ROBOTS_FOR:
            parser: RobotFileParser | None = None
            try:
                fetched = self.fetcher.get(self.source.name, f"{origin}/robots.txt", now=self.now)
                parser = RobotFileParser()
                parser.parse(fetched.body.decode("utf-8", "replace").splitlines())
            except FetchError:
                parser = None  # no robots.txt (404, unreachable): everything is allowed
            with MANNERS.lock:
                MANNERS.robots[origin] = cached = (time.monotonic(), parser)
        rules = cached[1]
        return rules is None or rules.can_fetch(self.config.fetch.user_agent, url)


def harvest(
    config: Config,
    pages: Pages,
    source: Source,
    first: Fetched,
    *,
    walk: bool,
    known: Callable[[str], bool],
    queued: tuple[str, ...],
) -> Harvest:
    """Walk an html or sitemap source from its first document; `walk` False: queue only."""
    links: list[str] = []
    picks: list[tuple[str, str, str, int]] = []
    if source.kind == "sitemap":
        links = _sitemap_links(config, pages, source, first) if walk else []
    elif walk:
        links, picks = _listing_links(config, pages, source, first)
    else:
        _page_url(pages, source, first)  # sets up a local mirror
    wanted = [url for url in dict.fromkeys([*queued, *links]) if not known(canonical_url(url))]
    take, rest = wanted[: source.max_articles], wanted[source.max_articles :]
    items, skipped, provenance = [], [], []
    for url in take:
        try:
            fetched = pages.get(url)
        except FetchError as exc:
            skipped.append((url, exc.message))
            continue
        page = extract_article(
            fetched.body, url, zone=config.site.zone, selectors=source.selectors, now=pages.now
        )
        picks += _picks(config, fetched.body, url)
        if page.item is None:
            skipped.append((url, page.problem or "no article"))
            log.info("page skipped source=%s url=%s why=%s", source.name, url, page.problem)
            continue
        items.append(page.item)
        provenance.append((url, page.fields))
    if take and not items:
        first_problem = skipped[0][1] if skipped else "no article"
        raise ExtractError(
            source.name,
            f"none of the {len(take)} article pages gave an article (first: {first_problem})",
        )
    return Harvest(tuple(items), tuple(picks), tuple(rest), tuple(skipped), tuple(provenance))


def _listing_links(
    config: Config, pages: Pages, source: Source, first: Fetched
) -> tuple[list[str], list[tuple[str, str, str, int]]]:
    url = _page_url(pages, source, first)
    links: list[str] = []
    picks: list[tuple[str, str, str, int]] = []
    seen_pages, body, total_seen = {url}, first.body, 0
    for depth in range(source.pages):
        listing = _listing(config, source, body, url)
        links += listing.article_links
        picks += [(p.list_slug, canonical_url(p.url), p.heading, p.position) for p in listing.picks]
        total_seen += listing.links_seen
        following = [p for p in listing.next_pages if p not in seen_pages]
        if depth + 1 >= source.pages or not following:
            break
        url = following[0]
        seen_pages.add(url)
        try:
            body = pages.get(url).body
        except FetchError as exc:
            log.info("listing page skipped source=%s url=%s why=%s", source.name, url, exc.message)
            break
    if not links:
        raise ExtractError(source.name, _no_links(source, total_seen))
    return links, picks


def _no_links(source: Source, seen: int) -> str:
    if source.link_pattern:
        return (
            f"link_pattern matched 0 of {seen} links on the listing page: check the pattern"
            " with `feeds sources test`"
        )
    return (
        f"found no article links among {seen} links on the listing page: set link_pattern"
        " (a regular expression for this site's article URLs)"
    )


def _listing(config: Config, source: Source, body: bytes, url: str) -> Listing:
    return extract_listing(body, url, link_pattern=source.link_pattern, sections=sections(config))


def sections(config: Config) -> dict[str, str]:
    """Folded box headings -> featured list slug, from [[featured]].sections."""
    return {fold(name): feat.slug for feat in config.featured for name in feat.sections}


def _picks(config: Config, body: bytes, url: str) -> list[tuple[str, str, str, int]]:
    """Editors' boxes on any page (article pages carry them too)."""
    if not config.featured:
        return []
    listing = extract_listing(body, url, link_pattern=None, sections=sections(config))
    return [(p.list_slug, canonical_url(p.url), p.heading, p.position) for p in listing.picks]


def _page_url(pages: Pages, source: Source, first: Fetched) -> str:
    """The listing's own address; for a local source, its canonical URL names the mirror."""
    if not source.is_local:
        return first.url
    canonical = _declared_url(parse_page(first.body))
    if canonical:
        folder = Path(urlsplit(first.url).path).parent
        pages.mirror = (_origin(canonical), folder)
        return canonical
    return first.url


def _declared_url(doc: Element) -> str | None:
    """The address a page gives itself: <link rel="canonical">, else og:url."""
    for link in doc.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        href = (link.get("href") or "").strip()
        if "canonical" in rel and href.startswith(("http://", "https://")):
            return href
    for meta in doc.iter("meta"):
        content = (meta.get("content") or "").strip()
        if meta.get("property") == "og:url" and content.startswith(("http://", "https://")):
            return content
    return None


def _sitemap_links(config: Config, pages: Pages, source: Source, first: Fetched) -> list[str]:
    try:
        sitemap = extract_sitemap(first.body, first.url, now=pages.now, window=source.window)
    except ValueError as exc:
        raise ExtractError(source.name, f"not a readable sitemap: {exc}") from exc
    links = [entry.url for entry in sitemap.entries]
    for child in sitemap.children[:MAX_SITEMAP_CHILDREN]:
        try:
            fetched = pages.get(child)
            links += [e.url for e in extract_sitemap(
                fetched.body, child, now=pages.now, window=source.window).entries]  # fmt: skip
        except (FetchError, ValueError) as exc:
            log.info("child sitemap skipped source=%s url=%s why=%s", source.name, child, exc)
    if not links and not sitemap.children:
        window = source.window
        log.info("sitemap has no recent entries source=%s window=%s", source.name, window)
    return links


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()
