"""Where a `feeds run` cycle spends its time, by pipeline stage (cycle.py --profile).

A flat profile names functions (`_feed`, `execute`, `sub`), but the question
the speed work asks is which *stage* to make faster: fetch, parse/extract,
normalize/sanitize, similarity/signature, store/dedup or publish.  This module
turns a profile into that answer by looking at where each sample or function
sits in the project's code:

- a py-spy speedscope profile (``--subprocesses``, so the parser worker
  processes count too): each sample goes to the stage of the innermost
  project frame on its stack, helpers (text.py, urls.py, dates.py, ...) being
  see-through, and to ``publish`` whenever publishing is anywhere on the
  stack (publishing reads the store, and that read is publishing's cost).
  Samples whose leaf is a known blocking call (WAITS) are left out: py-spy
  lets some through as active, and they are waiting, not work;
- a cProfile dump, when py-spy is not installed: the self time of every
  function in the project goes to its module's stage, and that of every other
  function (library code, builtins) is shared among its callers in proportion
  to the time each call path spent in it, up to the first project function.
  cProfile sees one thread only, so ``cprofile-child`` below runs the cycle
  with the parser pool off (parsing then happens in the fetch threads) and a
  profiler, on per-thread CPU time, in every fetch thread as well.

Both count CPU time, not waiting: py-spy leaves idle threads out, and the
cProfile path uses ``time.thread_time``.

    python benchmarks/stages.py speedscope FILE.json [--rate 100]
    python benchmarks/stages.py pstats FILE.prof
    python benchmarks/stages.py cprofile-child OUT.prof -- --config CFG run
"""

from __future__ import annotations

import argparse
import json
import pstats
import re
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent  # the repository: feeds/ and store/

FETCH = "fetch"
PARSE = "parse/extract"
NORMALIZE = "normalize/sanitize"
SIMILARITY = "similarity/signature"
STORE = "store/dedup"
PUBLISH = "publish"
IMPORTS = "startup/imports"
OTHER = "other (cycle loop, config, pool IPC)"
STAGES = (FETCH, PARSE, NORMALIZE, SIMILARITY, STORE, PUBLISH, IMPORTS, OTHER)

# Module (path relative to ROOT; a trailing "/" is a package) -> stage.  The
# first match wins.  Modules in HELPERS are used by several stages and take
# the stage of their caller.
MODULE_STAGES: tuple[tuple[str, str], ...] = (
    ("feeds/publish/", PUBLISH),
    ("feeds/featured.py", PUBLISH),
    ("store/featured.py", PUBLISH),
    ("store/publish_state.py", PUBLISH),
    ("feeds/fetch.py", FETCH),
    ("feeds/sites.py", FETCH),
    ("feeds/discover.py", FETCH),
    ("feeds/extract/", PARSE),
    ("feeds/normalize.py", NORMALIZE),
    ("feeds/sanitize.py", NORMALIZE),
    ("feeds/similarity.py", SIMILARITY),
    ("feeds/cluster.py", SIMILARITY),
    ("feeds/dedup.py", STORE),
    ("feeds/known.py", STORE),
    ("feeds/band_buffer.py", STORE),
    ("feeds/ingest.py", STORE),
    ("store/", STORE),
    ("feeds/", OTHER),
)
# Functions whose module says otherwise: ingest.py both parses and stores.
FUNCTION_STAGES = {
    ("feeds/ingest.py", "prepare"): PARSE,
    ("feeds/ingest.py", "_extract"): PARSE,
    ("feeds/ingest.py", "skips"): PARSE,
    ("feeds/ingest.py", "body_hash"): FETCH,  # "did the body change?" right after the fetch
    ("feeds/cycle.py", "store_outcome"): STORE,
    ("feeds/cycle.py", "_next_due"): STORE,
}
# Leaf frames where a thread sits blocked (lock, queue, pipe, socket) that
# py-spy's idle detection still reports as active now and then, on a busy
# machine most of all: (end of the file's path, function name without class).
WAITS = frozenset(
    {
        ("threading.py", "wait"),
        ("threading.py", "_wait_for_tstate_lock"),
        ("concurrent/futures/thread.py", "_worker"),  # in the C queue's get()
        ("selectors.py", "select"),
        ("multiprocessing/connection.py", "wait"),
        ("multiprocessing/connection.py", "_recv"),
        ("multiprocessing/connection.py", "_send"),  # a full pipe to a busy worker
        ("multiprocessing/popen_fork.py", "poll"),
        ("httpcore/_backends/sync.py", "read"),  # socket recv
    }
)
HELPERS = (
    "feeds/text.py",
    "feeds/urls.py",
    "feeds/dates.py",
    "feeds/clock.py",
    "feeds/model.py",
    "feeds/errors.py",
)


def project_path(file: str) -> str | None:
    """``feeds/x.py`` for a file of the project, None for anything else."""
    try:
        rel = Path(file).resolve().relative_to(ROOT).as_posix()
    except (ValueError, OSError):
        return None
    return rel if rel.startswith(("feeds/", "store/")) else None


def is_import(file: str, name: str) -> bool:
    """Code run by an import: importlib itself, or a module's body."""
    if file.startswith("<frozen importlib"):
        return True
    return name == "<module>" and not file.startswith("<")


def frame_stage(file: str, name: str) -> str | None:
    """The stage a project frame stands for; None for helpers and non-project code."""
    rel = project_path(file)
    if rel is None or rel in HELPERS:
        return None
    short = name.rsplit(".", 1)[-1]  # py-spy writes Class.method
    if (rel, short) in FUNCTION_STAGES:
        return FUNCTION_STAGES[(rel, short)]
    return next(stage for prefix, stage in MODULE_STAGES if rel.startswith(prefix))


def is_wait(file: str, name: str) -> bool:
    short = name.rsplit(".", 1)[-1]
    return any(file.endswith(tail) and short == fn for tail, fn in WAITS)


def stack_stage(stack: list[tuple[str, str]]) -> str:
    """Stage of one sampled stack, given as (file, function) from the root to the leaf.

    The root frame is the main script's body, which is not an import.
    """
    if any(is_import(f, n) for f, n in stack[1:]):
        return IMPORTS
    stages = [frame_stage(f, n) for f, n in stack]
    if PUBLISH in stages:
        return PUBLISH
    return next((s for s in reversed(stages) if s is not None), OTHER)


@dataclass
class StageProfile:
    """Seconds per stage and per (stage, function), whatever the profiler."""

    source: str  # "py-spy" or "cProfile"
    seconds: Counter[str] = field(default_factory=Counter)
    functions: Counter[tuple[str, str]] = field(default_factory=Counter)
    waiting: float = 0.0  # py-spy samples of blocked threads, left out of the stages
    # py-spy only: the part of each stage done by the main thread of the main
    # process, which stores every source one after the other; when it is busy
    # all along, it and not the worker processes sets the cycle's wall time
    main_thread: Counter[str] | None = None

    @property
    def unit(self) -> str:
        if self.source == "py-spy":  # running or runnable: a loaded machine inflates it
            return "busy seconds: samples of running or runnable threads"
        return "CPU seconds: per-thread CPU time"

    @property
    def scope(self) -> str:
        if self.source == "py-spy":
            return "every process and thread of the run"
        return "one process, parser pool off, so parsing runs in the fetch threads"

    @property
    def total(self) -> float:
        return sum(self.seconds.values())

    def table(self) -> str:
        """Markdown: the stage table, then the functions with the most self time."""
        total = self.total or 1.0
        main = self.main_thread

        def in_main(stage: str | None) -> str:
            if main is None:
                return "–"
            return f"{main[stage]:.2f}" if stage else f"**{sum(main.values()):.2f}**"

        lines = [
            f"where the time goes per stage ({self.source}; {self.unit}; {self.scope})",
            "",
            "| stage | seconds | share | of which in the main thread, s |",
            "|---|---:|---:|---:|",
        ]
        for stage in sorted(STAGES, key=lambda s: -self.seconds[s]):
            secs = self.seconds[stage]
            share = 100 * secs / total
            lines.append(f"| {stage} | {secs:.2f} | {share:.1f} % | {in_main(stage)} |")
        lines.append(f"| **total** | **{self.total:.2f}** | 100 % | {in_main(None)} |")
        if self.waiting:
            lines.append(
                f"\n(left out: {self.waiting:.2f} s of samples of threads blocked on a lock,"
                " queue, pipe or socket, which py-spy's idle detection let through)"
            )
        lines += ["", "| function (self time) | stage | seconds | share |", "|---|---|---:|---:|"]
        for (stage, function), secs in self.functions.most_common(15):
            share = 100 * secs / total
            lines.append(f"| `{function}` | {stage} | {secs:.2f} | {share:.1f} % |")
        return "\n".join(lines)

    def as_json(self) -> dict[str, Any]:
        return {
            "profiler": self.source,
            "unit": self.unit,
            "scope": self.scope,
            "total_s": round(self.total, 3),
            "waiting_left_out_s": round(self.waiting, 3),
            "stages_s": {s: round(self.seconds[s], 3) for s in STAGES},
            "main_thread_s": (
                {s: round(self.main_thread[s], 3) for s in STAGES} if self.main_thread else None
            ),
            "top_functions": [
                {"function": fn, "stage": st, "seconds": round(secs, 3)}
                for (st, fn), secs in self.functions.most_common(30)
            ],
        }


def short_file(file: str) -> str:
    rel = project_path(file)
    if rel:
        return rel
    parts = Path(file).parts
    if "site-packages" in parts:
        return "/".join(parts[parts.index("site-packages") + 1 :])
    return Path(file).name if file.startswith("/") else file


def from_speedscope(path: Path) -> StageProfile:
    """Read py-spy's speedscope output (weights are seconds per sample)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    frames = data["shared"]["frames"]
    result = StageProfile("py-spy", main_thread=Counter())
    assert result.main_thread is not None
    # "Process 123 Thread 123 ...": the main thread of the first (root) process
    ids = [re.match(r"Process (\d+) Thread (\d+)", p.get("name", "")) for p in data["profiles"]]
    mains = [int(m[1]) for m in ids if m and m[1] == m[2]]
    root = min(mains, default=None)
    for profile, found in zip(data["profiles"], ids, strict=True):
        if profile.get("type") != "sampled":
            continue
        is_main = bool(found) and found[1] == found[2] and int(found[1]) == root
        for stack, weight in zip(profile["samples"], profile["weights"], strict=True):
            # py-spy --subprocesses puts a "process N: command" frame at the root
            calls = [(frames[i]["file"], frames[i]["name"]) for i in stack]
            calls = [c for c in calls if not c[1].startswith("process ")]
            if not calls:
                continue
            leaf_file, leaf_name = calls[-1]
            if is_wait(leaf_file, leaf_name):
                result.waiting += weight
                continue
            stage = stack_stage(calls)
            result.seconds[stage] += weight
            if is_main:
                result.main_thread[stage] += weight
            result.functions[(stage, f"{leaf_name} ({short_file(leaf_file)})")] += weight
    return result


Func = tuple[str, int, str]  # pstats' (file, line, function)


def from_pstats(path: Path) -> StageProfile:
    """Read a cProfile dump; library self time goes up the callers to project code."""
    stats: dict[Func, Any] = pstats.Stats(str(path)).stats  # type: ignore[attr-defined]
    memo: dict[Func, dict[str, float]] = {}

    def resolve(func: Func, path: frozenset[Func]) -> dict[str, float]:
        if func in memo:
            return memo[func]
        file, _, name = func
        if is_import(file, name):  # the main script's body is not in a cProfile dump
            return {IMPORTS: 1.0}
        own = frame_stage(file, name)
        rel = project_path(file)
        see_through = own is None or (rel or "").startswith("store/")
        if not see_through:
            assert own is not None
            memo[func] = {own: 1.0}
            return memo[func]
        callers = {c: v for c, v in stats[func][4].items() if c in stats and c not in path}
        weights = {c: v[2] or v[1] for c, v in callers.items()}  # self time via c, else calls
        total = sum(weights.values())
        if total <= 0:
            return {own or OTHER: 1.0}
        mix: dict[str, float] = defaultdict(float)
        for caller, weight in weights.items():
            for stage, part in resolve(caller, path | {func}).items():
                mix[stage] += part * weight / total
        if rel and rel.startswith("store/"):  # the store, unless publishing reads it
            mix = {PUBLISH: mix.get(PUBLISH, 0.0), STORE: 1.0 - mix.get(PUBLISH, 0.0)}
        memo[func] = dict(mix)  # a cycle cut short here is a small error, not a hang
        return memo[func]

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20_000))
    result = StageProfile("cProfile")
    for func, (_cc, _nc, tottime, _ct, _callers) in stats.items():
        if tottime <= 0:
            continue
        mix = resolve(func, frozenset())
        file, _, name = func
        label = f"{name} ({short_file(file)})" if file != "~" else name
        for stage, part in mix.items():
            result.seconds[stage] += tottime * part
        result.functions[(max(mix, key=mix.__getitem__), label)] += tottime
    return result


def cprofile_child(out: Path, feeds_args: list[str]) -> int:
    """Run `feeds` in this process under cProfile, fetch threads included.

    The parser pool is switched off so that parsing runs in the fetch threads,
    where a profiler can see it; each thread's profiler counts its own CPU
    time, so threads waiting for sockets or the GIL add nothing.
    """
    import cProfile

    profiles: list[cProfile.Profile] = []
    lock = threading.Lock()
    main = cProfile.Profile(time.thread_time)
    main.enable()
    from feeds import cli, cycle

    cycle.POOL_THRESHOLD = sys.maxsize
    original: Callable[..., Any] = cycle.fetch_and_prepare

    def profiled(*args: Any, **kwargs: Any) -> Any:
        profile = cProfile.Profile(time.thread_time)
        try:
            return profile.runcall(original, *args, **kwargs)
        finally:
            with lock:
                profiles.append(profile)

    cycle.fetch_and_prepare = profiled  # type: ignore[assignment]
    try:
        code = cli.main(feeds_args)
    finally:
        main.disable()
        stats = pstats.Stats(main)
        for profile in profiles:
            stats.add(profile)
        stats.dump_stats(str(out))
    return code


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    speedscope = sub.add_parser("speedscope", help="summarise py-spy speedscope output")
    speedscope.add_argument("file", type=Path)
    stats = sub.add_parser("pstats", help="summarise a cProfile dump")
    stats.add_argument("file", type=Path)
    child = sub.add_parser("cprofile-child", help="run feeds under cProfile")
    child.add_argument("out", type=Path)
    child.add_argument("feeds_args", nargs=argparse.REMAINDER)
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.what == "cprofile-child":
        feeds_args = args.feeds_args[1:] if args.feeds_args[:1] == ["--"] else args.feeds_args
        raise SystemExit(cprofile_child(args.out, feeds_args))
    reader = from_speedscope if args.what == "speedscope" else from_pstats
    print(reader(args.file).table())


if __name__ == "__main__":
    main()
