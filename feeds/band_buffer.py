"""Band keys of the articles stored since the last catch-up, kept compact in memory.

A cycle writes its articles' band keys to the index once, at its end, in key
order (indexes.catch_up): written as they come, each source's keys would land
all over the index, and every commit would rewrite its pages. Until then the
keys must still find each other, so that two outlets' copies stored in the
same cycle meet. A dict of lists costs about 200 bytes a key, and an article
has 64 keys; here each batch's keys are frozen into a sorted numpy run of 8
bytes a key (its low 32 bits above the rowid's offset), runs are merged as they
accumulate (the way an LSM tree does), and a batch looks all its keys up in
every run at once, with no Python loop over a key.

Within a batch, the articles placed so far are found through a dict that holds
only the keys two of the batch's articles share (expect()): most keys are no
other article's, and filing all 64 of an article's keys one by one in a dict
was a quarter of the buffer's cost.

A run keeps only the low half of each key: two keys that share it (one pair in
about 4 billion) are taken for one, which can only add a candidate, and every
candidate is compared in full before it joins a story. That halves what the
runs take, about 25 MB at the end of a 50,000-article cycle.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import chain
from typing import Any

import numpy as np
import numpy.typing as npt

# Runs are merged up to this many keys (about 8,000 articles, 4 MB): fewer runs make a
# batch's lookups cheaper (a 1,000-batch replay: 20 runs of 4,000 articles at most,
# 12.9 s for the buffer; 11 runs of 8,000, 11.2 s), and merging the largest ones needs
# about twice their size at once (16,000 articles a run was 8 MiB more at the peak).
MAX_MERGED = 1 << 19
# Keys a Bloom filter is built from at a time (_Run).
FILTER_STEP = 1 << 16
_LOW = np.uint64(0xFFFF_FFFF)
_HALF = np.uint64(32)
_3, _7 = np.uint64(3), np.uint64(7)
_Offsets = npt.NDArray[np.uint64]


class BandBuffer:
    """key -> the first `per_key` rowids filed under it, in the order they were added."""

    def __init__(self, per_key: int = 16) -> None:
        self.per_key = per_key  # a band shared by more articles says nothing more
        self.articles = 0
        # Articles added since the last settle(): rowids and their distinct keys.
        self._rowids: list[int] = []
        self._keys: list[set[int]] = []
        # The keys expect()ed to be shared within the batch -> rowids added under them.
        self._shared: set[int] = set()
        self._fresh: dict[int, list[int]] = {}
        # Oldest first; each run sorted. Runs keep rowids as 32-bit offsets from the first.
        self._base = 0
        self._runs: list[_Run] = []

    def __len__(self) -> int:
        return self.articles

    def add(self, rowid: int, keys: Iterable[int]) -> None:
        """File an article (rowids increasing from call to call) under each of its keys."""
        if not self.articles:
            self._base = rowid
        distinct = set(keys)
        self._rowids.append(rowid)
        self._keys.append(distinct)
        for key in distinct & self._shared:  # usually none
            self._fresh.setdefault(key, []).append(rowid)
        self.articles += 1

    def expect(self, batch: Iterable[Iterable[int]]) -> None:
        """The keys of the articles about to be added, one iterable each, until settle().

        Keys that two of them share stay findable by shared() as soon as the first of
        those articles is added; any other key can only find an article of an earlier
        batch, which settle() has put in a run.
        """
        every = np.fromiter(chain.from_iterable(map(set, batch)), dtype=np.int64)
        every.sort()
        again = every[1:][every[1:] == every[:-1]]
        self._shared = set(again.tolist())

    def settle(self) -> None:
        """Put the articles added so far into a sorted run, before a batch's lookups.

        Called between batches, never during one that looked its keys up in the runs
        beforehand (in_runs), so what moves out of the dict is not missed.
        """
        self._shared = set()
        self._fresh = {}
        if self._rowids:
            self._freeze()

    def in_runs(self, keys: Iterable[int]) -> dict[int, list[int]]:
        """key -> rowids filed under it in the sorted runs, at most `per_key`, oldest first.

        Asked once for all the keys of a batch: sorted queries walk each run in
        order, where one article's keys at a time each cost a dozen cache misses.
        """
        found: dict[int, list[int]] = {}
        full = _distinct(np.sort(np.fromiter(keys, dtype=np.int64)))
        if not self._runs or not full.size:
            return found
        low = full.astype(np.uint32)  # what the runs keep of a key
        order = np.argsort(low, kind="stable")
        full, low = full[order], low[order]
        starts = np.flatnonzero(_firsts(low))
        query = low[starts].astype(np.uint64)
        # (index in query, rowid offset) of every hit, run after run: oldest first.
        hits = [run.find(query) for run in self._runs]
        at = np.concatenate([h[0] for h in hits])
        if not at.size:
            return found
        rows = np.concatenate([h[1] for h in hits])
        grouped = np.argsort(at, kind="stable")  # a key's rowids stay oldest first
        at, rows = at[grouped], rows[grouped]
        position = np.arange(at.size)
        rank = position - np.maximum.accumulate(np.where(_firsts(at), position, 0))
        kept = rank < self.per_key  # the first per_key rowids of each key
        at, rows = at[kept], rows[kept].astype(np.int64) + self._base
        bounds = [*np.flatnonzero(_firsts(at)).tolist(), at.size]
        ends = np.append(starts[1:], len(low))
        rowids = rows.tolist()
        for begin, end, q in zip(bounds, bounds[1:], at[bounds[:-1]].tolist(), strict=False):
            taken = rowids[begin:end]
            for key in full[starts[q] : ends[q]].tolist():  # almost always one
                found[key] = taken
        return found

    def shared(self, keys: Iterable[int], runs: dict[int, list[int]] | None = None) -> Counter[int]:
        """rowid -> how many of `keys` it is filed under (at most `per_key` rowids a key).

        `runs` is in_runs() of these keys (or more), taken since the last settle().
        """
        wanted = set(keys)
        if runs is None:
            self.settle()
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
        self._rowids.clear()
        self._keys.clear()
        self._shared = set()
        self._fresh = {}
        self._runs.clear()

    def _freeze(self) -> None:
        """Move the articles added since the last settle() into a sorted run; merge runs
        of similar size (few runs; a key's rowids stay in order, as rowids only grow)."""
        counts = list(map(len, self._keys))
        total = sum(counts)
        keys = np.fromiter(chain.from_iterable(self._keys), dtype=np.int64, count=total)
        offsets = np.repeat(np.array(self._rowids, dtype=np.int64) - self._base, counts)
        packed = (keys.astype(np.uint32).astype(np.uint64) << _HALF) | offsets.astype(np.uint64)
        packed.sort()
        self._runs.append(_Run(packed))
        self._rowids.clear()
        self._keys.clear()
        while (
            len(self._runs) > 1
            and len(self._runs[-1]) * 2 >= len(self._runs[-2])
            and len(self._runs[-1]) + len(self._runs[-2]) <= MAX_MERGED
        ):
            older, newer = self._runs[-2:]
            merged = np.concatenate((older.packed, newer.packed))
            merged.sort(kind="stable")  # two sorted runs: a linear merge
            self._runs[-2:] = [_Run(merged)]


def _firsts(values: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    """Where each value of a sorted array first appears."""
    return np.concatenate(([True], values[1:] != values[:-1]))


def _distinct(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """A sorted array's values, each once (np.unique hashes: ten times slower here)."""
    return values[_firsts(values)] if values.size > 1 else values


class _Run:
    """Sorted `key << 32 | rowid offset` values (the key's low 32 bits), and a one-hash
    Bloom filter of 16 bits a key: most keys looked up are in no run, and the filter
    turns most of them away before a binary search (about 6 % get by).
    """

    def __init__(self, packed: npt.NDArray[np.uint64]) -> None:
        self.packed = packed
        self.mask = np.uint64((1 << max(10, (16 * len(packed)).bit_length())) - 1)
        # Bits set in place, FILTER_STEP keys at a time: a flag per bit, or the arrays
        # for all the keys of the largest runs at once, took 16 to 24 bytes a key while
        # they merged.
        self.filter = np.zeros((int(self.mask) + 1) >> 3, dtype=np.uint8)
        for at in range(0, len(packed), FILTER_STEP):
            bits = ((packed[at : at + FILTER_STEP] >> _HALF) & self.mask).astype(np.uint32)
            ones = np.left_shift(np.uint8(1), (bits & 7).astype(np.uint8))
            np.bitwise_or.at(self.filter, bits >> 3, ones)

    def __len__(self) -> int:
        return len(self.packed)

    def find(self, query: npt.NDArray[np.uint64]) -> tuple[npt.NDArray[np.intp], _Offsets]:
        """(index in `query`, rowid offset) of each entry of this run under a key of
        `query` (sorted, distinct low halves), in the run's order."""
        bits = query & self.mask
        candidates = np.flatnonzero((self.filter[bits >> _3] >> (bits & _7)) & 1)
        maybe = query[candidates] << _HALF
        low = np.searchsorted(self.packed, maybe, side="left")
        high = np.searchsorted(self.packed, maybe | _LOW, side="right")
        counts = high - low
        hit = np.flatnonzero(counts)
        if not hit.size:
            return _NOTHING
        counts = counts[hit]
        total = int(counts.sum())
        starts = np.repeat(low[hit] - np.cumsum(counts) + counts, counts)
        where = starts + np.arange(total)
        return np.repeat(candidates[hit], counts), self.packed[where] & _LOW


_NOTHING: tuple[npt.NDArray[np.intp], _Offsets] = (
    np.empty(0, dtype=np.intp),
    np.empty(0, dtype=np.uint64),
)
