"""canonical_url() and web_url() give what they gave when they skip the parsers.

A link that is already canonical (lower-case ASCII host, no port, unreserved path
without empty or dot segments, no query or fragment) is returned as it is; every
link of that shape, and every near miss, must be what canonicalize_url() returns.
web_url() passes a plain http(s) link without splitting it: the same links, and the
same errors, as splitting gave.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from urllib.parse import urlsplit

from w3lib.url import canonicalize_url

from feeds.urls import _CANONICAL_ALREADY, _PLAIN_WEB_URL, canonical_url, web_url


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


def _first_web_url(url: str | None) -> str | None:
    """web_url() as first written: split, then check the scheme, the host and the bytes."""
    if not url:
        return None
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if any(ord(ch) < 33 for ch in url):
        return None
    return url


def test_web_url_passes_what_it_passed() -> None:
    rng = random.Random(3)
    plain = 0
    pieces = [
        "http://", "https://", "HTTP://", "http:", "//", "javascript:", " ", "\t", "\x01",
        "a", "Z", "0", ".", "-", ":", ":80", "[::1]", "[", "@", "/", "?", "#", "é", "%20", "\\",
        "~", "'", '"', "<", "\x7f", "x.vn", "\n",
    ]  # fmt: skip
    for _ in range(30_000):
        url = rng.choice(["", "http://", "https://x.vn"])
        url += "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        try:
            expected: object = _first_web_url(url)
        except ValueError as exc:
            expected = f"ValueError: {exc}"
        try:
            found: object = web_url(url)
        except ValueError as exc:
            found = f"ValueError: {exc}"
        assert found == expected, url
        plain += bool(_PLAIN_WEB_URL.fullmatch(url.strip()))
    assert plain > 3_000
