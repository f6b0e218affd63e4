"""What one feed item says, whatever the format: one story, its best article, its copies.

The item's id is the story's (`urn:uuid:…`), assigned once and never changed,
so readers never see a story twice. Its content is the representative article's
sanitised HTML, followed by "Cũng đăng trên" (also published on) with a link to
every other outlet that carried it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from store.records import StoryRow

from ..clock import from_iso
from ..text import html_to_text, shorten

ALSO_ON = "Cũng đăng trên"
SUMMARY_CHARS = 300


@dataclass(frozen=True)
class Item:
    id: str
    title: str
    link: str
    published: datetime  # in the site zone
    updated: datetime
    author: str | None
    summary: str  # plain text
    content_html: str
    categories: tuple[tuple[str, str], ...]  # (slug, name)
    image_url: str | None
    image_type: str | None
    image_length: int | None
    source: str
    copies: tuple[tuple[str, str], ...]  # (source, link)


def story_item(story: StoryRow, zone: ZoneInfo, names: dict[str, str]) -> Item:
    article = story.article
    body = article.content or article.summary or ""
    summary_source = article.summary or article.content or ""
    summary = shorten(html_to_text(summary_source).replace("\n", " "), SUMMARY_CHARS)
    copies = tuple((c.source, c.link) for c in story.copies)
    return Item(
        id=f"urn:uuid:{story.id}",
        title=article.title,
        link=article.link,
        published=from_iso(story.published).astimezone(zone),
        updated=max(from_iso(story.updated), from_iso(story.published)).astimezone(zone),
        author=article.author,
        summary=summary,
        content_html=body + also_on_html(article.source, copies),
        categories=tuple((slug, names.get(slug, slug)) for slug in story.categories),
        image_url=article.image_url,
        image_type=article.image_type or guess_image_type(article.image_url),
        image_length=article.image_length,
        source=article.source,
        copies=copies,
    )


def also_on_html(source: str, copies: tuple[tuple[str, str], ...]) -> str:
    first = f"<p><small>Nguồn: {escape(source)}"
    if not copies:
        return first + "</small></p>"
    links = ", ".join(f'<a href="{escape(link)}">{escape(name)}</a>' for name, link in copies)
    return f"{first}. {ALSO_ON}: {links}</small></p>"


def guess_image_type(url: str | None) -> str | None:
    if not url:
        return None
    path = url.split("?", 1)[0].lower()
    for suffix, kind in (
        (".jpg", "image/jpeg"),
        (".jpeg", "image/jpeg"),
        (".png", "image/png"),
        (".gif", "image/gif"),
        (".webp", "image/webp"),
        (".avif", "image/avif"),
    ):
        if path.endswith(suffix):
            return kind
    return None
