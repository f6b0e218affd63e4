"""Listing pages of sites with no feed: article links, editors' picks, next pages.

A source of kind "html" names a section page (`/chuyen-dong-ha-noi`). ingest.py
fetches it and calls extract_listing(); the links it returns are fetched one by
one and read by extract/article.py. Boxes headed by a configured section name
("Nổi bật", "Đừng bỏ lỡ") become Picks, the raw material of featured lists.

Pure functions over lxml.html trees, no I/O. The page helpers below (decoding,
parsing, same-site tests, box headings) are shared with article.py.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from ..text import clean_line, fold
from ..urls import absolute, canonical_url

Element = etree._Element

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.I)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w:.-]+)""", re.I)
_GENERIC_SLD = {"com", "net", "org", "gov", "edu", "ac", "co", "info", "biz", "int", "name", "pro"}
_IP = re.compile(r"^[\d.]+$|:")

# Paths that are never articles: tags, authors, topics, search, feeds, accounts, pages of lists.
_NOT_ARTICLE = re.compile(
    r"/(tag|tags|tac-gia|tacgia|author|authors|chu-de|chude|dong-su-kien|topic|topics|search|"
    r"tim-kiem|timkiem|rss|feed|login|dang-nhap|dang-ky|register|date|video-tag)(/|$|\.|-)|[?&](page|p|trang)=\d|"
    r"/(trang|page|p)[-/]?\d+(/|\.\w+)?$",
    re.I,
)
_NOT_ARTICLE_EXT = re.compile(
    r"\.(jpe?g|png|gif|webp|svg|bmp|ico|pdf|docx?|xlsx?|zip|rar|mp3|mp4|css|js|xml|rss|json)$",
    re.I,
)
_ARTICLE_ID = re.compile(r"(?<![A-Za-z])\d{4,}(?![A-Za-z])")
_NAV_TAGS = {"nav", "menu"}
_NAV_ROLES = {"navigation", "banner", "contentinfo", "menu", "menubar"}
_NAV_TOKENS = {
    "nav", "navbar", "navigation", "menu", "mainmenu", "submenu", "topmenu", "megamenu",
    "breadcrumb", "breadcrumbs", "breadcump", "footer", "topbar",
}  # fmt: skip
_TOKEN_SPLIT = re.compile(r"[\s_-]+")
_PAGING_CLASS = re.compile(r"pag(ing|ination|er|e-nav|enav)|phan-?trang", re.I)
_NEXT_TEXTS = {"trang sau", "trang tiep", "tiep", "tiep theo", "sau", "next", "older"}
_MORE_TEXTS = {
    "xem them",
    "xem tiep",
    "tai them",
    "more",
}  # also "see more" boxes: check the target
_PAGE_NUMBER = re.compile(
    r"[?&](page|p|trang|pg)=\d+|/(page|trang|p)[-/]?\d+|-p\d+\.|page-?\d+", re.I
)
_ARROWS = re.compile("^[»\u203a>\u2192\\s]+$")  # guillemets, angle quotes and arrows
_CURRENT_CLASS = re.compile(r"\b(active|current|selected)\b", re.I)


@dataclass(frozen=True)
class Pick:
    """A link in a box headed by an editors' section ("Nổi bật", "Đừng bỏ lỡ")."""

    list_slug: str  # the featured list the heading belongs to
    url: str  # absolute
    position: int  # 1 for the first link in the box
    heading: str  # the heading as the page writes it


@dataclass(frozen=True)
class Listing:
    """What a listing page offers: article links in page order, picks, further pages."""

    article_links: tuple[str, ...]
    picks: tuple[Pick, ...]
    next_pages: tuple[str, ...]
    links_seen: int  # distinct same-site links considered, for "matched 0 of N" messages


def extract_listing(
    html: bytes | str, url: str, *, link_pattern: str | None, sections: Mapping[str, str]
) -> Listing:
    """Article links, picks and next pages of a listing page at `url`.

    `link_pattern` is a regex searched in each absolute link; without it, article
    links are recognised by their shape (see looks_like_article). `sections` maps a
    folded heading (feeds.text.fold) to a featured-list slug. re.error propagates
    for an invalid pattern: it is a configuration mistake.
    """
    doc = parse_page(html)
    base = base_url(doc, url)
    pattern = re.compile(link_pattern) if link_pattern else None
    links = list(_links(doc, base))
    own = canonical_url(url)
    same = {key for _, href, key in links if key != own and same_site(href, url)}

    def is_article(element: Element, href: str, key: str) -> bool:
        if key == own:
            return False
        if pattern is not None:
            return bool(pattern.search(href))
        return same_site(href, url) and looks_like_article(href) and not in_navigation(element)

    picks = _picks(doc, links, sections, is_article)
    found = [href for element, href, key in links if is_article(element, href, key)]
    found += [pick.url for pick in picks]
    return Listing(
        article_links=_unique(found),
        picks=picks,
        next_pages=_next_pages(doc, links, url),
        links_seen=len(same),
    )


# --- page helpers shared with article.py --------------------------------------------


def decode_page(data: bytes) -> str:
    """Text of an HTML document: BOM, then a declared charset, then UTF-8, then cp1258."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace").lstrip("\ufeff")
    if data.startswith(codecs.BOM_UTF16_BE):
        return data.decode("utf-16", errors="replace").lstrip("\ufeff")
    declared = _CHARSET.search(data[:4096])
    names = [declared.group(1).decode("ascii", "ignore")] if declared else []
    for name in [*names, "utf-8"]:
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("cp1258", errors="replace")


def parse_page(html: bytes | str) -> Element:
    """The document element of a page; an empty <html> for an empty or unreadable page."""
    text = decode_page(html) if isinstance(html, bytes) else html
    text = _XML_DECLARATION.sub("", text.lstrip("\ufeff"), count=1)
    if not text.strip():
        return lxml.html.document_fromstring("<html><body></body></html>")
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return lxml.html.document_fromstring("<html><body></body></html>")


def base_url(doc: Element, url: str) -> str:
    """The page's <base href> resolved against its URL, else its URL."""
    for base in doc.iter("base"):
        href = (base.get("href") or "").strip()
        if href:
            return absolute(href, url)
    return url


def elements(node: Element, expression: str) -> list[Element]:
    """Elements an XPath expression selects (strings and numbers are left out)."""
    found = node.xpath(expression)
    if not isinstance(found, list):
        return []
    return [item for item in found if isinstance(item, etree._Element)]


def text_of(node: Element) -> str:
    """Visible text of an element, white space folded, NFC; "" for comments."""
    if not isinstance(node.tag, str):
        return ""
    return clean_line(" ".join(str(piece) for piece in node.itertext()))


def marks_of(node: Element) -> str:
    """The element's class and id, lower case: what its authors called it."""
    return f"{node.get('class') or ''} {node.get('id') or ''}".lower()


def tokens_of(node: Element) -> set[str]:
    return set(_TOKEN_SPLIT.split(marks_of(node).strip())) - {""}


def drop(node: Element) -> None:
    """Remove an element and what it holds, keeping the text that follows it."""
    parent = node.getparent()
    if parent is None:
        return
    tail = node.tail
    if tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(node)


def unwrap(node: Element) -> None:
    """Replace an element by its content (text, children, tail) in its parent."""
    parent = node.getparent()
    if parent is None:
        return
    index = parent.index(node)
    children = list(node)
    text, tail = node.text or "", node.tail or ""
    if index == 0:
        parent.text = (parent.text or "") + text
    else:
        before = parent[index - 1]
        before.tail = (before.tail or "") + text
    parent.remove(node)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    if children:
        children[-1].tail = (children[-1].tail or "") + tail
    elif index == 0:
        parent.text = (parent.text or "") + tail
    else:
        before = parent[index - 1]
        before.tail = (before.tail or "") + tail


def registrable_host(host: str) -> str:
    """`www.nguoihanoi.com.vn` -> `nguoihanoi.com.vn`; `sub.vnexpress.net` -> `vnexpress.net`."""
    host = host.lower().strip(".")
    if _IP.search(host):
        return host
    labels = host.split(".")
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _GENERIC_SLD else 2
    return ".".join(labels[-keep:])


def same_site(link: str, page: str) -> bool:
    a, b = urlsplit(link), urlsplit(page)
    if not a.hostname or not b.hostname:
        return False
    if _IP.search(a.hostname) or _IP.search(b.hostname):
        return a.netloc == b.netloc
    return registrable_host(a.hostname) == registrable_host(b.hostname)


def looks_like_article(link: str) -> bool:
    """An article address: an id of 4+ digits or a slug of 5+ words, and no list keyword."""
    parts = urlsplit(link)
    if parts.scheme not in ("http", "https") or _NOT_ARTICLE.search(parts.path + "?" + parts.query):
        return False
    last = parts.path.rstrip("/").rsplit("/", 1)[-1]
    if not last or _NOT_ARTICLE_EXT.search(last):
        return False
    stem = last.rsplit(".", 1)[0] if "." in last else last
    if stem.count("-") >= 4:
        return True
    digits = max((len(run) for run in _ARTICLE_ID.findall(stem)), default=0)
    return digits >= 6 or (digits >= 4 and stem.strip("0123456789-_") != "")


def in_navigation(node: Element) -> bool:
    """Inside a menu, the site header or footer, or a breadcrumb."""
    for ancestor in node.iterancestors():
        tag = ancestor.tag if isinstance(ancestor.tag, str) else ""
        if tag in _NAV_TAGS or (ancestor.get("role") or "").lower() in _NAV_ROLES:
            return True
        if tag in ("header", "footer") and not _inside_content(ancestor):
            return True
        if tokens_of(ancestor) & _NAV_TOKENS:
            return True
    return False


@lru_cache(maxsize=4096)
def heading_key(text: str) -> str:
    """A heading reduced for matching box names: folded, no counts or punctuation."""
    letters = re.sub(r"[^a-z ]+", " ", fold(text))
    return " ".join(letters.split())


def is_heading(node: Element) -> bool:
    tag = node.tag if isinstance(node.tag, str) else ""
    if tag in ("h1", "h2", "h3", "h4", "h5", "h6", "hgroup", "legend"):
        return True
    return bool(re.search(r"title|heading|head\b|tieu-?de", marks_of(node)))


def heading_matches(heading: str, names: Iterable[str]) -> str | None:
    """The name a heading stands for: equal, or followed by more words ("Nổi bật Tạp chí …")."""
    key = heading_key(heading)
    if not key:
        return None
    for name in names:
        folded = heading_key(name)
        if folded and (key == folded or key.startswith(folded + " ")):
            return name
    return None


# --- listing internals ---------------------------------------------------------------


def _inside_content(node: Element) -> bool:
    return any(
        isinstance(a.tag, str) and a.tag in ("article", "section", "aside", "main")
        for a in node.iterancestors()
    )


def _links(doc: Element, base: str) -> Iterator[tuple[Element, str, str]]:
    """(element, absolute link, canonical key) for each followable <a href>, page order."""
    for anchor in doc.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
            continue
        link = absolute(href, base)
        if link.startswith(("http://", "https://")):
            yield anchor, link, canonical_url(link)


def _unique(links: list[str]) -> tuple[str, ...]:
    """First spelling of each link; `www.` and tracking parameters make no difference."""
    seen: dict[str, str] = {}
    for link in links:
        seen.setdefault(canonical_url(link).replace("://www.", "://", 1), link)
    return tuple(seen.values())


def _picks(
    doc: Element,
    links: list[tuple[Element, str, str]],
    sections: Mapping[str, str],
    is_article: Callable[[Element, str, str], bool],
) -> tuple[Pick, ...]:
    if not sections:
        return ()
    position_of = {anchor: index for index, (anchor, _, _) in enumerate(links)}
    picks: dict[tuple[str, str], Pick] = {}
    for heading in doc.iter():
        if not isinstance(heading.tag, str) or not is_heading(heading):
            continue
        text = text_of(heading)
        name = heading_matches(text, sections) if 0 < len(text) <= 120 else None
        if name is None or _has_inner_heading(heading, sections):
            continue
        slug = sections[name]
        box = _box_of(heading)
        count = sum(1 for key in picks if key[0] == slug)
        for anchor in box.iter("a"):
            index = position_of.get(anchor)
            if index is None or _within(anchor, heading):
                continue
            _, href, key = links[index]
            if is_article(anchor, href, key) and (slug, key) not in picks:
                count += 1
                picks[(slug, key)] = Pick(slug, href, count, text)
    return tuple(picks.values())


def _has_inner_heading(heading: Element, sections: Mapping[str, str]) -> bool:
    """A box head wrapping the real heading: the inner one names the box."""
    return any(
        isinstance(inner.tag, str)
        and is_heading(inner)
        and heading_matches(text_of(inner), sections)
        for inner in heading.iterdescendants()
    )


def _within(node: Element, container: Element) -> bool:
    return node is container or any(a is container for a in node.iterancestors())


def _box_of(heading: Element) -> Element:
    """The smallest ancestor of a heading that holds links besides the heading's own."""
    box = heading
    for ancestor in heading.iterancestors():
        box = ancestor
        if any(not _within(a, heading) for a in ancestor.iter("a")):
            break
    return box


def _next_pages(doc: Element, links: list[tuple[Element, str, str]], url: str) -> tuple[str, ...]:
    own = canonical_url(url)
    found: list[str] = []
    for link in doc.iter("link"):
        if "next" in (link.get("rel") or "").lower().split() and link.get("href"):
            found.append(absolute(link.get("href") or "", base_url(doc, url)))
    for anchor, href, _ in links:
        if _is_next(anchor) or (_is_more(anchor) and _continues(href, url)):
            found.append(href)
    return tuple(
        link for link in _unique(found) if same_site(link, url) and canonical_url(link) != own
    )


def _is_next(anchor: Element) -> bool:
    if "next" in (anchor.get("rel") or "").lower().split():
        return True
    text = text_of(anchor)
    if _ARROWS.match(text) and text.strip():
        return True
    key = heading_key(text)
    if key in _NEXT_TEXTS:
        return True
    return _follows_current_page(anchor)


def _is_more(anchor: Element) -> bool:
    return heading_key(text_of(anchor)) in _MORE_TEXTS


def _continues(link: str, page: str) -> bool:
    """A "see more" link that pages through this list rather than opening another section."""
    target, here = urlsplit(link), urlsplit(page)
    return bool(_PAGE_NUMBER.search(target.path + "?" + target.query)) or (
        target.path == here.path and target.query != here.query
    )


def _follows_current_page(anchor: Element) -> bool:
    """In a pagination block, the link right after the page marked current."""
    paging = next(
        (a for a in anchor.iterancestors() if _PAGING_CLASS.search(marks_of(a))),
        None,
    )
    if paging is None:
        return False
    item = anchor if anchor.getparent() is paging else _child_of(paging, anchor)
    previous = item.getprevious() if item is not None else None
    return previous is not None and (
        bool(_CURRENT_CLASS.search(marks_of(previous)))
        or previous.get("aria-current") is not None
        or any(_CURRENT_CLASS.search(marks_of(e)) for e in previous.iter() if e is not previous)
    )


def _child_of(ancestor: Element, node: Element) -> Element | None:
    for candidate in (node, *node.iterancestors()):
        if candidate.getparent() is ancestor:
            return candidate
    return None
