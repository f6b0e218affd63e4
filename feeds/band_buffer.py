"""Band keys of the articles stored since the last catch-up, kept compact in memory.

A cycle writes its articles' band keys to the index once, at its end, in key
order (indexes.catch_up): written as they come, each source's keys would land
all over the index, and every commit would rewrite its pages. Until then the
keys must still find each other, so that two outlets' copies stored in the
same cycle meet. A dict of lists costs about 200 bytes a key, and an article
has 64 keys; here the newest articles' keys sit in a small dict and older ones
in sorted numpy runs of 12 bytes a key (the key, the rowid's offset), merged
as they accumulate (the way an LSM tree does), so a lookup is a binary search
in a handful of arrays.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

# Articles kept in the dict before their keys are frozen into a sorted run.
FRESH_ARTICLES = 1024


class BandBuffer:
    """key -> the first `per_key` rowids filed under it, in the order they were added."""

    def __init__(self, per_key: int = 16) -> None:
        self.per_key = per_key  # a band shared by more articles says nothing more
        self.articles = 0
        self._fresh: dict[int, list[int]] = {}
        self._fresh_articles = 0
        # Oldest first; each run's keys sorted, rowids ascending among equal keys. Runs
        # keep rowids as 32-bit offsets from the first one added.
        self._base = 0
        self._runs: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.uint32]]] = []

    def __len__(self) -> int:
        return self.articles

    def add(self, rowid: int, keys: Iterable[int]) -> None:
        """File an article (rowids increasing from call to call) under each of its keys."""
        if not self.articles:
            self._base = rowid
        fresh = self._fresh
        for key in set(keys):
            bucket = fresh.get(key)
            if bucket is None:
                fresh[key] = [rowid]
            else:
                bucket.append(rowid)
        self.articles += 1
        self._fresh_articles += 1
        if self._fresh_articles >= FRESH_ARTICLES:
            self._freeze()

    def shared(self, keys: Iterable[int]) -> Counter[int]:
        """rowid -> how many of `keys` it is filed under (at most `per_key` rowids a key)."""
        wanted = set(keys)
        found: Counter[int] = Counter()
        taken: Counter[int] = Counter()  # rowids given per key so far, oldest runs first
        if self._runs:
            query = np.fromiter(wanted, dtype=np.int64, count=len(wanted))
            for run_keys, run_rows in self._runs:
                low = np.searchsorted(run_keys, query, side="left")
                high = np.searchsorted(run_keys, query, side="right")
                for at in np.flatnonzero(high > low).tolist():
                    key = int(query[at])
                    room = self.per_key - taken[key]
                    if room <= 0:
                        continue
                    rows = run_rows[low[at] : min(high[at], low[at] + room)].tolist()
                    taken[key] += len(rows)
                    found.update(self._base + row for row in rows)
        for key in wanted:
            bucket = self._fresh.get(key)
            if bucket:
                room = self.per_key - taken[key]
                if room > 0:
                    found.update(bucket[:room])
        return found

    def clear(self) -> None:
        self.articles = 0
        self._fresh.clear()
        self._fresh_articles = 0
        self._runs.clear()

    def _freeze(self) -> None:
        """Move the dict into a sorted run; merge runs of similar size (few runs, each
        key's rowids kept in order: merges are stable and older runs come first)."""
        sizes = [len(rows) for rows in self._fresh.values()]
        keys = np.repeat(np.fromiter(self._fresh, dtype=np.int64, count=len(sizes)), sizes)
        rows = np.fromiter(
            (r - self._base for bucket in self._fresh.values() for r in bucket),
            dtype=np.uint32,
            count=sum(sizes),
        )
        order = np.argsort(keys, kind="stable")
        self._runs.append((keys[order], rows[order]))
        self._fresh.clear()
        self._fresh_articles = 0
        while len(self._runs) > 1 and len(self._runs[-1][0]) * 2 >= len(self._runs[-2][0]):
            (older_keys, older_rows), (newer_keys, newer_rows) = self._runs[-2:]
            keys = np.concatenate((older_keys, newer_keys))
            rows = np.concatenate((older_rows, newer_rows))
            order = np.argsort(keys, kind="stable")
            self._runs[-2:] = [(keys[order], rows[order])]
