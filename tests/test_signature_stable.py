"""Signatures stay what users' databases already hold.

Band keys and shingle sets are stored and compared with those of new articles, so the
fast paths of similarity.py (ids packed per white-space piece, minimum before the
shift, both band-key sets in one product) must give exactly what the plain algorithm
gives: checked against fixed digests and against that plain algorithm, written out here.
"""

from __future__ import annotations

import hashlib
import random
import sys
import unicodedata
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt
import pytest

from feeds import similarity
from feeds.model import RawItem
from feeds.normalize import Context, normalize_item, text_key
from feeds.similarity import (
    BANDS,
    LEAD_TOKENS,
    PERMUTATIONS,
    ROWS,
    SHINGLE,
    band_keys,
    folded_pieces,
    shingle_hashes,
    signature,
    tokens,
)
from feeds.text import article_text

BUS = "Từ ngày 10/4, ba tuyến buýt điện mới sẽ nối khu vực Hoàn Kiếm với sân bay Nội Bài."

# (text, size, sha1 of repr((keys, shingle_set, figures))), computed before any fast path.
GOLDEN = [
    ("", 0, "a2d7e19a1231fb73cbe319b36ba921dad0cc8d7f"),
    ("Một", 1, "e0d11a12fd01f42dbe36d7d938b03ecce598c82e"),
    ("Hà Nội mưa", 1, "8772b48c342667b5566e49499106c1ffe37a19da"),
    ("Giá vàng hôm nay 12/3 tăng 007 đồng", 7, "bc8412a005ed4ae0b31f9763a8f0b7c067713ada"),
    (" ".join([BUS] * 9), 178, "2a1e72a14b027c1c400f430173679fff0c178257"),
]


@pytest.mark.parametrize(("text", "size", "digest"), GOLDEN)
def test_signature_matches_the_stored_ones(text: str, size: int, digest: str) -> None:
    found = signature(text)
    assert found.size == size
    assert len(found.keys) == (2 * BANDS if size else BANDS)
    summary = repr((found.keys, found.shingle_set, found.figures)).encode()
    assert hashlib.sha1(summary).hexdigest() == digest


def _plain_ids(words: list[str]) -> npt.NDArray[np.uint64]:
    return np.array(
        [
            int.from_bytes(hashlib.blake2b(w.encode(), digest_size=8).digest(), "little")
            for w in words
        ],
        dtype=np.uint64,
    )


def _plain_shingles(words: list[str]) -> npt.NDArray[np.uint64]:
    ids = _plain_ids(words)
    if len(ids) < SHINGLE:
        return ids
    mix = similarity._MIX
    with np.errstate(over="ignore"):
        mixed: npt.NDArray[np.uint64] = ids[:-2] * mix[0] ^ ids[1:-1] * mix[1] ^ ids[2:] * mix[2]
    return mixed


def _plain_minimums(hashes: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint32]:
    if hashes.size == 0:
        return np.full(PERMUTATIONS, 0xFFFFFFFF, dtype=np.uint32)
    with np.errstate(over="ignore"):
        permuted = (similarity._A[:, None] * hashes[None, :] + similarity._B[:, None]) >> 32
    minimums: npt.NDArray[np.uint32] = permuted.min(axis=1).astype(np.uint32)
    return minimums


def _plain_band_keys(minimums: npt.NDArray[np.uint32], salt: int) -> list[int]:
    rows = minimums.reshape(BANDS, ROWS).astype(np.uint64)
    mix = similarity._BAND_MIX
    with np.errstate(over="ignore"):
        key = (rows * mix[:ROWS]).sum(axis=1, dtype=np.uint64)
        key += np.arange(BANDS, dtype=np.uint64) * mix[ROWS] + np.uint64(salt) * mix[ROWS + 1]
        key ^= key >> np.uint64(29)
        key *= similarity._MIX[0]
    return (key & np.uint64((1 << 63) - 1)).tolist()  # type: ignore[no-any-return]


def _plain_signature(text: str) -> tuple[int, tuple[int, ...], bytes, tuple[str, ...]]:
    """The algorithm as first written: the 128 × n matrix, shifted, then its minimums."""
    words = tokens(text)
    ordered = _plain_shingles(words)
    lead_words = min(LEAD_TOKENS, len(words))
    lead_columns = lead_words - (SHINGLE - 1) if len(words) >= SHINGLE else lead_words
    keys = _plain_band_keys(_plain_minimums(ordered), 1)
    if lead_columns:
        keys += _plain_band_keys(_plain_minimums(ordered[:lead_columns]), 2)
    distinct = np.unique((ordered >> np.uint64(32)).astype(np.uint32))
    numbers = {n.lstrip("0") or "0" for n in similarity._NUMBER.findall(text)}
    return int(ordered.size), tuple(keys), distinct.tobytes(), tuple(sorted(numbers))


PIECES = [
    "Hà", "Nội", "Ha\u0300", "No\u0323\u0302i", "ĐÀ", "Nẵng", "rất.", "(ảnh)", "12/3",
    "007", "9.000", "\uff11\uff12", "٣٤", "ß", "ﬁ", "İ", "Σ", "a_b", "_", "😀", "-", "–", "…",
    "O'Neil", "e\u0301", "\u0301", "x2", "½", "²", "\x00", "BUÝT",
]  # fmt: skip
SPACES = [" ", "  ", "\t", "\n", "\r\n", "\x0b", "\x1c", "\x85", "\xa0", "\u2000", "\u3000"]


def _texts(count: int) -> list[str]:
    rng = random.Random(20240405)
    texts = []
    for _ in range(count):
        size = rng.choice([0, 1, 2, 3, 4, 30, 61, 62, 63, 300, 514, 515, 1200])
        texts.append("".join(rng.choice(PIECES) + rng.choice(SPACES) for _ in range(size)))
    return texts


@pytest.mark.parametrize("text", _texts(150))
def test_signature_is_the_plain_algorithm(text: str) -> None:
    found = signature(text)
    assert (found.size, found.keys, found.shingle_set, found.figures) == _plain_signature(text)
    assert signature(text, folded_pieces(text)) == found


@pytest.mark.parametrize("text", _texts(40))
def test_shingle_hashes_are_the_plain_ones(text: str) -> None:
    words = tokens(text)
    plain = np.unique((_plain_shingles(words) >> np.uint64(32)).astype(np.uint32))
    assert shingle_hashes(words).tobytes() == plain.tobytes()


def test_pieces_hold_the_tokens_in_order() -> None:
    for text in _texts(40):
        pieces = folded_pieces(text)
        assert [t for p in pieces for t in similarity._WORD.findall(p)] == tokens(text)
        assert pieces == unicodedata.normalize("NFC", text).casefold().split()


def test_band_keys_of_any_salt() -> None:
    minimums = np.arange(PERMUTATIONS, dtype=np.uint32) * np.uint32(33_554_467)
    for salt in (0, 1, 2, 7):
        assert band_keys(minimums, salt) == _plain_band_keys(minimums, salt)


def test_normalize_item_signs_and_hashes_the_text_it_keeps() -> None:
    """normalize_item() folds the text once for the signature and the text hash."""
    rng = random.Random(3)
    markup = ["<p>", "</p>", "<br>", "&amp;", "&nbsp;", "\x00", "\u2028", "\r\n", "&lt;b&gt;"]
    now = datetime(2024, 4, 5, tzinfo=UTC)
    ctx = Context("s", "https://x.vn/feed.xml", None, {}, now)
    for text in _texts(60):
        html = "".join(rng.choice([*markup, text]) for _ in range(6))
        article = normalize_item(RawItem("k", "https://x.vn/a.html", "T", content=html), ctx)
        assert article is not None
        # The text is not carried or stored: what stored_text() derives from the HTML kept
        # must be the very text that was signed and hashed.
        text = article_text(article.content, article.summary)
        found = signature(text)
        assert (article.keys, article.shingle_set, article.figures) == (
            found.keys,
            found.shingle_set,
            found.figures,
        )
        assert article.shingles == found.size
        assert article.text_hash == text_key(text)


def test_signature_with_the_piece_cache_full(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the cache's size, pieces are hashed each time and figures read from the text."""
    monkeypatch.setattr(similarity, "_MAX_PIECE_IDS", 0)
    for text in [*_texts(30), "Mới 12/3: lần đầu tiên x7 ٣٤ 0042"]:
        found = signature(text)
        assert (found.size, found.keys, found.shingle_set, found.figures) == _plain_signature(text)


def test_digits_survive_nfc_and_case_folding() -> None:
    """What lets a text's figures be read from its folded pieces: no character folds into
    or out of a digit (or into nothing), and no canonical decomposition holds one."""
    digit = similarity._NUMBER
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        folded = char.casefold()
        if digit.match(char):
            assert folded == char and not unicodedata.combining(char), hex(code)
        else:
            assert folded and not digit.search(folded), hex(code)
        decomposition = unicodedata.decomposition(char)
        if decomposition and not decomposition.startswith("<"):
            parts = "".join(chr(int(part, 16)) for part in decomposition.split())
            assert not digit.search(char + parts), hex(code)


@pytest.mark.parametrize("words", [513, 514, 515, 1026, 1027, 1600])
def test_signature_across_blocks_of_shingles(words: int) -> None:
    """Texts longer than one block of the permutation tables, at and around its edges."""
    text = " ".join(f"từ{i % 700}" for i in range(words))
    found = signature(text)
    assert found.size == words - 2
    assert (found.size, found.keys, found.shingle_set, found.figures) == _plain_signature(text)


def _first_title_key(title: str) -> str:
    stripped = unicodedata.normalize("NFC", title)
    for _ in range(2):
        stripped = similarity._PREFIX.sub("", stripped)
        stripped = similarity._SUFFIX.sub("", stripped)
    return " ".join(tokens(stripped))


def test_title_keys_are_their_first_form() -> None:
    rng = random.Random(5)
    parts = [
        "[Video] ", "Video: ", "(Ảnh) ", "clip - ", "Trực tiếp | ", "LIVE: ", " | Báo Mới",
        " - VnExpress", " – Dân trí", " | tuoitre.vn", " - Báo X - Tạp chí Y", "Hà Nội", "mưa",
        " ", "12/3", "Video", "[", "|", "-", " - báo Lao Động", " | zing", "Nóng: ", "Cập nhật - ",
    ]  # fmt: skip
    for _ in range(5_000):
        title = "".join(rng.choice(parts) for _ in range(rng.randint(0, 8)))
        assert similarity.title_key(title) == _first_title_key(title), title
