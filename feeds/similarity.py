"""How alike two articles' texts are: normalised tokens, shingles, MinHash, LSH keys.

Pure and deterministic across processes and runs (no Python `hash()`), so the
signatures computed in a worker today match those stored last month. Texts
are compared as sets of word 3-grams over Vietnamese syllables after NFC and
case folding; MinHash (128 permutations, vectorised with numpy) estimates
Jaccard similarity, and LSH banding (32 bands of 4 rows, which finds pairs
above Jaccard ~0.4 with high probability) turns it into index keys, so a new
article is compared only with the handful of articles that share a band.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

PERMUTATIONS = 128
BANDS = 32
ROWS = PERMUTATIONS // BANDS
SHINGLE = 3
LEAD_TOKENS = 60  # the lead: what a feed summary usually repeats
_MASK63 = (1 << 63) - 1

_rng = np.random.default_rng(20240405)
_A = _rng.integers(1, 2**63, size=PERMUTATIONS, dtype=np.uint64) | np.uint64(1)
_B = _rng.integers(0, 2**63, size=PERMUTATIONS, dtype=np.uint64)
_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9], dtype=np.uint64)

_WORD = re.compile(r"\w+")
_NUMBER = re.compile(r"\d+")

# Title furniture that outlets add to a republished story.
_PREFIX = re.compile(
    r"^\s*[\[(]?\s*(video|clip|ảnh|photo|infographic|emagazine|e-magazine|longform|podcast|"
    r"trực tiếp|live|nóng|độc quyền|chùm ảnh|toàn cảnh|tin nóng|cập nhật)\s*[\])]?\s*[:|\-–]?\s*",
    re.IGNORECASE,
)
_SUFFIX = re.compile(
    r"\s+[|\-–]\s+((báo|tạp chí|trang|kênh)\b[^|\-–]*|[\w.]+\.(vn|com|net)|vnexpress|dân trí|"
    r"tuổi trẻ|thanh niên|vietnamnet|zing|znews|kenh14|vtc news|vov|nld|người lao động|"
    r"lao động|tiền phong|nhân dân|hà nội mới|kinh tế (&|và) đô thị|soha|24h|vietnamplus|"
    r"người hà nội)\s*$",
    re.IGNORECASE,
)


def tokens(text: str) -> list[str]:
    """Syllables of `text`: NFC, case-folded, punctuation dropped."""
    return _WORD.findall(unicodedata.normalize("NFC", text).casefold())


def title_key(title: str) -> str:
    """The title without outlet furniture (`[Video] `, ` | Báo X`), folded, for comparison."""
    stripped = unicodedata.normalize("NFC", title)
    for _ in range(2):
        stripped = _PREFIX.sub("", stripped)
        stripped = _SUFFIX.sub("", stripped)
    return " ".join(tokens(stripped))


def numbers(text: str) -> tuple[str, ...]:
    """Numbers in a title, in order: `Giá vàng hôm nay 12/3` and `… 13/3` are two stories."""
    return tuple(n.lstrip("0") or "0" for n in _NUMBER.findall(text))


def figures(text: str) -> frozenset[str]:
    """The distinct numbers of a text: a copy carries the same ones, the next issue others."""
    return frozenset(numbers(text))


# Vietnamese has a few thousand syllables: each one's hash is computed once per process.
_TOKEN_IDS: dict[str, int] = {}
_MAX_TOKEN_IDS = 500_000


def _token_id(token: str) -> int:
    found = int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "little")
    if len(_TOKEN_IDS) < _MAX_TOKEN_IDS:
        _TOKEN_IDS[token] = found
    return found


def _shingles_in_order(words: list[str]) -> npt.NDArray[np.uint64]:
    """64-bit hashes of the word 3-grams in text order, repeats kept (the words if < 3)."""
    if not words:
        return np.zeros(0, dtype=np.uint64)
    known = _TOKEN_IDS.get
    ids = np.array([known(w) or _token_id(w) for w in words], dtype=np.uint64)
    if len(ids) < SHINGLE:
        return ids
    with np.errstate(over="ignore"):
        mixed: npt.NDArray[np.uint64] = ids[:-2] * _MIX[0] ^ ids[1:-1] * _MIX[1] ^ ids[2:] * _MIX[2]
    return mixed


def shingle_hashes(words: list[str]) -> npt.NDArray[np.uint32]:
    """Distinct 32-bit hashes of the word 3-grams (the words themselves if fewer than three),
    sorted. 32 bits are plenty to compare two sets of a few hundred (a false match is about
    one in 50,000 pairs of texts) and half the memory of 64.
    """
    return np.unique((_shingles_in_order(words) >> np.uint64(32)).astype(np.uint32))


def profile(text: str) -> tuple[npt.NDArray[np.uint32], frozenset[str]]:
    """What comparing `text` with others needs: its shingle set and its figures."""
    return shingle_hashes(tokens(text)), figures(text)


def _permuted(hashes: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """Every shingle under every one of the 128 multiply-shift permutations (128 × n)."""
    with np.errstate(over="ignore"):
        permuted: npt.NDArray[np.uint64] = (
            _A[:, None] * hashes[None, :] + _B[:, None]
        ) >> np.uint64(32)
    return permuted


def _minimums(permuted: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint32]:
    """The MinHash: each permutation's minimum; all-ones for an empty set."""
    if permuted.shape[1] == 0:
        return np.full(PERMUTATIONS, 0xFFFFFFFF, dtype=np.uint32)
    smallest: npt.NDArray[np.uint32] = permuted.min(axis=1).astype(np.uint32)
    return smallest


_BAND_MIX = np.random.default_rng(20240406).integers(1, 2**63, size=ROWS + 2, dtype=np.uint64) | 1


def band_keys(signature: npt.NDArray[np.uint32], salt: int) -> list[int]:
    """One 63-bit key per band; `salt` keeps the full-text and lead indexes apart."""
    rows = signature.reshape(BANDS, ROWS).astype(np.uint64)
    with np.errstate(over="ignore"):
        key = (rows * _BAND_MIX[:ROWS]).sum(axis=1, dtype=np.uint64)
        key += (
            np.arange(BANDS, dtype=np.uint64) * _BAND_MIX[ROWS]
            + np.uint64(salt) * _BAND_MIX[ROWS + 1]
        )
        key ^= key >> np.uint64(29)
        key *= _MIX[0]
    return (key & np.uint64(_MASK63)).tolist()  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Signature:
    """What the index keeps of an article's text."""

    size: int  # word 3-grams of the whole text
    keys: tuple[int, ...]  # LSH band keys: the full text's, then the lead's
    shingle_set: bytes = b""  # shingle_hashes() of the text, packed: what overlap_of() reads
    figures: tuple[str, ...] = ()  # figures() of the text, sorted


def signature(text: str) -> Signature:
    """One pass: the lead's shingles are the first ones of the text's, so the lead's MinHash
    is the minimum over the first columns of the same permuted matrix (repeats change no
    minimum, so no de-duplication is needed)."""
    words = tokens(text)
    ordered = _shingles_in_order(words)
    permuted = _permuted(ordered)
    lead_words = min(LEAD_TOKENS, len(words))
    lead_columns = lead_words - (SHINGLE - 1) if len(words) >= SHINGLE else lead_words
    keys = band_keys(_minimums(permuted), 1)
    if lead_columns:
        keys += band_keys(_minimums(permuted[:, :lead_columns]), 2)
    distinct = np.unique((ordered >> np.uint64(32)).astype(np.uint32))
    return Signature(
        int(ordered.size), tuple(keys), distinct.tobytes(), tuple(sorted(figures(text)))
    )


def unpack_shingles(packed: bytes) -> npt.NDArray[np.uint32]:
    """Signature.shingle_set back into the array overlap_of() compares."""
    return np.frombuffer(packed, dtype=np.uint32)


def overlap(a: str, b: str) -> tuple[float, float, int]:
    """Exact Jaccard, containment of the smaller in the larger, and the smaller's size."""
    return overlap_of(shingle_hashes(tokens(a)), shingle_hashes(tokens(b)))


def overlap_of(sa: npt.NDArray[np.uint32], sb: npt.NDArray[np.uint32]) -> tuple[float, float, int]:
    """overlap() of two texts' distinct shingle hashes (shingle_hashes), already computed."""
    if sa.size == 0 or sb.size == 0:
        return 0.0, 0.0, 0
    if sa.size > sb.size:
        sa, sb = sb, sa
    at = np.searchsorted(sb, sa)  # sorted sets: look each of the smaller up in the larger
    at[at == sb.size] = 0
    common = int(np.count_nonzero(sb[at] == sa))
    union = sa.size + sb.size - common
    return common / union, common / sa.size, int(sa.size)


class ShingleCache:
    """Shingle sets of recently compared texts, by article id: candidates recur within a cycle."""

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self.sets: dict[str, npt.NDArray[np.uint32]] = {}

    def put(self, key: str, found: npt.NDArray[np.uint32]) -> None:
        if len(self.sets) >= self.size:
            self.sets.pop(next(iter(self.sets)))  # the least recently used
        self.sets[key] = found

    def get(self, key: str, text: str) -> npt.NDArray[np.uint32]:
        found = self.sets.pop(key, None)
        if found is None:
            found = shingle_hashes(tokens(text))
        elif len(self.sets) >= self.size:
            self.sets.pop(next(iter(self.sets)))  # the least recently used
        self.sets[key] = found
        return found
