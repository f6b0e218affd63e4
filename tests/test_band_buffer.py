"""The compact in-memory band index gives what a plain dict of capped lists gives."""

from __future__ import annotations

import random
from collections import Counter

from feeds.band_buffer import BandBuffer


def _plain(filed: list[tuple[int, list[int]]], keys: list[int], per_key: int) -> Counter[int]:
    buckets: dict[int, list[int]] = {}
    for rowid, article_keys in filed:
        for key in set(article_keys):
            buckets.setdefault(key, []).append(rowid)
    return Counter(rowid for key in set(keys) for rowid in buckets.get(key, [])[:per_key])


def test_lookups_match_a_dict_of_lists_across_frozen_and_merged_runs() -> None:
    rng = random.Random(5)
    common = [rng.getrandbits(63) for _ in range(30)]  # keys many articles share
    buffer = BandBuffer(per_key=4)
    filed: list[tuple[int, list[int]]] = []
    for rowid in range(1_000_000, 1_000_300):
        keys = [rng.choice(common) for _ in range(3)] + [rng.getrandbits(63) for _ in range(5)]
        buffer.add(rowid, keys)
        filed.append((rowid, keys))
        probe = [*keys[:4], rng.choice(common), rng.getrandbits(63)]
        assert buffer.shared(probe) == _plain(filed, probe, 4)
    assert len(buffer) == 300


def test_a_batch_finds_its_own_earlier_articles_and_every_earlier_batch() -> None:
    """As Deduper.place_all() uses it: settle, expect the batch, look its keys up in the
    runs once, then add the batch's articles one by one, each looked up before it is
    added."""
    rng = random.Random(7)
    common = [rng.getrandbits(63) for _ in range(40)]
    buffer = BandBuffer(per_key=5)
    filed: list[tuple[int, list[int]]] = []
    rowid = 500
    for _ in range(60):
        batch = [
            [rng.choice(common) for _ in range(4)] + [rng.getrandbits(63) for _ in range(4)]
            for _ in range(rng.randrange(1, 12))
        ]
        buffer.settle()
        buffer.expect(batch)
        runs = buffer.in_runs(key for keys in batch for key in keys)
        for keys in batch:
            assert buffer.shared(keys, runs) == _plain(filed, keys, 5)
            if rng.random() < 0.8:  # some articles of a batch are not stored
                buffer.add(rowid, keys)
                filed.append((rowid, keys))
                rowid += rng.randrange(1, 4)


def test_a_batch_without_keys_finds_nothing() -> None:
    buffer = BandBuffer()
    buffer.add(1, [10, 20])
    buffer.settle()
    buffer.expect([[], []])
    assert buffer.in_runs([]) == {}
    assert buffer.shared([]) == Counter()


def test_clear_forgets_everything() -> None:
    buffer = BandBuffer()
    buffer.add(1, [10, 20])
    buffer.clear()
    assert not buffer.shared([10, 20])
    assert len(buffer) == 0


def test_keys_sharing_their_low_half_only_add_candidates() -> None:
    """Runs keep a key's low 32 bits: two keys alike there find each other's articles too
    (one pair in about 4 billion), and never lose their own."""
    buffer = BandBuffer(per_key=4)
    low = 0x1234_5678
    one, other = (1 << 40) | low, (2 << 40) | low
    buffer.add(10, [one, 7])
    buffer.settle()  # into a run
    buffer.add(11, [other])
    buffer.settle()
    assert buffer.shared([one]) == Counter({10: 1, 11: 1})
    assert buffer.shared([7]) == Counter({10: 1})
    assert buffer.shared([3 << 40]) == Counter()
