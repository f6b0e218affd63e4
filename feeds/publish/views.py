"""What each published feed holds: pure data built from the store for the renderers.

One FeedView per slug: `all`, every category, every featured list. Renderers
(rss_atom, jsonfeed, opml, index) take views and return bytes; they never query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from store.records import StoryKey

from ..clock import from_iso
from ..config import Config

ALL = "all"


@dataclass(frozen=True)
class FeedView:
    slug: str
    name: str  # as a heading: "Chuyển động Hà Nội"
    title: str  # as a feed title: "Chuyển động Hà Nội – Bản tin Hà Nội"
    description: str
    kind: str  # "all", "category" or "featured"
    keys: tuple[StoryKey, ...]  # its stories, in feed order
    base_url: str

    def url(self, suffix: str) -> str:
        return f"{self.base_url}/feeds/{self.slug}.{suffix}"

    @property
    def page_url(self) -> str:
        if self.kind == "category":
            return f"{self.base_url}/c/{self.slug}.html"
        return f"{self.base_url}/index.html"

    @property
    def updated(self) -> datetime:
        """Moves only when an item changes, so an unchanged feed keeps its bytes."""
        if not self.keys:
            return datetime.fromisoformat("2000-01-01T00:00:00+00:00")
        return max(from_iso(key.updated) for key in self.keys)


def base_url(config: Config) -> str:
    return config.site.base_url.rstrip("/")


def category_names(config: Config) -> dict[str, str]:
    return {c.slug: c.name for c in config.categories}
