"""RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 through feedparser (the only feedparser import).

feedparser gets the bytes and the response headers, never a URL. Its own
sanitiser and URI resolution are off: normalize.py sanitises with nh3 and
resolves links itself, which costs half as much and is stricter.
"""

from __future__ import annotations

import logging
from typing import Any
from zoneinfo import ZoneInfo

import feedparser

from ..dates import feed_date
from ..errors import ExtractError
from ..model import Extracted, FeedMeta, Image, RawItem, declared_length
from ..text import clean_line, html_to_text
from .fast import extract_fast

log = logging.getLogger(__name__)


def extract_feed(
    body: bytes, *, source: str, url: str, headers: dict[str, str], zone: ZoneInfo
) -> Extracted:
    """Entries of a feed document; ExtractError when nothing can be read from it."""
    # Fast path (fast.py): plain RSS 2.0 / Atom 1.0 read with lxml to the same result;
    # None means "not plain enough", and feedparser, the parser of record, reads it.
    fast = extract_fast(body, source=source, url=url, headers=headers, zone=zone)
    if fast is not None:
        return fast
    return _extract_with_feedparser(body, source=source, url=url, headers=headers, zone=zone)


def _extract_with_feedparser(
    body: bytes, *, source: str, url: str, headers: dict[str, str], zone: ZoneInfo
) -> Extracted:
    """extract_feed() through feedparser alone."""
    parsed = feedparser.parse(
        body,
        response_headers={"content-location": url, **headers},
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    problem = _problem(parsed)
    if not parsed.entries:
        if problem or not parsed.get("version"):
            raise ExtractError(source, _why_unreadable(body, headers, problem))
        return Extracted((), _meta(parsed, problem))
    if problem:
        log.info("feed recovered source=%s problem=%s", source, problem)
    items = tuple(item for entry in parsed.entries if (item := _item(entry, zone)) is not None)
    return Extracted(items, _meta(parsed, problem))


def _problem(parsed: Any) -> str | None:
    if not parsed.get("bozo"):
        return None
    exc = parsed.get("bozo_exception")
    return f"{type(exc).__name__}: {exc}" if exc else "malformed document"


def _why_unreadable(body: bytes, headers: dict[str, str], problem: str | None) -> str:
    head = body[:2048].lstrip().lower()
    content_type = headers.get("content-type", "")
    if not body.strip():
        return "the response was empty"
    if b"<html" in head or b"<!doctype html" in head or "text/html" in content_type:
        return (
            "this is an HTML page, not a feed: find the page's feed (`feeds sources add URL`"
            ' discovers it) or read the page with kind = "html"'
        )
    return f"not a readable RSS/Atom feed ({problem or 'no feed elements found'})"


def _meta(parsed: Any, problem: str | None) -> FeedMeta:
    feed = parsed.feed
    ttl = feed.get("ttl")
    return FeedMeta(
        title=clean_line(feed.get("title", "")) or None,
        link=(feed.get("link") or "").strip() or None,
        language=feed.get("language") or None,
        ttl_minutes=int(ttl) if isinstance(ttl, str) and ttl.strip().isdigit() else None,
        problem=problem,
    )


def _text(entry: Any, key: str) -> str:
    detail = entry.get(f"{key}_detail") or {}
    value = entry.get(key) or ""
    if "html" in (detail.get("type") or ""):
        return html_to_text(value).replace("\n", " ")
    return str(value)


def _item(entry: Any, zone: ZoneInfo) -> RawItem | None:
    link = (entry.get("link") or "").strip()
    guid = (entry.get("id") or "").strip()
    if not link and guid.startswith(("http://", "https://")):
        link = guid
    title = clean_line(_text(entry, "title"))
    if not link or not (title or entry.get("summary")):
        return None
    content = next(
        (c.get("value", "") for c in entry.get("content", []) if "html" in c.get("type", "")),
        None,
    ) or next((c.get("value", "") for c in entry.get("content", [])), None)
    return RawItem(
        key=guid or link,
        link=link,
        title=title,
        author=_author(entry),
        summary=entry.get("summary") or None,
        content=content or None,
        published=feed_date(entry.get("published"), entry.get("published_parsed"), zone),
        # dict.get: feedparser's own get() maps a missing `updated` to `published`, with a warning.
        updated=feed_date(dict.get(entry, "updated"), dict.get(entry, "updated_parsed"), zone),
        labels=tuple(
            clean_line(t.get("term") or t.get("label") or "")
            for t in entry.get("tags", [])
            if t.get("term") or t.get("label")
        ),
        image=_image(entry),
        language=(entry.get("title_detail") or {}).get("language") or None,
    )


def _author(entry: Any) -> str | None:
    detail = entry.get("author_detail") or {}
    name = detail.get("name") or entry.get("author") or ""
    return clean_line(name) or None


def _image(entry: Any) -> Image | None:
    for enclosure in entry.get("enclosures", []):
        if (enclosure.get("type") or "").startswith("image/") and enclosure.get("href"):
            size = declared_length(enclosure)
            return Image(enclosure["href"].strip(), enclosure.get("type"), size)
    for media in (*entry.get("media_content", []), *entry.get("media_thumbnail", [])):
        if media.get("url") and media.get("medium", "image") == "image":
            return Image(media["url"].strip(), media.get("type"), declared_length(media))
    return None
