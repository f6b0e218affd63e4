"""config.toml -> frozen dataclasses, with errors that name the key and the line.

`load(path)` parses the file once with tomllib and validates every key: unknown
keys, wrong types, bad durations, URLs, slugs and names, duplicates and undeclared
categories all raise ConfigError("sources[3].interval", "...", line=42). Editing
the file for `feeds sources add/remove` lives in sources_edit.py (tomlkit).
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import USER_AGENT
from .clock import parse_duration
from .errors import ConfigError
from .text import clean_line, fold

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KINDS = ("feed", "html", "sitemap")
RESERVED_SLUGS = frozenset({"all"})
LOG_LEVELS = ("debug", "info", "warning", "error")


@dataclass(frozen=True)
class Site:
    title: str
    base_url: str
    language: str = "vi"
    timezone: str = "Asia/Ho_Chi_Minh"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class FetchSettings:
    """[fetch]: limits of the HTTP client (defaults suit a few hundred sources)."""

    timeout: timedelta = timedelta(seconds=20)
    max_bytes: int = 15_000_000
    concurrency: int = 16
    per_host: int = 2
    user_agent: str = USER_AGENT


@dataclass(frozen=True)
class DedupSettings:
    """[dedup]: when two articles are one story."""

    window: timedelta = timedelta(days=7)
    jaccard: float = 0.5  # shared word 3-grams over all of either text
    containment: float = 0.8  # share of the shorter text found in the longer one
    source_priority: tuple[str, ...] = ()  # preferred representatives, best first


@dataclass(frozen=True)
class Category:
    slug: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Source:
    name: str
    url: str
    kind: str = "feed"
    category: str | None = None
    interval: timedelta | None = None
    link_pattern: str | None = None
    enabled: bool = True
    pages: int = 1  # html: listing pages followed (1: only the first)
    max_articles: int = 50  # html, sitemap: article pages fetched a cycle; the rest wait
    delay: timedelta = timedelta(seconds=1)  # html, sitemap: between requests to one host
    robots: bool = True  # html, sitemap: obey robots.txt
    window: timedelta = timedelta(days=2)  # sitemap: only entries this recent
    selectors: Mapping[str, str] | None = None  # html, sitemap: CSS/XPath per field

    @property
    def is_local(self) -> bool:
        return not self.url.startswith(("http://", "https://"))


@dataclass(frozen=True)
class Featured:
    slug: str
    title: str
    size: int = 10
    window: timedelta = timedelta(hours=72)
    sections: tuple[str, ...] = ()
    pin: tuple[str, ...] = ()
    summaries: bool = False  # shown with summaries on the pages (as "Nổi bật" is)
    half_life: timedelta = timedelta(hours=12)
    max_per_category: int = 3
    max_per_outlet: int = 0  # 0: no limit
    weight_picks: float = 3.0
    weight_coverage: float = 1.0
    weight_recency: float = 1.0


@dataclass(frozen=True)
class Config:
    path: Path
    site: Site
    store_path: Path
    publish_dir: Path
    items_per_feed: int
    host: str
    port: int
    log_level: str
    interval: timedelta
    max_interval: timedelta
    publish_debounce: timedelta
    fetch: FetchSettings
    dedup: DedupSettings
    categories: tuple[Category, ...]
    sources: tuple[Source, ...]
    featured: tuple[Featured, ...] = field(default=())

    def source_interval(self, source: Source) -> timedelta:
        return source.interval or self.interval

    def category(self, slug: str) -> Category | None:
        return next((c for c in self.categories if c.slug == slug), None)

    def label_index(self) -> dict[str, str]:
        """Folded category names and aliases -> slug, for matching articles' labels."""
        index: dict[str, str] = {}
        for cat in self.categories:
            for label in (cat.name, cat.slug, *cat.aliases):
                index.setdefault(fold(label), cat.slug)
        return index

    def local_path(self, url: str) -> Path:
        """The file a local source reads: `file:` URLs and paths, relative to the config."""
        raw = url.removeprefix("file://") if url.startswith("file://") else url
        raw = raw.removeprefix("file:")
        path = Path(raw)
        return path if path.is_absolute() else self.path.parent / path


# --- loading -------------------------------------------------------------------------


def chosen_path(given: Path | None) -> Path:
    """The config file the user means: --config, else $FEEDS_CONFIG, else ./config.toml."""
    if given is not None:
        return Path(given)
    return Path(os.environ.get("FEEDS_CONFIG") or "config.toml")


def load(path: Path) -> Config:
    """Read and validate config.toml; ConfigError names the first problem found."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        message = "file not found (pass --config PATH or set FEEDS_CONFIG)"
        raise ConfigError(str(path), message) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), f"cannot be read: {exc}") from exc
    return parse(text, path)


def parse(text: str, path: Path) -> Config:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise ConfigError(
            path.name, f"not valid TOML: {exc}", int(match.group(1)) if match else None
        ) from exc
    return _Validator(text, path.resolve()).config(doc)


@dataclass(frozen=True)
class _Key:
    types: tuple[type, ...]
    required: bool = False
    check: Callable[[Any], Any] | None = None  # converts, or raises ValueError


def _q(value: Any) -> str:
    """A value as the user wrote it in TOML: "15 min", 42, true."""
    return json.dumps(value, ensure_ascii=False)


def _str(value: Any) -> str:
    text = clean_line(value)
    if not text:
        raise ValueError("must not be empty")
    return text


def _positive(value: Any) -> int:
    if isinstance(value, bool) or value <= 0:
        raise ValueError(f"{_q(value)} must be a positive whole number")
    return int(value)


def _duration(value: Any) -> timedelta:
    return parse_duration(value)


def _slug(value: Any) -> str:
    if len(value) > 80:
        raise ValueError(
            f"{_q(value[:20])}… is {len(value)} characters long; a slug has at most 80"
        )
    if not SLUG.match(value):
        raise ValueError(
            f"{_q(value)} is not a slug: lower-case ASCII letters, digits and single dashes"
            " (e.g. chuyen-dong-ha-noi)"
        )
    if value in RESERVED_SLUGS:
        raise ValueError(f"{_q(value)} is reserved for the feed of every category")
    return str(value)


def _name(value: Any) -> str:
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValueError(f"{_q(value)} may not contain control characters")
    name = _str(value)
    if "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(f"{_q(value)} may not contain '/', '\\' or control characters")
    return name


def _http_url(value: Any) -> str:
    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018  (raises ValueError for a port out of range)
    except ValueError:
        raise ValueError(f"{_q(value)} is not an http(s) URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in value.strip():
        raise ValueError(f"{_q(value)} is not an http(s) URL")
    return str(value).strip()


def _source_url(value: Any) -> str:
    url = str(value).strip()
    if url.startswith(("http://", "https://")):
        return _http_url(url)
    if url.startswith(("file:", "/", "./", "../")):
        return url
    raise ValueError(
        f"{_q(value)} is not a URL: write http(s)://…, file:… or a path starting with ./ or /"
    )


def _kind(value: Any) -> str:
    if value not in KINDS:
        raise ValueError(f"{_q(value)} is not a source kind: use one of {', '.join(KINDS)}")
    return str(value)


def _pause(value: Any) -> timedelta:
    if str(value).strip() in ("0", "0s"):
        return timedelta()
    return parse_duration(value)


SELECTOR_FIELDS = ("title", "author", "published", "content", "lead", "image", "section")


def _selectors(value: Any) -> dict[str, str]:
    for name, selector in value.items():
        if name not in SELECTOR_FIELDS:
            raise ValueError(f"{_q(name)} is not a field: use {', '.join(SELECTOR_FIELDS)}")
        if not isinstance(selector, str) or not selector.strip():
            raise ValueError(f"{name}: a CSS selector or an XPath (starting with /) is needed")
    return dict(value)


def _pattern(value: Any) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"{_q(value)} is not a regular expression: {exc}") from exc
    return str(value)


def _zone(value: Any) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"{_q(value)} is not a time zone (e.g. Asia/Ho_Chi_Minh)") from exc
    return str(value)


def _share(value: Any) -> float:
    if isinstance(value, bool) or not 0 < value <= 1:
        raise ValueError(f"{_q(value)} must be a number above 0 and at most 1")
    return float(value)


def _whole(value: Any) -> int:
    if isinstance(value, bool) or value < 0:
        raise ValueError(f"{_q(value)} must be a whole number, 0 or more")
    return int(value)


def _weight(value: Any) -> float:
    if isinstance(value, bool) or not 0 <= value <= 100:
        raise ValueError(f"{_q(value)} must be a number from 0 to 100")
    return float(value)


def _level(value: Any) -> str:
    if value not in LOG_LEVELS:
        raise ValueError(f"{_q(value)} is not a log level: use one of {', '.join(LOG_LEVELS)}")
    return str(value)


def _port(value: Any) -> int:
    if isinstance(value, bool) or not 0 < value < 65536:
        raise ValueError(f"{_q(value)} is not a TCP port (1-65535)")
    return int(value)


def _strings(item: Callable[[Any], Any] = _str) -> Callable[[Any], tuple[Any, ...]]:
    def check(values: Any) -> tuple[Any, ...]:
        for position, value in enumerate(values):
            if not isinstance(value, str):
                raise ValueError(f"item {position + 1} is {_type_name(value)}, not a string")
        return tuple(item(value) for value in values)

    return check


_TOP = {
    "site": _Key((dict,), required=True),
    "store": _Key((dict,)),
    "publish": _Key((dict,)),
    "server": _Key((dict,)),
    "schedule": _Key((dict,)),
    "fetch": _Key((dict,)),
    "dedup": _Key((dict,)),
    "categories": _Key((list,)),
    "sources": _Key((list,)),
    "featured": _Key((list,)),
}
_SITE = {
    "title": _Key((str,), True, _str),
    "base_url": _Key((str,), True, _http_url),
    "language": _Key((str,), False, _str),
    "timezone": _Key((str,), False, _zone),
}
_STORE = {"path": _Key((str,), False, _str)}
_PUBLISH = {"dir": _Key((str,), False, _str), "items_per_feed": _Key((int,), False, _positive)}
_SERVER = {
    "host": _Key((str,), False, _str),
    "port": _Key((int,), False, _port),
    "log_level": _Key((str,), False, _level),
}
_SCHEDULE = {
    "interval": _Key((str,), False, _duration),
    "max_interval": _Key((str,), False, _duration),
    "publish_debounce": _Key((str,), False, _duration),
}
_FETCH = {
    "timeout": _Key((str,), False, _duration),
    "max_bytes": _Key((int,), False, _positive),
    "concurrency": _Key((int,), False, _positive),
    "per_host": _Key((int,), False, _positive),
    "user_agent": _Key((str,), False, _str),
}
_DEDUP = {
    "window": _Key((str,), False, _duration),
    "jaccard": _Key((float, int), False, _share),
    "containment": _Key((float, int), False, _share),
    "source_priority": _Key((list,), False, _strings(_name)),
}
_CATEGORY = {
    "slug": _Key((str,), True, _slug),
    "name": _Key((str,), True, _name),
    "aliases": _Key((list,), False, _strings()),
}
_SOURCE = {
    "name": _Key((str,), True, _name),
    "url": _Key((str,), True, _source_url),
    "kind": _Key((str,), False, _kind),
    "category": _Key((str,), False, _str),
    "interval": _Key((str,), False, _duration),
    "link_pattern": _Key((str,), False, _pattern),
    "enabled": _Key((bool,), False),
    "pages": _Key((int,), False, _positive),
    "max_articles": _Key((int,), False, _positive),
    "delay": _Key((str,), False, _pause),
    "robots": _Key((bool,), False),
    "window": _Key((str,), False, _duration),
    "selectors": _Key((dict,), False, _selectors),
}
_PAGE_KEYS = ("pages", "max_articles", "delay", "robots", "window", "selectors")
_FEATURED = {
    "slug": _Key((str,), True, _slug),
    "title": _Key((str,), True, _str),
    "size": _Key((int,), False, _positive),
    "window": _Key((str,), False, _duration),
    "sections": _Key((list,), False, _strings()),
    "pin": _Key((list,), False, _strings(_http_url)),
    "summaries": _Key((bool,), False),
    "half_life": _Key((str,), False, _duration),
    "max_per_category": _Key((int,), False, _positive),
    "max_per_outlet": _Key((int,), False, _whole),
    "weight_picks": _Key((float, int), False, _weight),
    "weight_coverage": _Key((float, int), False, _weight),
    "weight_recency": _Key((float, int), False, _weight),
}


def _type_name(value: Any) -> str:
    names = {str: "a string", int: "a whole number", float: "a number", bool: "true/false"}
    names |= {list: "a list", dict: "a table"}
    return names.get(type(value), type(value).__name__)


class _Validator:
    def __init__(self, text: str, path: Path) -> None:
        self.lines = _KeyLines(text)
        self.path = path

    def fail(self, key: str, message: str) -> ConfigError:
        return ConfigError(key, message, self.lines.find(key))

    def table(self, doc: Any, key: str, spec: Mapping[str, _Key]) -> dict[str, Any]:
        """Check one table against its spec; returns the converted values present."""
        if not isinstance(doc, dict):
            raise self.fail(key, f"must be a table, not {_type_name(doc)}")
        values: dict[str, Any] = {}
        for name, value in doc.items():
            where = f"{key}.{name}" if key else name
            if name not in spec:
                known = ", ".join(spec)
                raise self.fail(where, f"unknown key (known keys here: {known})")
            rule = spec[name]
            if not isinstance(value, rule.types) or (
                isinstance(value, bool) and bool not in rule.types
            ):
                wanted = " or ".join(_type_name(t()) for t in rule.types)
                raise self.fail(where, f"must be {wanted}, not {_type_name(value)}")
            try:
                values[name] = rule.check(value) if rule.check else value
            except ValueError as exc:
                raise self.fail(where, str(exc)) from None
        for name, rule in spec.items():
            if rule.required and name not in doc:
                raise self.fail(key or name, f"missing required key {_q(name)}")
        return values

    def array(
        self, doc: dict[str, Any], key: str, spec: Mapping[str, _Key]
    ) -> list[dict[str, Any]]:
        items = doc.get(key, [])
        return [self.table(item, f"{key}[{i}]", spec) for i, item in enumerate(items)]

    def unique(
        self, rows: list[dict[str, Any]], array: str, key: str, folded: bool = False
    ) -> None:
        seen: dict[str, int] = {}
        for i, row in enumerate(rows):
            value = fold(row[key]) if folded else row[key]
            if value in seen:
                raise self.fail(
                    f"{array}[{i}].{key}",
                    f"{_q(row[key])} is already used by {array}[{seen[value]}]",
                )
            seen[value] = i

    def config(self, doc: dict[str, Any]) -> Config:
        self.table(doc, "", _TOP)
        site = Site(**self.table(doc["site"], "site", _SITE))
        store = self.table(doc.get("store", {}), "store", _STORE)
        publish = self.table(doc.get("publish", {}), "publish", _PUBLISH)
        server = self.table(doc.get("server", {}), "server", _SERVER)
        schedule = self.table(doc.get("schedule", {}), "schedule", _SCHEDULE)
        fetch = FetchSettings(**self.table(doc.get("fetch", {}), "fetch", _FETCH))
        dedup = DedupSettings(**self.table(doc.get("dedup", {}), "dedup", _DEDUP))

        categories = self.array(doc, "categories", _CATEGORY)
        self.unique(categories, "categories", "slug")
        self.unique(categories, "categories", "name", folded=True)
        sources = self.array(doc, "sources", _SOURCE)
        self.unique(sources, "sources", "name", folded=True)
        self.unique(sources, "sources", "url")
        featured = self.array(doc, "featured", _FEATURED)
        self.unique(featured, "featured", "slug")

        slugs = {c["slug"] for c in categories}
        for i, src in enumerate(sources):
            if "category" in src and src["category"] not in slugs:
                declared = ", ".join(sorted(slugs)) or "none"
                raise self.fail(
                    f"sources[{i}].category",
                    f"{_q(src['category'])} is not a declared category (declared: {declared})",
                )
            kind = src.get("kind", "feed")
            if "link_pattern" in src and kind != "html":
                raise self.fail(f"sources[{i}].link_pattern", 'only applies to kind = "html"')
            for key in _PAGE_KEYS:
                if key in src and kind == "feed":
                    raise self.fail(
                        f"sources[{i}].{key}", 'only applies to kind = "html" or "sitemap"'
                    )
        names = {fold(s["name"]) for s in sources}
        for i, name in enumerate(dedup.source_priority):
            if fold(name) not in names:
                raise self.fail(
                    "dedup.source_priority", f"{_q(name)} (item {i + 1}) is not a source name"
                )
        for i, feat in enumerate(featured):
            if feat["slug"] in slugs:
                raise self.fail(
                    f"featured[{i}].slug", f"{_q(feat['slug'])} is also a category slug"
                )

        base = self.path.parent
        return Config(
            path=self.path,
            site=site,
            store_path=base / store.get("path", "data/feeds.db"),
            publish_dir=base / publish.get("dir", "public"),
            items_per_feed=publish.get("items_per_feed", 50),
            host=server.get("host", "127.0.0.1"),
            port=server.get("port", 8080),
            log_level=server.get("log_level", "info"),
            interval=schedule.get("interval", timedelta(minutes=15)),
            max_interval=schedule.get("max_interval", timedelta(days=1)),
            publish_debounce=schedule.get("publish_debounce", timedelta(seconds=5)),
            fetch=fetch,
            dedup=dedup,
            categories=tuple(
                Category(c["slug"], c["name"], c.get("aliases", ())) for c in categories
            ),
            sources=tuple(Source(**s) for s in sources),
            featured=tuple(Featured(**f) for f in featured),
        )


class _KeyLines:
    """Finds the line of a key path such as `sources[3].interval` in the TOML text.

    tomllib keeps no positions, so this reads the text line by line, following
    `[table]` and `[[array]]` headers; good enough for hand-written config files.
    """

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?\s*(#.*)?$")
    _ASSIGN = re.compile(r"^\s*[\"']?([A-Za-z0-9_\-]+)[\"']?\s*=")

    def __init__(self, text: str) -> None:
        self.places: dict[str, int] = {}
        counts: dict[str, int] = {}
        table = ""
        for number, line in enumerate(text.splitlines(), start=1):
            header = self._HEADER.match(line)
            if header:
                name = header.group(2).replace('"', "").replace("'", "").strip()
                if header.group(1) == "[[":
                    counts[name] = counts.get(name, -1) + 1
                    table = f"{name}[{counts[name]}]"
                else:
                    table = name
                self.places.setdefault(table, number)
                continue
            assign = self._ASSIGN.match(line)
            if assign:
                key = f"{table}.{assign.group(1)}" if table else assign.group(1)
                self.places.setdefault(key, number)

    def find(self, key: str) -> int | None:
        while key:
            if key in self.places:
                return self.places[key]
            key = key.rpartition(".")[0]
        return None
