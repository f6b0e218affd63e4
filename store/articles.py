"""Articles: one row per entry per source, each attached to one story."""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from . import indexes
from .records import ArticleRow, Candidate, NewArticle
from .timestamps import utc_text


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else utc_text(moment)


@lru_cache(maxsize=4096)  # a cycle's articles share a few dozen categories and labels
def _json_names(names: tuple[str, ...]) -> str:
    return json.dumps(list(names), ensure_ascii=False)


def _columns(article: NewArticle) -> dict[str, Any]:
    return {
        "url": article.url,
        "link": article.link,
        "title": article.title,
        "author": article.author,
        "summary": article.summary,
        "content": article.content,
        "text_hash": article.text_hash,
        "content_hash": article.content_hash,
        "published": _iso(article.published),
        "updated": _iso(article.updated),
        "categories": _json_names(tuple(article.categories)),
        "labels": _json_names(tuple(article.labels)),
        "image_url": article.image_url,
        "image_type": article.image_type,
        "image_length": article.image_length,
        "language": article.language,
        "title_key": article.title_key,
        "shingles": article.shingles,
        "keys": indexes.pack(article.keys),
        "entry_hash": article.entry_hash or None,
    }


def find(db: Database, article_id: str) -> dict[str, Any] | None:
    rows = db.query(
        "select id, content_hash, entry_hash, story_id, published from articles where id = :id",
        {"id": article_id},
    )
    return next(rows, None)


def set_entry_hash(db: Database, article_id: str, entry_hash: str) -> None:
    """An unchanged article stored before entry hashes, or by another normaliser version."""
    db.conn.execute(
        "update articles set entry_hash = ? where id = ?", [entry_hash or None, article_id]
    )


# Entry hashes read per source: a feed's entries are among its newest stored articles.
ENTRY_HASHES = 1000


def entry_hashes(conn: sqlite3.Connection, source: str) -> frozenset[str]:
    """The entry hashes of a source's newest stored articles."""
    rows = conn.execute(
        """select entry_hash from articles where source = ? and entry_hash is not null
           order by published desc limit ?""",
        [source, ENTRY_HASHES],
    )
    return frozenset(entry for (entry,) in rows)


class StoredEntries:
    """entry_hashes() for the fetching threads, each on a read-only connection of its own.

    The storing thread's connection is inside its transaction; in WAL mode other
    connections read what was committed, which is all a source's stored entries
    (it is fetched once a cycle). Any failure to read means parsing every entry.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def __call__(self, source: str) -> frozenset[str]:
        try:
            conn = self._connection()
            return entry_hashes(conn, source) if conn else frozenset()
        except sqlite3.Error:
            return frozenset()

    def _connection(self) -> sqlite3.Connection | None:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None and self.path is not None and self.path.is_file():
            uri = f"{self.path.resolve().as_uri()}?mode=ro"
            conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            self._local.conn = conn
            with self._lock:
                self._opened.append(conn)
        return conn

    def close(self) -> None:
        with self._lock:
            for conn in self._opened:
                conn.close()
            self._opened.clear()


def story_with_url(db: Database, url: str) -> str | None:
    row = next(db.query("select story_id from articles where url = :u limit 1", {"u": url}), None)
    return row["story_id"] if row else None


def story_with_text(db: Database, text_hash: str, *, since: str, until: str) -> str | None:
    row = next(
        db.query(
            """select story_id from articles where text_hash = :h
               and published between :since and :until limit 1""",
            {"h": text_hash, "since": since, "until": until},
        ),
        None,
    )
    return row["story_id"] if row else None


# An article's plain text is stored by earlier versions only; the others leave `text`
# empty, and BODY is the HTML it is derived from (feeds.text.stored_text), else ''.
BODY = "case when text = '' then coalesce(nullif(content, ''), summary, '') else '' end"
CANDIDATE_COLUMNS = (
    f"id, story_id, source, title, title_key, text, published, shingles, {BODY} as body"
)


def _json_list(values: list[Any]) -> str:
    """A list as one JSON parameter, read with json_each(): no limit on its length."""
    return json.dumps(values, ensure_ascii=False)


def find_many(db: Database, ids: list[str]) -> dict[str, dict[str, Any]]:
    """find() of many ids in one query: id -> row, for the ids stored."""
    rows = db.conn.execute(
        """select id, content_hash, entry_hash, story_id, published from articles
           where id in (select value from json_each(?))""",
        [_json_list(ids)],
    )
    return {row["id"]: row for row in _dicts(rows)}


def stories_with_urls(db: Database, urls: list[str]) -> dict[str, str]:
    """story_with_url() of many URLs in one query: url -> a story carrying it."""
    rows = db.conn.execute(
        "select url, story_id from articles where url in (select value from json_each(?))",
        [_json_list(urls)],
    )
    return dict(rows.fetchall())


def stories_with_texts(db: Database, hashes: list[str]) -> dict[str, list[tuple[str, str]]]:
    """For story_with_text() of many text hashes: hash -> [(published, story id)]."""
    found: dict[str, list[tuple[str, str]]] = {}
    rows = db.conn.execute(
        """select text_hash, published, story_id from articles
           where text_hash in (select value from json_each(?))""",
        [_json_list(hashes)],
    )
    for text_hash, published, story_id in rows:
        found.setdefault(text_hash, []).append((published, story_id))
    return found


def band_neighbours(
    db: Database, keys: list[int], weeks: list[int], *, through: int | None = None
) -> dict[int, list[tuple[int, str]]]:
    """Indexed articles filed under any of `keys` in `weeks` (with a rowid up to `through`,
    if given): key -> [(rowid, published)]."""
    found: dict[int, list[tuple[int, str]]] = {}
    rows = db.conn.execute(
        """select b.key, b.article, a.published from article_bands b
           join articles a on a.rowid = b.article
           where b.week in (select value from json_each(?))
             and b.key in (select value from json_each(?))
             and b.article <= ?""",
        [_json_list(weeks), _json_list(keys), (1 << 63) - 1 if through is None else through],
    )
    for key, rowid, published in rows:
        found.setdefault(key, []).append((rowid, published))
    return found


def title_neighbours(
    db: Database, title_keys: list[str], *, since: str, until: str
) -> dict[str, list[tuple[int, str]]]:
    """Articles with any of `title_keys` published in [since, until]:
    title key -> [(rowid, published)]."""
    found: dict[str, list[tuple[int, str]]] = {}
    rows = db.conn.execute(
        """select title_key, rowid, published from articles
           where title_key in (select value from json_each(?)) and published between ? and ?""",
        [_json_list(title_keys), since, until],
    )
    for title_key, rowid, published in rows:
        found.setdefault(title_key, []).append((rowid, published))
    return found


def rowids_with_title(
    db: Database, title_key: str, *, since: str, until: str, limit: int
) -> list[int]:
    """Articles with this title key published in [since, until], earliest first."""
    rows = db.conn.execute(
        """select rowid from articles where title_key = ? and published between ? and ?
           order by published, rowid limit ?""",
        [title_key, since, until, limit],
    )
    return [rowid for (rowid,) in rows]


def candidates_by_rowid(db: Database, rowids: list[int]) -> dict[int, Candidate]:
    """The candidate columns of the given articles, in one query: rowid -> Candidate."""
    rows = db.conn.execute(
        f"""select rowid, {CANDIDATE_COLUMNS} from articles
            where rowid in (select value from json_each(?))""",
        [_json_list(rowids)],
    )
    return {row["rowid"]: Candidate.from_row(row) for row in _dicts(rows)}


_INSERT = """
    insert into articles (
        id, source, guid, url, link, title, author, summary, content, text, text_hash,
        content_hash, published, updated, first_seen, last_seen, categories, labels,
        image_url, image_type, image_length, language, title_key, shingles, keys, entry_hash,
        story_id, match
    ) values (
        :id, :source, :guid, :url, :link, :title, :author, :summary, :content, '', :text_hash,
        :content_hash, :published, :updated, :first_seen, :last_seen, :categories, :labels,
        :image_url, :image_type, :image_length, :language, :title_key, :shingles, :keys,
        :entry_hash, :story_id, :match
    )
"""
_UPDATE = """
    update articles set url = :url, link = :link, title = :title, author = :author,
        summary = :summary, content = :content, text = '', text_hash = :text_hash,
        content_hash = :content_hash, published = :published, updated = :updated,
        categories = :categories, labels = :labels, image_url = :image_url,
        image_type = :image_type, image_length = :image_length, language = :language,
        title_key = :title_key, shingles = :shingles, keys = :keys, entry_hash = :entry_hash,
        last_seen = :last_seen
    where id = :id
"""


def insert(
    db: Database,
    article_id: str,
    article: NewArticle,
    *,
    story_id: str,
    now: datetime,
    match: dict[str, Any] | None = None,
) -> int:
    """Plain SQL rather than the table API: this runs once per new article, on the hot path.

    Returns the rowid. The LSH band index is caught up later (indexes.py).
    """
    seen = utc_text(now)
    row = _columns(article) | {
        "id": article_id,
        "source": article.source,
        "guid": article.guid,
        "first_seen": seen,
        "last_seen": seen,
        "story_id": story_id,
        "match": json.dumps(match, ensure_ascii=False) if match else None,
    }
    rowid = db.conn.execute(_INSERT, row).lastrowid
    assert rowid is not None
    return rowid


def update(db: Database, article_id: str, article: NewArticle, *, now: datetime) -> None:
    old = next(
        db.query("select rowid, keys, published from articles where id = :id", {"id": article_id})
    )
    db.conn.execute(_UPDATE, _columns(article) | {"id": article_id, "last_seen": utc_text(now)})
    indexes.reindex_article(
        db,
        old["rowid"],
        old=(indexes.unpack(old["keys"]), old["published"]),
        new=(article.keys, article.published),
    )


def candidates(
    db: Database,
    *,
    keys: tuple[int, ...],
    title_key: str,
    published: datetime,
    window: timedelta,
    unindexed: tuple[int, ...] = (),
    limit: int = 40,
) -> list[Candidate]:
    """Stored articles that share an LSH band or the title key, published within `window`
    of `published`; those sharing the most bands first.

    `unindexed` are rowids of articles not yet in article_bands that share a band (the
    caller keeps those in memory until indexes.catch_up()). Band keys are looked up
    only in the weeks the window overlaps, titles by (title_key, published): the cost
    follows the window, not the store.
    """
    since, until = _iso(published - window), _iso(published + window)
    found: dict[str, Candidate] = {}
    if unindexed:
        marks = ", ".join("?" for _ in unindexed)
        rows = db.execute(
            f"""select {CANDIDATE_COLUMNS} from articles
                where rowid in ({marks}) and published between ? and ?""",
            [*unindexed, since, until],
        )
        for row in _dicts(rows):
            found[row["id"]] = Candidate.from_row(row)
    if keys:
        distinct = set(keys)
        marks = ", ".join("?" for _ in distinct)
        at = indexes.epoch(published)
        span = int(window.total_seconds())
        weeks = indexes.weeks(at - span, at + span)
        rows = db.execute(
            f"""select {CANDIDATE_COLUMNS} from articles where rowid in (
                    select b.article from article_bands b join articles a on a.rowid = b.article
                    where b.week in ({", ".join("?" for _ in weeks)}) and b.key in ({marks})
                      and a.published between ? and ?
                    group by b.article order by count(*) desc limit ?)""",
            [*weeks, *distinct, since, until, limit],
        )
        for row in _dicts(rows):
            found[row["id"]] = Candidate.from_row(row)
    if title_key:
        rows = db.execute(
            f"""select {CANDIDATE_COLUMNS} from articles
                where title_key = ? and published between ? and ? limit 20""",
            [title_key, since, until],
        )
        for row in _dicts(rows):
            found.setdefault(row["id"], Candidate.from_row(row))
    return list(found.values())


def _dicts(cursor: Any) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def get(db: Database, article_id: str) -> ArticleRow:
    row = next(db.query("select * from articles where id = :id", {"id": article_id}))
    return ArticleRow.from_row(row)


def count(db: Database) -> int:
    return int(next(db.query("select count(*) as n from articles"))["n"])
