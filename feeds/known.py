"""What the store holds that one source's new articles may match, read in a few queries.

Placing an article asks the store up to six questions (is this entry stored,
is its URL, is its text, which articles share its bands, its title?); asked
one article at a time that is several hundred statements for a feed of fifty
entries, most of the storing thread's time in a first cycle. Known asks each
question once for the whole batch before any of it is placed.

What the batch itself changes is accounted for: an article whose id, URL,
text or title repeats one placed earlier in the same batch asks the store
again (it now holds the earlier one), story ids are followed through merges
made since (`merged`), and candidates are read back fresh, so an article
placed with Known joins exactly the stories it would have joined alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlite_utils import Database

from store import articles, indexes
from store.records import Candidate, NewArticle

from .clock import iso

# At most this many indexed articles sharing bands are compared: those sharing the most.
MAX_BAND_CANDIDATES = 40
# At most this many articles with the same title are compared.
MAX_TITLE_CANDIDATES = 20


class Known:
    """The store's answers for one batch of articles, taken before the batch is placed."""

    def __init__(  # `indexed`: whether the band index holds any key of a week
        self,
        db: Database,
        batch: Sequence[NewArticle],
        ids: Sequence[str],
        *,
        window: timedelta,
        indexed: Callable[[int], bool] = lambda week: True,
        through: int | None = None,  # the band index is asked about rowids up to this one
    ) -> None:
        self.window = window
        self.merged: dict[str, str] = {}  # stories merged away during the batch -> survivor
        self.buffered: dict[int, list[int]] = {}  # BandBuffer.in_runs() of the batch's keys
        self.placed_ids: set[str] = set()
        self.placed_urls: set[str] = set()
        self.placed_texts: set[str] = set()
        self.placed_titles: set[str] = set()
        self.existing = articles.find_many(db, list(ids))
        # Only articles not stored yet are matched against others (place() updates a
        # stored one in place): a feed that comes back with 3 new entries among 50
        # asks about those 3.
        self.unstored = [a for a, aid in zip(batch, ids, strict=True) if aid not in self.existing]
        batch = self.unstored
        self.urls = articles.stories_with_urls(db, sorted({a.url for a in batch}))
        self.texts = articles.stories_with_texts(
            db, sorted({a.text_hash for a in batch if a.text_hash})
        )
        if not batch:
            self.bands: dict[int, list[tuple[int, str]]] = {}
            self.titles: dict[str, list[tuple[int, str]]] = {}
            return
        earliest = min(a.published for a in batch) - window
        latest = max(a.published for a in batch) + window
        weeks = indexes.weeks(indexes.epoch(earliest), indexes.epoch(latest))
        weeks = [week for week in weeks if indexed(week)]
        self.bands = (
            articles.band_neighbours(
                db, sorted({k for a in batch for k in a.keys}), weeks, through=through
            )
            if weeks
            else {}
        )
        self.titles = articles.title_neighbours(
            db,
            sorted({a.title_key for a in batch if a.title_key}),
            since=iso(earliest),
            until=iso(latest),
        )

    def resolve(self, story_id: str) -> str:
        """A story id read before the batch, as it is now."""
        while story_id in self.merged:
            story_id = self.merged[story_id]
        return story_id

    def placed(self, aid: str, article: NewArticle) -> None:
        """`article` is now in the store: later articles repeating its keys ask the store."""
        self.placed_ids.add(aid)
        self.placed_urls.add(article.url)
        if article.text_hash:
            self.placed_texts.add(article.text_hash)
        self.placed_titles.add(article.title_key)

    def stored(self, db: Database, aid: str) -> dict[str, Any] | None:
        """articles.find()."""
        if aid in self.placed_ids:
            return articles.find(db, aid)
        row = self.existing.get(aid)
        if row is not None:
            row = row | {"story_id": self.resolve(row["story_id"])}
        return row

    def story_with_url(self, db: Database, url: str) -> str | None:
        """articles.story_with_url()."""
        if url in self.placed_urls:
            return articles.story_with_url(db, url)
        story = self.urls.get(url)
        return self.resolve(story) if story else None

    def story_with_text(self, db: Database, text_hash: str, published: datetime) -> str | None:
        """articles.story_with_text() within the window of `published`."""
        since, until = iso(published - self.window), iso(published + self.window)
        if text_hash in self.placed_texts:
            return articles.story_with_text(db, text_hash, since=since, until=until)
        for stamp, story in self.texts.get(text_hash, ()):
            if since <= stamp <= until:
                return self.resolve(story)
        return None

    def candidates(
        self, db: Database, article: NewArticle, unindexed: Sequence[int]
    ) -> list[Candidate]:
        """articles.candidates(): those not yet indexed, then sharing bands, then the title."""
        since, until = iso(article.published - self.window), iso(article.published + self.window)
        shared: Counter[int] = Counter()
        for key in set(article.keys) & self.bands.keys():
            for rowid, stamp in self.bands[key]:
                if since <= stamp <= until:
                    shared[rowid] += 1
        banded = sorted(rowid for rowid, _ in shared.most_common(MAX_BAND_CANDIDATES))
        titled = self._same_title(db, article.title_key, since, until)
        wanted = [*sorted(unindexed), *banded, *titled]
        if not wanted:
            return []
        rows = articles.candidates_by_rowid(db, wanted)
        found: dict[str, Candidate] = {}
        for rowid in wanted:
            row = rows.get(rowid)
            if row is not None and since <= row.published <= until:
                found.setdefault(row.id, row)
        return list(found.values())

    def _same_title(self, db: Database, title_key: str, since: str, until: str) -> list[int]:
        if not title_key:
            return []
        if title_key in self.placed_titles:
            return articles.rowids_with_title(
                db, title_key, since=since, until=until, limit=MAX_TITLE_CANDIDATES
            )
        # In the order of the (title_key, published) index, as the query would read it.
        same = self.titles.get(title_key, ())
        within = sorted((stamp, rowid) for rowid, stamp in same if since <= stamp <= until)
        return [rowid for _, rowid in within[:MAX_TITLE_CANDIDATES]]
