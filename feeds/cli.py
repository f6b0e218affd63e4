"""The command line: parse arguments, load the config, call one function per command.

Each command imports what it runs when it runs: `import feeds.cli` stays cheap,
which matters beyond start-up time because every parsing worker process of a
cycle imports it again (it is the `feeds` script's __main__).

Only this module prints, configures logging, reads the clock for a cycle and
turns errors into exit codes: 2 for a bad config or bad input, 1 for any other
failure we can explain, 0 otherwise (a cycle where some sources failed is still
a completed cycle).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from zoneinfo import ZoneInfo

from store import StoreUnavailable, open_store

from . import __version__, config
from .clock import from_iso, utc_now
from .errors import ConfigError, FeedsError
from .model import SourceResult

if TYPE_CHECKING:
    from store.records import StoryRow

    from .cycle import CycleSummary
    from .featured import Scored

log = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    _log_to_stderr(args.log_level or "error")
    try:
        return int(args.handler(args))
    except ConfigError as exc:
        print(f"error: config: {exc}", file=sys.stderr)
        return 2
    except StoreUnavailable as exc:
        print(f"error: the database cannot be opened: {exc}", file=sys.stderr)
        return 1
    except sqlite3.IntegrityError as exc:  # a bug, not the machine: say so
        print(
            f"error: the database refused a change ({exc}); it was rolled back and nothing"
            " was half-written. This is a bug in feeds: please report it with the command",
            file=sys.stderr,
        )
        return 1
    except sqlite3.Error as exc:  # the store's boundary: a full disk, a lock held for minutes
        print(
            f"error: the database could not be written ({exc}); nothing was half-written:"
            " free some space or stop the other writer, then run again",
            file=sys.stderr,
        )
        return 1
    except FeedsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _log_to_stderr(level: str) -> None:
    logging.basicConfig(
        format="%(asctime)s %(levelname)s %(name)s %(message)s", stream=sys.stderr, force=True
    )
    logging.getLogger().setLevel(getattr(logging, level.upper()))
    for noisy in ("apscheduler", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="feeds", description="Aggregate Vietnamese news sources and publish their feeds."
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        help="config file (default: $FEEDS_CONFIG, then ./config.toml)",
    )
    parser.add_argument(
        "--log-level",
        choices=config.LOG_LEVELS,
        help="default: error, or [server].log_level for serve",
    )
    parser.add_argument("--version", action="version", version=f"feeds {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="one full cycle: fetch, store, deduplicate, publish")
    run.add_argument("--force", action="store_true", help="also fetch sources that are backing off")
    run.set_defaults(handler=cmd_run)

    publish = commands.add_parser("publish", help="regenerate every published file, no fetching")
    publish.set_defaults(handler=cmd_publish)

    serve = commands.add_parser("serve", help="keep the feeds fresh and serve them over HTTP")
    serve.add_argument("--host", help="default: [server].host")
    serve.add_argument("--port", type=int, help="default: [server].port")
    serve.set_defaults(handler=cmd_serve)

    check = commands.add_parser("check", help="validate the config")
    check.set_defaults(handler=cmd_check)

    stories = commands.add_parser("stories", help="the newest deduplicated stories")
    stories.add_argument("--category", metavar="SLUG")
    stories.add_argument("--limit", type=int, default=30)
    stories.add_argument("--json", action="store_true", help="machine-readable output")
    stories.add_argument("--explain", metavar="ID", help="why one story's articles were merged")
    stories.set_defaults(handler=cmd_stories)

    dedup = commands.add_parser("dedup", help="re-cluster stored articles into stories")
    dedup.add_argument(
        "--rebuild", action="store_true", required=True, help="re-cluster every stored article"
    )
    dedup.set_defaults(handler=cmd_dedup)

    featured = commands.add_parser("featured", help="the featured lists as they stand")
    featured.add_argument("slug", nargs="?", metavar="SLUG", help="one list (default: all)")
    featured.add_argument("--explain", action="store_true", help="score parts and runners-up")
    featured.set_defaults(handler=cmd_featured)

    _sources_parser(commands)
    return parser


def _sources_parser(commands: Any) -> None:
    """`feeds sources SUBCOMMAND`: the arguments here, the commands in sources_cli.py."""
    sources: argparse.ArgumentParser = commands.add_parser(
        "sources", help="manage the sources in config.toml"
    )
    sources.set_defaults(handler=cmd_sources)
    sub = sources.add_subparsers(dest="sources_command", required=True, metavar="SUBCOMMAND")

    listing = sub.add_parser("list", help="every source with its last fetch, error and items")
    listing.add_argument("--json", action="store_true", help="machine-readable output")

    add = sub.add_parser("add", help="add a feed, a site (its feed is discovered) or a page")
    add.add_argument("url", metavar="URL", help="a feed, or a site or page to find feeds on")
    add.add_argument("--category", metavar="SLUG", help="a declared category's slug")
    add.add_argument("--name", help="the source's name (default: the feed's title)")
    add.add_argument("--kind", choices=config.KINDS, default="feed", help="default: feed")
    add.add_argument("--choose", type=int, metavar="N", help="which of several feeds found")

    remove = sub.add_parser("remove", help="remove a source from config.toml (articles are kept)")
    remove.add_argument("name", metavar="NAME")

    importing = sub.add_parser("import", help="add the feeds of an OPML file")
    importing.add_argument("file", metavar="FILE.opml", type=Path)

    sub.add_parser("export", help="the sources as OPML 2.0, on stdout")

    trial = sub.add_parser("test", help="fetch one source, show what it would give; store nothing")
    trial.add_argument("name", metavar="NAME")
    trial.add_argument("--limit", type=int, default=10, help="articles shown (default 10)")


def cmd_sources(args: argparse.Namespace) -> int:
    from . import sources_cli

    return sources_cli.run(args)


def _config_path(args: argparse.Namespace) -> Path:
    return config.chosen_path(args.config)


def _load(args: argparse.Namespace) -> config.Config:
    return config.load(_config_path(args))


def cmd_check(args: argparse.Namespace) -> int:
    cfg = _load(args)
    print(
        f"{cfg.path}: valid: {len(cfg.sources)} sources, {len(cfg.categories)} categories,"
        f" {len(cfg.featured)} featured lists"
    )
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from .cycle import run_cycle

    cfg = _load(args)
    db = open_store(cfg.store_path)
    progress = _Progress(sys.stderr, total=sum(1 for s in cfg.sources if s.enabled))
    summary = run_cycle(cfg, db, now=utc_now(), force=args.force, on_result=progress.step)
    progress.done()
    _print_summary(summary, sys.stdout)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .scheduler import serve

    cfg = _load(args)
    _log_to_stderr(args.log_level or cfg.log_level)
    return serve(cfg, host=args.host, port=args.port)


def cmd_publish(args: argparse.Namespace) -> int:
    from .publish import publish_all

    cfg = _load(args)
    db = open_store(cfg.store_path)
    report = publish_all(cfg, db, now=utc_now())
    print(
        f"published {len(report.written)} files ({report.unchanged} unchanged) in {cfg.publish_dir}"
    )
    return 0


def cmd_stories(args: argparse.Namespace) -> int:
    from store import stories as story_rows

    cfg = _load(args)
    if args.explain:
        return _explain(cfg, args.explain, as_json=args.json)
    if args.category and cfg.category(args.category) is None:
        raise ConfigError("--category", f"{args.category!r} is not a declared category")
    db = open_store(cfg.store_path)
    rows = story_rows.newest(db, category=args.category, limit=args.limit)
    if args.json:
        print(json.dumps([_story_json(s) for s in rows], ensure_ascii=False, indent=2))
        return 0
    zone = cfg.site.zone
    for story in rows:
        when = _local(story.published, zone)
        print(f"{when}  {story.article.title}")
        print(f"                  {story.article.source}: {story.article.link}")
        for copy in story.copies:
            print(f"                  {copy.source}: {copy.link}")
        print(f"                  id {story.id}")
    if not rows:
        print("no stories yet: run `feeds run` first")
    return 0


def _explain(cfg: config.Config, story_id: str, *, as_json: bool) -> int:
    from .explain import explain_story

    why = explain_story(open_store(cfg.store_path), story_id.removeprefix("urn:uuid:"))
    if why is None:
        print(f"error: no story with id {story_id}", file=sys.stderr)
        return 2
    if as_json:
        print(json.dumps(dataclasses.asdict(why), ensure_ascii=False, indent=2))
        return 0
    if why.asked != why.id:
        print(f"story {why.asked} was merged into {why.id}")
    print(f"story {why.id}: {len(why.articles)} articles")
    for article in why.articles:
        mark = "*" if article.representative else " "
        print(
            f"{mark} {_local(article.published, cfg.site.zone)}  {article.source}: {article.title}"
        )
        print(f"    {article.link}")
        if article.joined is None:
            print("    started the story")
        else:
            figures = ", ".join(
                f"{k} {v}" for k, v in article.joined.items() if k in ("jaccard", "containment")
            )
            print(f"    joined: {article.joined['reason']}" + (f" ({figures})" if figures else ""))
        if not article.representative:
            print(
                f"    against the representative now: jaccard {article.jaccard},"
                f" containment {article.containment}"
            )
    print("* the representative article, whose link the feeds publish")
    return 0


def cmd_dedup(args: argparse.Namespace) -> int:
    from .publish import publish_all
    from .rebuild import rebuild

    cfg = _load(args)
    db = open_store(cfg.store_path)
    report = rebuild(db, cfg.dedup, now=utc_now())
    print(
        f"{report.articles} articles: {report.stories_before} stories before,"
        f" {report.stories_after} after; {report.moved} articles moved,"
        f" {len(report.merged_ids)} stories merged into others, {len(report.new_ids)} new"
    )
    publish_all(cfg, db, now=utc_now())
    return 0


def cmd_featured(args: argparse.Namespace) -> int:
    from store import featured as featured_rows

    from .featured import pin_urls, rank

    cfg = _load(args)
    lists = [f for f in cfg.featured if args.slug in (None, f.slug)]
    if not lists:
        known = ", ".join(f.slug for f in cfg.featured) or "none"
        raise ConfigError("featured", f"no featured list {args.slug!r} (lists: {known})")
    db = open_store(cfg.store_path)
    now = utc_now()
    for rules in lists:
        since = now - rules.window
        found = featured_rows.candidates(
            db, list_slug=rules.slug, since=since, pins=pin_urls(rules)
        )
        ranking = rank(found, rules, now)
        print(f"{rules.title} ({rules.slug}): {len(ranking.chosen)} of {rules.size}")
        for position, item in enumerate(ranking.chosen, start=1):
            print(f"{position:>3}. {item.story.title}  [{item.story.source}]")
            if args.explain:
                print(f"       {_why(item)}")
        if args.explain and ranking.runners_up:
            print("     runners-up:")
            for item in ranking.runners_up:
                note = f"; left out: {item.note}" if item.note else ""
                print(f"       {item.story.title}  [{item.story.source}]")
                print(f"         {_why(item)}{note}")
        print()
    return 0


def _why(item: Scored) -> str:
    if item.pinned:
        return "pinned in config.toml"
    picks = len(item.story.picks)
    return (
        f"score {item.score:.3f} = picks {item.picks:.3f} ({picks} site{'s' * (picks != 1)})"
        f" + coverage {item.coverage:.3f} ({item.story.outlets} outlets)"
        f" + recency {item.recency:.3f}  (before weights)"
    )


def _local(iso_text: str, zone: ZoneInfo) -> str:
    return from_iso(iso_text).astimezone(zone).strftime("%d/%m/%Y %H:%M")


def _story_json(story: StoryRow) -> dict[str, Any]:
    return {
        "id": story.id,
        "title": story.article.title,
        "url": story.article.link,
        "source": story.article.source,
        "published": story.published,
        "updated": story.updated,
        "categories": list(story.categories),
        "copies": [{"source": c.source, "url": c.link} for c in story.copies],
    }


class _Progress:
    """A one-line counter on a terminal; silent when stderr is a file or pipe."""

    def __init__(self, stream: TextIO, total: int) -> None:
        self.stream, self.total, self.count = stream, total, 0
        self.live = stream.isatty()

    def step(self, result: SourceResult) -> None:
        self.count += 1
        if self.live:
            self.stream.write(
                f"\r\x1b[K[{self.count}/{self.total}] {result.source}: {result.status}"
            )
            self.stream.flush()

    def done(self) -> None:
        if self.live:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def _print_summary(summary: CycleSummary, out: TextIO) -> None:
    rows = sorted(summary.results, key=lambda r: (r.status != "failed", r.source.casefold()))
    width = max([len(r.source) for r in rows] + [6])
    out.write(f"{'source':<{width}}  {'status':<12} {'new':>5} {'upd':>5} {'dup':>5} {'sec':>6}\n")
    for r in rows:
        out.write(
            f"{r.source:<{width}}  {r.status:<12} {r.new:>5} {r.updated:>5} {r.duplicate:>5}"
            f" {r.seconds:>6.2f}\n"
        )
    problems = [r for r in rows if r.error]
    if problems:
        out.write("\n")
        for r in problems:
            out.write(f"{r.status}: {r.source}: {r.error}\n")
    totals = {k: sum(getattr(r, k) for r in rows) for k in ("new", "updated", "duplicate")}
    failed = len(summary.failed)
    out.write(
        f"\n{len(rows)} sources, {failed} failed; {totals['new']} new stories,"
        f" {totals['updated']} updated, {totals['duplicate']} copies of known stories;"
        f" {summary.seconds:.1f}s\n"
    )
    if summary.published:
        report = summary.published
        out.write(
            f"published {len(report.written)} files ({report.unchanged} unchanged);"
            f" feed 'all' has {report.items.get('all', 0)} items\n"
        )
