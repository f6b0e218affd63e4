"""The SQLite layer: schema, migrations and queries, on sqlite-utils.

open_store(path) connects, applies pending migrations and returns the Database.
Queries live in one module per domain (sources, articles, stories) and take it
as their first argument. Nothing here imports the `feeds` package.

Importing the package itself loads neither sqlite-utils nor the schema: the
parsing worker processes need only `store.records`, and sqlite-utils would add
about 25 MB to each of them.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database
else:

    def __getattr__(name: str) -> object:
        """`store.Database`, loaded on first use."""
        if name == "Database":
            from sqlite_utils import Database

            return Database
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Database", "StoreUnavailable", "open_store"]


class StoreUnavailable(Exception):
    """The database file cannot be opened or migrated (corrupt, locked, read-only)."""


def open_store(path: Path | str) -> Database:
    from .db import connect
    from .migrations import migrations

    try:
        db = connect(path)
        migrations.apply(db)
    except sqlite3.DatabaseError as exc:
        raise StoreUnavailable(f"{path}: {exc}") from exc
    return db
