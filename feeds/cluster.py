"""Clustering many articles at once, in memory: for `feeds dedup --rebuild` and benchmarks.

The same decisions as the incremental path in dedup.py (exact URL or text,
then LSH candidates judged by judge()), applied to articles in the order they
were first seen, with clusters joined in a union-find. Shingle sets are
computed once per article, and only for articles that have a candidate.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt

from .config import DedupSettings
from .dedup import Side, judge
from .similarity import overlap_of, shingle_hashes, tokens

MAX_CANDIDATES = 40


@dataclass(frozen=True)
class Member:
    """One article as clustering needs it."""

    id: str
    url: str
    text: str
    text_hash: str | None
    title_key: str
    published: datetime
    keys: tuple[int, ...]


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


def cluster(members: Sequence[Member], settings: DedupSettings) -> list[list[int]]:
    """Groups of indexes into `members` (given in first-seen order), each group one story."""
    found = _UnionFind(len(members))
    by_url: dict[str, int] = {}
    by_text: dict[str, list[int]] = defaultdict(list)
    by_key: dict[int, list[int]] = defaultdict(list)
    by_title: dict[str, list[int]] = defaultdict(list)
    shingles: dict[int, npt.NDArray[np.uint64]] = {}

    def shingles_of(index: int) -> npt.NDArray[np.uint64]:
        if index not in shingles:
            shingles[index] = shingle_hashes(tokens(members[index].text))
        return shingles[index]

    for index, member in enumerate(members):
        for other in _exact(member, by_url, by_text, members, settings):
            found.union(other, index)
        for other in _candidates(member, by_key, by_title):
            if found.find(other) == found.find(index):
                continue
            body = overlap_of(shingles_of(index), shingles_of(other))
            verdict = judge(Side.of(member), Side.of(members[other]), settings, body=body)
            if verdict.same:
                found.union(other, index)
        by_url.setdefault(member.url, index)
        if member.text_hash:
            by_text[member.text_hash].append(index)
        for key in set(member.keys):
            by_key[key].append(index)
        if member.title_key:
            by_title[member.title_key].append(index)

    groups: dict[int, list[int]] = defaultdict(list)
    for index in range(len(members)):
        groups[found.find(index)].append(index)
    return sorted(groups.values())


def _exact(
    member: Member,
    by_url: dict[str, int],
    by_text: dict[str, list[int]],
    members: Sequence[Member],
    settings: DedupSettings,
) -> Iterable[int]:
    if member.url in by_url:
        yield by_url[member.url]
    for other in by_text.get(member.text_hash or "", ()):
        if abs(members[other].published - member.published) <= settings.window:
            yield other
            break


def _candidates(
    member: Member, by_key: dict[int, list[int]], by_title: dict[str, list[int]]
) -> list[int]:
    """Earlier articles sharing the most LSH bands, then those with the same title key."""
    votes: dict[int, int] = defaultdict(int)
    for key in set(member.keys):
        for other in by_key.get(key, ()):
            votes[other] += 1
    ranked = sorted(votes, key=lambda other: (-votes[other], other))[:MAX_CANDIDATES]
    titled = [o for o in by_title.get(member.title_key, ())[-20:] if o not in votes]
    return ranked + titled
