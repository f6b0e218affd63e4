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
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .text import stored_text

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
        cut = _SUFFIX.sub("", _PREFIX.sub("", stripped))
        if cut == stripped:  # the second round would cut nothing either
            break
        stripped = cut
    return " ".join(tokens(stripped))


def numbers(text: str) -> tuple[str, ...]:
    """Numbers in a title, in order: `Giá vàng hôm nay 12/3` and `… 13/3` are two stories."""
    return tuple(n.lstrip("0") or "0" for n in _NUMBER.findall(text))


def figures(text: str) -> frozenset[str]:
    """The distinct numbers of a text: a copy carries the same ones, the next issue others."""
    return frozenset(numbers(text))


# Vietnamese has a few thousand syllables: each one's hash is computed once per process,
# and kept as the 8 little-endian bytes numpy reads, so a text's ids are one bytes.join().
_TOKEN_IDS: dict[str, bytes] = {}
_MAX_TOKEN_IDS = 100_000
# The same for what signature() reads: the text split at white space, punctuation and all
# ("rất.", "12/3"), each piece -> the packed ids of its tokens (b"" for "-").
_PIECE_IDS: dict[str, bytes] = {}
_MAX_PIECE_IDS = 100_000  # about 13 MB with _PIECE_NUMBERS: a worker lives as long as `feeds serve`
# The cached pieces that hold digits -> numbers() of the piece. Digits survive NFC and
# case folding unchanged and no other character becomes one, so a text's numbers are
# those of its pieces: a lookup per piece instead of a scan of the text.
_PIECE_NUMBERS: dict[str, tuple[str, ...]] = {}
_ID = np.dtype("<u8")


def _token_bytes(token: str) -> bytes:
    """The token's 64-bit id (blake2b: the same in every process), little-endian."""
    return hashlib.blake2b(token.encode(), digest_size=8).digest()


def _token_id(token: str) -> bytes:
    found = _token_bytes(token)
    if len(_TOKEN_IDS) < _MAX_TOKEN_IDS:
        _TOKEN_IDS[token] = found
    return found


def _piece_ids(piece: str) -> bytes:
    found = b"".join(map(_token_bytes, _WORD.findall(piece)))
    if len(_PIECE_IDS) < _MAX_PIECE_IDS:
        if found_numbers := numbers(piece):  # filed first: a piece seen cached has its numbers
            _PIECE_NUMBERS[piece] = found_numbers
        _PIECE_IDS[piece] = found
    return found


def _packed(keys: list[str], cache: dict[str, bytes], compute: Callable[[str], bytes]) -> bytes:
    """The cached ids of every key, concatenated; a dict lookup per key, in C for the hits."""
    found = list(map(cache.get, keys))
    try:  # a miss is a None, which join() refuses: cheaper than looking for one first
        return b"".join(found)  # type: ignore[arg-type]
    except TypeError:
        pairs = zip(keys, found, strict=True)
        return b"".join([ids if ids is not None else compute(key) for key, ids in pairs])


def _mixed(ids: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """64-bit hashes of the word 3-grams in text order, repeats kept (the words if < 3)."""
    if len(ids) < SHINGLE:
        return ids.astype(np.uint64)
    # Arithmetic on arrays wraps mod 2^64 without a warning (only numpy scalars warn), so
    # the hot paths here need no np.errstate, which costs more than the operation.
    mixed: npt.NDArray[np.uint64] = ids[:-2] * _MIX[0] ^ ids[1:-1] * _MIX[1] ^ ids[2:] * _MIX[2]
    return mixed


def _shingles_in_order(words: list[str]) -> npt.NDArray[np.uint64]:
    """64-bit hashes of the word 3-grams in text order, repeats kept (the words if < 3)."""
    return _mixed(np.frombuffer(_packed(words, _TOKEN_IDS, _token_id), dtype=_ID))


def _distinct_high(ordered: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint32]:
    """The distinct top halves of the hashes, sorted: np.unique's result, by sort and compare
    (np.unique hashes first, which costs several times more on a few hundred values)."""
    high = (ordered >> np.uint64(32)).astype(np.uint32)
    high.sort()
    if high.size < 2:
        return high
    keep = np.empty(high.size, dtype=bool)
    keep[0] = True
    np.not_equal(high[1:], high[:-1], out=keep[1:])
    distinct: npt.NDArray[np.uint32] = high[keep]
    return distinct


def shingle_hashes(words: list[str]) -> npt.NDArray[np.uint32]:
    """Distinct 32-bit hashes of the word 3-grams (the words themselves if fewer than three),
    sorted. 32 bits are plenty to compare two sets of a few hundred (a false match is about
    one in 50,000 pairs of texts) and half the memory of 64.
    """
    return _distinct_high(_shingles_in_order(words))


def profile(text: str) -> tuple[npt.NDArray[np.uint32], frozenset[str]]:
    """What comparing `text` with others needs: its shingle set and its figures."""
    return shingle_hashes(tokens(text)), figures(text)


_EMPTY_MINHASHES = np.full((2, PERMUTATIONS), 0xFFFFFFFF, dtype=np.uint64)
_EMPTY_MINHASHES.flags.writeable = False


# The permutations' multipliers and offsets repeated for a block of shingles, so that the
# products are computed between two contiguous arrays: numpy's fast loop, where an outer
# product broadcasts a row at a time. 512 shingles (most texts in one block): 1 MiB.
_BLOCK = 512
_A_BLOCK = np.tile(_A, _BLOCK)
_B_BLOCK = np.tile(_B, _BLOCK)
_A_BLOCK.flags.writeable = _B_BLOCK.flags.writeable = False  # read by every thread


def _minhashes(hashes: npt.NDArray[np.uint64], lead: int) -> npt.NDArray[np.uint64]:
    """The MinHash of all the shingles and that of the first `lead` (at least one, at most
    a block) of them, as two rows of 32-bit values; all-ones when there are no shingles.

    Each permutation keeps the top 32 bits of A·h + B (mod 2^64). Dropping the low bits
    never reorders two values, so the minimum is taken first and shifted once, and the
    whole-text minimum is the lead's minimum against that of the other rows: every
    product is computed and read once.
    """
    if hashes.size == 0:
        return _EMPTY_MINHASHES
    minimums = np.empty((2, PERMUTATIONS), dtype=np.uint64)
    first = _permuted(hashes[:_BLOCK])
    smallest = np.minimum.reduce  # ndarray.min() goes through a Python wrapper
    smallest(first[:lead], axis=0, out=minimums[1])
    if lead < len(first):
        np.minimum(minimums[1], smallest(first[lead:], axis=0), out=minimums[0])
    else:
        minimums[0] = minimums[1]
    for start in range(_BLOCK, hashes.size, _BLOCK):
        block = _permuted(hashes[start : start + _BLOCK])
        np.minimum(minimums[0], smallest(block, axis=0), out=minimums[0])
    minimums >>= np.uint64(32)
    return minimums


def _permuted(block: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """A·h + B (mod 2^64) of every shingle of the block (rows) for every permutation."""
    size = block.size * PERMUTATIONS
    permuted = block.repeat(PERMUTATIONS)
    permuted *= _A_BLOCK[:size]  # wraps mod 2^64: arrays, no warning
    permuted += _B_BLOCK[:size]
    return permuted.reshape(block.size, PERMUTATIONS)


_BAND_MIX = np.random.default_rng(20240406).integers(1, 2**63, size=ROWS + 2, dtype=np.uint64) | 1


def _band_offsets(salt: int) -> npt.NDArray[np.uint64]:
    with np.errstate(over="ignore"):
        offsets: npt.NDArray[np.uint64] = (
            np.arange(BANDS, dtype=np.uint64) * _BAND_MIX[ROWS]
            + np.uint64(salt) * _BAND_MIX[ROWS + 1]
        )
    return offsets


# The per-band constants of band_keys() for the full text (salt 1) and the lead (salt 2).
_OFFSETS = {salt: _band_offsets(salt) for salt in (1, 2)}
_BOTH_OFFSETS = np.stack([_OFFSETS[1], _OFFSETS[2]])


def _keys(
    signatures: npt.NDArray[np.uint32] | npt.NDArray[np.uint64], offsets: npt.NDArray[np.uint64]
) -> list[int]:
    """band_keys() of one or more signatures (rows) at once, with their salts' offsets.

    A band's rows are mixed by a matrix product, which wraps mod 2^64 as the sum of the
    products does, in one call instead of two.
    """
    rows = signatures.reshape(-1, BANDS, ROWS).astype(np.uint64, copy=False)
    key = rows @ _BAND_MIX[:ROWS]  # arrays: wraps mod 2^64, no warning
    key += offsets
    key ^= key >> np.uint64(29)
    key *= _MIX[0]
    key &= np.uint64(_MASK63)
    keys: list[int] = key.ravel().tolist()
    return keys


def band_keys(signature: npt.NDArray[np.uint32], salt: int) -> list[int]:
    """One 63-bit key per band; `salt` keeps the full-text and lead indexes apart."""
    offsets = _OFFSETS[salt] if salt in _OFFSETS else _band_offsets(salt)
    return _keys(signature, offsets)


@dataclass(frozen=True)
class Signature:
    """What the index keeps of an article's text."""

    size: int  # word 3-grams of the whole text
    keys: tuple[int, ...]  # LSH band keys: the full text's, then the lead's
    shingle_set: bytes = b""  # shingle_hashes() of the text, packed: what overlap_of() reads
    figures: tuple[str, ...] = ()  # figures() of the text, sorted


def folded_pieces(text: str) -> list[str]:
    """`text` NFC and case-folded, split at white space: what signature() reads.

    tokens() are the \\w+ runs of these pieces, in order (no white space is a word
    character); joined with single spaces, they are what normalize.text_key() hashes.
    """
    return unicodedata.normalize("NFC", text).casefold().split()


def signature(text: str, pieces: list[str] | None = None) -> Signature:
    """One pass: the lead's shingles are the first ones of the text's, so the lead's MinHash
    is the minimum over the first rows of the same permuted matrix (repeats change no
    minimum, so no de-duplication is needed). `pieces`: folded_pieces(text), if already made.
    """
    if pieces is None:
        pieces = folded_pieces(text)
    ids = np.frombuffer(_packed(pieces, _PIECE_IDS, _piece_ids), dtype=_ID)
    # The cache only grows: if it is not full now, every piece of the text is in it.
    cached = len(_PIECE_IDS) < _MAX_PIECE_IDS
    found_figures = _figures_of_pieces(pieces) if cached else _sorted_figures(text)
    ordered = _mixed(ids)
    keys = _text_keys(ordered, ids.size)
    distinct = _distinct_high(ordered)
    return Signature(int(ordered.size), tuple(keys), distinct.tobytes(), found_figures)


def _text_keys(ordered: npt.NDArray[np.uint64], words: int) -> list[int]:
    """The band keys of the whole text (salt 1), then of its lead (salt 2) unless empty."""
    lead_words = min(LEAD_TOKENS, words)
    lead_columns = lead_words - (SHINGLE - 1) if words >= SHINGLE else lead_words
    minimums = _minhashes(ordered, lead_columns)
    if not lead_columns:  # no words: the full text's keys only
        return _keys(minimums[0], _OFFSETS[1])
    return _keys(minimums, _BOTH_OFFSETS)


def _figures_of_pieces(pieces: list[str]) -> tuple[str, ...]:
    """tuple(sorted(figures(text))) from the text's cached folded pieces."""
    known = _PIECE_NUMBERS
    found: set[str] = set().union(*map(known.__getitem__, filter(known.__contains__, pieces)))
    return tuple(sorted(found))


def _sorted_figures(text: str) -> tuple[str, ...]:
    """tuple(sorted(figures(text))), stripping zeros once per distinct number."""
    return tuple(sorted({n.lstrip("0") or "0" for n in set(_NUMBER.findall(text))}))


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
    """Shingle sets of recently compared texts, by article id: candidates recur within a cycle.

    Bounded by bytes rather than entries: a set takes 4 bytes a shingle, from a few
    hundred bytes for a lead to several KB for a long article.
    """

    OVERHEAD = 200  # bytes an entry costs besides its shingles: the array, the key, the slot

    def __init__(self, budget: int = 4 << 20) -> None:
        self.budget = budget
        self.used = 0
        self.sets: dict[str, npt.NDArray[np.uint32]] = {}
        self.hits = self.misses = 0

    def put(self, key: str, found: npt.NDArray[np.uint32]) -> None:
        if (old := self.sets.pop(key, None)) is not None:
            self.used -= old.nbytes + self.OVERHEAD
        self.sets[key] = found
        self.used += found.nbytes + self.OVERHEAD
        while self.used > self.budget and len(self.sets) > 1:
            oldest = self.sets.pop(next(iter(self.sets)))  # the least recently used
            self.used -= oldest.nbytes + self.OVERHEAD

    def get(self, key: str, text: str, body: str = "") -> npt.NDArray[np.uint32]:
        """The shingle set of an article's text, given as a Candidate has it (stored_text)."""
        found = self.sets.get(key)
        if found is None:
            self.misses += 1
            found = shingle_hashes(tokens(stored_text(text, body)))
        else:
            self.hits += 1
        self.put(key, found)
        return found
