"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1), written with the json module.

Copies of a story go in the `_feeds` extension object (extensions start with an
underscore, so readers that do not know it ignore it).
"""

from __future__ import annotations

import json
from typing import Any

from .items import Item
from .views import FeedView


def render_json(view: FeedView, items: list[Item], *, title: str, language: str) -> bytes:
    feed: dict[str, Any] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": view.title,
        "description": view.description,
        "home_page_url": view.page_url,
        "feed_url": view.url("json"),
        "language": language,
        "authors": [{"name": title}],
        "items": [_item(item) for item in items],
    }
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode()


def _item(item: Item) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": item.id,
        "url": item.link,
        "title": item.title,
        "content_html": item.content_html,
        "summary": item.summary,
        "date_published": item.published.isoformat(timespec="seconds"),
        "date_modified": item.updated.isoformat(timespec="seconds"),
        "tags": [name for _, name in item.categories],
    }
    if item.author:
        entry["authors"] = [{"name": item.author}]
    if item.image_url:
        entry["image"] = item.image_url
    entry["_feeds"] = {
        "source": item.source,
        "also_on": [{"source": name, "url": link} for name, link in item.copies],
    }
    return entry
