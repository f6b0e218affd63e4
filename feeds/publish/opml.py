"""OPML 2.0: every published feed, so a reader can subscribe to all in one step."""

from __future__ import annotations

from lxml import etree

from .views import FeedView


def render_opml(views: list[FeedView], *, title: str) -> bytes:
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    if views:
        updated = max(view.updated for view in views)
        etree.SubElement(head, "dateModified").text = updated.strftime("%a, %d %b %Y %H:%M:%S %z")
    body = etree.SubElement(root, "body")
    groups = (("all", "Tất cả"), ("category", "Chuyên mục"), ("featured", "Tuyển chọn"))
    for kind, label in groups:
        members = [v for v in views if v.kind == kind]
        if not members:
            continue
        parent = (
            body if kind == "all" else etree.SubElement(body, "outline", text=label, title=label)
        )
        for view in members:
            etree.SubElement(
                parent,
                "outline",
                type="rss",
                text=view.title,
                title=view.title,
                xmlUrl=view.url("xml"),
                htmlUrl=view.page_url,
                description=view.description,
            )
    return bytes(etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8"))
