"""Articles -> stories: which story does a new article join?

Exact keys first: the same entry of the same source (a changed entry updates
its article, never makes a second story), the same canonical URL, the same
normalised text. Then near duplicates: the article's LSH band keys and title
key find a handful of candidates in the store (never a scan of every story),
and judge() decides for each, on the exact word 3-gram overlap of the two
texts, whether they are one story. A new article that joins two stories merges
them: the one published first keeps its id, the other's id becomes an alias
and never reappears as an item.

judge() and pick_representative() are pure; place() does the store calls.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from itertools import chain
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlite_utils import Database

from store import articles, indexes, stories
from store.records import Candidate, NewArticle

from .band_buffer import BandBuffer
from .clock import from_iso, iso
from .config import DedupSettings
from .known import Known
from .similarity import (
    ShingleCache,
    figures,
    numbers,
    overlap_of,
    shingle_hashes,
    tokens,
    unpack_shingles,
)
from .text import article_text, stored_text

# Below this many shingles a text is too short to vouch for a story on its own.
MIN_SHINGLES = 12
# Not-yet-indexed articles remembered per band: a band that common is boilerplate.
MAX_BUCKET = 16
# At most this many not-yet-indexed articles are compared: those sharing the most bands.
MAX_UNINDEXED = 40
# index_ahead() writes the band keys of this many articles, this many entries a step.
INDEX_AHEAD = 1000
INDEX_STEP = 10_000
# Sides kept between comparisons (about 200 bytes each); past this many, they start over.
MAX_SIDES = 8000
# Titles whose numbers differ ("Giá vàng hôm nay 12/3" / "13/3") need near-identical text
# and the same figures in it.
SAME_TEXT = 0.9


class Placement(StrEnum):
    NEW = "new"  # first article of a new story
    DUPLICATE = "duplicate"  # joined a story another article started
    UPDATED = "updated"  # the same entry came back changed
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Verdict:
    same: bool
    reason: str
    jaccard: float = 0.0
    containment: float = 0.0

    def detail(self, other: str) -> dict[str, Any]:
        return {
            "with": other,
            "reason": self.reason,
            "jaccard": round(self.jaccard, 3),
            "containment": round(self.containment, 3),
        }


def article_id(source: str, guid: str) -> str:
    return hashlib.sha1(f"{source}\n{guid}".encode()).hexdigest()[:32]


def new_story_id(first_article_id: str) -> str:
    """Derived from the first article, so the same history always gives the same ids.

    uuid.uuid5(NAMESPACE_URL, f"feeds:story:{first_article_id}") as text, computed
    directly: 3.3 us a story instead of the uuid module's 8.6.
    """
    digest = bytearray(
        hashlib.sha1(_URL_NAMESPACE + f"feeds:story:{first_article_id}".encode()).digest()[:16]
    )
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # the RFC 4122 variant
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


_URL_NAMESPACE = uuid.NAMESPACE_URL.bytes


class Side:
    """What judge() looks at besides the texts' overlap.

    The figures of a text are needed only when the two texts are not near-identical
    (or their titles differ in a number), so a Side made from a text reads them on
    first use; an article fresh from a worker brings them already read.
    """

    __slots__ = ("_body", "_figures", "_text", "published", "title_key", "title_numbers")

    def __init__(
        self,
        title_key: str,
        published: datetime,
        *,
        text: str = "",
        body: str = "",
        figures: frozenset[str] | None = None,
    ) -> None:
        self.title_key = title_key
        self.published = published
        self.title_numbers = numbers(title_key)
        self._text, self._body = text, body  # as a Candidate has them (stored_text)
        self._figures = figures

    @property
    def figures(self) -> frozenset[str]:
        """The numbers in its text."""
        if self._figures is None:
            self._figures = figures(stored_text(self._text, self._body))
            self._text, self._body = "", ""
        return self._figures

    @classmethod
    def of(cls, article: NewArticle | Candidate) -> Side:
        published = article.published
        if isinstance(published, str):
            published = from_iso(published)
        if isinstance(article, Candidate):
            return cls(article.title_key, published, text=article.text, body=article.body)
        if article.figures is not None:
            return cls(article.title_key, published, figures=frozenset(article.figures))
        return cls(
            article.title_key, published, text=article_text(article.content, article.summary)
        )


def judge(
    new: Side, old: Side, settings: DedupSettings, *, body: tuple[float, float, int]
) -> Verdict:
    """Are two articles one story? `body` is overlap() of their texts."""
    gap = abs(new.published - old.published)
    if gap > settings.window:
        return Verdict(False, f"published {gap.days} days apart (window {settings.window.days}d)")
    jaccard, containment, smaller = body
    if new.title_numbers != old.title_numbers and not (
        jaccard >= SAME_TEXT and _same_figures(new.figures, old.figures)
    ):
        return Verdict(False, "titles differ in a date or number", jaccard, containment)
    if smaller < MIN_SHINGLES:
        if new.title_key == old.title_key and new.title_key and containment >= settings.containment:
            return Verdict(True, "same title, same short text", jaccard, containment)
        return Verdict(False, "too little text to tell", jaccard, containment)
    if jaccard < SAME_TEXT and not _same_figures(new.figures, old.figures):
        return Verdict(False, "the texts give other figures", jaccard, containment)
    if jaccard >= settings.jaccard:
        return Verdict(True, "near-identical text", jaccard, containment)
    if containment >= settings.containment:
        return Verdict(True, "shorter text contained in the longer", jaccard, containment)
    return Verdict(False, "different text", jaccard, containment)


def _same_figures(a: frozenset[str], b: frozenset[str]) -> bool:
    """The figures of the shorter text all appear in the longer: a copy, not the next issue.

    A daily column ("Giá vàng hôm nay 12/3", then 13/3) repeats its template word for
    word; only its figures change.
    """
    smaller, larger = sorted((a, b), key=len)
    return len(smaller - larger) <= len(smaller) // 10


def priority(source: str, settings: DedupSettings) -> int:
    try:
        return settings.source_priority.index(source)
    except ValueError:
        return len(settings.source_priority)


def is_better_representative(
    candidate: NewArticle, current_source: str, current_has_content: bool, settings: DedupSettings
) -> bool:
    """A preferred source wins; then a full version beats a summary; else the first stays."""
    mine, theirs = priority(candidate.source, settings), priority(current_source, settings)
    if mine != theirs:
        return mine < theirs
    return bool(candidate.content) and not current_has_content


class Deduper:
    """Places articles into stories; one per cycle, used by the thread that stores."""

    def __init__(self, settings: DedupSettings) -> None:
        self.settings = settings
        # Band keys of articles stored since the last catch_up(): key -> rowids.
        self.unindexed = BandBuffer(per_key=MAX_BUCKET)
        self.weeks: dict[int, bool] = {}  # week -> the band index holds some of its keys
        # The band index answers for the rowids up to this one, the buffer for the later
        # ones, some of which index_ahead() may have written to the index too.
        self.through: int | None = None
        self._ahead: Iterator[int] | None = None  # index_ahead()'s steps of a chunk
        self._ahead_articles = 0  # articles of the buffer index_ahead() took on
        self.shingles = ShingleCache()
        self.sides: dict[str, Side] = {}

    def catch_up(self, db: Database) -> None:
        """Write the pending band index entries; call after storing a batch."""
        self._ahead = None  # what it wrote is written again, or was
        self._ahead_articles = 0
        indexes.catch_up(db)
        self.unindexed.clear()
        self.weeks.clear()
        self.through = indexes.mark(db, "keys")

    def index_ahead(self, db: Database) -> bool:
        """Write a step of the band index for the buffered articles; returns whether it
        did (False: fewer than a chunk of them wait).

        For the time the storing thread would otherwise wait for the next source:
        writing a first cycle's 3.2 million keys at its end took 13 s in which
        nothing else ran. A chunk of INDEX_AHEAD articles is written in steps of
        INDEX_STEP entries (about 30 ms), so that a source ready meanwhile waits
        little; smaller chunks would each touch as many of the index's pages for
        fewer keys. The articles stay in the buffer until catch_up(), and the index
        is asked about rowids up to `through` only, so none is counted twice;
        whether the index held a week's keys is noted (from the rows the chunk
        reads anyway) before any of these go in.
        """
        if self.through is None:  # not caught up since this Deduper began
            return False
        if self._ahead is None:
            if len(self.unindexed) - self._ahead_articles < INDEX_AHEAD:
                return False
            self._ahead = indexes.catch_up_in_steps(
                db,
                chunk=INDEX_AHEAD,
                entries=INDEX_STEP,
                before=lambda weeks: self._note_weeks(db, weeks),
            )
            self._ahead_articles += INDEX_AHEAD
        if next(self._ahead, None) is None:
            self._ahead = None
        return True

    def _note_weeks(self, db: Database, weeks: set[int]) -> None:
        """Remember whether the band index holds keys of each of `weeks`, before more go in."""
        for week in weeks:
            self._indexed(db, week)

    def _indexed(self, db: Database, week: int) -> bool:
        """Whether the band index holds keys of `week` (remembered until the next
        catch-up): a first cycle's batches need not look keys up in an empty index."""
        if week not in self.weeks:
            self.weeks[week] = indexes.has_week(db, week)
        return self.weeks[week]

    @property
    def pending(self) -> int:
        """Articles stored since the last catch-up."""
        return len(self.unindexed)

    def place_all(
        self, db: Database, batch: Sequence[NewArticle], *, now: datetime
    ) -> Counter[Placement]:
        """place() every article of a batch (one source's), asking the store once for all.

        Places exactly as place() one by one would (see known.py).
        """
        ids = [article_id(a.source, a.guid) for a in batch]
        known = Known(
            db,
            batch,
            ids,
            window=self.settings.window,
            indexed=lambda w: self._indexed(db, w),
            through=self.through,
        )
        self.unindexed.settle()
        self.unindexed.expect(a.keys for a in known.unstored)
        known.buffered = self.unindexed.in_runs(chain.from_iterable(a.keys for a in known.unstored))
        counts: Counter[Placement] = Counter()
        for aid, article in zip(ids, batch, strict=True):
            counts[self.place(db, article, now=now, known=known, aid=aid)] += 1
            known.placed(aid, article)
        return counts

    def place(
        self,
        db: Database,
        article: NewArticle,
        *,
        now: datetime,
        known: Known | None = None,
        aid: str | None = None,
    ) -> Placement:
        """Store one article and attach it to its story. Call inside a transaction."""
        aid = aid or article_id(article.source, article.guid)
        existing = known.stored(db, aid) if known else articles.find(db, aid)
        if existing is not None:
            if existing["content_hash"] == article.content_hash:
                if existing["entry_hash"] != (article.entry_hash or None):
                    articles.set_entry_hash(db, aid, article.entry_hash)  # known next time
                return Placement.UNCHANGED
            articles.update(db, aid, article, now=now)
            stories.touch(db, existing["story_id"], now=now, published=article.published)
            stories.add_categories(db, existing["story_id"], article.categories)
            return Placement.UPDATED

        matched, match = self.match(db, article, known)
        if not matched:
            story_id = new_story_id(aid)
            stories.create(
                db,
                story_id,
                article_id=aid,
                published=article.published,
                now=now,
                categories=article.categories,
            )
            self._remember(
                articles.insert(db, aid, article, story_id=story_id, now=now), aid, article
            )
            return Placement.NEW

        survivor, *others = stories.created_order(db, matched) if len(matched) > 1 else matched
        for other in others:
            stories.merge(db, survivor, other, now=now)
            if known:
                known.merged[other] = survivor
        rowid = articles.insert(db, aid, article, story_id=survivor, now=now, match=match)
        self._remember(rowid, aid, article)
        self._attach(db, survivor, aid, article, now)
        return Placement.DUPLICATE

    def match(
        self, db: Database, article: NewArticle, known: Known | None = None
    ) -> tuple[list[str], dict[str, Any] | None]:
        """The stories `article` belongs to (usually one), and why."""
        if story := self._story_with_url(db, article, known):
            return [story], {"reason": "same URL"}
        if article.text_hash and (story := self._story_with_text(db, article, known)):
            return [story], {"reason": "same text"}
        if not known:
            self.unindexed.settle()
        shared = self.unindexed.shared(article.keys, known.buffered if known else None)
        unindexed = [rowid for rowid, _ in shared.most_common(MAX_UNINDEXED)]
        if known:
            found = known.candidates(db, article, unindexed)
        else:
            found = articles.candidates(
                db,
                keys=article.keys,
                title_key=article.title_key,
                published=article.published,
                window=self.settings.window,
                unindexed=tuple(unindexed),
            )
        best: dict[str, tuple[float, Candidate, Verdict]] = {}  # per story, its closest article
        if not found:
            return [], None
        mine = self._shingles_of(article)
        side = Side.of(article)
        for old in found:
            body = overlap_of(mine, self.shingles.get(old.id, old.text, old.body))
            verdict = judge(side, self._side(old), self.settings, body=body)
            score = max(verdict.jaccard, verdict.containment)
            if verdict.same and (old.story_id not in best or score > best[old.story_id][0]):
                best[old.story_id] = (score, old, verdict)
        if not best:
            return [], None
        ranked = sorted(best, key=lambda story: -best[story][0])
        _, closest, verdict = best[ranked[0]]
        return [
            ranked[0],
            *self._same_as(closest, [best[s][1] for s in ranked[1:]]),
        ], verdict.detail(closest.id)

    @staticmethod
    def _story_with_url(db: Database, article: NewArticle, known: Known | None) -> str | None:
        if known:
            return known.story_with_url(db, article.url)
        return articles.story_with_url(db, article.url)

    def _story_with_text(
        self, db: Database, article: NewArticle, known: Known | None
    ) -> str | None:
        assert article.text_hash
        if known:
            return known.story_with_text(db, article.text_hash, article.published)
        window = self.settings.window
        since, until = iso(article.published - window), iso(article.published + window)
        return articles.story_with_text(db, article.text_hash, since=since, until=until)

    def _same_as(self, anchor: Candidate, others: list[Candidate]) -> list[str]:
        """Stories an article bridges that are also one story with the best match.

        A short text can be contained in two different stories (a column's template
        lead); it joins the closer one and merges the other only if the two agree.
        """
        same = []
        for other in others:
            body = overlap_of(
                self.shingles.get(anchor.id, anchor.text, anchor.body),
                self.shingles.get(other.id, other.text, other.body),
            )
            if judge(self._side(anchor), self._side(other), self.settings, body=body).same:
                same.append(other.story_id)
        return same

    @staticmethod
    def _shingles_of(article: NewArticle) -> npt.NDArray[np.uint32]:
        if article.shingle_set:
            return unpack_shingles(article.shingle_set)
        return shingle_hashes(tokens(article_text(article.content, article.summary)))

    def _side(self, old: Candidate) -> Side:
        if old.id not in self.sides:
            self._keep_side(old.id, Side.of(old))
        return self.sides[old.id]

    def _keep_side(self, aid: str, side: Side) -> None:
        if len(self.sides) > MAX_SIDES:
            self.sides.clear()
        self.sides[aid] = side

    def _remember(self, rowid: int, aid: str, article: NewArticle) -> None:
        """Index the new article in memory; keep what comparing with it needs."""
        self.shingles.put(aid, self._shingles_of(article))
        self._keep_side(aid, Side.of(article))
        self.unindexed.add(rowid, article.keys)

    def _attach(
        self, db: Database, story_id: str, aid: str, article: NewArticle, now: datetime
    ) -> None:
        source, has_content = stories.representative_source(db, story_id)
        better = is_better_representative(article, source, has_content, self.settings)
        stories.touch(
            db, story_id, now=now, published=article.published, article_id=aid if better else None
        )
        stories.add_categories(db, story_id, article.categories)
        stories.count_outlets(db, story_id)
