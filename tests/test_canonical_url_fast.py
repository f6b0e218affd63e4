"""canonical_url() keeps w3lib's canonical form when it skips w3lib.

A link that is already canonical (lower-case ASCII host, no port, unreserved path
without empty or dot segments, no query or fragment) is returned as it is; every
link of that shape, and every near miss, must be what canonicalize_url() returns.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from w3lib.url import canonicalize_url

from feeds.urls import _CANONICAL_ALREADY, canonical_url


def _links(count: int) -> list[str]:
    rng = random.Random(2)
    links = []
    for _ in range(count):
        labels = ["".join(rng.choice("abz09-") for _ in range(rng.randint(1, 8))) for _ in "ab"]
        host = ".".join(labels[: rng.randint(1, 2)])
        segments = [
            "".join(rng.choice("aZ09._~-") for _ in range(rng.randint(0, 8)))
            for _ in range(rng.randint(0, 4))
        ]
        path = "".join("/" + segment for segment in segments)
        path += rng.choice(["", "", "/", "//", "/.", "/..", "?", "#", ";p", "%7E", "é", "A"])
        host = rng.choice([host, host, host.upper(), host + ":80", host + ".", "xn--" + host])
        links.append(rng.choice(["http://", "https://"]) + host + path)
    return links


def _outcome(canonical: Callable[[str], str], link: str) -> str:
    try:
        return canonical(link)
    except ValueError as exc:
        return f"ValueError: {exc}"


def test_links_taken_as_canonical_are_w3libs_canonical_form() -> None:
    taken = 0
    for link in _links(20_000):
        expected = _outcome(lambda u: canonicalize_url(u, keep_fragments=False), link)
        if _CANONICAL_ALREADY.fullmatch(link):
            taken += 1
            assert expected == link
        assert _outcome(canonical_url, link) == expected, link
    assert taken > 1_000
