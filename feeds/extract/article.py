"""One article page -> a RawItem, for sources with no feed (kinds "html" and "sitemap").

ingest.py fetches each article link a listing or sitemap gives and calls
extract_article(). Every field is read from the most trustworthy place the page
offers, in this order: JSON-LD, OpenGraph/`article:` meta, microdata, the site's
own meta (`pubdate`, `its_publication`, …), then the visible page. The body is
located with trafilatura after the boxes around it ("Tin liên quan", "Nổi bật",
share and comment blocks, ads) are cut, then taken from the page itself so that
figures, captions and links survive, and sanitised by feeds.sanitize.

`ArticlePage.fields` says where each field came from, for `feeds sources test`.
Pure: bytes in, dataclasses out; `now` only resolves "2 giờ trước".
"""

from __future__ import annotations

import copy
import html as htmllib
import json
import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from lxml import etree

from ..dates import parse_date
from ..model import Image, RawItem
from ..sanitize import clean_html
from ..text import clean_line, fold, nfc
from ..urls import absolute, canonical_url
from .html import (
    Element,
    base_url,
    drop,
    elements,
    heading_key,
    heading_matches,
    in_navigation,
    is_heading,
    looks_like_article,
    marks_of,
    parse_page,
    registrable_host,
    same_site,
    text_of,
    tokens_of,
    unwrap,
)

log = logging.getLogger(__name__)

ARTICLE_TYPES = {
    "newsarticle", "article", "reportagenewsarticle", "blogposting", "analysisnewsarticle",
    "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "liveblogposting",
    "report", "scholarlyarticle", "techarticle",
}  # fmt: skip
SELECTOR_FIELDS = {"title", "author", "published", "content", "lead", "image", "section"}
# Boxes around (or inside) an article that are not the article: cut before reading the body.
BOX_NAMES = {
    "bai lien quan", "tin lien quan", "lien quan", "noi bat", "dung bo lo", "xem nhieu",
    "xem nhieu nhat", "doc nhieu", "doc nhieu nhat", "doc them", "xem them", "tin khac",
    "cac tin khac", "tin cung chuyen muc", "cung chuyen muc", "bai viet khac", "tin moi",
    "tin moi nhat", "tin moi cap nhat", "tin tuc gan day", "cac bai moi", "cac bai da dang",
    "binh luan", "y kien ban doc", "y kien cua ban", "gui y kien", "gui binh luan", "tin tieu diem",
    "tieu diem", "co the ban quan tam", "thong tin cap nhat", "theo dong su kien", "tin hot",
    "tu khoa", "tags", "tag", "chu de", "video", "tin anh", "quang cao", "tin noi bat",
}  # fmt: skip
_CUT_TAGS = (
    "script", "style", "noscript", "iframe", "object", "embed", "svg", "template", "button",
    "input", "select", "textarea", "link", "ins", "nav", "menu", "aside",
)  # fmt: skip
_CUT_MARKS = re.compile(
    r"comment|binh-?luan|share|social|sharing|relate|lien-?quan|xem-?them|seemore|see-more|"
    r"most-?view|xem-?nhieu|adsbygoogle|advert|banner|tag-?list|tags|tag_detail|keyword|rating|"
    r"vote|likecount|fb-like|facebook|twitter|zalo|othernews|box_ad|quangcao|sponsor|newsletter"
)
_CUT_TOKENS = {"ad", "ads", "adv", "tag", "print", "btn_print", "hidden", "popup", "modal"}
_BLOCKS = {
    "p", "div", "td", "li", "h2", "h3", "h4", "h5", "h6", "blockquote", "figcaption", "dd",
    "section", "article", "center", "pre", "table", "ul", "ol", "figure", "tr", "tbody", "main",
}  # fmt: skip
_TEXT_HOLDERS = (
    "p", "div", "td", "li", "h2", "h3", "h4", "h5", "h6", "blockquote", "figcaption", "dd",
    "span", "font", "strong", "b", "em", "i", "section", "article", "center", "pre", "a",
)  # fmt: skip
_GENERIC_SECTIONS = {"news", "tin tuc", "general", "uncategorized", "home", "trang chu", "article"}
_HOME_NAMES = {"trang chu", "home", "trang nhat", "tin tuc"}
_SEPARATOR = re.compile(r"\s+[-|–—:•»]{1,2}\s+|\s*\|\s*")
_DATE = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?![\d/])")
_TIME = re.compile(
    r"(?<![\d/])(\d{1,2})\s*[:hg]\s*(\d{2})(?::\d{2})?(?![\d/])\s*"
    r"(am|pm|sa|ch|sáng|trưa|chiều|tối|đêm)?",
    re.I,
)
_DATELINE_REACH = 80  # elements between the title and its dateline, in page order
_GMT = re.compile(r"GMT\s*[+-]\s*\d{1,2}", re.I)
_RELATIVE = re.compile(r"(\d+)\s*(phút|giờ|ngày)\s*trước", re.I)
_ISO_DAY = re.compile(r"^\s*\d{4}-\d{2}-\d{2}\s*$")
_EPOCH = re.compile(r"^\s*(\d{10})(\d{3})?\s*$")
_BYLINE_PREFIX = re.compile(
    r"^((bài|tin|ảnh|video|clip|thực hiện|nhóm thực hiện|tác giả)\s*(,|và|&|\+|/|-)?\s*)+:\s*",
    re.I,
)
_VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)
_DOMAIN_LIKE = re.compile(r"^\S+\.(vn|com|net|org|info|biz)(\.vn)?$|^https?://", re.I)
_ALIGN_RIGHT = re.compile(r"text-align\s*:\s*right", re.I)
_LEAD_TOKENS = {"description", "sapo", "lead", "summary", "excerpt", "chapeau", "tomtat", "pHead"}
_NOT_A_PERSON = re.compile(
    r"\b(seo|team|admin|administrator|webmaster|editor|cms|bbt)\b|ban biên tập|tòa soạn", re.I
)
_BYLINE_MARK = re.compile(r"author|byline|tac-?gia|nguoi-?viet")


@dataclass(frozen=True)
class ArticlePage:
    """What one article page gave: an item, or why not; and where each field came from."""

    item: RawItem | None
    problem: str | None = None  # "no title", "no article body", "page looks like a listing…"
    fields: dict[str, str] = field(default_factory=dict)  # field -> "json-ld", "page", …


@dataclass
class _Signals:
    """Structured data found in the page head and markup, before the visible page."""

    ld_article: dict[str, Any]
    ld_breadcrumb: list[str]
    meta: dict[str, str]
    micro: dict[str, str]
    outlets: list[str]
    title_tag: str


@dataclass
class _Found:
    """The extracted value of each field and its source, filled in field by field."""

    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    def put(self, name: str, value: Any, source: str) -> bool:
        if value in (None, "", (), []) or name in self.values:
            return False
        self.values[name] = value
        self.sources[name] = source
        return True


def extract_article(
    html: bytes | str,
    url: str,
    *,
    zone: ZoneInfo,
    selectors: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> ArticlePage:
    """Read one article page at `url`. Dates without a zone are in `zone` (day first).

    `selectors` (CSS, or XPath when they start with "/" or "(") override fields:
    title, author, published, content, lead, image, section. ValueError for a
    selector that cannot be compiled: it is a configuration mistake.
    """
    doc = parse_page(html)
    page_url = base_url(doc, url)
    signals = _signals(doc, page_url)
    found = _Found()
    _apply_selectors(found, doc, page_url, selectors or {}, zone)
    title = _title(found, doc, signals)
    if not title:
        return ArticlePage(None, "no title", dict(found.sources))
    heading = _title_element(doc, title)
    if _looks_like_listing(doc, signals, heading, page_url):
        return ArticlePage(None, "page looks like a listing, not an article", dict(found.sources))
    _dates(found, doc, signals, heading, zone, now)
    body = _body(found, doc, page_url, title)
    if body is None:
        return ArticlePage(None, "no article body", dict(found.sources))
    _author(found, doc, signals, heading)
    _labels(found, doc, signals, title, page_url)
    _summary(found, doc, signals, heading)
    _image(found, signals, page_url)
    item = _item(found, doc, signals, page_url, title)
    return ArticlePage(item, None, dict(found.sources))


def _item(found: _Found, doc: Element, signals: _Signals, url: str, title: str) -> RawItem:
    values = found.values
    link = _canonical_link(doc, signals, url)
    image = values.get("image")
    return RawItem(
        key=canonical_url(link),
        link=link,
        title=title,
        author=values.get("author"),
        summary=values.get("summary"),
        content=values.get("content"),
        published=values.get("published"),
        updated=values.get("updated"),
        labels=tuple(values.get("labels", ())),
        image=Image(image) if image else None,
        language=_language(doc, signals, title),
    )


def _canonical_link(doc: Element, signals: _Signals, url: str) -> str:
    """The page's own address: the fetched URL unless the page names a same-site canonical."""
    for link in doc.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            canonical = absolute(link.get("href") or "", url)
            if same_site(canonical, url) and looks_like_article(canonical):
                return canonical
    return url


# --- structured signals --------------------------------------------------------------


def _signals(doc: Element, url: str) -> _Signals:
    objects = list(_json_ld(doc))
    article = next((o for o in objects if _types(o) & ARTICLE_TYPES), {})
    crumbs = next((_crumb_names(o) for o in objects if "breadcrumblist" in _types(o)), [])
    meta = _meta(doc)
    publisher = article.get("publisher")
    outlets = [
        meta.get("og:site_name", ""),
        meta.get("application-name", ""),
        _name_of(publisher) or "",
        registrable_host(urlsplit(url).hostname or "").split(".")[0],
        *(_name_of(o) or "" for o in objects if _types(o) & {"organization", "website"}),
    ]
    title_tag = next((text_of(t) for t in doc.iter("title")), "")
    return _Signals(article, crumbs, meta, _microdata(doc), [o for o in outlets if o], title_tag)


def _json_ld(doc: Element) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object on the page: lists and @graph flattened, broken JSON skipped."""
    for script in doc.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        data = _loads(script.text or "")
        stack = [data]
        while stack:
            node = stack.pop(0)
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                yield node
                if isinstance(node.get("@graph"), list):
                    stack.extend(node["@graph"])


def _loads(text: str) -> Any:
    text = re.sub(r"<!--.*?-->|^\s*//\s*<!\[CDATA\[|//\s*\]\]>\s*$", "", text, flags=re.S)
    for attempt in (text, re.sub(r",\s*([}\]])", r"\1", text)):
        try:
            return json.loads(attempt, strict=False)
        except ValueError:
            continue
    return None


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).rsplit("/", 1)[-1].lower() for k in kinds if k}


def _name_of(node: Any) -> str | None:
    if isinstance(node, str):
        return clean_line(node) or None
    if isinstance(node, dict):
        return _name_of(node.get("name"))
    if isinstance(node, list) and node:
        return _name_of(node[0])
    return None


def _crumb_names(node: dict[str, Any]) -> list[str]:
    items = node.get("itemListElement")
    entries = [e for e in (items if isinstance(items, list) else [items]) if isinstance(e, dict)]
    entries.sort(key=lambda e: int(e["position"]) if str(e.get("position", "")).isdigit() else 0)
    return [n for e in entries if (n := _name_of(e.get("name")) or _name_of(e.get("item")))]


def _meta(doc: Element) -> dict[str, str]:
    """<meta> contents by name or property, lower-case keys, first value wins."""
    found: dict[str, str] = {}
    for meta in doc.iter("meta"):
        content = clean_line(meta.get("content") or meta.get("value") or "")
        for attr in ("name", "property", "http-equiv"):
            key = (meta.get(attr) or "").strip().lower()
            if key and content:
                found.setdefault(key, content)
    return found


def _microdata(doc: Element) -> dict[str, str]:
    wanted = {
        "headline", "title", "datepublished", "datemodified", "author", "articlesection",
        "description", "inlanguage", "image", "thumbnailurl",
    }  # fmt: skip
    found: dict[str, str] = {}
    for node in elements(doc, "//*[@itemprop]"):
        for prop in (node.get("itemprop") or "").lower().split():
            if prop in wanted and prop not in found:
                value = _micro_value(node, prop)
                if value:
                    found[prop] = value
    return found


def _micro_value(node: Element, prop: str) -> str:
    for attr in ("content", "datetime", "src", "href"):
        if node.get(attr):
            return clean_line(node.get(attr) or "")
    if prop == "author":
        inner = elements(node, ".//*[@itemprop='name']")
        if inner:
            return text_of(inner[0])
    return text_of(node)


# --- selectors -----------------------------------------------------------------------


def _select(doc: Element, selector: str) -> list[Any]:
    """Matches of an XPath (starts with / or ( ) or CSS selector (needs cssselect)."""
    if selector.lstrip().startswith(("/", "(", "./")):
        try:
            found = doc.xpath(selector)
        except etree.XPathError as exc:
            raise ValueError(f"selector {selector!r}: {exc}") from exc
        return [*found] if isinstance(found, list) else [found]
    try:
        return list(doc.cssselect(selector))
    except ImportError as exc:  # lxml needs the optional cssselect package for CSS
        raise ValueError(
            f"selector {selector!r}: CSS selectors need the cssselect package; "
            "install it or write the selector as XPath (starting with /)"
        ) from exc
    except Exception as exc:  # cssselect's SelectorError family; the package may be absent
        raise ValueError(f"selector {selector!r}: {exc}") from exc


def _apply_selectors(
    found: _Found, doc: Element, url: str, selectors: Mapping[str, str], zone: ZoneInfo
) -> None:
    unknown = sorted(set(selectors) - SELECTOR_FIELDS)
    if unknown:
        raise ValueError(f"unknown selector field(s) {unknown}; known: {sorted(SELECTOR_FIELDS)}")
    for name, selector in selectors.items():
        matches = _select(doc, selector)
        if not matches:
            continue
        first = matches[0]
        if name == "content":
            if isinstance(first, etree._Element):
                found.values["container"] = first
            continue
        value = _selected_value(first, name)
        if name == "published":
            moment = parse_date(value, zone) if value else None
            found.put("published", moment, "selector")
        elif name == "image":
            found.put("image", absolute(value, url) if value else None, "selector")
        elif name == "section":
            found.put("labels", (value,) if value else (), "selector")
        elif name == "lead":
            found.put("summary", _as_paragraph(value), "selector")
        elif name in ("title", "author"):
            found.put(name, value, "selector")


def _selected_value(match: Any, name: str) -> str:
    if not isinstance(match, etree._Element):
        return clean_line(str(match))
    attrs = {"image": ("src", "content", "href"), "published": ("datetime", "content")}
    for attr in attrs.get(name, ()):
        if match.get(attr):
            return clean_line(match.get(attr) or "")
    return text_of(match)


# --- title ---------------------------------------------------------------------------


def _title(found: _Found, doc: Element, signals: _Signals) -> str:
    candidates = [
        ("json-ld", _name_of(signals.ld_article.get("headline") or signals.ld_article.get("name"))),
        ("opengraph", signals.meta.get("og:title")),
        ("microdata", signals.micro.get("headline") or signals.micro.get("title")),
        ("page", _visible_title(doc, signals.title_tag)),
        ("page", signals.title_tag),
    ]
    for source, raw in candidates:
        found.put("title", _strip_outlet(htmllib.unescape(raw or ""), signals.outlets), source)
    title = str(found.values.get("title") or "")
    shown = clean_line(candidates[3][1] or "")
    tail = title[len(shown) :].lstrip() if shown and title.startswith(shown) else ""
    if tail[:1] in ("-", "|", "–", "—", ":") and tail:
        found.values["title"] = title = shown  # `Tiêu đề-tu khoa seo` in og:title
    return title


def _visible_title(doc: Element, title_tag: str) -> str | None:
    """The heading that the <title> starts with, else the first non-empty <h1>."""
    key = fold(title_tag)
    best = ""
    for heading in elements(doc, "//h1|//h2|//h3|//*[@itemprop='headline']"):
        text = text_of(heading)
        if len(text) > len(best) and len(text) >= 10 and key.startswith(fold(text)):
            best = text
    if best:
        return best
    return next((t for h in doc.iter("h1") if len(t := text_of(h)) >= 10), None)


def _strip_outlet(title: str, outlets: list[str]) -> str:
    """`Tiêu đề - VnExpress Đời sống` -> `Tiêu đề`: drop trailing parts naming the outlet."""
    title = clean_line(title)
    parts = _SEPARATOR.split(title)
    while len(parts) > 1 and _is_outlet(parts[-1], outlets):
        parts.pop()
        title = title[: title.rfind(parts[-1]) + len(parts[-1])]
    return title.strip(" -|–—")


def _squash(text: str) -> str:
    bare = re.sub(r"[^a-z0-9]", "", fold(text))
    return re.sub(r"(comvn|netvn|vn|net|com|online)$", "", bare)


def _is_outlet(name: str, outlets: list[str]) -> bool:
    key = _squash(name)
    if not key:
        return False
    for outlet in outlets:
        other = _squash(outlet)
        if other and (
            key == other or (len(other) >= 4 and other in key) or (len(key) >= 4 and key in other)
        ):
            return True
    return False


def _title_element(doc: Element, title: str) -> Element | None:
    key = fold(title)
    headings = elements(doc, "//h1|//h2|//h3|//*[@itemprop='headline' or @itemprop='title']")
    for heading in headings:
        if fold(text_of(heading)) == key:
            return heading
    return next(iter(doc.iter("h1")), None)


# --- listing pages -------------------------------------------------------------------


def _looks_like_listing(doc: Element, signals: _Signals, heading: Element | None, url: str) -> bool:
    """A section or home page: an address that is not an article's, og:type website, or
    no article markup and many teasers for little text. Home pages of 2012 say
    og:type article, so that tag alone proves nothing."""
    if looks_like_article(url):
        return False
    if signals.meta.get("og:type", "").lower() == "website":
        return True
    dated = len(elements(doc, "//*[@itemprop='datePublished']"))
    if signals.ld_article or 0 < dated <= 2:
        return False
    teasers = {
        canonical_url(href)
        for a in doc.iter("a")
        if (href := absolute(a.get("href") or "", url))
        and looks_like_article(href)
        and same_site(href, url)
    }
    paragraphs = sum(len(t) for p in doc.iter("p") if len(t := text_of(p)) > 80)
    return len(teasers) >= 30 and paragraphs < 60 * len(teasers)


# --- dates ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Moment:
    at: datetime
    precise: bool  # has a time of day
    source: str


def _dates(
    found: _Found,
    doc: Element,
    signals: _Signals,
    heading: Element | None,
    zone: ZoneInfo,
    now: datetime | None,
) -> None:
    meta, micro, ld = signals.meta, signals.micro, signals.ld_article
    visible = _visible_date(doc, heading, zone, now)
    published = _moments(zone, now, [
        ("json-ld", ld.get("datePublished")),
        ("opengraph", meta.get("article:published_time") or meta.get("og:published_time")),
        ("microdata", micro.get("datepublished")),
        ("meta", _first(meta, "pubdate", "publishdate", "publish-date", "article.published",
                        "dc.date.issued", "dc.date", "date", "sailthru.date", "parsely-pub-date")),
        ("meta", meta.get("its_publication")),
    ]) + ([visible] if visible else [])  # fmt: skip
    updated = _moments(zone, now, [
        ("json-ld", ld.get("dateModified")),
        ("opengraph", meta.get("article:modified_time") or meta.get("og:updated_time")),
        ("microdata", micro.get("datemodified")),
        ("meta", _first(meta, "lastmod", "last-modified", "dc.date.modified")),
        ("meta", meta.get("article_updatetime")),
    ])  # fmt: skip
    chosen = _reconcile(published, _page_level(published))
    if chosen is not None:
        found.put("published", chosen.at.astimezone(zone), chosen.source)
    shifted = _reconcile(updated, _page_level(updated), published, chosen)
    if shifted is not None:
        found.put("updated", shifted.at.astimezone(zone), shifted.source)


def _first(meta: Mapping[str, str], *keys: str) -> str | None:
    return next((meta[k] for k in keys if meta.get(k)), None)


def _moments(zone: ZoneInfo, now: datetime | None, raw: list[tuple[str, Any]]) -> list[_Moment]:
    moments = []
    for source, value in raw:
        moment = _read_moment(str(value), source, zone) if isinstance(value, str | int) else None
        if moment and (now is None or moment.at <= now + timedelta(days=1)):
            moments.append(moment)
    return moments


def _read_moment(text: str, source: str, zone: ZoneInfo) -> _Moment | None:
    epoch = _EPOCH.match(text)
    if epoch:
        return _Moment(datetime.fromtimestamp(int(epoch.group(1)), UTC), True, source)
    at = parse_date(text, zone)
    if at is None or not 1990 <= at.year <= 2100:
        return None
    precise = not _ISO_DAY.match(text) and bool(re.search(r"\d:\d\d", text))
    return _Moment(at, precise, source)


def _page_level(moments: list[_Moment]) -> _Moment | None:
    """The page's own clock: an epoch meta (its_publication) or the visible date."""
    epoch = [m for m in moments if m.source == "meta" and m.at.tzinfo is UTC]
    visible = [m for m in moments if m.source == "page" and m.precise]
    chosen = epoch or visible
    return chosen[0] if chosen else None


def _reconcile(
    moments: list[_Moment],
    page: _Moment | None,
    reference: list[_Moment] | None = None,
    reference_choice: _Moment | None = None,
) -> _Moment | None:
    """The first (most trusted) moment, made precise and corrected by the page's clock.

    A structured date that differs from the page's clock by a whole number of hours
    (at most 2) has a wrong offset (VnExpress 2019 writes +08:00): the page wins.
    """
    if not moments:
        return None
    first = moments[0]
    if not first.precise:
        same_day = [m for m in moments[1:] if m.precise and m.at.date() == first.at.date()]
        first = same_day[0] if same_day else first
    if page is not None and first.source != "page" and page is not first:
        hours = _hour_shift(first.at, page.at)
        if hours:
            return page if page.at.tzinfo is UTC else _Moment(first.at + hours, True, page.source)
    if reference and reference_choice and first.source == reference[0].source:
        hours = _hour_shift(reference[0].at, reference_choice.at)
        if hours:
            return _Moment(first.at + hours, True, reference_choice.source)
    return first


def _hour_shift(structured: datetime, page: datetime) -> timedelta | None:
    seconds = (page - structured).total_seconds()
    hours = round(seconds / 3600)
    if hours and abs(hours) <= 2 and abs(seconds - hours * 3600) <= 90:
        return timedelta(hours=hours)
    return None


def _visible_date(
    doc: Element, heading: Element | None, zone: ZoneInfo, now: datetime | None
) -> _Moment | None:
    """The date written near the title: `Thứ sáu, 5/4/2024, 12:06 (GMT+7)`, `05/04/2024 12:06`."""
    order = {node: index for index, node in enumerate(doc.iter())}
    anchor = order.get(heading, 0) if heading is not None else 0
    best: tuple[int, _Moment] | None = None
    for node, moment in _date_texts(doc, zone, now):
        distance = abs(order.get(node, 0) - anchor)
        if distance > _DATELINE_REACH or in_navigation(node):
            continue  # dates of teasers in side lists, the clock in the site header
        distance += 0 if moment.precise else _DATELINE_REACH
        if best is None or distance < best[0]:
            best = (distance, moment)
    return best[1] if best else None


def _date_texts(
    doc: Element, zone: ZoneInfo, now: datetime | None
) -> Iterator[tuple[Element, _Moment]]:
    for node in doc.iter():
        if not isinstance(node.tag, str) or node.tag in ("script", "style", "head", "title"):
            continue
        if node.tag == "time" and node.get("datetime"):
            moment = _read_moment(node.get("datetime") or "", "page", zone)
            if moment:
                yield node, moment
                continue
        own = (node.text or "") + "".join(c.tail or "" for c in node)
        if not (_DATE.search(own) or (now and _RELATIVE.search(own))):
            continue
        moment = _date_in(_context_text(node), zone, now)
        if moment:
            yield node, moment


def _context_text(node: Element) -> str:
    """The element's text, or its parent's when the time sits in a sibling (`15:20 | 21/12`)."""
    text = text_of(node)
    parent = node.getparent()
    if not _TIME.search(_DATE.sub(" ", text)) and parent is not None:
        wider = text_of(parent)
        if len(wider) <= 120:
            return wider
    return text


def _date_in(text: str, zone: ZoneInfo, now: datetime | None) -> _Moment | None:
    if len(text) > 160:
        return None
    day = _DATE.search(text)
    if day is None:
        relative = _RELATIVE.search(text) if now else None
        return _relative(relative, now, zone) if relative and now else None
    d, m, y = (int(g) for g in day.groups())
    year = y + 2000 if y < 100 else y
    if not (1 <= m <= 12 and 1 <= d <= 31 and 1990 <= year <= 2100):
        return None
    clock = _TIME.search(text[: day.start()] + " " * (day.end() - day.start()) + text[day.end() :])
    stamp = f"{d:02d}/{m:02d}/{year} "
    stamp += _clock(clock) if clock else "00:00"
    gmt = _GMT.search(text)
    moment = parse_date(stamp + (f" {gmt.group(0)}" if gmt else ""), zone)
    return _Moment(moment, clock is not None, "page") if moment else None


def _clock(match: re.Match[str]) -> str:
    hour, minute, part = int(match.group(1)), int(match.group(2)), (match.group(3) or "").lower()
    if (part in ("pm", "ch", "chiều", "tối") and hour < 12) or (part == "đêm" and 6 <= hour < 12):
        hour += 12
    elif part in ("am", "sa", "sáng") and hour == 12:
        hour = 0
    return f"{min(hour, 23):02d}:{min(minute, 59):02d}"


def _relative(match: re.Match[str], now: datetime, zone: ZoneInfo) -> _Moment:
    amount, unit = int(match.group(1)), match.group(2).lower()
    delta = {"phút": timedelta(minutes=amount), "giờ": timedelta(hours=amount)}.get(
        unit, timedelta(days=amount)
    )
    return _Moment((now - delta).astimezone(zone), unit != "ngày", "page")


# --- body ----------------------------------------------------------------------------


def _body(found: _Found, doc: Element, url: str, title: str) -> Element | None:
    """Locate, clean and store the body; None when the page has no readable body."""
    pruned = copy.deepcopy(doc)
    selected = found.values.get("container")
    if isinstance(selected, etree._Element):
        container: Element | None = _same_node(doc, pruned, selected)
        source = "selector"
    else:
        heading = _title_element(pruned, title)
        _prune(pruned, keep=[heading] if heading is not None else [])
        found.values["pruned"] = pruned
        container, source = _locate(pruned, url), "page"
        container = container if container is not None else _densest(pruned)
    if container is None:
        return None
    log.debug("body located url=%s by=%s tag=%s", url, source, container.tag)
    found.values["body"] = container
    credits = _trailing_credits(container)
    found.values["credits"] = [_byline_text(c) for c in credits]
    for credit in credits:
        drop(credit)
    content = _content_html(container, url, title)
    if not content:
        return None
    found.put("content", content, source)
    return container


def _same_node(doc: Element, twin: Element, node: Element) -> Element | None:
    path = doc.getroottree().getpath(node)
    matches = elements(twin, path)
    return matches[0] if matches else None


def _prune(doc: Element, keep: list[Element]) -> None:
    """Cut what is never body: scripts, forms' chrome, hidden blocks, boxes, share bars, ads."""
    # Elements themselves, not id()s: lxml proxies die and their ids are reused.
    protected = {n for k in keep for n in (k, *k.iterancestors())}
    for form in list(doc.iter("form")):
        unwrap(form)  # ASP.NET and SharePoint wrap whole pages in a form
    for node in list(doc.iter(*_CUT_TAGS)):
        if node not in protected:
            drop(node)
    for node in list(doc.iter()):
        if node in protected or not isinstance(node.tag, str) or node.getparent() is None:
            continue
        if _is_hidden(node) or _is_chrome(node):
            drop(node)
    for heading in [n for n in doc.iter() if isinstance(n.tag, str) and _is_box_heading(n)]:
        if heading.getparent() is not None and heading not in protected:
            drop(_box_around(heading, protected))
    _cut_related_links(doc)


def _is_hidden(node: Element) -> bool:
    style = (node.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def _is_chrome(node: Element) -> bool:
    """Share bars, comments, tags, related lists and ads, by what their class says.

    Short tokens (`ads`, `tag`) also name article containers (`block_ads_connect`):
    they only cut blocks with little text.
    """
    marks = marks_of(node).strip()
    if not marks:
        return False
    if _CUT_MARKS.search(marks):
        return True
    return bool(tokens_of(node) & _CUT_TOKENS) and len(text_of(node)) < 300


def _is_box_heading(node: Element) -> bool:
    """A heading naming a box ("Tin liên quan"), or a short element saying just that."""
    if is_heading(node) or node.tag in ("strong", "b", "header"):
        text = text_of(node)
        return len(text) <= 60 and heading_matches(text, BOX_NAMES) is not None
    if node.tag not in ("a", "span", "div", "p", "label"):
        return False
    inner = node
    while not (inner.text or "").strip() and len(inner) >= 1:  # wrappers around the words
        inner = inner[0]
    if heading_key(inner.text or "") not in BOX_NAMES:  # a cheap test before the full text
        return False
    text = text_of(node)
    return len(text) <= 60 and heading_key(text) in BOX_NAMES


def _box_around(heading: Element, protected: set[Element]) -> Element:
    """The box a heading names: its first ancestor with more than the heading in it."""
    box, size = heading, len(text_of(heading))
    for ancestor in heading.iterancestors():
        if ancestor in protected or ancestor.tag in ("body", "html"):
            break
        box = ancestor
        if len(text_of(ancestor)) > size + 30 or len(elements(ancestor, ".//a|.//img")) > 1:
            break
    return box


def _cut_related_links(doc: Element) -> None:
    """`>> Bài liên quan` links inside the text, and blocks left holding only the arrows."""
    for anchor in list(doc.iter("a")):
        if re.match(r"^[>»]{1,3}", text_of(anchor)) and anchor.getparent() is not None:
            previous = anchor.getprevious()
            if previous is not None and previous.tag == "br":
                drop(previous)
            drop(anchor)
    for block in list(doc.iter("p", "div", "li")):
        text = text_of(block)
        arrows_only = bool(text) and re.fullmatch(r"[>»\s]+", text) is not None
        if arrows_only and not elements(block, ".//img") and block.getparent() is not None:
            drop(block)


def _densest(doc: Element) -> Element | None:
    """The element whose paragraphs hold the most text (a small readability)."""
    scores: dict[Element, float] = {}
    for node in doc.iter(*_TEXT_HOLDERS):
        if node.tag in ("a", "span", "strong", "b", "em", "i", "font") or _has_block(node):
            continue
        text = text_of(node)
        links = sum(len(text_of(a)) for a in node.iter("a"))
        if len(text) < 25 or links > len(text) / 2:
            continue
        parent = node.getparent()
        if parent is not None:
            scores[parent] = scores.get(parent, 0) + len(text)
            grand = parent.getparent()
            if grand is not None:
                scores[grand] = scores.get(grand, 0) + len(text) / 2
    return max(scores, key=lambda n: scores[n]) if scores else None


def _has_block(node: Element) -> bool:
    return any(isinstance(d.tag, str) and d.tag in _BLOCKS for d in node.iterdescendants())


def _locate(doc: Element, url: str) -> Element | None:
    """The smallest element holding most of what trafilatura reads as the main text."""
    import trafilatura  # here, not on top: about 26 MB that only html and sitemap sources need

    result = trafilatura.bare_extraction(
        doc,
        url=url,
        favor_precision=True,
        include_comments=False,
        include_tables=True,
        with_metadata=False,
        deduplicate=False,
    )
    text = getattr(result, "text", None) if result is not None else None
    if not text:
        return None
    weights = _hit_weights(doc, _line_keys(str(text)))
    total = weights.get(doc, 0)
    if total < 80:
        return None
    chain = [(n, w) for n, w in weights.items() if w >= 0.85 * total]
    best = max(chain, key=lambda pair: len(list(pair[0].iterancestors())), default=None)
    if best is None or best[0].tag in ("html", "body"):
        return None
    return best[0]


def _line_keys(text: str) -> dict[str, int]:
    keys: dict[str, int] = {}
    for line in text.splitlines():
        line = re.sub(r"^[\s|*#>-]+|[\s|]+$", "", line)
        line = " ".join(line.split())
        if len(line) >= 15 and not line.startswith("!["):
            keys.setdefault(line[:40], len(line))
    return keys


def _hit_weights(doc: Element, lines: dict[str, int]) -> dict[Element, int]:
    """Text matched to trafilatura's lines, summed over each element's ancestors."""
    weights: dict[Element, int] = {}
    used: set[str] = set()
    for node in doc.iter(*_TEXT_HOLDERS):
        own = (node.text or "").strip() or any((c.tail or "").strip() for c in node)
        if not own:
            continue
        text = text_of(node)
        key = text[:40]
        if key in used or key not in lines:
            continue
        if len(text) > 1.3 * lines[key] + 20 and _has_block(node):
            continue  # a container that merely starts with the line
        used.add(key)
        for ancestor in (node, *node.iterancestors()):
            weights[ancestor] = weights.get(ancestor, 0) + len(text)
    return weights


def _content_html(container: Element, url: str, title: str) -> str:
    """The body as sanitised HTML: paragraphs, figures with captions, links."""
    body = copy.deepcopy(container)
    for node in list(body.iter()):
        text = text_of(node)
        if node.getparent() is not None and (
            fold(text) == fold(title) or (_DATE.search(text) and len(_DATE.sub("", text)) < 30)
        ):
            drop(node)  # the title and the dateline, when the body holds them
    _fold_space(body)
    _fix_images(body, url)
    _make_figures(body)
    _drop_link_lists(body)
    _make_paragraphs(body)
    inner = (htmllib.escape(body.text or "")) + "".join(
        etree.tostring(child, encoding="unicode", method="html") for child in body
    )
    cleaned = clean_html(nfc(inner), base_url=url)
    cleaned = re.sub(r"<p>(\s|&nbsp;|\u00a0|<br>)*</p>", "", cleaned)
    text = re.sub(r"<[^>]+>", "", cleaned).strip()
    return cleaned.strip() if text or "<img" in cleaned else ""


def _fold_space(body: Element) -> None:
    """Line breaks inside running text (re-indented pages) become single spaces."""
    for node in body.iter():
        if node.tag == "pre" or any(a.tag == "pre" for a in node.iterancestors()):
            continue
        if node.text and "\n" in node.text:
            node.text = re.sub(r"\s*\n\s*", " ", node.text)
        if node.tail and "\n" in node.tail:
            node.tail = re.sub(r"\s*\n\s*", " ", node.tail)


def _fix_images(body: Element, url: str) -> None:
    for img in body.iter("img"):
        lazy = img.get("data-src") or img.get("data-original") or img.get("data-lazy-src")
        src = img.get("src") or ""
        if lazy and (not src or src.startswith("data:") or "blank" in src or "lazy" in src):
            img.set("src", lazy)
        if img.get("src"):
            img.set("src", absolute(img.get("src") or "", url))


def _make_figures(body: Element) -> None:
    """A table or block holding one image and a short caption becomes <figure>."""
    for table in list(body.iter("table")):
        images = list(table.iter("img"))
        caption = text_of(table)
        if len(images) == 1 and 0 < len(caption) <= 400 and len(list(table.iter("tr"))) <= 3:
            _replace_with_figure(table, images[0], caption)
    for block in list(body.iter("div", "p")):
        images = list(block.iter("img"))
        following = block.getnext()
        if len(images) != 1 or text_of(block) or following is None or following.tag not in (
            "div", "p",
        ):  # fmt: skip
            continue
        caption = text_of(following)
        if 0 < len(caption) <= 250 and _is_caption(following) and not elements(following, ".//img"):
            drop(following)
            _replace_with_figure(block, images[0], caption)


def _is_caption(node: Element) -> bool:
    style = (node.get("style") or "").lower() + (node.get("align") or "").lower()
    inner = " ".join(marks_of(n) + (n.get("style") or "").lower() for n in node.iter())
    return "center" in style or "italic" in inner or bool(re.search(r"caption|chu-?thich", inner))


def _replace_with_figure(old: Element, image: Element, caption: str) -> None:
    figure = etree.Element("figure")
    picture = etree.SubElement(figure, "img")
    for attr in ("src", "alt", "width", "height"):
        if image.get(attr):
            picture.set(attr, image.get(attr) or "")
    etree.SubElement(figure, "figcaption").text = caption
    figure.tail = old.tail
    parent = old.getparent()
    if parent is not None:
        parent.replace(old, figure)


def _drop_link_lists(body: Element) -> None:
    """Blocks that are mostly links (lists of other articles) are not body text."""
    for block in list(body.iter("ul", "ol", "div", "p", "table")):
        text = text_of(block)
        links = sum(len(text_of(a)) for a in block.iter("a"))
        if text and links > 0.6 * len(text) and block.getparent() is not None:
            drop(block)


def _make_paragraphs(body: Element) -> None:
    """Blocks of text that are not <p> (`<DIV>text</DIV>`) become <p>, so lines stay apart."""
    for node in list(body.iter("div", "td", "center", "section", "article", "span")):
        if node.tag == "span" and not _is_block_span(node):
            continue
        has_text = (node.text or "").strip() or any((c.tail or "").strip() for c in node)
        if has_text and not _has_block(node):
            node.tag = "p"
            for attr in list(node.attrib):
                del node.attrib[attr]


def _is_block_span(node: Element) -> bool:
    parent = node.getparent()
    return parent is not None and parent.tag == "div" and len(parent) == 1


# --- author --------------------------------------------------------------------------


def _author(found: _Found, doc: Element, signals: _Signals, heading: Element | None) -> None:
    if "author" in found.values:
        return
    ld_author = signals.ld_article.get("author")
    if not _is_organization(ld_author):
        found.put("author", _person(_names(ld_author), signals), "json-ld")
    meta = signals.meta
    for key in ("author", "article:author", "dc.creator", "dcterms.creator"):
        if not _is_vendor(meta.get(key, ""), meta):
            found.put("author", _person(meta.get(key), signals), "meta")
    found.put("author", _person(signals.micro.get("author"), signals), "microdata")
    pruned = found.values.get("pruned")
    marked = _byline_texts(pruned, heading) if isinstance(pruned, etree._Element) else iter(())
    for text in [*found.values.get("credits", []), *marked]:
        found.put("author", _person(text, signals), "page")


def _is_organization(author: Any) -> bool:
    authors = author if isinstance(author, list) else [author]
    return bool(authors) and all(
        isinstance(a, dict) and "organization" in _types(a) for a in authors if a
    )


def _names(author: Any) -> str | None:
    authors = author if isinstance(author, list) else [author]
    names = [n for a in authors if not _is_organization(a) and (n := _name_of(a))]
    return ", ".join(names) or None


def _is_vendor(value: str, meta: Mapping[str, str]) -> bool:
    """`Công nghệ ChannelVN`, `VCCorp.vn`: the CMS or company, not a writer."""
    key = fold(value)
    others = [fold(meta.get(k, "")) for k in ("generator", "copyright", "publisher")]
    return bool(key) and (
        any(key == o or (len(key) > 3 and key in o) for o in others if o)
        or bool(_DOMAIN_LIKE.match(value.strip()))
    )


def _person(raw: str | None, signals: _Signals) -> str | None:
    """A writer's name from a byline, or None for outlets, sources and junk."""
    name = clean_line(raw or "").strip(" ,;:-–|")
    name = _BYLINE_PREFIX.sub("", name).strip(" ,;:-–|")
    name = re.sub(r"(?<=[^\W\d_]{2})\.$", "", name)  # "Võ Hải." but "H.V."
    source = re.match(r"^theo\s+(.+)$", name, re.I)
    if source:  # "Theo Sầm Hoa (Vietnamnet/Reuters)" credits a writer; "Theo Infonet" an outlet
        name = source.group(1) if re.search(r"[/(]", source.group(1)) else ""
    if not name or len(name) > 60 or len(name.split()) > 8 or not re.search(r"[^\W\d_]", name):
        return None
    if _DOMAIN_LIKE.match(name) or _NOT_A_PERSON.search(name) or _is_outlet(name, signals.outlets):
        return None
    return name


def _trailing_credits(container: Element) -> list[Element]:
    """Credit lines closing the body: right-aligned names (VnExpress, Dân trí, NLĐ), `.author`,
    `.source`; in page order. The block just after the body counts too (NLĐ puts it there).
    Short lines among them ("Chia sẻ bài viết của bạn tại đây") are stepped over."""
    blocks = [b for b in container.iter("p", "div") if not _has_block(b) and text_of(b)]
    after = container.getnext()
    while after is not None and not text_of(after):
        after = after.getnext()
    if after is not None and after.tag in ("p", "div") and _is_credit(after):
        blocks.append(after)
    credits: list[Element] = []
    for block in reversed(blocks[-4:]):
        if _is_credit(block):
            credits.insert(0, block)
        elif len(text_of(block)) > 100 or credits:
            break
    return credits


def _is_credit(block: Element) -> bool:
    style = f"{block.get('style') or ''} align:{block.get('align') or ''}".lower()
    aligned = bool(_ALIGN_RIGHT.search(style)) or "align:right" in style
    marked = bool(re.search(r"author|byline|source|nguon|tac-?gia", marks_of(block)))
    return (aligned or marked) and len(text_of(block)) <= 80


def _byline_text(block: Element) -> str:
    strong = [text_of(s) for s in block.iter("strong", "b") if text_of(s)]
    if strong and not re.fullmatch(r"(bài|tin|ảnh)[^:]*:?", strong[0], re.I):
        return strong[0]
    first_line = (block.text or "").strip() or text_of(block)
    return text_of(block) if strong else first_line


def _byline_texts(doc: Element, heading: Element | None) -> Iterator[str]:
    """Visible credits: `.author`, `.byline`, `[rel=author]`, or the name before the date."""
    for node in doc.iter():
        if not isinstance(node.tag, str):
            continue
        marked = _BYLINE_MARK.search(marks_of(node)) or "author" in (node.get("rel") or "")
        if marked and not in_navigation(node):
            text = text_of(node)
            if 0 < len(text) <= 60 and not _DATE.search(text):
                yield text
    if heading is not None:
        for sibling in heading.itersiblings():
            text = text_of(sibling)
            day = _DATE.search(text)
            if day and 0 < day.start() <= 60:
                yield text[: day.start()].strip(" |-–,")
                break


# --- labels, summary, image, language ------------------------------------------------


def _labels(found: _Found, doc: Element, signals: _Signals, title: str, url: str) -> None:
    section = signals.ld_article.get("articleSection")
    sections = section if isinstance(section, list) else [section]
    candidates = [
        ("json-ld", signals.ld_breadcrumb),
        ("json-ld", [s for s in sections if isinstance(s, str)]),
        ("opengraph", [signals.meta.get("article:section", "")]),
        ("page", _visible_breadcrumb(doc, url)),
        ("microdata", [signals.micro.get("articlesection", "")]),
        ("page", _title_section(signals.title_tag, title, signals.outlets)),
    ]
    for source, names in candidates:
        labels = _clean_labels(names, title, signals.outlets)
        if found.put("labels", labels, source):
            return


def _clean_labels(names: list[str], title: str, outlets: list[str]) -> tuple[str, ...]:
    labels = []
    for name in names:
        label = clean_line(htmllib.unescape(name or ""))
        key = fold(label)
        if not label or key in _HOME_NAMES or key in _GENERIC_SECTIONS or key == fold(title):
            continue
        if len(label) <= 60 and "," not in label and not _is_outlet(label, outlets):
            labels.append(label)
    return tuple(dict.fromkeys(labels))


def _visible_breadcrumb(doc: Element, url: str) -> list[str]:
    xpath = (
        "//*[@itemprop='breadcrumb' or contains(translate(@class, 'BREADCUMP', 'breadcump'),"
        " 'breadc') or contains(@class, 'navigation') or contains(@aria-label, 'readcrumb')]"
    )
    for trail in elements(doc, xpath):
        names = [text_of(a) for a in trail.iter("a") if 0 < len(text_of(a)) <= 40]
        if 1 <= len(names) <= 6:
            return names
    return []


def _title_section(title_tag: str, title: str, outlets: list[str]) -> list[str]:
    """`Tiêu đề | Pháp luật | Người Lao Động Online` -> ["Pháp luật"]."""
    parts = [p.strip() for p in _SEPARATOR.split(title_tag) if p.strip()]
    if len(parts) < 2 or not fold(title).startswith(fold(parts[0])):
        return []
    rest = [p for p in parts[1:] if not _is_outlet(p, outlets) and len(p.split()) <= 4]
    rest = [p for p in rest if not fold(title).endswith(fold(p))]
    return rest[:1]


def _summary(found: _Found, doc: Element, signals: _Signals, heading: Element | None) -> None:
    candidates = [
        ("json-ld", _name_of(signals.ld_article.get("description"))),
        ("opengraph", signals.meta.get("og:description")),
        ("microdata", signals.micro.get("description")),
        ("meta", signals.meta.get("description")),
        ("page", _visible_lead(doc, heading)),
    ]
    for source, text in candidates:
        lead = _strip_outlet(htmllib.unescape(text or ""), signals.outlets)
        if found.put("summary", _as_paragraph(lead), source):
            return


def _as_paragraph(text: str | None) -> str | None:
    text = clean_line(text or "")
    return f"<p>{htmllib.escape(text, quote=False)}</p>" if text else None


def _visible_lead(doc: Element, heading: Element | None) -> str | None:
    if heading is None:
        return None
    for node in heading.itersiblings():
        if tokens_of(node) & {t.lower() for t in _LEAD_TOKENS} and text_of(node):
            return text_of(node)
    return None


def _image(found: _Found, signals: _Signals, url: str) -> None:
    ld_image = signals.ld_article.get("image")
    candidates = [
        ("opengraph", signals.meta.get("og:image")),
        ("json-ld", ld_image if isinstance(ld_image, str) else _url_of(ld_image)),
        ("microdata", signals.micro.get("image") or signals.micro.get("thumbnailurl")),
    ]
    body = found.values.get("body")
    if isinstance(body, etree._Element):
        first = next((img.get("src") for img in body.iter("img") if img.get("src")), None)
        candidates.append(("page", first))
    for source, image in candidates:
        if image and not image.startswith("data:"):
            found.put("image", absolute(image, url), source)


def _url_of(node: Any) -> str | None:
    if isinstance(node, list) and node:
        return _url_of(node[0])
    if isinstance(node, dict):
        value = node.get("url") or node.get("contentUrl")
        return value if isinstance(value, str) else None
    return node if isinstance(node, str) else None


def _language(doc: Element, signals: _Signals, title: str) -> str | None:
    raw = (
        _name_of(signals.ld_article.get("inLanguage"))
        or doc.get("lang")
        or doc.get("xml:lang")
        or signals.meta.get("content-language")
        or signals.meta.get("language")
        or signals.meta.get("og:locale")
        or signals.micro.get("inlanguage")
    )
    language = (raw or "").strip().replace("_", "-").lower() or None
    if language and language.startswith("en") and _VIETNAMESE.search(title):
        return "vi"  # SharePoint pages (Thanh Niên 2012) say en-us over Vietnamese text
    return language
