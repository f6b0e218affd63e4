"""Publishing: every feed (RSS, Atom, JSON Feed), opml.xml and the HTML pages.

publish_all() builds one FeedView per slug from the store, renders every file in
memory, then writes those whose bytes changed, each atomically. A failure to
write one file leaves the previous version of that file in place.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import resources
from typing import TYPE_CHECKING

from sqlite_utils import Database

from store import featured as featured_rows
from store import publish_state, stories

from .. import __version__
from ..config import Config
from ..featured import pin_urls, rank
from .files import inside, write_if_changed
from .views import ALL, FeedView, base_url, category_names

if TYPE_CHECKING:
    from .items import Item

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
            tuple(stories.newest_keys(db, category=None, limit=limit)),
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
                tuple(stories.newest_keys(db, category=cat.slug, limit=limit)),
                base,
            )
        )
    for feat in config.featured:
        candidates = featured_rows.candidates(
            db, list_slug=feat.slug, since=now - feat.window, pins=pin_urls(feat)
        )
        ranking = rank(candidates, feat, now)
        chosen = stories.keys_of(db, [scored.story.id for scored in ranking.chosen])
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
    config: Config, db: Database, *, now: datetime, previous: dict[str, str] | None = None
) -> tuple[dict[str, bytes], dict[str, str], dict[str, int]]:
    """Published files whose inputs changed since `previous` fingerprints, as bytes.

    Returns the files rendered, every file's fingerprint, and items per slug. A file
    whose fingerprint matches `previous` and that exists is not rendered at all: an
    unchanged cycle costs the queries, not the rendering.
    """
    previous = previous or {}
    zone = config.site.zone
    names = category_names(config)
    site, language = config.site.title, config.site.language
    ttl = int(config.interval / timedelta(minutes=1))
    views = build_views(config, db, now=now)
    common = _fingerprint(
        _TEMPLATES, site, config.site.base_url, language, ttl, sorted(names.items())
    )
    prints = {v.slug: _fingerprint(common, _view_key(v)) for v in views}
    root = config.publish_dir

    def stale(path: str, fingerprint: str) -> bool:
        fingerprints[path] = fingerprint
        return previous.get(path) != fingerprint or not (root / path).exists()

    fingerprints: dict[str, str] = {}
    files: dict[str, bytes] = {}
    items: dict[str, list[Item]] = {}

    def items_of(view: FeedView) -> list[Item]:
        """The view's stories read in full, only once it is known to need rendering."""
        from .items import story_item

        if view.slug not in items:
            rows = stories.by_ids(db, [key.id for key in view.keys])
            items[view.slug] = [story_item(s, zone, names) for s in rows]
        return items[view.slug]

    for view in views:
        for suffix in FORMATS:
            path = f"feeds/{view.slug}.{suffix}"
            if not stale(path, prints[view.slug]):
                continue
            # The renderers (feedgen, lxml, Jinja2) load only when a file needs rendering:
            # a cycle where nothing changed renders nothing.
            from .jsonfeed import render_json
            from .rss_atom import render_atom, render_rss

            if suffix == "xml":
                files[path] = render_rss(
                    view, items_of(view), title=site, language=language, ttl=ttl
                )
            elif suffix == "atom":
                files[path] = render_atom(
                    view, items_of(view), title=site, language=language, ttl=ttl
                )
            else:
                files[path] = render_json(view, items_of(view), title=site, language=language)
    if stale("opml.xml", _fingerprint(common, sorted(prints.items()))):
        from .opml import render_opml

        files["opml.xml"] = render_opml(views, title=site)
    summaries = {f.slug for f in config.featured if f.summaries}
    featured = [v for v in views if v.kind == "featured"]
    boxes_print = _fingerprint(
        common, [(v.slug, prints[v.slug]) for v in featured], sorted(summaries)
    )
    for view in views:
        if view.kind == "all":
            path, root_path = "index.html", ""
        elif view.kind == "category":
            path, root_path = f"c/{view.slug}.html", "../"
        else:
            continue
        every_feed = [(v.slug, v.title) for v in views]
        if not stale(path, _fingerprint(prints[view.slug], boxes_print, every_feed)):
            continue
        from .index import FeaturedBox, render_page

        boxes = [FeaturedBox(v.slug, v.name, items_of(v), v.slug in summaries) for v in featured]
        files[path] = render_page(
            config, view=view, items=items_of(view), feeds=views, featured=boxes, root=root_path
        )
    if stale("feed.xsl", _fingerprint(_TEMPLATES)):
        files["feed.xsl"] = resources.files(__package__).joinpath("static/feed.xsl").read_bytes()
    return files, fingerprints, {v.slug: len(v.keys) for v in views}


def _view_key(view: FeedView) -> list[object]:
    """Everything a feed's bytes depend on, besides the config: its stories as they stand."""
    keys = [(k.id, k.updated, k.published, k.article_id) for k in view.keys]
    return [view.slug, view.name, view.title, view.description, view.kind, keys]


def _fingerprint(*parts: object) -> str:
    return hashlib.sha1(repr(parts).encode()).hexdigest()


def _templates_version() -> str:
    """The renderers' own version: a new release re-renders everything."""
    package = resources.files(__package__)
    sources = [package.joinpath("templates/page.html"), package.joinpath("static/feed.xsl")]
    return _fingerprint(__version__, [source.read_bytes() for source in sources])


_TEMPLATES = _templates_version()


def publish_all(config: Config, db: Database, *, now: datetime) -> PublishReport:
    previous = publish_state.fingerprints(db)
    files, fingerprints, counts = render_all(config, db, now=now, previous=previous)
    report = PublishReport(items=counts)
    root = config.publish_dir
    for relative, data in files.items():
        if write_if_changed(inside(root, relative), data):
            report.written.append(relative)
    report.unchanged = len(fingerprints) - len(report.written)
    publish_state.save(db, fingerprints)
    log.info("published written=%d unchanged=%d", len(report.written), report.unchanged)
    return report
