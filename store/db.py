"""The SQLite connection: pragmas for a long-lived, concurrently read database.

WAL so that `feeds serve` can read while `feeds run` writes; a busy timeout so
two writers wait for each other instead of failing with "database is locked";
foreign keys on; `synchronous=NORMAL`, which in WAL mode loses no committed
transaction on a process crash (only, at worst, the last ones on power loss).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

from sqlite_utils import Database

BUSY_TIMEOUT_MS = 30_000


def connect(path: Path | str) -> Database:
    """Open (creating if needed) the database at `path`, or in memory for ":memory:"."""
    if str(path) == ":memory:":
        db = Database(memory=True)
    else:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        db = Database(conn)
        db.enable_wal()
    db.execute(f"pragma busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("pragma foreign_keys = on")
    db.execute("pragma synchronous = normal")
    return db


@contextmanager
def writing(db: Database) -> Iterator[Database]:
    """A write transaction that takes the write lock when it starts (BEGIN IMMEDIATE).

    A deferred transaction that reads first and writes later fails at once with
    "database is locked" if another process committed in between; an immediate
    one waits for the other writer (up to the busy timeout) instead. Nested
    inside a transaction already open, it is a savepoint.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")


def in_transaction(db: Database) -> AbstractContextManager[object]:
    """writing(), or nothing when a transaction is open already: no savepoint.

    For writes that need no rollback of their own inside a larger transaction:
    what fails there ends the whole transaction. A savepoint is not free: SQLite
    copies every page it changes for the first time into a statement journal,
    which for the band index's catch-up steps was a second write of each page.
    """
    return nullcontext() if db.conn.in_transaction else writing(db)
