"""Sources and their fetch state: validators, failures, due times, the fetch log."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from .db import writing
from .records import SourceState

STATES = """
    select s.*, (select count(*) from articles a where a.source = s.name) as item_count
    from sources s
"""
# The same without counting each source's articles: a cycle does not need the counts,
# and counting reads the whole (source, published) index (129 ms at 1,000,000 articles).
STATES_UNCOUNTED = "select s.*, 0 as item_count from sources s"


def sync(db: Database, configured: list[tuple[str, str, str]]) -> None:
    """Make the table know every configured (name, url, kind); a new URL resets the state.

    Sources no longer configured are left alone: their articles stay published.
    """
    with writing(db):
        for name, url, kind in configured:
            row = next(db.query("select url from sources where name = :n", {"n": name}), None)
            if row is None:
                db.table("sources").insert({"name": name, "url": url, "kind": kind})
            elif row["url"] != url:
                db.execute(
                    """update sources set url = :url, kind = :kind, fetch_url = null, etag = null,
                       last_modified = null, body_hash = null, failures = 0, next_due_at = null,
                       retry_after_until = null, disabled_reason = null where name = :name""",
                    {"url": url, "kind": kind, "name": name},
                )
            else:
                db.execute("update sources set kind = :k where name = :n", {"k": kind, "n": name})


def states(db: Database, *, counted: bool = True) -> dict[str, SourceState]:
    """Every source's state; its item_count is 0 unless `counted`."""
    query = STATES if counted else STATES_UNCOUNTED
    return {row["name"]: SourceState.from_row(row) for row in db.query(query)}


def state(db: Database, name: str) -> SourceState | None:
    rows = list(db.query(STATES + " where s.name = :n", {"n": name}))
    return SourceState.from_row(rows[0]) if rows else None


# What a fetch that worked (200 or 304) resets; validators are kept.
_SUCCESS = {"failures": 0, "last_error": None, "retry_after_until": None}


def record_success(db: Database, name: str, **fields: Any) -> None:
    """After a fetch that worked (200 or 304): failures reset, validators kept."""
    _update(db, name, _SUCCESS | fields)


def record_failure(db: Database, name: str, **fields: Any) -> None:
    _update(db, name, fields)


# Plain SQL rather than the table API on this path, once per source per cycle: the table
# API reads the schema on every call, which was most of an unchanged cycle's time.
_SOURCE_COLUMNS = frozenset(SourceState.__dataclass_fields__) | {"last_status", "title", "kind"}


def _checked(values: dict[str, Any]) -> dict[str, Any]:
    """`values`, once every key is known to be a sources column (keys become SQL)."""
    unknown = set(values) - _SOURCE_COLUMNS
    if unknown:
        raise ValueError(f"not a sources column: {sorted(unknown)}")
    return values


def _update(db: Database, name: str, values: dict[str, Any]) -> None:
    _checked(values)
    assignments = ", ".join(f"{column} = :{column}" for column in values)
    db.conn.execute(
        f"update sources set {assignments} where name = :_name", {**values, "_name": name}
    )


_LOG_COLUMNS = (
    "source",
    "at",
    "status",
    "http_status",
    "ms",
    "new",
    "updated",
    "duplicate",
    "error",
)
_FETCH_LOG = (
    f"insert into fetch_log ({', '.join(_LOG_COLUMNS)})"
    f" values ({', '.join(':' + c for c in _LOG_COLUMNS)})"
)


def log_fetch(db: Database, **row: Any) -> None:
    db.conn.execute(_FETCH_LOG, row)


class FetchRecords:
    """Sources' fetch outcomes (state updates, log rows) held and written together.

    A cycle records every source it fetched; written one source at a time,
    each update and log row is a statement, and each statement lets the
    fetching threads take the interpreter from the storing thread (SQLite
    runs without the GIL): in a cycle where every source answered 304, those
    waits were most of the time. Held here, a whole transaction's records go
    in a few statements, each one step inside SQLite (json_each).
    """

    def __init__(self) -> None:
        self.updates: dict[str, dict[str, Any]] = {}  # source -> columns to set
        self.logs: list[dict[str, Any]] = []

    def success(self, name: str, **fields: Any) -> None:
        """record_success(), held."""
        self.updates[name] = _SUCCESS | fields

    def failure(self, name: str, **fields: Any) -> None:
        """record_failure(), held."""
        self.updates[name] = fields

    def log(self, **row: Any) -> None:
        """log_fetch(), held."""
        self.logs.append(row)

    def write(self, db: Database) -> None:
        """Write what is held (call inside the transaction it belongs to) and forget it."""
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for name, values in self.updates.items():
            groups.setdefault(tuple(sorted(_checked(values))), []).append(values | {"_name": name})
        for columns, rows in groups.items():
            assignments = ", ".join(f"{c} = json_extract(r.value, '$.{c}')" for c in columns)
            db.conn.execute(
                f"""update sources set {assignments} from json_each(?) as r
                    where sources.name = json_extract(r.value, '$._name')""",
                [json.dumps(rows, ensure_ascii=False)],
            )
        if self.logs:
            db.conn.execute(_FETCH_LOG_MANY, [json.dumps(self.logs, ensure_ascii=False)])
        self.updates.clear()
        self.logs.clear()


_FETCH_LOG_MANY = (
    f"insert into fetch_log ({', '.join(_LOG_COLUMNS)}) select "
    + ", ".join(f"json_extract(value, '$.{c}')" for c in _LOG_COLUMNS)
    + " from json_each(?)"
)
