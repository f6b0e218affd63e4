"""Band keys of the articles stored since the last catch-up, kept compact in memory.

A cycle writes its articles' band keys to the index once, at its end, in key
order (indexes.catch_up): written as they come, each source's keys would land
all over the index, and every commit would rewrite its pages. Until then the
keys must still find each other, so that two outlets' copies stored in the
same cycle meet. A dict of lists costs about 200 bytes a key, and an article
has 64 keys; here the newest articles' keys sit in a small dict and older ones
in sorted numpy runs of 8 bytes a key (its low 32 bits, the rowid's offset),
merged as they accumulate (the way an LSM tree does), so a lookup is a binary
search in a handful of arrays.

A run keeps only the low half of each key: two keys that share it (one pair in
about 4 billion) are taken for one, which can only add a candidate, and every
candidate is compared in full before it joins a story. That halves what the
runs take, about 30 MB at the end of a 50,000-article cycle.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import Any

import numpy as np
import numpy.typing as npt

# Articles kept in the dict before their keys are frozen into a sorted run (the dict
# takes about 100 bytes a key, a run 10).
FRESH_ARTICLES = 256
# Runs are merged up to this many keys (about 4,000 articles, 3 MB): merging the
# largest ones would need several times their size at once, for no faster lookup
# (a batch looks all its keys up in every run at once).
MAX_MERGED = 1 << 18


class BandBuffer:
    """key -> the first `per_key` rowids filed under it, in the order they were added."""

    def __init__(self, per_key: int = 16) -> None:
        self.per_key = per_key  # a band shared by more articles says nothing more
        self.articles = 0
        self._fresh: defaultdict[int, list[int]] = defaultdict(list)
        self._fresh_articles = 0
        # Oldest first; each run's keys sorted, rowids ascending among equal keys. Runs
        # keep rowids as 32-bit offsets from the first one added.
        self._base = 0
        self._runs: list[_Run] = []

    def __len__(self) -> int:
        return self.articles

    def add(self, rowid: int, keys: Iterable[int]) -> None:
        """File an article (rowids increasing from call to call) under each of its keys."""
        if not self.articles:
            self._base = rowid
        fresh = self._fresh
        for key in set(keys):
            fresh[key].append(rowid)
        self.articles += 1
        self._fresh_articles += 1

    def settle(self) -> None:
        """Freeze the newest articles into a sorted run if there are enough of them.

        Called between lookups, never during a batch that looked its keys up in the
        runs beforehand (in_runs), so what moves out of the dict is not missed.
        """
        if self._fresh_articles >= FRESH_ARTICLES:
            self._freeze()

    def in_runs(self, keys: Iterable[int]) -> dict[int, list[int]]:
        """key -> rowids filed under it in the sorted runs, at most `per_key`, oldest first.

        Asked once for all the keys of a batch: sorted queries walk each run in
        order, where one article's keys at a time each cost a dozen cache misses.
        """
        found: dict[int, list[int]] = {}
        if not self._runs:
            return found
        full = _distinct(np.sort(np.fromiter(keys, dtype=np.int64)))
        low = full.astype(np.uint32)  # what the runs keep of a key
        order = np.argsort(low, kind="stable")
        full, low = full[order], low[order]
        starts = np.flatnonzero(_firsts(low))
        query = low[starts]
        ends = np.append(starts[1:], len(low))
        for run in self._runs:
            for at, rows in run.find(query):
                for key in full[starts[at] : ends[at]].tolist():  # almost always one
                    taken = found.setdefault(key, [])
                    room = self.per_key - len(taken)
                    if room > 0:
                        taken.extend((rows[:room].astype(np.int64) + self._base).tolist())
        return found

    def shared(self, keys: Iterable[int], runs: dict[int, list[int]] | None = None) -> Counter[int]:
        """rowid -> how many of `keys` it is filed under (at most `per_key` rowids a key).

        `runs` is in_runs() of these keys (or more), taken since the last settle().
        """
        wanted = set(keys)
        if runs is None:
            runs = self.in_runs(wanted)
        found: Counter[int] = Counter()
        fresh = self._fresh
        # Most of an article's keys are filed nowhere: two set intersections (in C) find
        # the few that are, instead of two lookups a key.
        older_keys = wanted & runs.keys()
        fresh_keys = wanted & fresh.keys()
        for key in older_keys:
            older = runs[key]
            found.update(older)
            room = self.per_key - len(older)
            if room > 0 and key in fresh_keys:
                found.update(fresh[key][:room])
        for key in fresh_keys - older_keys:
            found.update(fresh[key][: self.per_key])
        return found

    def clear(self) -> None:
        self.articles = 0
        self._fresh.clear()
        self._fresh_articles = 0
        self._runs.clear()

    def _freeze(self) -> None:
        """Move the dict into a sorted run; merge runs of similar size (few runs, each
        key's rowids kept in order: merges are stable and older runs come first)."""
        sizes = list(map(len, self._fresh.values()))
        keys = np.repeat(
            np.fromiter(self._fresh, dtype=np.int64, count=len(sizes)).astype(np.uint32), sizes
        )
        rowids = chain.from_iterable(self._fresh.values())
        rows = (np.fromiter(rowids, dtype=np.int64, count=sum(sizes)) - self._base).astype(
            np.uint32
        )
        self._runs.append(_Run(keys, rows))
        self._fresh.clear()
        self._fresh_articles = 0
        while (
            len(self._runs) > 1
            and len(self._runs[-1]) * 2 >= len(self._runs[-2])
            and len(self._runs[-1]) + len(self._runs[-2]) <= MAX_MERGED
        ):
            older, newer = self._runs[-2:]
            self._runs[-2:] = [
                _Run(
                    np.concatenate((older.keys, newer.keys)),
                    np.concatenate((older.rows, newer.rows)),
                )
            ]


def _firsts(values: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    """Where each value of a sorted array first appears."""
    return np.concatenate(([True], values[1:] != values[:-1]))


def _distinct(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """A sorted array's values, each once (np.unique hashes: ten times slower here)."""
    return values[_firsts(values)] if values.size > 1 else values


class _Run:
    """Keys (their low 32 bits) sorted, stably, so rowids stay in order among equal
    keys, with their rowids, and a one-hash Bloom filter of 16 bits a key: most keys
    looked up are in no run, and the filter turns most of them away before a binary
    search (about 6 % get by).
    """

    def __init__(self, keys: npt.NDArray[np.uint32], rows: npt.NDArray[np.uint32]) -> None:
        order = np.argsort(keys, kind="stable")
        self.keys, self.rows = keys[order], rows[order]
        self.mask = np.uint32((1 << max(10, (16 * len(keys)).bit_length())) - 1)
        bits = self.keys & self.mask
        self.filter = np.zeros((int(self.mask) + 1) >> 3, dtype=np.uint8)
        np.bitwise_or.at(self.filter, bits >> 3, np.left_shift(1, bits & 7).astype(np.uint8))

    def __len__(self) -> int:
        return len(self.keys)

    def find(self, query: npt.NDArray[np.uint32]) -> Iterator[tuple[int, npt.NDArray[np.uint32]]]:
        """(index in `query`, its rowids) for each key of `query` (sorted, distinct) found
        in this run."""
        bits = query & self.mask
        candidates = np.flatnonzero((self.filter[bits >> 3] >> (bits & 7)) & 1)
        if not candidates.size:
            return
        maybe = query[candidates]
        low = np.searchsorted(self.keys, maybe, side="left")
        inside = low < len(self.keys)
        hits = np.flatnonzero(inside)[self.keys[low[inside]] == maybe[inside]]
        if not hits.size:
            return
        high = np.searchsorted(self.keys, maybe[hits], side="right")
        for at, start, end in zip(hits.tolist(), low[hits].tolist(), high.tolist(), strict=True):
            yield int(candidates[at]), self.rows[start:end]
