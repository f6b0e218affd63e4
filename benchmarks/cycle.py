"""Benchmark full `feeds run` cycles over 1,000 feeds x 50 entries.

Builds the corpus (corpus.py; cached in benchmarks/.corpus), serves it from
this process on 127.0.0.1 (server.py), writes a config.toml with one
[[sources]] per feed into a temporary folder and runs
``feeds --config CONFIG run`` as a subprocess, once per cycle:

    first      empty store: every feed answers 200
    unchanged  same store again: every feed should answer 304
    changed    (--changed) after 10 % of the feeds got 3 new entries each

Each repetition (--repeat, default 3) starts with a fresh store.  For every
cycle it reports the median wall time and peak RSS of the `feeds` process
tree (psutil, sampled every 50 ms; never below the kernel's high-water mark
of the main process) and the responses the server gave, and saves it all to
benchmarks/results/cycle-<date>.json.

    .venv/bin/python benchmarks/cycle.py [--repeat 3] [--changed]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import corpus
from server import CorpusServer, start_server

try:
    import psutil
except ImportError:  # then only the kernel's high-water mark is reported
    psutil = None

HERE = Path(__file__).resolve().parent
POLL_S = 0.05
TOUCH_FRACTION = 0.1
TOUCH_ENTRIES = 3
MIB = 1024 * 1024
# Whatever `feeds` might try to reach beyond 127.0.0.1 goes to a closed local
# port and fails at once: nothing leaves the machine.
CLOSED = "http://127.0.0.1:9"
NO_EGRESS = {
    **dict.fromkeys(("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"), CLOSED),
    **{k.lower(): CLOSED for k in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")},
    "NO_PROXY": "127.0.0.1,localhost",
    "no_proxy": "127.0.0.1,localhost",
}
CONFIG_HEAD = """\
[site]
title = "Benchmark"
base_url = "http://127.0.0.1:8080"
language = "vi"
timezone = "Asia/Ho_Chi_Minh"

[store]
path = "data/feeds.db"

[publish]
dir = "public"
items_per_feed = 50

[schedule]
interval = "15m"
"""


@dataclass(slots=True)
class Run:
    cycle: str
    repetition: int
    wall_s: float
    peak_rss_mib: float  # max of the two below
    sampled_tree_rss_mib: float  # psutil: process + descendants, every 50 ms
    kernel_maxrss_mib: float  # wait4(): high-water mark of the main process
    store_mib: float  # size of data/ after the cycle
    responses: dict[str, int]  # per HTTP status, plus body "bytes"


class PeakRss(threading.Thread):
    """Samples the summed RSS of a process and its descendants."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self._done = threading.Event()

    def run(self) -> None:
        if psutil is None:
            return
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self._done.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                return
            self.peak = max(self.peak, sum(map(rss, procs)))
            self._done.wait(POLL_S)

    def stop(self) -> int:
        self._done.set()
        self.join()
        return self.peak


def rss(proc: Any) -> int:
    try:
        return int(proc.memory_info().rss)
    except psutil.Error:  # gone meanwhile
        return 0


def find_feeds(explicit: str | None) -> str:
    """Path of a working `feeds` command, or exit with an explanation."""
    bin_dir = Path(sys.executable).parent
    default = [str(bin_dir / "feeds"), shutil.which("feeds")]
    candidates = [explicit] if explicit else default
    for candidate in filter(None, candidates):
        if Path(candidate).is_file() and os.access(candidate, os.X_OK):
            check = subprocess.run(
                [candidate, "--version"], capture_output=True, text=True, timeout=120
            )
            if check.returncode == 0:
                return candidate
            sys.exit(f"error: `{candidate} --version` failed:\n{check.stderr.strip()}")
    looked = ", ".join(c for c in candidates if c) or "PATH"
    sys.exit(
        f"error: the `feeds` command was not found (looked at {looked}).\n"
        "Install the project into the virtualenv first: .venv/bin/pip install -e ."
    )


def ensure_corpus(args: argparse.Namespace) -> dict[str, Any]:
    """The manifest of the corpus, generating it unless it is up to date."""
    anchor = corpus.default_anchor()
    wanted = {
        "version": corpus.VERSION,
        "seed": args.seed,
        "feeds_count": args.feeds,
        "entries_per_feed": args.entries,
        "anchor": anchor.isoformat(),
    }
    path = args.corpus / "manifest.json"
    if path.exists() and not args.regenerate:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        if all(manifest.get(k) == v for k, v in wanted.items()):
            return manifest
    print(f"generating the corpus in {args.corpus} ...", flush=True)
    started = time.perf_counter()
    manifest = corpus.generate(
        args.corpus,
        seed=args.seed,
        feeds=args.feeds,
        entries=args.entries,
        anchor=anchor,
    )
    took = time.perf_counter() - started
    print(f"  {manifest['total_bytes'] / 1e6:.1f} MB in {took:.1f} s", flush=True)
    return manifest


def write_config(workdir: Path, manifest: dict[str, Any], base_url: str) -> Path:
    """A config.toml in ``workdir`` with one source per corpus feed."""

    def q(value: str) -> str:  # a JSON string is a valid TOML basic string
        return json.dumps(value, ensure_ascii=False)

    parts = [CONFIG_HEAD]
    for c in manifest["categories"]:
        slug, name = q(c["slug"]), q(c["name"])
        parts.append(f"[[categories]]\nslug = {slug}\nname = {name}\naliases = []\n")
    for f in manifest["feeds"]:
        url = f"{base_url}/{f['path']}"
        parts.append(
            f"[[sources]]\nname = {q(f['name'])}\nurl = {q(url)}\n"
            f'kind = "feed"\ncategory = {q(f["category"])}\n'
        )
    text = "\n".join(parts)
    tomllib.loads(text)  # fail here rather than in `feeds`
    path = workdir / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def run_feeds(
    feeds: str,
    config: Path,
    log: Path,
    timeout: float,
) -> tuple[float, int, int, int]:
    """Run one cycle; returns wall seconds, exit code, sampled and kernel peak RSS."""
    env = {**os.environ, **NO_EGRESS}
    command = [feeds, "--config", str(config), "run"]
    with log.open("ab") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(
            command,
            cwd=config.parent,
            stdout=out,
            stderr=out,
            env=env,
            start_new_session=True,
        )
        sampler = PeakRss(proc.pid)
        sampler.start()
        timer = threading.Timer(timeout, os.killpg, (proc.pid, signal.SIGKILL))
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise
        finally:
            timer.cancel()
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    maxrss = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    return wall, proc.returncode, sampler.stop(), maxrss


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def measure(
    server: CorpusServer, feeds: str, config: Path, cycle: str, rep: int, timeout: float
) -> Run:
    server.take_stats()
    log = config.parent / f"{cycle}.log"
    wall, code, sampled, maxrss = run_feeds(feeds, config, log, timeout)
    responses = server.take_stats()
    if code != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
        why = "timed out" if code == -signal.SIGKILL else f"exited with {code}"
        sys.exit(f"error: `feeds run` ({cycle}) {why}; log {log}:\n{tail}")
    return Run(
        cycle=cycle,
        repetition=rep,
        wall_s=round(wall, 3),
        peak_rss_mib=round(max(sampled, maxrss) / MIB, 1),
        sampled_tree_rss_mib=round(sampled / MIB, 1),
        kernel_maxrss_mib=round(maxrss / MIB, 1),
        store_mib=round(dir_size(config.parent / "data") / MIB, 1),
        responses=responses,
    )


def summarize(runs: list[Run], cycles: list[str]) -> dict[str, dict[str, float]]:
    summary = {}
    for cycle in cycles:
        walls = [r.wall_s for r in runs if r.cycle == cycle]
        rss = [r.peak_rss_mib for r in runs if r.cycle == cycle]
        summary[cycle] = {
            "wall_s_median": round(statistics.median(walls), 3),
            "wall_s_min": min(walls),
            "wall_s_max": max(walls),
            "peak_rss_mib_median": round(statistics.median(rss), 1),
            "peak_rss_mib_max": max(rss),
        }
    return summary


def describe(responses: dict[str, int]) -> str:
    codes = sorted(k for k in responses if k.isdigit())
    return " ".join(f"{k}x{responses[k]}" for k in codes) or "no requests"


def environment(feeds: str) -> dict[str, Any]:
    def output(*command: str) -> str | None:
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=60)
        except OSError:
            return None
        if done.returncode != 0:
            return None
        return done.stdout.strip() or None

    memory = psutil.virtual_memory().total / 2**30 if psutil else None
    commit = output("git", "-C", str(HERE.parent), "rev-parse", "--short", "HEAD")
    return {
        "feeds_version": output(feeds, "--version"),
        "git_commit": commit,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "memory_gib": round(memory, 1) if memory else None,
    }


def save(result: dict[str, Any], results_dir: Path) -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    stem = f"cycle-{datetime.now():%Y-%m-%d}"
    path, n = results_dir / f"{stem}.json", 1
    while path.exists():
        n += 1
        path = results_dir / f"{stem}-{n}.json"
    text = json.dumps(result, ensure_ascii=False, indent=2) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="fresh-store repetitions")
    parser.add_argument("--changed", action="store_true", help="add the changed cycle")
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--seed", type=int, default=corpus.DEFAULT_SEED)
    parser.add_argument("--corpus", type=Path, default=HERE / ".corpus")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the corpus")
    parser.add_argument("--feeds-bin", help="the feeds command to run")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per cycle")
    parser.add_argument("--results", type=Path, default=HERE / "results")
    parser.add_argument("--keep", action="store_true", help="keep the temp folders")
    args = parser.parse_args(argv)

    feeds = find_feeds(args.feeds_bin)
    if psutil is None:
        print("note: psutil is missing; reporting the main process's maxrss only")
    manifest = ensure_corpus(args)
    cycles = ["first", "unchanged"] + (["changed"] if args.changed else [])
    runs: list[Run] = []
    server, base_url = start_server(args.corpus)
    print(f"corpus served at {base_url}; running {feeds}")
    try:
        for rep in range(1, args.repeat + 1):
            server.reset()
            workdir = Path(tempfile.mkdtemp(prefix="feeds-bench-"))
            config = write_config(workdir, manifest, base_url)
            for cycle in cycles:
                if cycle == "changed":
                    server.touch(TOUCH_FRACTION, TOUCH_ENTRIES, seed=rep)
                run = measure(server, feeds, config, cycle, rep, args.timeout)
                runs.append(run)
                print(
                    f"[{rep}/{args.repeat}] {cycle:<9} {run.wall_s:8.2f} s"
                    f"  peak RSS {run.peak_rss_mib:7.1f} MiB"
                    f"  store {run.store_mib:6.1f} MiB  {describe(run.responses)}",
                    flush=True,
                )
            if args.keep:
                print(f"kept {workdir}")
            else:
                shutil.rmtree(workdir, ignore_errors=True)
    finally:
        server.shutdown()
        server.server_close()

    summary = summarize(runs, cycles)
    print("\ncycle      wall s: median (min-max)   peak RSS MiB: median")
    for cycle, s in summary.items():
        wall = f"{s['wall_s_median']:.2f} ({s['wall_s_min']:.2f}-{s['wall_s_max']:.2f})"
        print(f"{cycle:<10} {wall:<26} {s['peak_rss_mib_median']:>20.1f}")
    n_feeds = manifest["feeds_count"]
    for run in runs:
        if run.cycle == "unchanged" and run.responses.get("304", 0) != n_feeds:
            got = describe(run.responses)
            print(f"note: the unchanged cycle of repetition {run.repetition} got {got}")
    result = {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": "feeds --config CONFIG run",
        "environment": environment(feeds),
        "corpus": {
            k: manifest[k]
            for k in (
                "seed",
                "feeds_count",
                "entries_per_feed",
                "anchor",
                "total_bytes",
            )
        },
        "repeat": args.repeat,
        "touch": {"fraction": TOUCH_FRACTION, "new_entries": TOUCH_ENTRIES},
        "cycles": summary,
        "runs": [asdict(r) for r in runs],
    }
    print(f"saved {save(result, args.results)}")


if __name__ == "__main__":
    main()
