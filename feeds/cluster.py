"""Clustering many articles at once: for `feeds dedup --rebuild` and benchmarks.

The same decisions as the incremental path in dedup.py (exact URL or text,
then LSH candidates judged by judge()), applied to articles in the order they
were first seen, with clusters joined in a union-find. What makes it fast at
100,000 articles:

- candidates are found for every article at once, with numpy over the band
  keys (pairs sharing a band, counted, filtered by the time window, the best
  ranked), not with a dictionary of millions of lists;
- texts are read once, as a stream, and only for articles that have a
  candidate; worker processes turn them into shingle sets ahead of the loop
  that judges, and each set is dropped after its last comparison.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice

import numpy as np
import numpy.typing as npt

from .config import DedupSettings
from .dedup import Side, judge
from .similarity import overlap_of, profile
from .text import stored_text

MAX_CANDIDATES = 40  # band candidates judged per article, those sharing the most bands
MAX_TITLED = 20  # earlier articles with the same title key judged per article
BUCKET_REACH = 64  # in a band shared by many, each article is paired with the latest this many
# An article's `text` column ('' since it is no longer stored) and its content or summary.
StoredText = tuple[str, str]
CHUNK = 256  # texts a worker profiles at a time
POOL_THRESHOLD = 5_000  # fewer texts than this are profiled in this process

Profile = tuple[npt.NDArray[np.uint32], frozenset[str]]


@dataclass(frozen=True)
class Member:
    """One article as clustering needs it; its text comes separately, as a stream."""

    id: str
    url: str
    text_hash: str | None
    title_key: str
    published: datetime
    keys: bytes  # LSH band keys, packed int64 as the articles table keeps them


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)  # the earlier article's cluster survives


def cluster(
    members: Sequence[Member],
    texts: Iterable[StoredText],
    settings: DedupSettings,
    *,
    processes: int | None = None,
) -> list[list[int]]:
    """Groups of indexes into `members` (given in first-seen order), each group one story.

    `texts` yields each member's text as stored, in the same order: (the `text`
    column, the HTML the text is derived from when that is empty), as stored_text()
    takes them. Only the members compared have theirs derived, in the workers that
    profile them.
    """
    seconds = np.array([m.published.timestamp() for m in members], dtype=np.int64)
    window = int(settings.window.total_seconds())
    candidates = _band_candidates(members, seconds, window)
    _add_title_candidates(members, candidates, settings.window)
    last_use = _last_uses(len(members), candidates)
    profiles = _Profiles(texts, last_use, processes)
    found = _UnionFind(len(members))
    exact = _Exact(settings)
    sides: dict[int, Side] = {}

    def side(index: int) -> Side:
        if index not in sides:
            member = members[index]
            sides[index] = Side(member.title_key, member.published, figures=profiles.get(index)[1])
        return sides[index]

    try:
        for index, member in enumerate(members):
            for other in exact.matches(index, member, members):
                found.union(other, index)
            mine = candidates.get(index, ())
            if mine:
                shingles = profiles.get(index)[0]
                matches: list[tuple[float, int]] = []
                for other in mine:
                    if found.find(other) == found.find(index):
                        continue
                    body = overlap_of(shingles, profiles.get(other)[0])
                    verdict = judge(side(index), side(other), settings, body=body)
                    if verdict.same:
                        matches.append((-max(verdict.jaccard, verdict.containment), other))
                _join(found, index, sorted(matches), profiles, side, settings)
            for gone in profiles.done_with(index):
                sides.pop(gone, None)
    finally:
        profiles.close()

    groups: dict[int, list[int]] = defaultdict(list)
    for index in range(len(members)):
        groups[found.find(index)].append(index)
    return sorted(groups.values())


def _join(
    found: _UnionFind,
    index: int,
    matches: list[tuple[float, int]],
    profiles: _Profiles,
    side: Callable[[int], Side],
    settings: DedupSettings,
) -> None:
    """Join the closest match's cluster; another one only if it is one story with that match.

    As in the incremental path: a short text can be contained in two stories (a
    column's template lead) and must not bridge them on its own.
    """
    if not matches:
        return
    anchor = matches[0][1]
    found.union(anchor, index)
    for _, other in matches[1:]:
        if found.find(other) == found.find(index):
            continue
        body = overlap_of(profiles.get(anchor)[0], profiles.get(other)[0])
        if judge(side(anchor), side(other), settings, body=body).same:
            found.union(other, index)


class _Exact:
    """The same canonical URL (ever), the same normalised text (within the window)."""

    def __init__(self, settings: DedupSettings) -> None:
        self.window = settings.window
        self.by_url: dict[str, int] = {}
        self.by_text: dict[str, list[int]] = defaultdict(list)

    def matches(self, index: int, member: Member, members: Sequence[Member]) -> list[int]:
        found = []
        if member.url in self.by_url:
            found.append(self.by_url[member.url])
        for other in self.by_text.get(member.text_hash or "", ()):
            if abs(members[other].published - member.published) <= self.window:
                found.append(other)
                break
        self.by_url.setdefault(member.url, index)
        if member.text_hash:
            self.by_text[member.text_hash].append(index)
        return found


def _band_candidates(
    members: Sequence[Member], seconds: npt.NDArray[np.int64], window: int
) -> dict[int, list[int]]:
    """For each article, the earlier ones in the window that share the most LSH bands.

    Every (later, earlier) pair sharing a band becomes one int64 code, later * n +
    earlier; sorting the codes in place counts each pair's shared bands with no
    dictionary and little memory beyond the codes themselves.
    """
    size = len(members)
    lengths = np.fromiter((len(m.keys) // 8 for m in members), dtype=np.int64, count=size)
    keys = np.frombuffer(b"".join(m.keys for m in members), dtype=np.int64)
    owners = np.repeat(np.arange(size, dtype=np.int32), lengths)
    order = np.argsort(keys, kind="stable")  # by band key, then (stable) by arrival
    keys, owners = keys[order], owners[order]
    del order
    first = np.ones(keys.size, dtype=bool)  # a key twice in one text counts once
    first[1:] = (keys[1:] != keys[:-1]) | (owners[1:] != owners[:-1])
    keys, owners = keys[first], owners[first]
    shared = np.zeros(keys.size, dtype=bool)  # only keys that more than one article has
    shared[1:] = keys[1:] == keys[:-1]
    shared[:-1] |= shared[1:].copy()
    keys, owners = keys[shared], owners[shared]
    del first, shared

    parts = []
    for reach in range(1, BUCKET_REACH + 1):
        same = np.flatnonzero(keys[reach:] == keys[:-reach])
        if same.size == 0:
            break
        later, earlier = owners[same + reach].astype(np.int64), owners[same].astype(np.int64)
        near = np.abs(seconds[later] - seconds[earlier]) <= window
        parts.append(later[near] * size + earlier[near])
    del keys, owners
    if not parts:
        return {}
    codes = np.concatenate(parts)
    del parts
    codes.sort()
    starts = np.flatnonzero(np.concatenate(([True], codes[1:] != codes[:-1])))
    votes = np.diff(np.append(starts, codes.size))
    codes = codes[starts]
    later, earlier = codes // size, codes % size
    del codes, starts
    ranked = np.lexsort((earlier, -votes, later))  # per article: most bands first, then oldest
    later, earlier = later[ranked], earlier[ranked]
    del ranked, votes
    starts = np.flatnonzero(np.concatenate(([True], later[1:] != later[:-1])))
    rank = np.arange(later.size) - np.repeat(starts, np.diff(np.append(starts, later.size)))
    best = rank < MAX_CANDIDATES
    later, earlier = later[best], earlier[best]
    bounds = np.flatnonzero(np.concatenate(([True], later[1:] != later[:-1]))).tolist()
    earlier_list = earlier.tolist()
    later_list = later.tolist()
    return {
        later_list[start]: earlier_list[start:end]
        for start, end in zip(bounds, [*bounds[1:], later.size], strict=True)
    }


def _add_title_candidates(
    members: Sequence[Member], candidates: dict[int, list[int]], window: timedelta
) -> None:
    """Earlier articles with the same title key that share no band (a summary, a short item)."""
    by_title: dict[str, list[int]] = defaultdict(list)
    for index, member in enumerate(members):
        if not member.title_key:
            continue
        earlier = by_title[member.title_key]
        if earlier:
            voted = set(candidates.get(index, ()))
            titled = [
                o
                for o in earlier[-MAX_TITLED:]
                if o not in voted and abs(members[o].published - member.published) <= window
            ]
            if titled:
                candidates[index] = [*candidates.get(index, ()), *titled]
        earlier.append(index)


def _last_uses(size: int, candidates: dict[int, list[int]]) -> npt.NDArray[np.int64]:
    """For each article, the last article whose judging needs its text (-1: none does)."""
    last = np.full(size, -1, dtype=np.int64)
    for index in sorted(candidates):
        last[index] = max(last[index], index)
        for other in candidates[index]:
            last[other] = index  # indexes rise, so the latest write is the last use
    return last


def _profile_chunk(chunk: list[tuple[int, StoredText]]) -> list[tuple[int, Profile]]:
    return [(index, profile(stored_text(*text))) for index, text in chunk]


class _Profiles:
    """Shingle sets and figures of the texts that will be compared, computed ahead in order."""

    def __init__(
        self,
        texts: Iterable[StoredText],
        last_use: npt.NDArray[np.int64],
        processes: int | None,
    ) -> None:
        self.last_use = last_use
        needed = iter((index, text) for index, text in enumerate(texts) if last_use[index] >= 0)
        self.chunks: Iterator[list[tuple[int, StoredText]]] = iter(
            lambda: list(islice(needed, CHUNK)), []
        )
        workers = processes if processes is not None else min(2, os.cpu_count() or 1)
        self.pool = None
        if workers > 1 and int((last_use >= 0).sum()) >= POOL_THRESHOLD:
            self.pool = ProcessPoolExecutor(
                max_workers=workers, mp_context=multiprocessing.get_context("forkserver")
            )
        self.ahead: deque[Future[list[tuple[int, Profile]]]] = deque()
        self.ready: dict[int, Profile] = {}
        self.expiring: dict[int, list[int]] = defaultdict(list)  # last use -> indexes
        self.exhausted = False
        self._fill()

    def _fill(self) -> None:
        while self.pool is not None and not self.exhausted and len(self.ahead) < 8:
            chunk = next(self.chunks, None)
            if chunk is None:
                self.exhausted = True
            else:
                self.ahead.append(self.pool.submit(_profile_chunk, chunk))

    def _next_chunk(self) -> list[tuple[int, Profile]]:
        if self.pool is None:
            chunk = next(self.chunks, None)
            if chunk is None:
                raise LookupError("a text was asked for that the stream did not hold")
            return _profile_chunk(chunk)
        if not self.ahead:
            raise LookupError("a text was asked for that the stream did not hold")
        done = self.ahead.popleft().result()
        self._fill()
        return done

    def get(self, index: int) -> Profile:
        while index not in self.ready:
            for ready, found in self._next_chunk():
                self.ready[ready] = found
                self.expiring[int(self.last_use[ready])].append(ready)
        return self.ready[index]

    def done_with(self, index: int) -> list[int]:
        """Drop the sets no article after `index` compares with; returns their indexes."""
        gone = self.expiring.pop(index, [])
        for item in gone:
            self.ready.pop(item, None)
        return gone

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
