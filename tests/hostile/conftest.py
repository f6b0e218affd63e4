"""Fixtures for the hostile tests; tests/conftest.py's (feed_server, now, no_network) apply too.

`tally` counts what each test threw at the program (documents, servers, XML
attacks, payloads, broken configs, kills, ...); the counts are printed at the
end of the run, next to pytest's own pass/fail figures, and are what
benchmarks/hostile/README.md reports.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from ..conftest import FeedServer
from .bench import Bench

COUNTS: Counter[str] = Counter()


@pytest.fixture
def bench(tmp_path: Path, feed_server: FeedServer) -> Bench:
    return Bench(tmp_path, feed_server)


@pytest.fixture
def tally() -> Callable[[str, int], None]:
    def count(kind: str, how_many: int = 1) -> None:
        COUNTS[kind] += how_many

    return count


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not COUNTS:
        return
    terminalreporter.section("hostile inputs")
    for kind, how_many in sorted(COUNTS.items()):
        terminalreporter.write_line(f"{kind:<28} {how_many:>6}")
