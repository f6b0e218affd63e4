"""Benchmark full `feeds run` cycles against lemon24's `reader`, on the same corpus.

The question is whether `feeds` is slow, and "slow" needs a yardstick: a
mature, single-purpose feed reader doing the same job (fetch, parse, store)
over the same 1,000 feeds x 50 entries, served by the same local server.
Both programs run as subprocesses and are measured the same way, whole
process from start to exit (interpreter start and imports included), and
they take turns (feeds, reader, feeds, reader, ...) so that a change in
machine load hits both alike.

Builds the corpus (corpus.py; cached in benchmarks/.corpus), serves it from
this process on 127.0.0.1 (server.py), and per repetition (--repeat, default
3), each with a fresh `feeds` store and fresh reader databases:

    first      empty store: every feed answers 200
               feeds: ``feeds --config CONFIG run``
               reader: reader_run.py, add_feed() x N then update_feeds(workers=W),
                       once for each W of --workers (1 and 8)
    unchanged  the same again: every feed answers 304; `feeds` must rewrite no
               published file (checked on the mtimes under the publish dir)
    changed    (--changed) after server.touch() gave 10 % of the feeds 3 new entries

It reports per program and cycle the median wall time and the peak RSS of the
process tree (psutil: the process and all its children, every 50 ms; never
below the main process's own high-water mark, VmHWM), the responses the
server gave, a markdown table of medians and ratios, and saves everything to
benchmarks/results/cycle-<date>.json.

``--profile`` instead runs one first cycle of `feeds` under py-spy (or
cProfile) and prints where the time goes per pipeline stage (stages.py).

    .venv/bin/python benchmarks/cycle.py [--repeat 3] [--changed]
    .venv/bin/python benchmarks/cycle.py --profile
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import platform
import re
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
from typing import IO, Any, NoReturn

import corpus
import stages
from server import CorpusServer, start_server

try:
    import psutil
except ImportError:  # then only the main process's high-water mark is reported
    psutil = None

HERE = Path(__file__).resolve().parent
POLL_S = 0.05
TOUCH_FRACTION = 0.1
TOUCH_ENTRIES = 3
PYSPY_RATE = 100  # samples per second
MIB = 1024 * 1024
# Whatever either program might try to reach beyond 127.0.0.1 goes to a closed
# local port and fails at once: nothing leaves the machine.
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
SUMMARY_LINE = re.compile(
    r"(?P<sources>\d+) sources, (?P<failed>\d+) failed; (?P<new>\d+) new stories,"
    r" (?P<updated>\d+) updated, (?P<duplicate>\d+) copies of known stories;"
    r" (?P<cycle_s>[\d.]+)s"
)
PUBLISHED_LINE = re.compile(r"published (?P<written>\d+) files \((?P<unchanged>\d+) unchanged\)")


@dataclass(slots=True)
class Run:
    program: str  # "feeds" or "reader-w<workers>"
    cycle: str
    repetition: int
    wall_s: float  # whole process, start to exit
    cpu_s: float  # user + system of the whole tree: max of the two below
    cpu_s_sampled: float  # psutil: each process's own CPU, last seen every 50 ms
    cpu_s_wait4: float  # wait4(): the main process and the children it reaped
    peak_rss_mib: float  # max of the two below
    sampled_tree_rss_mib: float  # psutil: process + descendants, every 50 ms
    main_hwm_mib: float  # /proc VmHWM: high-water mark of the main process
    store_mib: float  # feeds: data/; reader: its database files
    responses: dict[str, int]  # per HTTP status, plus body "bytes"
    inner: dict[str, Any]  # feeds: its summary line; reader: reader_run.py's JSON
    published: dict[str, Any] | None = None  # feeds: what changed under public/
    code: str | None = None  # feeds: code_fingerprint() just before the run


@dataclass(slots=True)
class Exit:
    wall_s: float
    code: int
    sampled_rss: int
    main_hwm: int
    sampled_cpu: float
    rusage_cpu: float


class TreeSampler(threading.Thread):
    """Samples the summed RSS and the CPU time of a process and its descendants.

    Summed RSS counts pages shared after fork() once per process, so a tree
    of forked workers reads higher than the memory it really holds; it is the
    figure an operator's `ps` or a container limit sees, though.  CPU time is
    kept per process id (its last reading), because wait4() misses the CPU of
    grandchildren whose parent exits after the main process, as a
    multiprocessing forkserver and its workers may; the sampling in turn
    misses each process's last 50 ms, so the harness takes the larger.

    The main process's own peak comes from its VmHWM, which the kernel keeps
    for it; not from wait4()'s ru_maxrss, which on Linux carries over the
    high-water mark of the process that forked it, i.e. of this harness with
    the whole corpus in memory (175 MB), and so reads that much for a program
    that never used it.
    """

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.main_hwm = 0
        self.cpu: dict[int, float] = {}
        self._done = threading.Event()

    def run(self) -> None:
        root = None
        if psutil is not None:
            try:
                root = psutil.Process(self.pid)
            except psutil.Error:
                return
        while not self._done.is_set():
            self.main_hwm = max(self.main_hwm, vm_hwm(self.pid))
            if root is not None:
                try:
                    procs = [root, *root.children(recursive=True)]
                except psutil.Error:
                    return
                self.peak = max(self.peak, sum(map(rss, procs)))
                for proc in procs:
                    self.cpu[proc.pid] = max(self.cpu.get(proc.pid, 0.0), own_cpu(proc))
            self._done.wait(POLL_S)

    def stop(self) -> tuple[int, int, float]:
        """Peak summed RSS and main VmHWM in bytes, CPU seconds of every process seen."""
        self._done.set()
        self.join()
        return self.peak, self.main_hwm, sum(self.cpu.values())


def vm_hwm(pid: int) -> int:
    """The peak RSS the kernel recorded for ``pid`` since its exec (Linux), in bytes."""
    try:
        with open(f"/proc/{pid}/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def rss(proc: Any) -> int:
    try:
        return int(proc.memory_info().rss)
    except psutil.Error:  # gone meanwhile
        return 0


def own_cpu(proc: Any) -> float:
    try:
        times = proc.cpu_times()
    except psutil.Error:
        return 0.0
    return float(times.user + times.system)


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


def check_reader() -> str:
    """The installed reader version, or exit saying how to install it."""
    missing = [m for m in ("reader", "sgmllib") if importlib.util.find_spec(m) is None]
    if missing:
        sys.exit(
            f"error: {', '.join(missing)} not importable by {sys.executable}.\n"
            "Install the benchmark-only dependencies: "
            ".venv/bin/pip install -r benchmarks/requirements.txt (or pass --no-reader)"
        )
    return importlib.metadata.version("reader")


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


def write_config(
    workdir: Path, manifest: dict[str, Any], base_url: str, per_host: int | None
) -> Path:
    """A config.toml in ``workdir`` with one source per corpus feed."""

    def q(value: str) -> str:  # a JSON string is a valid TOML basic string
        return json.dumps(value, ensure_ascii=False)

    parts = [CONFIG_HEAD]
    if per_host is not None:
        parts.append(f"[fetch]\nper_host = {per_host}\n")
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
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def write_urls(path: Path, manifest: dict[str, Any], base_url: str) -> Path:
    """The feed URLs, one a line, in the config's order, for reader_run.py."""
    urls = [f"{base_url}/{f['path']}" for f in manifest["feeds"]]
    path.write_text("\n".join(urls) + "\n", encoding="utf-8")
    return path


def run_process(
    command: list[str], cwd: Path, stdout: IO[bytes], stderr: IO[bytes], timeout: float
) -> Exit:
    """Run one program to its end; wall time from spawn to exit, peak RSS of its tree."""
    env = {**os.environ, **NO_EGRESS}
    started = time.perf_counter()
    proc = subprocess.Popen(
        command, cwd=cwd, stdout=stdout, stderr=stderr, env=env, start_new_session=True
    )
    sampler = TreeSampler(proc.pid)
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
    peak, main_hwm, cpu = sampler.stop()
    return Exit(wall, proc.returncode, peak, main_hwm, cpu, usage.ru_utime + usage.ru_stime)


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def snapshot(root: Path) -> dict[str, tuple[int, int, int]]:
    """mtime, inode and size of every file under ``root``: a rewrite changes one of them."""
    found = {}
    for path in root.rglob("*"):
        if path.is_file():
            st = path.stat()
            found[path.relative_to(root).as_posix()] = (st.st_mtime_ns, st.st_ino, st.st_size)
    return found


def compare(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    rewritten = sorted(k for k in before.keys() & after.keys() if before[k] != after[k])
    return {
        "files": len(after),
        "rewritten": len(rewritten),
        "added": len(after.keys() - before.keys()),
        "removed": len(before.keys() - after.keys()),
        "examples": rewritten[:5],
    }


class RunFailed(Exception):
    """A measured program failed: the runs so far are still saved, marked as partial."""


def fail(what: str, done: Exit, log: Path) -> NoReturn:
    tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
    why = "timed out" if done.code == -signal.SIGKILL else f"exited with {done.code}"
    raise RunFailed(f"{what} {why}; log {log}:\n{tail}")


def code_fingerprint() -> str:
    """A hash of the project's Python sources (feeds/, store/) as they are now.

    The work tree may be edited while a benchmark runs (an hour and more); a
    run whose code differs from the others' measures something else, and a
    worker process that imports a half-edited tree fails.  Each run records
    this, and a note says when it changed.
    """
    digest = hashlib.sha1()
    for path in sorted(p for d in ("feeds", "store") for p in (HERE.parent / d).rglob("*.py")):
        digest.update(path.relative_to(HERE.parent).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def measure_feeds(
    server: CorpusServer, feeds: str, config: Path, cycle: str, rep: int, timeout: float
) -> Run:
    workdir = config.parent
    code = code_fingerprint()
    before = snapshot(workdir / "public")
    server.take_stats()
    out, log = workdir / f"{cycle}.out", workdir / f"{cycle}.log"
    with out.open("wb") as stdout, log.open("wb") as stderr:
        command = [feeds, "--config", str(config), "run"]
        done = run_process(command, workdir, stdout, stderr, timeout)
    responses = server.take_stats()
    if done.code != 0:
        fail(f"`feeds run` ({cycle})", done, log)
    text = out.read_text(errors="replace")
    inner: dict[str, Any] = {}
    for pattern in (SUMMARY_LINE, PUBLISHED_LINE):
        if found := pattern.search(text):
            inner |= {k: float(v) if "." in v else int(v) for k, v in found.groupdict().items()}
    run = make_run(
        "feeds", cycle, rep, done, workdir / "data", responses, inner,
        published=compare(before, snapshot(workdir / "public")),
    )  # fmt: skip
    run.code = code
    return run


def measure_reader(
    server: CorpusServer,
    db: Path,
    urls: Path,
    workers: int,
    cycle: str,
    rep: int,
    timeout: float,
) -> Run:
    workdir = db.parent
    workdir.mkdir(parents=True, exist_ok=True)
    program = f"reader-w{workers}"
    phase = "first" if cycle == "first" else "again"
    server.take_stats()
    out, log = workdir / f"{cycle}.json", workdir / f"{cycle}.log"
    command = [
        sys.executable, str(HERE / "reader_run.py"), str(db), str(urls),
        "--workers", str(workers), "--phase", phase,
    ]  # fmt: skip
    with out.open("wb") as stdout, log.open("wb") as stderr:
        done = run_process(command, workdir, stdout, stderr, timeout)
    responses = server.take_stats()
    if done.code != 0:
        fail(f"reader_run.py ({program}, {cycle})", done, log)
    lines = out.read_text(errors="replace").strip().splitlines()
    inner = json.loads(lines[-1]) if lines else {}
    return make_run(program, cycle, rep, done, workdir, responses, inner)


def make_run(
    program: str,
    cycle: str,
    rep: int,
    done: Exit,
    store: Path,
    responses: dict[str, int],
    inner: dict[str, Any],
    published: dict[str, Any] | None = None,
) -> Run:
    return Run(
        program=program,
        cycle=cycle,
        repetition=rep,
        wall_s=round(done.wall_s, 3),
        cpu_s=round(max(done.sampled_cpu, done.rusage_cpu), 3),
        cpu_s_sampled=round(done.sampled_cpu, 3),
        cpu_s_wait4=round(done.rusage_cpu, 3),
        peak_rss_mib=round(max(done.sampled_rss, done.main_hwm) / MIB, 1),
        sampled_tree_rss_mib=round(done.sampled_rss / MIB, 1),
        main_hwm_mib=round(done.main_hwm / MIB, 1),
        store_mib=round(dir_size(store) / MIB, 1),
        responses=responses,
        inner=inner,
        published=published,
    )


def describe(responses: dict[str, int]) -> str:
    codes = sorted(k for k in responses if k.isdigit())
    return " ".join(f"{k}x{responses[k]}" for k in codes) or "no requests"


def report_line(run: Run, repeat: int) -> str:
    extra = ""
    if run.program == "feeds":
        if "cycle_s" in run.inner:
            extra += f"  in-process {run.inner['cycle_s']:.1f} s"
        if run.published:
            p = run.published
            extra += f"  public/: {p['rewritten']} rewritten, {p['added']} added"
    elif "update_s" in run.inner:
        extra += f"  update_feeds {run.inner['update_s']:.1f} s"
    return (
        f"[{run.repetition}/{repeat}] {run.program:<10} {run.cycle:<9} {run.wall_s:8.2f} s"
        f"  CPU {run.cpu_s:7.2f} s"
        f"  peak RSS {run.peak_rss_mib:7.1f} MiB  store {run.store_mib:6.1f} MiB"
        f"  {describe(run.responses)}{extra}"
    )


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def summarize(runs: list[Run]) -> dict[str, dict[str, dict[str, Any]]]:
    """Per program and cycle: medians (and ranges) over the repetitions."""
    summary: dict[str, dict[str, dict[str, Any]]] = {}
    for program in dict.fromkeys(r.program for r in runs):
        summary[program] = {}
        mine = [r for r in runs if r.program == program]
        firsts = {r.repetition: r.wall_s for r in mine if r.cycle == "first"}
        for cycle in dict.fromkeys(r.cycle for r in mine):
            these = [r for r in mine if r.cycle == cycle]
            walls = [r.wall_s for r in these]
            peaks = [r.peak_rss_mib for r in these]
            row: dict[str, Any] = {
                "wall_s_median": round(statistics.median(walls), 3),
                "wall_s_min": min(walls),
                "wall_s_max": max(walls),
                "cpu_s_median": round(statistics.median(r.cpu_s for r in these), 3),
                "peak_rss_mib_median": round(statistics.median(peaks), 1),
                "peak_rss_mib_max": max(peaks),
            }
            inner = "cycle_s" if program == "feeds" else "update_s"
            inside = [r.inner[inner] for r in these if inner in r.inner]
            if inside:
                row[f"{inner}_median"] = round(statistics.median(inside), 3)
            if cycle != "first":
                shares = [
                    r.wall_s / firsts[r.repetition] for r in these if firsts.get(r.repetition)
                ]
                if shares:
                    row["share_of_first_median"] = round(statistics.median(shares), 4)
            summary[program][cycle] = row
    return summary


def reference(summary: dict[str, dict[str, dict[str, Any]]], cycle: str) -> str | None:
    """The faster reader variant in ``cycle``: the yardstick for feeds."""
    readers = [p for p in summary if p.startswith("reader") and cycle in summary[p]]
    return min(readers, key=lambda p: summary[p][cycle]["wall_s_median"], default=None)


def markdown_table(summary: dict[str, dict[str, dict[str, Any]]], cycles: list[str]) -> str:
    """What / feeds median / reader median / ratio (feeds / reader: below 1 is faster)."""

    def workers(program: str) -> str:
        return f"workers={program.removeprefix('reader-w')}"

    def row(what: str, ours: float | None, theirs: float | None, fmt: str) -> str:
        cells = [format(v, fmt) if v is not None else "–" for v in (ours, theirs)]
        ratio = f"{ours / theirs:.2f}" if ours is not None and theirs else "–"
        return f"| {what} | {cells[0]} | {cells[1]} | {ratio} |"

    feeds = summary.get("feeds", {})
    names = {"first": "first cycle", "unchanged": "unchanged cycle (all 304)"}
    names["changed"] = "changed cycle (10 % of feeds)"
    lines = [
        "| what | feeds median | reader median | ratio feeds/reader |",
        "|---|---:|---:|---:|",
    ]

    def add(
        what: str,
        key: str,
        fmt: str,
        sides: tuple[dict[str, Any], dict[str, Any]],
        scale: float = 1,
    ) -> None:
        mine, other = (None if side.get(key) is None else side[key] * scale for side in sides)
        lines.append(row(what, mine, other, fmt))

    for cycle in cycles:
        if not any(cycle in by_cycle for by_cycle in summary.values()):
            continue  # the benchmark stopped before this cycle
        ours = feeds.get(cycle, {})
        if cycle == "first":  # every reader variant: the brief's two settings
            for program in (p for p in summary if p.startswith("reader")):
                what = f"{names[cycle]}, wall s (reader {workers(program)})"
                add(what, "wall_s_median", ".2f", (ours, summary[program].get(cycle, {})))
        ref = reference(summary, cycle)
        theirs = summary[ref][cycle] if ref else {}
        label = f"reader {workers(ref)}" if ref else "no reader run"
        what = f"**{names[cycle]}, wall s** (vs the faster: {label})"
        add(what, "wall_s_median", ".2f", (ours, theirs))
        if cycle != "first":
            what = f"{names[cycle]}, % of own first cycle's wall time ({label})"
            add(what, "share_of_first_median", ".1f", (ours, theirs), scale=100)
        what = f"{names[cycle]}, CPU s, whole tree ({label})"
        add(what, "cpu_s_median", ".2f", (ours, theirs))
        what = f"{names[cycle]}, peak RSS of the process tree, MiB ({label})"
        add(what, "peak_rss_mib_median", ".0f", (ours, theirs))
    return "\n".join(lines)


def checks(runs: list[Run], n_feeds: int) -> list[str]:
    """What went wrong in the runs, worded for the reader of the output."""
    notes = []
    codes = list(dict.fromkeys(r.code for r in runs if r.code))
    if len(codes) > 1:
        notes.append(
            f"the feeds/ and store/ sources changed during the benchmark ({', '.join(codes)}):"
            " the runs did not all measure the same code"
        )
    for run in runs:
        where = f"{run.program} {run.cycle} (repetition {run.repetition})"
        if run.cycle == "unchanged" and run.responses.get("304", 0) != n_feeds:
            notes.append(f"{where}: expected {n_feeds} 304s, got {describe(run.responses)}")
        if run.program == "feeds":
            if run.inner.get("failed"):
                notes.append(f"{where}: {run.inner['failed']} sources failed")
            published = run.published or {}
            changed = sum(published.get(k, 0) for k in ("rewritten", "added", "removed"))
            if run.cycle == "unchanged" and changed:
                notes.append(
                    f"{where}: FAIL: rewrote published files in a cycle where nothing "
                    f"changed: {published}"
                )
        else:
            outcomes = run.inner.get("outcomes", {})
            if outcomes.get("error"):
                first = run.inner.get("first_error")
                notes.append(f"{where}: {outcomes['error']} feeds failed, e.g. {first}")
    return notes


def print_notes(notes: list[str], error: str | None, env: dict[str, Any]) -> None:
    """Print the run's checks (a stopped run's failure first); note the load at the end."""
    if error:
        notes.insert(0, f"FAIL: partial results, the benchmark stopped: {error.splitlines()[0]}")
    for note in notes:
        print(f"note: {note}")
    env["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]


def environment(feeds: str, reader_version: str | None) -> dict[str, Any]:
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
    dirty = output("git", "-C", str(HERE.parent), "status", "--porcelain", "--", "feeds", "store")
    return {
        "feeds_version": output(feeds, "--version"),
        "git_commit": commit,
        "feeds_code_uncommitted_changes": bool(dirty),
        "reader_version": reader_version,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "memory_gib": round(memory, 1) if memory else None,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def save(result: dict[str, Any], results_dir: Path, kind: str = "cycle") -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{kind}-{datetime.now():%Y-%m-%d}"
    path, n = results_dir / f"{stem}.json", 1
    while path.exists():
        n += 1
        path = results_dir / f"{stem}-{n}.json"
    text = json.dumps(result, ensure_ascii=False, indent=2) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def corpus_facts(manifest: dict[str, Any]) -> dict[str, Any]:
    keys = ("seed", "feeds_count", "entries_per_feed", "anchor", "total_bytes")
    return {k: manifest[k] for k in keys}


def compare_programs(args: argparse.Namespace, feeds: str, manifest: dict[str, Any]) -> int:
    """The benchmark proper: feeds and reader in turns, --repeat times."""
    reader_version = None if args.no_reader else check_reader()
    cycles = ["first", "unchanged"] + (["changed"] if args.changed else [])
    workers = [] if args.no_reader else args.workers
    runs: list[Run] = []
    server, base_url = start_server(args.corpus)
    started = datetime.now().astimezone()
    env = environment(feeds, reader_version)
    print(f"corpus served at {base_url}; feeds: {feeds}; reader {reader_version or 'skipped'}")
    error = None
    try:
        for rep in range(1, args.repeat + 1):
            server.reset()
            workdir = Path(tempfile.mkdtemp(prefix="feeds-bench-"))
            config = write_config(workdir / "feeds", manifest, base_url, args.per_host)
            urls = write_urls(workdir / "urls.txt", manifest, base_url)
            # the reader variants swap places every other repetition: neither
            # always runs right after feeds
            order = workers if rep % 2 else workers[::-1]
            for cycle in cycles:
                if cycle == "changed":
                    server.touch(TOUCH_FRACTION, TOUCH_ENTRIES, seed=rep)
                run = measure_feeds(server, feeds, config, cycle, rep, args.timeout)
                runs.append(run)
                print(report_line(run, args.repeat), flush=True)
                for n in order:
                    db = workdir / f"reader-w{n}" / "reader.sqlite"
                    run = measure_reader(server, db, urls, n, cycle, rep, args.timeout)
                    runs.append(run)
                    print(report_line(run, args.repeat), flush=True)
            if args.keep:
                print(f"kept {workdir}")
            else:
                shutil.rmtree(workdir, ignore_errors=True)
    except RunFailed as exc:  # keep what was measured; the folder stays for the logs
        error = str(exc)
        print(f"error: {error}", file=sys.stderr)
    finally:
        server.shutdown()
        server.server_close()
    if not runs:
        return 1

    summary = summarize(runs)
    print("\nprogram    cycle      wall s: median (min-max)    peak RSS MiB: median")
    for program, by_cycle in summary.items():
        for cycle, s in by_cycle.items():
            wall = f"{s['wall_s_median']:.2f} ({s['wall_s_min']:.2f}-{s['wall_s_max']:.2f})"
            print(f"{program:<10} {cycle:<10} {wall:<27} {s['peak_rss_mib_median']:>10.1f}")
    table = markdown_table(summary, cycles)
    print("\n" + table + "\n")
    notes = checks(runs, manifest["feeds_count"])
    print_notes(notes, error, env)
    result = {
        "date": started.isoformat(timespec="seconds"),
        "commands": {
            "feeds": "feeds --config CONFIG run",
            "reader": "python benchmarks/reader_run.py DB URLS --workers W --phase first|again",
        },
        "environment": env,
        "corpus": corpus_facts(manifest),
        "repeat": args.repeat,
        "reader_workers": workers,
        "feeds_per_host": args.per_host,
        "touch": {"fraction": TOUCH_FRACTION, "new_entries": TOUCH_ENTRIES},
        "summary": summary,
        "table": table,
        "notes": notes,
        "error": error,
        "runs": [asdict(r) for r in runs],
    }
    print(f"saved {save(result, args.results)}")
    return 1 if any("FAIL" in note for note in notes) else 0


def profile(args: argparse.Namespace, feeds: str, manifest: dict[str, Any]) -> int:
    """One first cycle of feeds under a profiler, summed up per pipeline stage."""
    pyspy = shutil.which("py-spy", path=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    use_pyspy = args.profiler == "py-spy" or (args.profiler == "auto" and pyspy)
    if use_pyspy and not pyspy:
        sys.exit("error: py-spy is not installed: .venv/bin/pip install py-spy")
    args.results.mkdir(parents=True, exist_ok=True)
    stamp = f"{datetime.now():%Y-%m-%d-%H%M%S}"
    server, base_url = start_server(args.corpus)
    workdir = Path(tempfile.mkdtemp(prefix="feeds-profile-"))
    config = write_config(workdir, manifest, base_url, args.per_host)
    feeds_args = ["--config", str(config), "run"]
    if use_pyspy:
        assert pyspy is not None
        raw = args.results / f"profile-{stamp}.speedscope.json"
        command = [
            pyspy, "record", "--format", "speedscope", "--rate", str(PYSPY_RATE),
            "--subprocesses", "--output", str(raw), "--", feeds, *feeds_args,
        ]  # fmt: skip
    else:
        raw = args.results / f"profile-{stamp}.prof"
        command = [sys.executable, str(HERE / "stages.py"), "cprofile-child", str(raw), "--"]
        command += feeds_args
    print(f"profiling one first cycle ({'py-spy' if use_pyspy else 'cProfile'}) ...")
    log = workdir / "profile.log"
    try:
        with log.open("wb") as out:
            server.take_stats()
            done = run_process(command, workdir, out, out, args.timeout)
            responses = server.take_stats()
    finally:
        server.shutdown()
        server.server_close()
    if done.code != 0 or not raw.exists():
        try:
            fail("the profiled `feeds run`", done, log)
        except RunFailed as exc:
            sys.exit(f"error: {exc}")
    stage_profile = stages.from_speedscope(raw) if use_pyspy else stages.from_pstats(raw)
    table = stage_profile.table()
    print(f"\nwall {done.wall_s:.1f} s under the profiler; {describe(responses)}\n")
    print(table)
    result = {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": "feeds --config CONFIG run (first cycle, fresh store)",
        "environment": environment(feeds, None),
        "corpus": corpus_facts(manifest),
        "wall_s_under_profiler": round(done.wall_s, 3),
        "responses": responses,
        "raw_profile": raw.name,
        **stage_profile.as_json(),
        "table": table,
    }
    print(f"\nsaved {save(result, args.results, 'profile')} (raw profile: {raw})")
    if args.keep:
        print(f"kept {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def workers_list(text: str) -> list[int]:
    values = [int(v) for v in text.split(",") if v.strip()]
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError("a comma-separated list of positive integers")
    return values


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="fresh-store repetitions")
    parser.add_argument("--changed", action="store_true", help="add the changed cycle")
    parser.add_argument(
        "--workers",
        type=workers_list,
        default=[1, 8],
        help="reader's update_feeds(workers=N) settings to measure (default 1,8)",
    )
    parser.add_argument("--no-reader", action="store_true", help="measure feeds only")
    parser.add_argument(
        "--per-host",
        type=int,
        default=16,
        help="feeds' [fetch] per_host (default 16: see the README); 0 keeps feeds' default",
    )
    parser.add_argument(
        "--profile", action="store_true", help="profile one first cycle of feeds instead"
    )
    parser.add_argument("--profiler", choices=("auto", "py-spy", "cprofile"), default="auto")
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--seed", type=int, default=corpus.DEFAULT_SEED)
    parser.add_argument(
        "--corpus",
        type=Path,
        help="corpus folder (default benchmarks/.corpus, or .corpus-FxE for other sizes)",
    )
    parser.add_argument("--regenerate", action="store_true", help="rebuild the corpus")
    parser.add_argument("--feeds-bin", help="the feeds command to run")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per run")
    parser.add_argument("--results", type=Path, default=HERE / "results")
    parser.add_argument("--keep", action="store_true", help="keep the temp folders")
    args = parser.parse_args(argv)
    if args.corpus is None:  # other sizes never overwrite the 1,000-feed corpus
        default = (args.feeds, args.entries) == (1000, 50)
        args.corpus = HERE / (".corpus" if default else f".corpus-{args.feeds}x{args.entries}")
    args.per_host = args.per_host or None

    feeds = find_feeds(args.feeds_bin)
    if psutil is None:
        print("note: psutil is missing; reporting the main process's peak RSS only")
    manifest = ensure_corpus(args)
    if args.profile:
        raise SystemExit(profile(args, feeds, manifest))
    raise SystemExit(compare_programs(args, feeds, manifest))


if __name__ == "__main__":
    main()
