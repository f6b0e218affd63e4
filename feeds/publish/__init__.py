"""Publishing: every feed (RSS, Atom, JSON Feed), opml.xml and the HTML pages.

publish_all() builds one FeedView per slug from the store, renders every file in
memory, then writes those whose bytes changed, each atomically. A failure to
write one file leaves the previous version of that file in place.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import resources

from sqlite_utils import Database

from store import featured as featured_rows
from store import stories

from ..config import Config
from ..featured import rank
from .files import inside, write_if_changed
from .index import FeaturedBox, render_page
from .items import Item, story_item
from .jsonfeed import render_json
from .opml import render_opml
from .rss_atom import render_atom, render_rss
from .views import ALL, FeedView, base_url, category_names

log = logging.getLogger(__name__)

FORMATS = ("xml", "atom", "json")


@dataclass
class PublishReport:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    items: dict[str, int] = field(default_factory=dict)  # slug -> items published


def build_views(config: Config, db: Database, *, now: datetime) -> list[FeedView]:
    base = base_url(config)
    site = config.site.title
    limit = config.items_per_feed
    views = [
        FeedView(
            ALL,
            "Tất cả",
            site,
            f"Mọi tin của {site}",
            "all",
            tuple(stories.newest(db, category=None, limit=limit)),
            base,
        )
    ]
    for cat in config.categories:
        views.append(
            FeedView(
                cat.slug,
                cat.name,
                f"{cat.name} – {site}",
                f"{cat.name}: tin của {site}",
                "category",
                tuple(stories.newest(db, category=cat.slug, limit=limit)),
                base,
            )
        )
    for feat in config.featured:
        candidates = featured_rows.candidates(db, list_slug=feat.slug, since=now - feat.window)
        ranking = rank(candidates, feat, now)
        chosen = stories.by_ids(db, [scored.story.id for scored in ranking.chosen])
        views.append(
            FeedView(
                feat.slug,
                feat.title,
                f"{feat.title} – {site}",
                f"{feat.title}: tuyển chọn của {site}",
                "featured",
                tuple(chosen),
                base,
            )
        )
    return views


def render_all(
    config: Config, db: Database, *, now: datetime
) -> tuple[dict[str, bytes], dict[str, int]]:
    """Every published file as {relative path: bytes}, and items per slug."""
    zone = config.site.zone
    names = category_names(config)
    site, language = config.site.title, config.site.language
    ttl = int(config.interval / timedelta(minutes=1))
    views = build_views(config, db, now=now)
    items: dict[str, list[Item]] = {
        v.slug: [story_item(s, zone, names) for s in v.stories] for v in views
    }
    files: dict[str, bytes] = {}
    for view in views:
        entries = items[view.slug]
        files[f"feeds/{view.slug}.xml"] = render_rss(
            view, entries, title=site, language=language, ttl=ttl
        )
        files[f"feeds/{view.slug}.atom"] = render_atom(
            view, entries, title=site, language=language, ttl=ttl
        )
        files[f"feeds/{view.slug}.json"] = render_json(view, entries, title=site, language=language)
    files["opml.xml"] = render_opml(views, title=site)
    summaries = {f.slug for f in config.featured if f.summaries}
    boxes = [
        FeaturedBox(v.slug, v.name, items[v.slug], v.slug in summaries)
        for v in views
        if v.kind == "featured"
    ]
    for view in views:
        if view.kind == "all":
            path, root = "index.html", ""
        elif view.kind == "category":
            path, root = f"c/{view.slug}.html", "../"
        else:
            continue
        files[path] = render_page(
            config, view=view, items=items[view.slug], feeds=views, featured=boxes, root=root
        )
    files["feed.xsl"] = resources.files(__package__).joinpath("static/feed.xsl").read_bytes()
    return files, {slug: len(entries) for slug, entries in items.items()}


def publish_all(config: Config, db: Database, *, now: datetime) -> PublishReport:
    files, counts = render_all(config, db, now=now)
    report = PublishReport(items=counts)
    root = config.publish_dir
    for relative, data in files.items():
        if write_if_changed(inside(root, relative), data):
            report.written.append(relative)
        else:
            report.unchanged += 1
    log.info("published written=%d unchanged=%d", len(report.written), report.unchanged)
    return report
