"""The SQLite layer: schema, migrations and queries, on sqlite-utils.

open_store(path) connects, applies pending migrations and returns the Database.
Queries live in one module per domain (sources, articles, stories) and take it
as their first argument. Nothing here imports the `feeds` package.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from .db import connect
from .migrations import migrations

__all__ = ["Database", "StoreUnavailable", "open_store"]


class StoreUnavailable(Exception):
    """The database file cannot be opened or migrated (corrupt, locked, read-only)."""


def open_store(path: Path | str) -> Database:
    try:
        db = connect(path)
        migrations.apply(db)
    except sqlite3.DatabaseError as exc:
        raise StoreUnavailable(f"{path}: {exc}") from exc
    return db
