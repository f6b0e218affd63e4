"""The HTML pages: index.html and c/{slug}.html, rendered with Jinja2 (autoescaped)."""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import Environment, PackageLoader, select_autoescape

from ..config import Config
from .items import Item
from .views import FeedView

_env = Environment(
    loader=PackageLoader("feeds.publish", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class FeaturedBox:
    slug: str
    title: str
    items: list[Item]
    with_summaries: bool


def render_page(
    config: Config,
    *,
    view: FeedView,
    items: list[Item],
    feeds: list[FeedView],
    featured: list[FeaturedBox],
    root: str,
) -> bytes:
    current = view.slug if view.kind == "category" else None
    discovery = [view] if view.kind == "category" else [f for f in feeds if f.kind != "category"]
    heading = "Tin mới" if view.kind == "all" else view.name
    html = _env.get_template("page.html").render(
        language=config.site.language,
        site_title=config.site.title,
        page_title=view.title,
        description=view.description,
        heading=heading,
        discovery=discovery,
        categories=config.categories,
        current=current,
        featured=featured,
        items=items,
        feeds=feeds,
        root=root,
        updated=view.updated.astimezone(config.site.zone),
    )
    return html.encode()
