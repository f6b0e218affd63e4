"""OPML for `feeds sources import` and `feeds sources export`: outlines <-> sources.

Reading: every outline with an `xmlUrl` (any capitalisation, spaces trimmed)
becomes a source. Its category is the nearest enclosing outline that matches a
declared category by name, alias or slug (ignoring case and diacritics, as
`Config.label_index()` does), else its `category` attribute; a group that
matches nothing is declared as a new category (slug from its name). Duplicates,
by canonical URL or by name, are skipped and counted. The parser is lxml with
entities, DTDs and network access off; a document with a DOCTYPE is refused,
and so is anything not well-formed, except bare `&`s, which are read as `&amp;`.

Writing: OPML 2.0 with one outline per declared category holding its sources,
then the sources without a category. What OPML has no attribute for (kind,
interval, link_pattern, enabled, the category's slug and aliases) goes in
`feeds:` attributes, so export followed by import gives back the same config.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from . import HOME_PAGE
from .clock import format_duration
from .config import RESERVED_SLUGS, SLUG, Config, Source
from .errors import ConfigError
from .sources_edit import clean_name, source_values
from .text import clean_line, fold, slugify
from .urls import canonical_url

log = logging.getLogger(__name__)

NS = f"{HOME_PAGE}#opml"
_Q = f"{{{NS}}}"
LOCAL_PREFIXES = ("file:", "/", "./", "../")
_BARE_AMPERSAND = re.compile(rb"&(?![A-Za-z_][\w.\-]*;|#[0-9]+;|#x[0-9A-Fa-f]+;)")


@dataclass(frozen=True)
class Group:
    """An outline that holds others: a folder in a reader, a category in our export."""

    text: str
    slug: str | None = None  # feeds:slug
    aliases: tuple[str, ...] = ()  # feeds:aliases


@dataclass(frozen=True)
class OutlineFeed:
    """An outline with an xmlUrl, and the labels that may say its category (nearest first)."""

    name: str
    url: str
    groups: tuple[Group, ...]  # enclosing outlines, nearest first
    tags: tuple[str, ...]  # from its `category` attribute
    extra: dict[str, Any] = field(default_factory=dict)  # feeds:kind, interval, …


@dataclass
class ImportPlan:
    """What an import writes (new sources and categories), and what it leaves out, and why."""

    sources: list[dict[str, Any]] = field(default_factory=list)
    categories: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (outline name, why)
    invalid: list[tuple[str, str]] = field(default_factory=list)


# --- reading -------------------------------------------------------------------------


def parse_opml(data: bytes, origin: str) -> list[OutlineFeed]:
    """The feed outlines of an OPML document; ConfigError when it cannot be read as OPML."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(escape_bare_ampersands(data), parser)
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if exc.position else None
        raise ConfigError(origin, f"not well-formed XML, so not OPML: {exc.msg}", line) from exc
    if root.getroottree().docinfo.internalDTD is not None:
        raise ConfigError(origin, "has a DOCTYPE; OPML needs none, and it is refused for safety")
    if etree.QName(root).localname != "opml":
        raise ConfigError(origin, f"is not OPML: its root element is <{root.tag}>, not <opml>")
    body = next((e for e in root if _local(e) == "body"), None)
    if body is None:
        raise ConfigError(origin, "is OPML without a <body>: there are no outlines to import")
    return list(_walk(body, ()))


def escape_bare_ampersands(data: bytes) -> bytes:
    """`&` that starts no entity or character reference, as `&amp;`.

    Exported lists often carry titles such as "News & Headlines" unescaped; this
    is the one repair made. Undefined entities (`&aelig;`) stay errors. Not for
    UTF-16 documents, whose bytes a bytes pattern cannot read.
    """
    if b"\x00" in data[:4]:
        return data
    return _BARE_AMPERSAND.sub(b"&amp;", data)


def _local(element: Any) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _walk(parent: Any, groups: tuple[Group, ...]) -> Iterator[OutlineFeed]:
    for outline in parent:
        if _local(outline) != "outline":
            continue
        attrs = {str(k).lower(): str(v) for k, v in outline.attrib.items() if "}" not in str(k)}
        label = clean_line(attrs.get("text") or attrs.get("title") or "")
        url = attrs.get("xmlurl", "").strip()
        if url:
            tags = tuple(
                clean_line(tag.rstrip("/").rsplit("/", 1)[-1])
                for tag in attrs.get("category", "").split(",")
                if tag.strip(" /")
            )
            yield OutlineFeed(label, url, groups, tags, _extra(outline))
        else:
            yield from _walk(outline, (_group(outline, label), *groups) if label else groups)


def _group(outline: Any, label: str) -> Group:
    try:
        aliases = json.loads(outline.get(f"{_Q}aliases") or "[]")
    except json.JSONDecodeError:
        aliases = []
    if not isinstance(aliases, list):
        aliases = []
    return Group(label, outline.get(f"{_Q}slug"), tuple(clean_line(str(a)) for a in aliases if a))


def _extra(outline: Any) -> dict[str, Any]:
    """Our own attributes, written by export; whatever they say, config.parse checks it."""
    extra: dict[str, Any] = {}
    for key in ("kind", "interval", "linkPattern"):
        value = outline.get(f"{_Q}{key}")
        if value:
            extra["link_pattern" if key == "linkPattern" else key] = value
    if outline.get(f"{_Q}enabled") == "false":
        extra["enabled"] = False
    for key, name in (("pages", "pages"), ("maxArticles", "max_articles")):
        value = outline.get(f"{_Q}{key}") or ""
        if value.isdigit():
            extra[name] = int(value)
    for key in ("delay", "window"):
        if value := outline.get(f"{_Q}{key}"):
            extra[key] = value
    if outline.get(f"{_Q}robots") == "false":
        extra["robots"] = False
    if selectors := outline.get(f"{_Q}selectors"):
        # A broken attribute is dropped; config.parse then judges what is left.
        with contextlib.suppress(json.JSONDecodeError, TypeError, ValueError):
            extra["selectors"] = dict(json.loads(selectors))
    return extra


def plan_import(cfg: Config, outlines: list[OutlineFeed]) -> ImportPlan:
    """Which outlines become sources and which new categories they need (pure)."""
    plan = ImportPlan()
    labels = cfg.label_index()
    slugs = {c.slug for c in cfg.categories} | {f.slug for f in cfg.featured} | RESERVED_SLUGS
    urls = {canonical_url(s.url) for s in cfg.sources}
    names = {fold(s.name): s.name for s in cfg.sources}
    for outline in outlines:
        name = clean_name(outline.name, outline.url)
        if not outline.url.startswith(("http://", "https://", *LOCAL_PREFIXES)):
            plan.invalid.append((name, f"{outline.url!r} is not an http(s) URL"))
            continue
        if canonical_url(outline.url) in urls:
            plan.skipped.append((name, f"{outline.url} is already a source"))
            continue
        if fold(name) in names:
            plan.skipped.append((name, f"the name is already used by {names[fold(name)]!r}"))
            continue
        category = _category(outline, labels, slugs, plan)
        urls.add(canonical_url(outline.url))
        names[fold(name)] = name
        values = source_values(name=name, url=outline.url, category=category, **outline.extra)
        plan.sources.append(values)
    return plan


def _category(
    outline: OutlineFeed, labels: dict[str, str], slugs: set[str], plan: ImportPlan
) -> str | None:
    """A declared category for the outline, declaring its nearest group when none matches."""
    candidates = [*outline.groups, *(Group(tag) for tag in outline.tags)]
    for group in candidates:
        for key in (group.text, group.slug):
            if key and fold(key) in labels:
                return labels[fold(key)]
    if not candidates:
        return None
    group = candidates[0]
    name = clean_name(group.text, "chuyen-muc")
    wanted = group.slug if group.slug and SLUG.match(group.slug) else slugify(name)
    slug = _free_slug(wanted or "chuyen-muc", slugs)
    slugs.add(slug)
    for label in (name, slug, *group.aliases):
        labels.setdefault(fold(label), slug)
    declared: dict[str, Any] = {"slug": slug, "name": name}
    if group.aliases:
        declared["aliases"] = list(group.aliases)
    plan.categories.append(declared)
    return slug


def _free_slug(base: str, taken: set[str]) -> str:
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


# --- writing -------------------------------------------------------------------------


def render_opml(cfg: Config) -> bytes:
    """OPML 2.0 of the configured sources, one outline per category."""
    root = etree.Element("opml", version="2.0", nsmap={"feeds": NS})
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = f"Nguồn tin của {cfg.site.title}"
    etree.SubElement(head, "docs").text = "http://opml.org/spec2.opml"
    body = etree.SubElement(root, "body")
    for category in cfg.categories:
        group = etree.SubElement(body, "outline", text=category.name, title=category.name)
        group.set(f"{_Q}slug", category.slug)
        if category.aliases:
            group.set(f"{_Q}aliases", json.dumps(list(category.aliases), ensure_ascii=False))
        for source in cfg.sources:
            if source.category == category.slug:
                _source_outline(group, source)
    for source in cfg.sources:
        if source.category is None:
            _source_outline(body, source)
    return bytes(etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8"))


def _source_outline(parent: Any, source: Source) -> None:
    outline = etree.SubElement(
        parent, "outline", type="rss", text=source.name, title=source.name, xmlUrl=source.url
    )
    if source.kind != "feed":
        outline.set(f"{_Q}kind", source.kind)
    if source.interval is not None:
        outline.set(f"{_Q}interval", format_duration(source.interval))
    if source.link_pattern:
        outline.set(f"{_Q}linkPattern", source.link_pattern)
    if not source.enabled:
        outline.set(f"{_Q}enabled", "false")
    if source.kind != "feed":
        _page_attributes(outline, source)


def _page_attributes(outline: Any, source: Source) -> None:
    """What html and sitemap sources set beyond the defaults."""
    defaults = Source(source.name, source.url, source.kind)
    if source.pages != defaults.pages:
        outline.set(f"{_Q}pages", str(source.pages))
    if source.max_articles != defaults.max_articles:
        outline.set(f"{_Q}maxArticles", str(source.max_articles))
    if source.delay != defaults.delay:
        outline.set(f"{_Q}delay", format_duration(source.delay) if source.delay else "0s")
    if source.window != defaults.window:
        outline.set(f"{_Q}window", format_duration(source.window))
    if not source.robots:
        outline.set(f"{_Q}robots", "false")
    if source.selectors:
        outline.set(f"{_Q}selectors", json.dumps(dict(source.selectors), ensure_ascii=False))
