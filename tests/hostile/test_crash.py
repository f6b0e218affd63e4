"""SIGKILL `feeds run` at random moments, 50 times over a growing corpus; lose nothing.

23 sources on the local server (one under cycle.POOL_THRESHOLD, so a run
takes half a second rather than the three a parser pool's start costs), some of
which gain entries before each run. `feeds run` is a real process, killed with
its whole process group at a moment drawn
from a seeded RNG across the duration of one run measured first. The first
and the last runs are `python -m feeds run`; the 50 killed ones are forked by
a zygote process that imported `feeds` once, since importing it takes seconds
that would dwarf the cycle and leave nothing to kill but the import. After
every kill: the database passes `PRAGMA integrity_check`, holds every article
it held before, no URL is in two stories, and every published file parses
(a visible `*.tmp` would be a half-written file a reader could fetch). Then a
last run without a kill completes and stores every entry ever served.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from feeds.cycle import POOL_THRESHOLD

from .bench import Bench, Corpus, start_run, stored, unreadable

SOURCES = POOL_THRESHOLD - 1  # 23: each run takes about half a second
KILLS = 50
SEED = 20240405


ZYGOTE = """
import os, signal, sys
from feeds.cli import main
signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
print("ready", flush=True)
for line in sys.stdin:
    config, log = line.rstrip("\\n").split("\\t")
    pid = os.fork()
    if pid == 0:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        code = main(["--config", config, "run"])
        sys.stdout.flush()
        sys.stderr.flush()
        with open(log + ".part", "w") as done:
            done.write(str(code))
        os.rename(log + ".part", log + ".code")
        os._exit(code)
    print(pid, flush=True)
"""


class Zygote:
    """A Python that imported feeds once and forks a `feeds run` per request."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", ZYGOTE], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline() == "ready\n", "the zygote did not start"

    def run(self, config: Path, log: Path) -> int:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(f"{config}\t{log}\n")
        self.process.stdin.flush()
        return int(self.process.stdout.readline())

    def close(self) -> None:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.close()
        self.process.wait(timeout=10)
        self.process.stdout.close()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_sigkill_at_random_moments_loses_nothing(
    bench: Bench, tally: Callable[[str, int], None]
) -> None:
    rand = random.Random(SEED)
    corpus = Corpus(bench.server, rand, sources=SOURCES)
    bench.write([(f"Nguồn {i}", url, "kinh-te") for i, url in enumerate(corpus.urls)], timeout="5s")
    config, db, public = bench.path, bench.config.store_path, bench.public

    # One uninterrupted run: how long a run takes, and what a good run leaves.
    first = start_run(config)
    _, first_err = first.communicate(timeout=60)
    assert first.returncode == 0, first_err.decode()
    known, _, _, _ = stored(db)
    assert len(known) == 5 * SOURCES

    killed = completed = 0
    hidden_leftovers: set[str] = set()
    zygote = Zygote()
    try:
        # How long a forked run takes, once: kill moments are spread over it.
        corpus.grow()
        started = time.monotonic()
        measured = bench.folder / "measured.log"
        pid = zygote.run(config, measured)
        while not Path(f"{measured}.code").exists() and time.monotonic() - started < 60:
            time.sleep(0.01)
        duration = time.monotonic() - started
        assert Path(f"{measured}.code").read_text() == "0", measured.read_text()
        known = stored(db)[0]
        for attempt in range(KILLS):
            corpus.grow()
            log = bench.folder / f"run-{attempt}.log"
            pid = zygote.run(config, log)
            time.sleep(rand.uniform(0.0, duration))
            if Path(f"{log}.code").exists():
                completed += 1
            else:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pid, signal.SIGKILL)
                killed += 1
            deadline = time.monotonic() + 30
            while alive(pid) and time.monotonic() < deadline:
                time.sleep(0.01)
            said = log.read_text(encoding="utf-8", errors="replace")
            assert "Traceback" not in said, said
            if Path(f"{log}.code").exists():
                assert Path(f"{log}.code").read_text() == "0", said

            ids, urls, split, check = stored(db)
            assert check == "ok", f"attempt {attempt}: integrity_check says {check}"
            assert known <= ids, f"attempt {attempt}: {len(known - ids)} committed articles lost"
            assert not split, f"attempt {attempt}: URLs in two stories: {split[:5]}"
            assert urls <= corpus.served
            problems = unreadable(public)
            assert not problems, f"attempt {attempt}: {problems}"
            hidden_leftovers |= {p.name for p in public.rglob(".*.tmp")}
            known = ids
    finally:
        zygote.close()
    tally("SIGKILLs", killed)
    tally("crash runs that finished first", completed)
    assert killed >= KILLS * 0.8, f"only {killed} of {KILLS} runs were killed mid-way"

    final = start_run(config)
    _, err = final.communicate(timeout=60)
    assert final.returncode == 0, err.decode()
    ids, urls, split, check = stored(db)
    assert check == "ok" and not split and known <= ids
    assert urls == corpus.served, f"{len(corpus.served - urls)} served entries never stored"
    assert not unreadable(public)
    published = json.loads((public / "feeds" / "all.json").read_text(encoding="utf-8"))
    assert len(published["items"]) == 50
    states = bench.states()
    assert all(s.last_error is None for s in states.values())
    print(
        f"crash test: {killed} killed, {completed} finished first, run {duration:.2f}s,"
        f" hidden temporary files left: {len(hidden_leftovers)}"
    )
