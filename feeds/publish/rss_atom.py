"""RSS 2.0 and Atom 1.0 with feedgen (the only feedgen import).

Dates carry the site zone; lastBuildDate/updated follow the newest change of an
item, never the clock, so an unchanged feed is byte-for-byte unchanged. Authors
go in dc:creator for RSS (its <author> must be an e-mail address); lead images
as media:content, plus an enclosure when the length is known.
"""

from __future__ import annotations

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

from .. import HOME_PAGE, __version__
from .items import Item
from .views import FeedView

STYLESHEET_PI = b'<?xml-stylesheet type="text/xsl" href="../feed.xsl"?>\n'


def _generator(
    view: FeedView,
    items: list[Item],
    *,
    self_link: tuple[str, str],
    content_type: str,
    title: str,
    language: str,
    ttl: int,
) -> FeedGenerator:
    fg = FeedGenerator()
    fg.load_extension("dc")
    fg.load_extension("media")
    if content_type == "html":  # Atom
        fg.register_extension("atom_links", BaseExtension, _AtomLinks, atom=True, rss=False)
    fg.id(view.url("atom"))
    fg.title(view.title)
    fg.subtitle(view.description)
    fg.description(view.description)
    # feedgen takes the RSS <link> from the last link added: the page, not the feed itself.
    fg.link(href=self_link[0], rel="self", type=self_link[1])
    fg.link(href=view.page_url, rel="alternate", type="text/html")
    fg.language(language)
    fg.author({"name": title})
    fg.generator("feeds", __version__, HOME_PAGE)
    fg.ttl(ttl)
    updated = max((item.updated for item in items), default=view.updated)
    fg.updated(updated)
    fg.lastBuildDate(updated)
    for item in items:
        fe = fg.add_entry(order="append")
        fe.id(item.id)
        fe.guid(item.id, permalink=False)
        fe.title(item.title)
        fe.link(href=item.link, rel="alternate", type="text/html")
        fe.published(item.published)
        fe.updated(item.updated)
        fe.summary(item.summary or item.title)
        fe.content(item.content_html, type=content_type)
        if item.author:
            fe.author({"name": item.author})
            fe.dc.dc_creator(item.author)
        for _slug, name in item.categories:
            fe.category(term=name, label=name)
        if item.image_url:
            media = {"url": item.image_url, "medium": "image", "group": None}
            if item.image_type:
                media["type"] = item.image_type
            fe.media.content(media)
            if item.image_length and item.image_type:
                if content_type == "CDATA":
                    fe.enclosure(item.image_url, str(item.image_length), item.image_type)
                else:
                    fe.atom_links.enclosure = (item.image_url, item.image_type, item.image_length)
    return fg


def render_rss(view: FeedView, items: list[Item], *, title: str, language: str, ttl: int) -> bytes:
    self_link = (view.url("xml"), "application/rss+xml")
    fg = _generator(
        view,
        items,
        self_link=self_link,
        content_type="CDATA",
        title=title,
        language=language,
        ttl=ttl,
    )
    return _with_stylesheet(fg.rss_str(pretty=True))


def render_atom(view: FeedView, items: list[Item], *, title: str, language: str, ttl: int) -> bytes:
    self_link = (view.url("atom"), "application/atom+xml")
    fg = _generator(
        view,
        items,
        self_link=self_link,
        content_type="html",
        title=title,
        language=language,
        ttl=ttl,
    )
    return _with_stylesheet(fg.atom_str(pretty=True))


class _AtomLinks(BaseEntryExtension):  # type: ignore[misc]
    """Give each Atom entry link its rel and type, and add the image enclosure.

    feedgen 1.0 writes an entry's <link> with its href only (its loop variable
    shadows the link data), so rel="enclosure" links would become a second
    rel="alternate" one. We add only the alternate link with feedgen; this
    extension, which feedgen runs on each entry it builds, sets the attributes
    there, rather than parsing the whole document again afterwards.
    """

    def __init__(self) -> None:
        self.enclosure: tuple[str, str, int] | None = None  # url, type, length

    def extend_atom(self, entry: etree._Element) -> etree._Element:
        for link in entry.iterfind("link"):  # feedgen's elements carry no namespace yet
            link.set("rel", "alternate")
            link.set("type", "text/html")
        if self.enclosure:
            url, kind, length = self.enclosure
            link = etree.SubElement(entry, "link", rel="enclosure", href=url, type=kind)
            link.set("length", str(length))
        return entry


def _with_stylesheet(document: bytes) -> bytes:
    """Insert the XSL processing instruction after the XML declaration."""
    declaration, _, rest = document.partition(b"\n")
    return declaration + b"\n" + STYLESHEET_PI + rest
