"""`feeds sources …`: list, add, remove, import and export the sources in config.toml.

cli.py defines these subcommands' arguments and calls run(), importing this
module only then. Each handler loads the config, calls discover.py /
sources_edit.py / opml_import.py and writes what happened to stdout. Bad input
(an unknown category, a duplicate, a URL with no feed, a malformed OPML file)
is a ConfigError, which cli.py turns into exit status 2; nothing is written
then. Only `list` opens the store, and only when the database already exists.
"""

from __future__ import annotations

import argparse
import difflib
import json
import logging
import sys
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from sqlite_utils import Database

from store import open_store
from store import sources as source_rows
from store.records import NewArticle, SourceState

from . import config, cycle, discover, opml_import, sources_edit
from .clock import format_duration, from_iso, utc_now
from .errors import ConfigError, SourceError
from .fetch import Fetcher
from .text import article_text, clean_line, fold, html_to_text

log = logging.getLogger(__name__)


def run(args: argparse.Namespace) -> int:
    """Run `feeds sources SUBCOMMAND`; cli.py defines the arguments."""
    handler = {
        "list": cmd_list,
        "add": cmd_add,
        "remove": cmd_remove,
        "import": cmd_import,
        "export": cmd_export,
        "test": cmd_test,
    }[args.sources_command]
    return handler(args)


def _config_path(args: argparse.Namespace) -> Path:
    return config.chosen_path(args.config)


# --- list ----------------------------------------------------------------------------


def cmd_list(args: argparse.Namespace) -> int:
    cfg = config.load(_config_path(args))
    states = _states(cfg)
    rows = [_row(cfg, source, states.get(source.name)) for source in cfg.sources]
    out = sys.stdout
    if args.json:
        out.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return 0
    _print_table(rows, cfg, out)
    return 0


def _store(cfg: config.Config) -> Database | None:
    """The store if it exists: listing sources must not create a database."""
    return open_store(cfg.store_path) if cfg.store_path.exists() else None


def _states(cfg: config.Config) -> dict[str, SourceState]:
    db = _store(cfg)
    return source_rows.states(db) if db is not None else {}


def _row(cfg: config.Config, source: config.Source, state: SourceState | None) -> dict[str, Any]:
    return {
        "name": source.name,
        "url": source.url,
        "kind": source.kind,
        "category": source.category,
        "interval": format_duration(cfg.source_interval(source)),
        "enabled": source.enabled,
        "last_fetch_at": state.last_fetch_at if state else None,
        "last_success_at": state.last_success_at if state else None,
        "last_error": state.last_error if state else None,
        "disabled_reason": state.disabled_reason if state else None,
        "item_count": state.item_count if state else 0,
    }


def _print_table(rows: list[dict[str, Any]], cfg: config.Config, out: TextIO) -> None:
    heading = ("name", "kind", "category", "every", "last fetch", "items", "last error")
    lines = [heading] + [
        (
            row["name"],
            row["kind"],
            row["category"] or "–",
            row["interval"],
            _when(row["last_fetch_at"], cfg),
            str(row["item_count"]),
            _problem(row),
        )
        for row in rows
    ]
    widths = [max(len(line[column]) for line in lines) for column in range(len(heading) - 1)]
    for line in lines:
        cells = [cell.ljust(width) for cell, width in zip(line, widths, strict=False)]
        out.write("  ".join([*cells, line[-1]]).rstrip() + "\n")
    disabled = sum(1 for row in rows if not row["enabled"])
    out.write(f"\n{len(rows)} sources, {disabled} disabled in config.toml\n")


def _when(iso_text: str | None, cfg: config.Config) -> str:
    if not iso_text:
        return "never"
    return from_iso(iso_text).astimezone(cfg.site.zone).strftime("%d/%m/%Y %H:%M")


def _problem(row: dict[str, Any]) -> str:
    if not row["enabled"]:
        return "disabled in config.toml"
    if row["disabled_reason"]:
        return f"disabled: {row['disabled_reason']}"
    return str(row["last_error"] or "–")


# --- add -----------------------------------------------------------------------------


def cmd_add(args: argparse.Namespace) -> int:
    path = _config_path(args)
    text, cfg = sources_edit.read(path)
    url = _checked_url(args.url)
    _check_category(cfg, args.category)
    name = clean_line(args.name) if args.name else None
    _refuse_duplicate(cfg, name=name, url=url)
    out = sys.stdout
    try:
        with Fetcher(cfg.fetch) as fetcher:
            found = _source_to_add(fetcher, cfg, url, args, out)
    except SourceError as exc:
        raise ConfigError(url, f"cannot be read: {exc.message}") from exc
    if found is None:
        return 2
    source_url, title = found
    name = name or sources_edit.clean_name(title, source_url)
    _refuse_duplicate(cfg, name=name, url=source_url)
    values = sources_edit.source_values(
        name=name, url=source_url, kind=args.kind, category=args.category
    )
    sources_edit.save(path, sources_edit.with_entries(text, {"sources": [values]}))
    where = f", category {args.category}" if args.category else ""
    out.write(f"added source {name!r} ({args.kind}{where}): {source_url}\n")
    return 0


def _source_to_add(
    fetcher: Fetcher, cfg: config.Config, url: str, args: argparse.Namespace, out: TextIO
) -> tuple[str, str | None] | None:
    """(URL, title) of what to add, having read it once; None when the user must choose."""
    now, zone = utc_now(), cfg.site.zone
    if args.kind != "feed":
        title = discover.read_title(fetcher, url, now=now)
        out.write(f"read {url}; page title: {title or '(none)'}\n")
        return url, title
    candidates = discover.discover(fetcher, url, now=now, zone=zone)
    chosen = _choose(candidates, args.choose, url, out)
    if chosen is None:
        return None
    _refuse_duplicate(cfg, name=None, url=chosen.url)
    preview = chosen.preview or _read_feed(fetcher, chosen.url, cfg)
    out.write(f"read {preview.items} items from {chosen.url}; feed title: {preview.title or '–'}\n")
    if preview.problem:
        out.write(f"note: the feed is malformed but readable ({preview.problem})\n")
    return chosen.url, preview.title


def _read_feed(fetcher: Fetcher, url: str, cfg: config.Config) -> discover.FeedPreview:
    try:
        return discover.read_feed(fetcher, url, now=utc_now(), zone=cfg.site.zone)
    except SourceError as exc:
        raise ConfigError(url, f"is not a readable feed: {exc.message}") from exc


def _checked_url(raw: str) -> str:
    url = raw.strip()
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.hostname and " " not in url:
        return parts.scheme + url[len(parts.scheme) :]  # HTTPS://… as https://…
    hint = f" (did you mean https://{url}?)" if not parts.scheme and "." in url else ""
    raise ConfigError("URL", f"{raw!r} is not an http(s) URL{hint}")


def _check_category(cfg: config.Config, slug: str | None) -> None:
    if slug is not None and cfg.category(slug) is None:
        declared = ", ".join(c.slug for c in cfg.categories) or "none"
        raise ConfigError(
            "--category", f"{slug!r} is not a declared category (declared: {declared})"
        )


def _refuse_duplicate(cfg: config.Config, *, name: str | None, url: str | None) -> None:
    why = sources_edit.duplicate_of(cfg, name=name, url=url)
    if why:
        raise ConfigError("sources", f"not added: {why}")


def _choose(
    candidates: list[discover.Candidate], choose: int | None, url: str, out: TextIO
) -> discover.Candidate | None:
    """The candidate to add: the only one, the one --choose names, or the user's answer."""
    if not candidates:
        paths = ", ".join(discover.COMMON_PATHS)
        raise ConfigError(
            url,
            'no feed found (no <link rel="alternate"> feed in the page, no links to .rss files,'
            f" nothing at {paths}); if the site has no feed, add the page with --kind html",
        )
    if choose is not None:
        if not 1 <= choose <= len(candidates):
            raise ConfigError("--choose", f"{choose} is not between 1 and {len(candidates)}")
        return candidates[choose - 1]
    if len(candidates) == 1:
        return candidates[0]
    out.write(f"{len(candidates)} feeds found at {url}:\n")
    for number, candidate in enumerate(candidates, start=1):
        out.write(f"  {number}. {candidate.title}\n     {candidate.url}\n")
    if sys.stdin.isatty():
        chosen = _prompt(candidates)
        if chosen is None:
            sys.stderr.write("nothing added\n")
        return chosen
    sys.stderr.write("several feeds found: re-run with --choose N to add one of them\n")
    return None


def _prompt(candidates: list[discover.Candidate]) -> discover.Candidate | None:
    try:
        answer = input(f"add which one? [1-{len(candidates)}, Enter to cancel] ").strip()
    except EOFError:
        return None
    if answer.isdigit() and 1 <= int(answer) <= len(candidates):
        return candidates[int(answer) - 1]
    return None


# --- remove --------------------------------------------------------------------------


def cmd_remove(args: argparse.Namespace) -> int:
    path = _config_path(args)
    text, cfg = sources_edit.read(path)
    index = sources_edit.find_source(cfg, args.name)
    if index is None:
        names = {fold(s.name): s.name for s in cfg.sources}
        close = difflib.get_close_matches(fold(args.name), list(names), n=3)
        hint = f" (did you mean {', '.join(repr(names[c]) for c in close)}?)" if close else ""
        raise ConfigError(args.name, f"no source has this name{hint}; see `feeds sources list`")
    source = cfg.sources[index]
    sources_edit.save(path, sources_edit.without_entry(text, "sources", index))
    state = _states(cfg).get(source.name)
    kept = state.item_count if state else 0
    sys.stdout.write(
        f"removed source {source.name!r} from {path}; its {kept} stored articles are kept\n"
    )
    return 0


# --- import and export ---------------------------------------------------------------


def cmd_import(args: argparse.Namespace) -> int:
    path = _config_path(args)
    text, cfg = sources_edit.read(path)
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise ConfigError(str(args.file), f"cannot be read: {exc.strerror or exc}") from exc
    outlines = opml_import.parse_opml(data, str(args.file))
    if not outlines:
        raise ConfigError(str(args.file), "has no outline with an xmlUrl: nothing to import")
    plan = opml_import.plan_import(cfg, outlines)
    if plan.sources:
        additions = {"categories": plan.categories, "sources": plan.sources}
        sources_edit.save(path, sources_edit.with_entries(text, additions))
    _print_import(plan, sys.stdout)
    return 0


def _print_import(plan: opml_import.ImportPlan, out: TextIO) -> None:
    for values in plan.sources:
        where = values.get("category") or "no category"
        out.write(f"added    {values['name']} ({where}): {values['url']}\n")
    for name, why in plan.skipped:
        out.write(f"skipped  {name}: {why}\n")
    for name, why in plan.invalid:
        out.write(f"invalid  {name}: {why}\n")
    new = ", ".join(f"{c['slug']} ({c['name']})" for c in plan.categories) or "none"
    out.write(
        f"{len(plan.sources)} added, {len(plan.skipped)} skipped as duplicates,"
        f" {len(plan.invalid)} invalid; new categories: {new}\n"
    )


def cmd_export(args: argparse.Namespace) -> int:
    cfg = config.load(_config_path(args))
    sys.stdout.write(opml_import.render_opml(cfg).decode("utf-8"))
    return 0


# --- test ----------------------------------------------------------------------------


def cmd_test(args: argparse.Namespace) -> int:
    """Fetch one source as a cycle would, print every field; nothing is stored or published."""
    cfg = config.load(_config_path(args))
    source = next((s for s in cfg.sources if fold(s.name) == fold(args.name)), None)
    if source is None:
        raise ConfigError("sources", f"no source named {args.name!r}")
    now = utc_now()
    with Fetcher(cfg.fetch) as fetcher:
        outcome = cycle.fetch_and_prepare(
            cfg, fetcher, None, source, None, cfg.label_index(), now, cycle.SiteMemory()
        )
    out = sys.stdout
    if outcome.error is not None:
        out.write(f"{source.name}: failed: {outcome.error.message}\n")
        return 1
    prepared = outcome.prepared
    if prepared is None or prepared.error:
        out.write(f"{source.name}: failed: {prepared.error if prepared else 'nothing read'}\n")
        return 1
    fetched = outcome.fetched
    status = fetched.status if fetched else "?"
    out.write(f"{source.name} ({source.kind}): HTTP {status}, {len(prepared.articles)} articles\n")
    provenance = dict(prepared.fields)
    for article in prepared.articles[: args.limit]:
        _print_article(article, provenance.get(article.link) or {}, cfg, out)
    for url, why in prepared.skipped:
        out.write(f"\nskipped {url}: {why}\n")
    best: dict[tuple[str, str], tuple[int, str]] = {}
    for slug, url, heading, position in prepared.picks:
        best[(slug, url)] = min(best.get((slug, url), (position, heading)), (position, heading))
    if best:
        out.write("\neditors' picks seen on the pages:\n")
    for (slug, url), (position, heading) in sorted(best.items(), key=lambda kv: (kv[0][0], kv[1])):
        out.write(f"  {slug}: #{position} under {heading!r}: {url}\n")
    if prepared.queued:
        out.write(f"\n{len(prepared.queued)} more article pages wait for the next cycle\n")
    return 0


def _print_article(
    article: NewArticle, fields: dict[str, str], cfg: config.Config, out: TextIO
) -> None:
    def where(name: str) -> str:
        return f"  [{fields[name]}]" if name in fields else ""

    local = article.published.astimezone(cfg.site.zone).strftime("%d/%m/%Y %H:%M %z")
    text = " ".join(article_text(article.content, article.summary).split())
    rows = [
        ("title", article.title + where("title")),
        ("link", article.link),
        ("author", (article.author or "-") + where("author")),
        ("published", local + where("published")),
        ("categories", ", ".join(article.categories) or "-"),
        ("labels", ", ".join(article.labels) or "-"),
        ("image", (article.image_url or "-") + where("image")),
        ("summary", _cut(" ".join(html_to_text(article.summary or "").split()), 160)),
        ("text", f"{len(text)} characters: {_cut(text, 160)}" + where("content")),
    ]
    out.write("\n")
    for name, value in rows:
        out.write(f"  {name:<11} {value}\n")


def _cut(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"
