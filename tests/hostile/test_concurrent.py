"""`feeds run` while `feeds serve` runs on the same database: no lock errors, no lost update.

Both are real processes. The service fetches every source each second; the
sources gain entries while it runs; `feeds run` is started again and again
beside it. Then the service is stopped with SIGTERM. Neither may print
"database is locked", every `run` exits 0, the service exits 0, and every
entry ever served is in the store exactly once.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import httpx
import pytest

from store import open_store
from store.db import writing

from ..conftest import wait_until
from .bench import Bench, Corpus, run_process, stored

SOURCES = 20
RUNS = 6


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_run_beside_serve_on_one_database(bench: Bench, tally: Callable[[str, int], None]) -> None:
    corpus = Corpus(bench.server, random.Random(7), sources=SOURCES)
    extra = '\n[schedule]\ninterval = "1s"\npublish_debounce = "1s"\n'
    bench.write([(f"Nguồn {i}", url, "kinh-te") for i, url in enumerate(corpus.urls)], extra=extra)
    port = _free_port()
    log = bench.folder / "serve.log"
    with log.open("w") as err:
        service = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "feeds",
                "--config",
                str(bench.path),
                "serve",
                "--port",
                str(port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=err,
            start_new_session=True,
        )
    try:
        assert wait_until(lambda: _healthy(port), 30), log.read_text(encoding="utf-8")
        outputs = []
        for _ in range(RUNS):
            corpus.grow(3)
            run = run_process(bench.path, "run", deadline=60)
            assert run is not None, "feeds run hung beside feeds serve"
            outputs.append(run.out + run.err)
            assert run.code == 0, run.err
            tally("runs beside serve", 1)
        corpus.grow(3)
        time.sleep(1.5)  # the service's next fetches
    finally:
        service.send_signal(signal.SIGTERM)
        code = service.wait(timeout=15)
    served_log = log.read_text(encoding="utf-8")
    assert code == 0, served_log[-2000:]
    assert "stopped" in served_log
    for text in [served_log, *outputs]:
        assert "database is locked" not in text
        assert "Traceback" not in text, text[-2000:]
    final = run_process(bench.path, "run", deadline=60)
    assert final is not None and final.code == 0
    _, links, split, check = stored(bench.config.store_path)
    assert check == "ok" and not split
    assert links == corpus.served, f"{len(corpus.served - links)} entries lost"
    with closing(sqlite3.connect(bench.config.store_path)) as conn:
        dupes = conn.execute(
            "select source, guid, count(*) from articles group by source, guid having count(*) > 1"
        ).fetchall()
    assert not dupes
    assert os.path.exists(Path(bench.public) / "feeds" / "all.xml")


def test_a_write_after_a_read_waits_for_the_other_writer(tmp_path: Path) -> None:
    """The mechanism in one process, deterministically: two connections to one store.

    A write transaction takes the write lock when it begins (BEGIN IMMEDIATE), so the
    other writer waits for it, instead of the first failing when it gets to its write.
    """
    path = tmp_path / "feeds.db"
    runner, service = open_store(path), open_store(path)
    service.execute("insert into sources (name, url, kind) values ('a', 'http://a/', 'feed')")
    service.conn.commit()
    service.execute("pragma busy_timeout = 50")
    with writing(runner):
        runner.execute("select count(*) from sources").fetchall()  # the transaction reads first
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            service.execute("update sources set failures = 1 where name = 'a'")  # must wait
        runner.execute("update sources set failures = 2 where name = 'a'")  # then it writes
    service.execute("update sources set failures = failures + 1 where name = 'a'")
    service.conn.commit()
    assert next(runner.query("select failures from sources"))["failures"] == 3
