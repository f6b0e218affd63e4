"""Fingerprints of what each published file was last rendered from."""

from __future__ import annotations

from sqlite_utils import Database

from .db import writing


def fingerprints(db: Database) -> dict[str, str]:
    return {row["path"]: row["fingerprint"] for row in db.query("select * from publish_state")}


def save(db: Database, prints: dict[str, str]) -> None:
    with writing(db):
        db.execute("delete from publish_state")
        db.conn.executemany(
            "insert into publish_state (path, fingerprint) values (?, ?)", sorted(prints.items())
        )
