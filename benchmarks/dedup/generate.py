"""Labelled near-duplicate benchmark: synthetic Vietnamese news with known story labels.

Writes JSON Lines, one article a line, each carrying its ground-truth ``story`` label
and the ``kind`` of article it is:

* an ``original``;
* one of nine kinds of republished *copy* that deduplication must merge with its
  original (``exact_copy``, ``tracking_url``, ``title_prefix``, ``nfd``, ``markup``,
  ``sentence_dropped``, ``sentence_added``, ``summary_only``, ``light_edit``);
* one of five kinds of *near miss* that must stay a story of its own
  (``same_event_other_article``, ``follow_up``, ``recurring_column``,
  ``short_boilerplate``, ``outside_window``).

Why synthetic: real Vietnamese corpora carry no story labels (and the samples on
this machine no licence), so precision and recall of story clustering cannot be
measured on them.  Here every article is built from sentence templates over a
vocabulary of names, places, organisations, numbers and dates, so unrelated stories
share common words but not long word sequences, while copies and near misses differ
from their originals in exactly the ways the labels say.  ``measure.py`` next to
this file scores a clustering against the labels.

The output depends only on the arguments (and, with ``--realistic``, on the real
titles read at run time): the same arguments give the same bytes.  Lines are in
order of publication; the file is streamed, so 100,000 articles need little memory.

    python benchmarks/dedup/generate.py --articles 2000 --out /tmp/dedup-2k.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import heapq
import json
import math
import random
import re
import time
import unicodedata
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from html import escape, unescape
from itertools import pairwise
from json.encoder import c_encode_basestring, py_encode_basestring  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any, Protocol, TypeVar
from urllib.parse import urlencode, urlsplit, urlunsplit

DEFAULT_SEED = 20241127
DEFAULT_ARTICLES = 2000
DEFAULT_START = "2024-03-01"
REAL_DIR = Path("/work/shared/fixtures/real/datasets")
ICT = timezone(timedelta(hours=7))
WINDOW = timedelta(days=7)  # the deduplication time window that outside_window copies exceed

COPY_KINDS = (
    "exact_copy",
    "tracking_url",
    "title_prefix",
    "nfd",
    "markup",
    "sentence_dropped",
    "sentence_added",
    "summary_only",
    "light_edit",
)
NEAR_MISS_KINDS = (
    "same_event_other_article",
    "follow_up",
    "recurring_column",
    "short_boilerplate",
    "outside_window",
)
KINDS = ("original", *COPY_KINDS, *NEAR_MISS_KINDS)

# Units of generation per 100: one unit is an original with whatever belongs to it.
UNIT_MIX = {
    "plain": 26,  # an original alone
    "copied": 32,  # an original and 2-8 copies
    "same_event": 9,  # an original and 1-2 other outlets' own articles on the event
    "saga": 6,  # an original and 1-3 follow-ups under the same title prefix
    "column": 11,  # one issue of a recurring column (sometimes copied)
    "short": 8,  # a short video/photo item whose text is boilerplate
    "outside": 8,  # an original and a copy republished 8-30 days later
}
ARTICLES_PER_UNIT = 2.8  # measured mean; sets the time span covered
COPY_COUNTS = (2, 3, 4, 5, 6, 7, 8)
COPY_WEIGHTS = (30, 22, 16, 12, 9, 6, 5)
SIDE_COPY_CHANCE = 0.3  # chance that a near miss's original is copied too

# ---------------------------------------------------------------------------
# Templates: "{key}" is a fact of the story (the same in every article about it),
# "{*key}" a fresh value each time, "[a|b|c]" a choice; a capital first letter in
# a key capitalises the value.  "+ " at the start of a line continues the entry.
# ---------------------------------------------------------------------------

_T = TypeVar("_T")
_MASK = (1 << 64) - 1


class Rng(Protocol):
    """What templates and fact makers draw from: ``random.Random`` or ``_Draws``."""

    def random(self) -> float: ...
    def randint(self, a: int, b: int) -> int: ...
    def choice(self, seq: Sequence[_T]) -> _T: ...
    def choices(self, population: Sequence[_T], weights: Sequence[float]) -> list[_T]: ...


class _Fast(random.Random):
    """Mersenne Twister with one-frame ``randint`` and ``choice``: the stock ones go through
    three Python frames each, and templates call them a few million times."""

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq: Sequence[_T]) -> _T:
        return seq[int(self.random() * len(seq))]


class _Draws:
    """splitmix64 for the few draws that make one fact: seeding a Mersenne Twister for each
    of the half million facts of 100,000 articles would cost more than writing them."""

    __slots__ = ("state",)

    def __init__(self, seed: int) -> None:
        self.state = seed & _MASK

    def random(self) -> float:
        self.state = z = (self.state + 0x9E3779B97F4A7C15) & _MASK
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        return ((z ^ (z >> 31)) >> 11) * 2.0**-53

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq: Sequence[_T]) -> _T:
        return seq[int(self.random() * len(seq))]

    def choices(self, population: Sequence[_T], weights: Sequence[float]) -> list[_T]:
        left = self.random() * sum(weights)
        for item, weight in zip(population, weights, strict=True):
            left -= weight
            if left < 0:
                return [item]
        return [population[-1]]


_SLOT, _FRESH, _ALT = 0, 1, 2
_TOKEN = re.compile(r"\{(\*?)(\w+)\}|\[([^\[\]]*)\]")
# A compiled template: called with the story's facts and a generator, returns the text.
Template = Callable[["Facts", Rng], str]


def _parse(text: str) -> list[Any]:
    """Literal strings, (_SLOT|_FRESH, key, capitalise) and (_ALT, alternatives, False)."""
    parts: list[Any] = []
    pos = 0
    for match in _TOKEN.finditer(text):
        if match.start() > pos:
            parts.append(text[pos : match.start()])
        if match.group(3) is not None:
            alternatives = tuple(_parse(alt) for alt in match.group(3).split("|"))
            parts.append((_ALT, alternatives, False))
        else:
            name = match.group(2)
            key = name[0].lower() + name[1:]
            parts.append((_FRESH if match.group(1) else _SLOT, key, name[0].isupper()))
        pos = match.end()
    if pos < len(text):
        parts.append(text[pos:])
    return parts


def _pick(choices: tuple[Any, ...], facts: Facts, rng: Rng) -> str:
    choice = choices[int(rng.random() * len(choices))]
    return choice if type(choice) is str else choice(facts, rng)


def _build(parts: list[Any]) -> Template | str:
    """Parts as one generated function (plain text stays a string): the hot path is then
    a single call per sentence instead of an interpreter loop over the parts."""
    if all(type(part) is str for part in parts):
        return "".join(parts)
    items: list[str] = []
    bound: dict[str, Any] = {}
    for part in parts:
        if type(part) is str:
            items.append(repr(part))
        elif part[0] == _ALT:
            name = f"a{len(bound)}"
            bound[name] = tuple(_build(alt) for alt in part[1])
            if all(type(choice) is str for choice in bound[name]):
                items.append(f"{name}[int(r.random() * {len(bound[name])})]")
            else:
                items.append(f"_pick({name}, f, r)")
        else:
            tag, key, cap = part
            item = f"f[{key!r}]" if tag == _SLOT else f"_produce({key!r}, r, f)"
            items.append(f"_cap({item})" if cap else item)
    defaults = "".join(f", {name}={name}" for name in bound)
    source = f"def template(f, r{defaults}):\n    return ''.join(({', '.join(items)},))\n"
    namespace: dict[str, Any] = dict(bound)
    exec(source, globals(), namespace)
    return namespace["template"]  # type: ignore[no-any-return]


def _compile(text: str) -> Template:
    built = _build(_parse(text))
    if isinstance(built, str):
        return lambda facts, rng, text=built: text
    return built


def _entries(text: str) -> list[str]:
    items: list[str] = []
    for raw in text.strip().splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("+ ") and items:
            items[-1] += " " + line[2:]
        else:
            items.append(line)
    return [unicodedata.normalize("NFC", item) for item in items]


def _block(text: str) -> tuple[Template, ...]:
    """One template a line (``+`` continues a line)."""
    return tuple(_compile(item) for item in _entries(text))


def _list(text: str) -> tuple[str, ...]:
    """Comma- or line-separated plain values."""
    values = (v.strip() for v in text.replace("\n", ",").split(","))
    return tuple(unicodedata.normalize("NFC", v) for v in values if v)


def _cap(text: str) -> str:
    first = text[:1]
    if first.isalpha():
        return text if first.isupper() else first.upper() + text[1:]
    for i, char in enumerate(text):
        if char.isalpha():
            return text[:i] + char.upper() + text[i + 1 :]
        if char not in "\"'(“":
            break
    return text


_SPACES = re.compile(r"\s{2,}")
_SPACE_PUNCT = re.compile(r"\s+([,.;:!?)])")


def _tidy(text: str) -> str:
    """One finished sentence or title: single spaces, no space before punctuation."""
    if "  " in text:
        text = _SPACES.sub(" ", text)
    if " ," in text or " ." in text or " )" in text:
        text = _SPACE_PUNCT.sub(r"\1", text)
    if ",," in text:
        text = text.replace(",,", ",")
    return _cap(text.strip())


# ---------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------

FAMILY = _list("""
Nguyễn, Nguyễn, Nguyễn, Trần, Trần, Lê, Lê, Phạm, Hoàng, Huỳnh, Phan, Vũ, Võ, Đặng, Bùi,
Đỗ, Hồ, Ngô, Dương, Lý, Đinh, Trương, Lưu, Mai, Tạ, Quách, Lâm, Cao, Châu, Kiều, Tô, Đoàn
""")
MIDDLE_M = _list("Văn, Văn, Hữu, Đức, Minh, Quang, Thanh, Công, Xuân, Đình, Tuấn, Anh, Hoàng, Bá")
MIDDLE_F = _list("Thị, Thị, Ngọc, Thu, Thanh, Hồng, Minh, Kim, Phương, Mai, Bích, Thùy, Diệu")
GIVEN_M = _list("""
Hùng, Dũng, Nam, Sơn, Tuấn, Long, Hải, Phong, Quân, Khoa, Trung, Thắng, Cường, Hiếu, Bình,
Tùng, Đạt, Huy, Vinh, Toàn, Phúc, Thành, Kiên, Lộc, Hưng, Khánh, Nghĩa, Thịnh, Tâm, Đông
""")
GIVEN_F = _list("""
Lan, Hương, Mai, Hoa, Hạnh, Trang, Linh, Thảo, Ngân, Hằng, Yến, Nhung, Vy, Thủy, Hà, Dung,
Huyền, Oanh, Quyên, Tâm, Loan, Phượng, Giang, Nga, Chi, My, Uyên, Duyên, Xuân, Liên
""")
HONORIFICS = frozenset(
    _list("ông, bà, anh, chị, em, cháu, thầy, cô, TS, ThS, BS, PGS.TS, GS.TS, HLV, NSND, NSƯT")
)
WARDS = _list("""
Tân Định, Bến Thành, Khương Mai, Nhân Chính, Phúc La, Hòa Minh, An Hải Bắc, Thạch Thang,
Trung Hòa, Yên Hòa, Láng Hạ, Kim Liên, Phương Liệt, Vĩnh Tuy, Thạnh Mỹ Lợi, An Khánh, Tân Phong,
Hiệp Bình Chánh, Linh Trung, Phước Long, Xuân La, Quảng An, Phú Thượng, Đông Ngạc, Mai Dịch,
Hòa Khánh Bắc, Mỹ An, Khuê Trung, An Lạc, Bình Hưng Hòa, Tân Sơn Nhì, Hòa Thạnh, Cát Linh
""")


@dataclass(frozen=True)
class City:
    name: str
    full: str  # as in "UBND TP Hà Nội", "Công an tỉnh Bình Dương"
    plates: tuple[str, ...]
    districts: tuple[str, ...]
    streets: tuple[str, ...]
    roads: tuple[str, ...]
    hospitals: tuple[str, ...]
    weight: int


def _city(name: str, full: str, weight: int, plates: str, *lists: str) -> City:
    districts, streets, roads, hospitals = (_list(text) for text in lists)
    return City(name, full, _list(plates), districts, streets, roads, hospitals, weight)


CITIES = (
    _city(
        "Hà Nội",
        "TP Hà Nội",
        30,
        "29, 30",
        """quận Ba Đình, quận Hoàn Kiếm, quận Đống Đa, quận Cầu Giấy, quận Thanh Xuân,
        quận Hai Bà Trưng, quận Hoàng Mai, quận Long Biên, quận Tây Hồ, quận Nam Từ Liêm,
        quận Bắc Từ Liêm, quận Hà Đông, huyện Gia Lâm, huyện Đông Anh, huyện Sóc Sơn,
        huyện Thanh Trì, huyện Chương Mỹ, thị xã Sơn Tây""",
        """Nguyễn Trãi, Giải Phóng, Láng, Kim Mã, Phạm Văn Đồng, Trần Duy Hưng, Nguyễn Xiển,
        Lê Văn Lương, Tố Hữu, Xuân Thủy, Đại Cồ Việt, Minh Khai, Nguyễn Văn Cừ, Trường Chinh,
        Hoàng Quốc Việt, Lạc Long Quân, Nguyễn Chí Thanh, Tây Sơn""",
        """cao tốc Pháp Vân – Cầu Giẽ, đường Vành đai 3, quốc lộ 1A, đại lộ Thăng Long,
        cầu Vĩnh Tuy, cầu Thanh Trì, quốc lộ 32, cầu Nhật Tân""",
        """Bệnh viện Bạch Mai, Bệnh viện Hữu nghị Việt Đức, Bệnh viện E, Bệnh viện Xanh Pôn,
        Bệnh viện Đống Đa, Bệnh viện Thanh Nhàn, Bệnh viện Đa khoa Hà Đông""",
    ),
    _city(
        "TP.HCM",
        "TP.HCM",
        30,
        "51, 59",
        """quận 1, quận 3, quận 7, quận 10, quận 12, quận Bình Thạnh, quận Gò Vấp, quận Tân Bình,
        quận Tân Phú, quận Phú Nhuận, quận Bình Tân, TP Thủ Đức, huyện Bình Chánh, huyện Củ Chi,
        huyện Nhà Bè, huyện Hóc Môn""",
        """Nguyễn Huệ, Lê Lợi, Điện Biên Phủ, Võ Văn Kiệt, Cách Mạng Tháng Tám, Nguyễn Văn Linh,
        Cộng Hòa, Trường Chinh, Lê Văn Việt, Phan Văn Trị, Nguyễn Thị Minh Khai, Hai Bà Trưng,
        Lý Thường Kiệt, Quang Trung, Phạm Văn Đồng, Kinh Dương Vương""",
        """xa lộ Hà Nội, cao tốc TP.HCM – Trung Lương, quốc lộ 1, quốc lộ 22, cầu Sài Gòn,
        đường Mai Chí Thọ, cầu Phú Mỹ, đường Vành đai 2""",
        """Bệnh viện Chợ Rẫy, Bệnh viện Nhân dân 115, Bệnh viện Nhân dân Gia Định,
        Bệnh viện Thống Nhất, Bệnh viện Nhi đồng 1, Bệnh viện quận 7, Bệnh viện TP Thủ Đức""",
    ),
    _city(
        "Đà Nẵng",
        "TP Đà Nẵng",
        8,
        "43",
        """quận Hải Châu, quận Thanh Khê, quận Sơn Trà, quận Ngũ Hành Sơn, quận Liên Chiểu,
        quận Cẩm Lệ, huyện Hòa Vang""",
        """Bạch Đằng, Nguyễn Văn Linh, Điện Biên Phủ, Võ Nguyên Giáp, Hùng Vương, Lê Duẩn,
        Ngô Quyền, Tôn Đức Thắng, Nguyễn Tất Thành""",
        "quốc lộ 1A, cao tốc Đà Nẵng – Quảng Ngãi, đèo Hải Vân, cầu Rồng, cầu Thuận Phước",
        "Bệnh viện Đà Nẵng, Bệnh viện C Đà Nẵng, Bệnh viện Phụ sản – Nhi Đà Nẵng",
    ),
    _city(
        "Hải Phòng",
        "TP Hải Phòng",
        6,
        "15, 16",
        """quận Hồng Bàng, quận Lê Chân, quận Ngô Quyền, quận Hải An, quận Kiến An,
        quận Dương Kinh, huyện Thủy Nguyên, huyện An Dương, huyện Cát Hải""",
        "Lạch Tray, Lê Hồng Phong, Trần Phú, Văn Cao, Tôn Đức Thắng, Nguyễn Văn Linh, Hồ Sen",
        "quốc lộ 5, cao tốc Hà Nội – Hải Phòng, cầu Bạch Đằng, quốc lộ 10",
        "Bệnh viện Hữu nghị Việt Tiệp, Bệnh viện Kiến An, Bệnh viện Trẻ em Hải Phòng",
    ),
    _city(
        "Cần Thơ",
        "TP Cần Thơ",
        5,
        "65",
        """quận Ninh Kiều, quận Bình Thủy, quận Cái Răng, quận Ô Môn, quận Thốt Nốt,
        huyện Phong Điền, huyện Cờ Đỏ""",
        "30 Tháng 4, Nguyễn Văn Cừ, Trần Hưng Đạo, Mậu Thân, Cách Mạng Tháng Tám, Võ Văn Kiệt",
        "quốc lộ 91, quốc lộ 1, cầu Cần Thơ, cao tốc Cần Thơ – Cà Mau",
        "Bệnh viện Đa khoa Trung ương Cần Thơ, Bệnh viện Nhi đồng Cần Thơ",
    ),
    _city(
        "Bình Dương",
        "tỉnh Bình Dương",
        5,
        "61",
        "TP Thủ Dầu Một, TP Dĩ An, TP Thuận An, TP Tân Uyên, thị xã Bến Cát",
        "Đại lộ Bình Dương, Mỹ Phước – Tân Vạn, Phú Lợi, Yersin, Nguyễn Văn Tiết",
        "quốc lộ 13, quốc lộ 1K, đường ĐT743",
        "Bệnh viện Đa khoa tỉnh Bình Dương, Bệnh viện Quân đoàn 4",
    ),
    _city(
        "Quảng Ninh",
        "tỉnh Quảng Ninh",
        4,
        "14",
        "TP Hạ Long, TP Cẩm Phả, TP Móng Cái, TP Uông Bí, huyện Vân Đồn",
        "Trần Hưng Đạo, Hạ Long, Nguyễn Văn Cừ, Lê Thánh Tông, Cái Lân",
        "quốc lộ 18, cao tốc Hạ Long – Vân Đồn, cầu Bãi Cháy",
        "Bệnh viện Bãi Cháy, Bệnh viện Đa khoa tỉnh Quảng Ninh",
    ),
    _city(
        "Nghệ An",
        "tỉnh Nghệ An",
        4,
        "37",
        "TP Vinh, thị xã Cửa Lò, huyện Diễn Châu, huyện Nghi Lộc, huyện Quỳnh Lưu",
        "Lê Lợi, Quang Trung, Nguyễn Du, Lê Duẩn, Trường Thi",
        "quốc lộ 1A, quốc lộ 46, quốc lộ 7",
        "Bệnh viện Hữu nghị Đa khoa Nghệ An, Bệnh viện Sản Nhi Nghệ An",
    ),
    _city(
        "Khánh Hòa",
        "tỉnh Khánh Hòa",
        4,
        "79",
        "TP Nha Trang, TP Cam Ranh, thị xã Ninh Hòa, huyện Diên Khánh",
        "Trần Phú, Phạm Văn Đồng, 23 Tháng 10, Lê Thánh Tôn, Thái Nguyên",
        "quốc lộ 1, quốc lộ 26, đèo Khánh Lê",
        "Bệnh viện Đa khoa tỉnh Khánh Hòa, Bệnh viện 22-12",
    ),
    _city(
        "Thừa Thiên Huế",
        "tỉnh Thừa Thiên Huế",
        3,
        "75",
        "TP Huế, thị xã Hương Thủy, thị xã Hương Trà, huyện Phú Vang, huyện Phong Điền",
        "Lê Lợi, Hùng Vương, Trần Hưng Đạo, Nguyễn Huệ, Điện Biên Phủ",
        "quốc lộ 1A, quốc lộ 49, đèo Phước Tượng",
        "Bệnh viện Trung ương Huế, Bệnh viện Đại học Y Dược Huế",
    ),
)
CITY = {city.name: city for city in CITIES}
CITY_WEIGHTS = tuple(city.weight for city in CITIES)
PROVINCES = _list("""
Thanh Hóa, Nam Định, Thái Bình, Hà Tĩnh, Quảng Bình, Quảng Nam, Quảng Ngãi, Bình Định, Gia Lai,
Đắk Lắk, Lâm Đồng, Đồng Nai, Long An, Tiền Giang, An Giang, Kiên Giang, Cà Mau, Bắc Giang,
Phú Thọ, Lào Cai, Hưng Yên, Hải Dương, Ninh Bình, Vĩnh Phúc, Sóc Trăng, Bến Tre
""")


@dataclass(frozen=True)
class Outlet:
    name: str
    host: str
    pattern: str  # {host} {sec} {slug} {n}
    digits: int
    suffix: str  # what the outlet appends to titles it republishes


def _outlet(name: str, host: str, pattern: str, digits: int, suffix: str = "") -> Outlet:
    return Outlet(name, host, pattern, digits, suffix or f" | Báo {name}")


OUTLETS = (
    _outlet("Tuổi Trẻ", "tuoitre.vn", "https://{host}/{slug}-{n}.htm", 17, " - Tuổi Trẻ Online"),
    _outlet("VnExpress", "vnexpress.net", "https://{host}/{slug}-{n}.html", 7, " - VnExpress"),
    _outlet("Dân trí", "dantri.com.vn", "https://{host}/{sec}/{slug}-{n}.htm", 17),
    _outlet("Thanh Niên", "thanhnien.vn", "https://{host}/{slug}-{n}.htm", 18, " - Thanh Niên"),
    _outlet("VietNamNet", "vietnamnet.vn", "https://{host}/{slug}-{n}.html", 7),
    _outlet("Lao Động", "laodong.vn", "https://{host}/{sec}/{slug}-{n}.ldo", 7),
    _outlet("Tiền Phong", "tienphong.vn", "https://{host}/{slug}-post{n}.tpo", 7),
    _outlet("Nhân Dân", "nhandan.vn", "https://{host}/{slug}-post{n}.html", 6),
    _outlet("Hà Nội Mới", "hanoimoi.vn", "https://{host}/{slug}-{n}.html", 6),
    _outlet("Kinh tế & Đô thị", "kinhtedothi.vn", "https://{host}/{slug}.{n}.html", 6),
    _outlet("Người Lao Động", "nld.com.vn", "https://{host}/{slug}-{n}.htm", 18),
    _outlet("Zing", "znews.vn", "https://{host}/{slug}-post{n}.html", 7, " - Znews"),
    _outlet("VTC News", "vtc.vn", "https://{host}/{slug}-ar{n}.html", 6, " | VTC News"),
    _outlet("Vietnamplus", "www.vietnamplus.vn", "https://{host}/{slug}-post{n}.vnp", 6),
    _outlet("Người Hà Nội", "nguoihanoi.vn", "https://{host}/{slug}-{n}.html", 6),
)


# ---------------------------------------------------------------------------
# Facts: drawn lazily, but each from its own seed, so the value of a key does not
# depend on which template asked for it first.
# ---------------------------------------------------------------------------


class Facts(dict[str, str]):
    """The facts of one story: people, places, numbers; ``day`` is the event's date."""

    def __init__(self, seed: int, topic: Topic | None, day: date, preset: dict[str, str]) -> None:
        super().__init__(preset)
        self.seed = seed
        self.topic = topic
        self.day = day

    def __missing__(self, key: str) -> str:
        value = _produce(key, _Draws(self.seed ^ _key_hash(key)), self)
        self[key] = value
        return value


_KEY_HASHES: dict[str, int] = {}


def _key_hash(key: str) -> int:
    if key not in _KEY_HASHES:
        _KEY_HASHES[key] = zlib.crc32(key.encode()) * 0x9E3779B1
    return _KEY_HASHES[key]


def _expand(template: Template, facts: Facts, rng: Rng) -> str:
    return template(facts, rng)


def _produce(key: str, rng: Rng, facts: Facts) -> str:
    topic = facts.topic
    pool = topic.pools.get(key) if topic is not None else None
    if pool is None:
        pool = POOLS.get(key)
    if pool is not None:
        return _expand(pool[int(rng.random() * len(pool))], facts, rng)
    if key in CALLS:
        return CALLS[key](rng, facts)
    if key.endswith("_short"):
        return _short(facts[key[:-6]])
    if key.endswith("_pron"):
        return facts[key[:-5]].split(" ", 1)[0]
    if key.endswith("_age"):
        return str(rng.randint(19, 68))
    raise KeyError(f"no vocabulary for {{{key}}}")


def _short(name: str) -> str:
    words = name.split()
    return f"{words[0]} {words[-1]}" if words[0] in HONORIFICS else words[-1]


def _name(rng: Rng, female: bool | None = None) -> tuple[str, bool]:
    if female is None:
        female = rng.random() < 0.42
    middle = rng.choice(MIDDLE_F if female else MIDDLE_M)
    given = rng.choice(GIVEN_F if female else GIVEN_M)
    return f"{rng.choice(FAMILY)} {middle} {given}", female


def _titled(male: str, female: str) -> Callable[[Rng, Facts], str]:
    def make(rng: Rng, facts: Facts) -> str:
        name, is_female = _name(rng)
        return f"{female if is_female else male} {name}"

    return make


def _num(value: float, decimals: int = 0) -> str:
    """Vietnamese number format: 12.345,6."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def _money(rng: Rng, facts: Facts) -> str:
    roll = rng.random()
    if roll < 0.45:
        return f"{_num(rng.randint(12, 980))} triệu đồng"
    if roll < 0.9:
        return f"{_num(rng.randint(11, 950) / 10, 1).removesuffix(',0')} tỷ đồng"
    return f"{_num(rng.randint(11, 99) / 10, 1).removesuffix(',0')} nghìn tỷ đồng"


def _city_of(facts: Facts) -> City:
    return CITY[facts["city"]]


def _district(rng: Rng, facts: Facts) -> str:
    return rng.choice(_city_of(facts).districts)


def _district_short(rng: Rng, facts: Facts) -> str:
    district = facts["district"]
    for lead in ("thị xã ", "quận ", "huyện ", "TP "):
        if district.startswith(lead):
            rest = district[len(lead) :]
            return district if rest[0].isdigit() else rest
    return district


def _ward(rng: Rng, facts: Facts) -> str:
    rural = facts["district"].startswith("huyện")
    return f"{'xã' if rural else 'phường'} {rng.choice(WARDS)}"


def _plate(rng: Rng, facts: Facts) -> str:
    code = rng.choice(_city_of(facts).plates)
    letter = rng.choice("ABCDEFGHKLH")
    return f"{code}{letter}-{rng.randint(100, 999)}.{rng.randint(10, 99)}"


def _hour(rng: Rng, facts: Facts) -> str:
    hour = rng.randint(1, 23)
    return f"{hour}h{rng.choice(('', '15', '30', '45', '10', '20', '40', '50'))}"


def _shift(days: tuple[int, int]) -> Callable[[Rng, Facts], str]:
    def make(rng: Rng, facts: Facts) -> str:
        day = facts.day + timedelta(days=rng.randint(*days))
        return f"{day.day}/{day.month}"

    return make


def _between(low: int, high: int) -> Callable[[Rng, Facts], str]:
    return lambda rng, facts: _num(rng.randint(low, high))


CALLS: dict[str, Callable[[Rng, Facts], str]] = {
    "city": lambda rng, facts: rng.choices(CITIES, CITY_WEIGHTS)[0].name,
    "cityfull": lambda rng, facts: _city_of(facts).full,
    "cityauth": lambda rng, facts: f"UBND {_city_of(facts).full}",
    "police": lambda rng, facts: f"Công an {_city_of(facts).full}",
    "district": _district,
    "district_short": _district_short,
    "district_auth": lambda rng, facts: f"UBND {facts['district']}",
    "district_any": lambda rng, facts: (
        f"{rng.choice((c := rng.choice(CITIES)).districts)}, " + c.name
    ),
    "ward": _ward,
    "street": lambda rng, facts: rng.choice(_city_of(facts).streets),
    "highway": lambda rng, facts: rng.choice(_city_of(facts).roads),
    "hospital": lambda rng, facts: rng.choice(_city_of(facts).hospitals),
    "province": lambda rng, facts: rng.choice(PROVINCES),
    "plate": _plate,
    "person": lambda rng, facts: _name(rng)[0],
    "man": lambda rng, facts: _name(rng, False)[0],
    "official": _titled("ông", "bà"),
    "older": _titled("ông", "bà"),
    "resident": _titled("anh", "chị"),
    "teacher": _titled("thầy", "cô"),
    "coach": lambda rng, facts: f"HLV {_name(rng, False)[0]}",
    "artist": lambda rng, facts: (
        f"{rng.choice(('NSND', 'NSƯT', 'ca sĩ', 'nhạc sĩ'))} {_name(rng)[0]}"
    ),
    "expert": lambda rng, facts: f"{rng.choice(('TS', 'PGS.TS', 'ThS', 'GS.TS'))} {_name(rng)[0]}",
    "n_small": _between(2, 9),
    "n_one": _between(1, 5),
    "n_dead": _between(1, 4),
    "n_injured": _between(2, 9),
    "n_mid": _between(12, 480),
    "n_tens": _between(10, 60),
    "n_teen": _between(10, 20),
    "n_big": lambda rng, facts: _num(rng.randint(11, 950) * 100),
    "n_month": _between(3, 11),
    "pct": lambda rng, facts: f"{_num(rng.randint(11, 480) / 10, 1).removesuffix(',0')}%",
    "money": _money,
    "money_small": lambda rng, facts: f"{rng.choice((5, 10, 15, 20, 30, 50, 100))} triệu đồng",
    "money_small2": lambda rng, facts: f"{rng.choice((2, 3, 5, 7, 10))} triệu đồng",
    "fine_low": lambda rng, facts: f"{rng.choice((2, 4, 6, 10, 20))} triệu",
    "fine_high": lambda rng, facts: f"{rng.choice((30, 40, 50, 80, 100))} triệu",
    "year": lambda rng, facts: str(facts.day.year),
    "year_next": lambda rng, facts: str(facts.day.year + 1),
    "year_past": lambda rng, facts: str(rng.randint(2012, facts.day.year - 1)),
    "year_future": lambda rng, facts: str(rng.randint(facts.day.year + 2, facts.day.year + 11)),
    "month": _between(1, 12),
    "quarter": lambda rng, facts: rng.choice(("I", "II", "III", "IV")),
    "hour": _hour,
    "hour2": _hour,
    "part": lambda rng, facts: rng.choice(("sáng", "sáng", "chiều", "chiều", "tối", "trưa", "đêm")),
    "date": lambda rng, facts: f"{facts.day.day}/{facts.day.month}",
    "past_date": _shift((-20, -2)),
    "next_date": _shift((1, 3)),
    "later_date": _shift((4, 25)),
    "house_no": lambda rng, facts: rng.choice(
        (str(rng.randint(2, 390)), f"{rng.randint(2, 200)}/{rng.randint(1, 40)}")
    ),
}

POOLS: dict[str, tuple[Template, ...]] = {
    "official_role": _block("""
        Chủ tịch {district_auth}
        Phó chủ tịch {district_auth}
        Phó chủ tịch {cityauth}
        Chánh Văn phòng {cityauth}
        Trưởng Công an {district}
    """),
    "ministry": _block("""
        Bộ Công Thương
        Bộ Y tế
        Bộ Giáo dục và Đào tạo
        Bộ Giao thông vận tải
        Bộ Tài chính
        Bộ Xây dựng
        Bộ Tài nguyên và Môi trường
        Bộ Công an
        Bộ Nông nghiệp và Phát triển nông thôn
        Bộ Lao động – Thương binh và Xã hội
        Bộ Văn hóa, Thể thao và Du lịch
    """),
    "stat_org": _block("""
        Tổng cục Thống kê
        Cục Thống kê {city}
        Sở Kế hoạch và Đầu tư {city}
        Văn phòng {cityauth}
        Ủy ban An toàn giao thông quốc gia
    """),
    "leader_role": _block("""
        Phó chủ tịch {cityauth}
        Chủ tịch {district_auth}
        Giám đốc Sở Xây dựng
        Giám đốc Công an {district}
    """),
    "company": _block("""
        Công ty [TNHH|cổ phần|CP] [Xây dựng|Đầu tư|Thương mại dịch vụ|Vận tải|Môi trường|Kỹ thuật]
        + [Hoàng Long|Phú Thịnh|Minh Phát|An Khang|Đại Việt|Sao Mai|Thành Công|Nam Á|Tân Hưng
        + |Hưng Thịnh|Phương Đông|Kim Ngân|Bảo Minh|Hòa Bình|Trường Sơn|Việt Úc|Đông Dương]
    """),
}

# Sentences any story may use; every article on an event takes its own share of them.
GENERIC = _block("""
Trao đổi với phóng viên, {official}, {official_role}, cho biết [đơn vị|địa phương] đã [chỉ đạo|yêu
+ cầu]
+ các lực lượng chức năng [khẩn trương vào cuộc|phối hợp xử lý] [ngay trong {part} {date}|ngay sau
+ khi nhận được thông tin].
Theo {official_short}, [thời gian tới|trong những ngày tới], [địa phương|thành phố] sẽ tiếp tục
+ [theo dõi sát tình hình|rà soát toàn bộ quy trình liên quan] để [kịp thời có phương án xử lý|tránh
+ để xảy ra sự việc tương tự].
Ghi nhận của phóng viên [tại hiện trường|trong {part} {date}], [nhiều|đông] người dân [hiếu kỳ|tò
+ mò]
+ [tập trung theo dõi|đứng xem] khiến [giao thông khu vực|tuyến đường {street}] [bị ùn ứ cục bộ|trở
+ nên
+ lộn xộn].
{Resident} ({resident_age} tuổi, [sống gần đó|trú tại {ward}]) kể [lúc đó|khi ấy] {resident_pron}
+ đang
+ [bán hàng|chuẩn bị đi làm|ngồi uống nước ở quán gần đó] thì nghe thấy [tiếng động lớn|nhiều tiếng
+ la hét].
"[Mọi việc diễn ra rất nhanh|Tôi chưa từng thấy cảnh như vậy], [ai cũng hoảng hốt|nhiều người sợ hãi
+ bỏ chạy]", {resident_short} [nhớ lại|kể].
[Ngay sau đó|Sau khi sự việc xảy ra], {police} đã [cử lực lượng|điều động cán bộ] [đến hiện
+ trường|có mặt tại chỗ] để [phong tỏa khu vực|bảo vệ hiện trường], [điều tiết giao thông|hỗ trợ
+ người
+ dân].
[Hiện|Đến chiều cùng ngày,] [vụ việc|sự việc] đang được [các cơ quan chức năng|cơ quan chức năng]
+ [tiếp tục|khẩn trương] [điều tra, làm rõ|xác minh, xử lý theo quy định].
[Cũng trong ngày|Chiều cùng ngày], {cityauth} đã [có văn bản|ban hành công văn] [chỉ đạo|yêu cầu]
+ các sở, ngành liên quan [báo cáo cụ thể|rà soát, báo cáo] trước ngày {*later_date}.
[Theo số liệu|Theo thống kê] của {*stat_org}, [từ đầu năm đến nay|trong {*n_month} tháng đầu năm],
+ [toàn thành phố|cả nước] ghi nhận {*n_mid} [trường hợp|vụ việc] [tương tự|có liên quan],
+ [tăng|giảm]
+ {*pct} so với cùng kỳ năm trước.
[Nhiều chuyên gia|Các chuyên gia] [cho rằng|nhận định] cần [sớm|nhanh chóng] [hoàn thiện|sửa đổi]
+ [các quy định|hành lang pháp lý] để [xử lý triệt để|ngăn chặn] [tình trạng này|những vụ việc như
+ trên].
{Expert}, [giảng viên|chuyên gia] [Đại học Quốc gia Hà Nội|Học viện Hành chính Quốc gia|Đại học
+ Kinh tế TP.HCM], [nhận định|cho rằng] [bài học lớn nhất|điều đáng lo ngại] là [ý thức chấp hành
+ của
+ một bộ phận người dân còn hạn chế|công tác kiểm tra, giám sát chưa được thực hiện thường xuyên].
[Đáng chú ý|Đáng nói], đây không phải lần đầu [khu vực này|địa bàn {district_short}] [xảy ra sự việc
+ tương tự|ghi nhận vụ việc như vậy]; [trước đó|hồi tháng {*month}], [người dân|cử tri] đã [nhiều
+ lần|liên tục] [phản ánh|kiến nghị] lên [chính quyền địa phương|{district_auth}].
[Liên quan đến vụ việc|Về sự việc này], [đại diện|lãnh đạo] {district_auth} [cho biết|khẳng định] sẽ
+ [phối hợp chặt chẽ|làm việc] với các cơ quan liên quan để [giải quyết dứt điểm|xử lý nghiêm]
+ [trong
+ thời gian sớm nhất|theo đúng quy định].
[Người dân|Bà con] [ở {ward}|quanh khu vực] [mong muốn|kiến nghị] [chính quyền|cơ quan chức năng]
+ sớm
+ [có giải pháp lâu dài|vào cuộc quyết liệt] để [đảm bảo an toàn|ổn định cuộc sống].
[Trong {part} {date}|Cùng ngày], [nhiều|một số] [tài khoản mạng xã hội|hội nhóm trên mạng xã hội]
+ [chia sẻ|đăng tải] [hình ảnh|clip] [về sự việc|ghi lại sự việc], thu hút [hàng nghìn|rất nhiều]
+ lượt [bình luận|quan tâm].
[Công an|Chính quyền] [khuyến cáo|đề nghị] người dân [không chia sẻ thông tin chưa được kiểm
+ chứng|bình tĩnh, theo dõi thông tin chính thức] [trên mạng xã hội|từ các cơ quan chức năng].
[Được biết|Theo tìm hiểu], {*company} [là đơn vị|được giao] [thi công|quản lý] [hạng mục này|khu vực
+ này] từ năm {*year_past}.
[Dự kiến|Theo kế hoạch], [trong tuần tới|đầu tháng {*month}], [đoàn kiểm tra liên ngành|đoàn công
+ tác]
+ của {*ministry} sẽ [làm việc|kiểm tra thực tế] tại {city}.
[Tại cuộc họp|Tại buổi làm việc] [chiều|sáng] {*past_date}, {official_short} [đề nghị|yêu cầu] [các
+ đơn
+ vị|các phòng, ban chuyên môn] [nâng cao trách nhiệm|tăng cường phối hợp], [không để xảy ra|tránh
+ tình trạng] [chậm trễ|đùn đẩy trách nhiệm].
[Tổng kinh phí|Kinh phí] [dành cho|bố trí cho] [các hạng mục này|chương trình] [khoảng|hơn]
+ {*money},
+ [lấy từ|từ nguồn] [ngân sách thành phố|ngân sách địa phương và nguồn xã hội hóa].
[Cũng theo|Theo] {official_short}, [địa phương|đơn vị] [đã thành lập|vừa thành lập] [tổ công tác|ban
+ chỉ đạo] [do {*leader_role} làm trưởng ban|gồm {*n_small} thành viên] [để|nhằm] [theo dõi|giám
+ sát]
+ [tiến độ|việc triển khai].
[Nhiều|Một số] [hộ dân|người dân] [ở {ward}|quanh khu vực] cho biết [cuộc sống|việc đi lại] [bị ảnh
+ hưởng|gặp nhiều khó khăn] [suốt nhiều ngày|từ nhiều tháng nay].
"[Chúng tôi|Gia đình tôi] [chỉ mong|rất mong] [sự việc|mọi chuyện] [sớm được giải quyết|được làm rõ]
+ để [yên tâm|ổn định] [làm ăn|sinh sống]", {*older} [chia sẻ|bày tỏ].
[Trước đó|Từ tháng {*month}], {*ministry} đã [ban hành|có] [văn bản hướng dẫn|quy định] [cụ
+ thể|chi tiết] về [vấn đề này|việc này], [song|tuy nhiên] [việc thực hiện|công tác triển khai] [ở
+ nhiều địa phương|tại một số nơi] [vẫn còn lúng túng|chưa đồng bộ].
[Báo cáo|Thông tin] [gửi|tại] [HĐND|kỳ họp HĐND] {cityfull} [cho thấy|nêu rõ], [năm qua|thời gian
+ qua]
+ [thành phố|địa phương] đã [xử lý|kiểm tra] {*n_mid} [trường hợp|cơ sở], [thu|nộp] ngân sách
+ [hơn|gần] {*money}.
[Sự việc|Vụ việc] [đang nhận được|thu hút] [sự quan tâm|sự chú ý] [của dư luận|của nhiều người dân]
+ [trong những ngày qua|những ngày gần đây].
[Phóng viên|Chúng tôi] [đã liên hệ với|đã liên lạc] [đại diện|lãnh đạo] {*company} [nhưng chưa nhận
+ được phản hồi|để tìm hiểu thêm thông tin nhưng chưa được trả lời].
[Về lâu dài|Trong dài hạn], [thành phố|địa phương] [đặt mục tiêu|phấn đấu] [đến năm|trước năm]
+ {*year_future} [hoàn thành|cơ bản hoàn thành] [các mục tiêu đề ra|chương trình] [với tổng vốn|với
+ nguồn vốn] [khoảng|dự kiến] {*money}.
[Theo quy định hiện hành|Theo quy định], [hành vi này|trường hợp vi phạm] có thể bị [xử phạt hành
+ chính|phạt tiền] từ {*fine_low} đến {*fine_high} đồng, [nặng hơn có thể bị truy cứu trách nhiệm
+ hình
+ sự|tùy theo tính chất, mức độ].
[Lãnh đạo|Đại diện] {*ministry} [cho biết|thông tin] [đang xây dựng|sẽ sớm trình] [đề án|dự thảo
+ nghị
+ định] [nhằm|để] [tháo gỡ những vướng mắc|giải quyết những bất cập] [mà các địa phương phản
+ ánh|trong
+ thời gian qua].
[Trên các diễn đàn|Trên mạng xã hội], [nhiều ý kiến|không ít người] [cho rằng|bày tỏ] [cần xử lý
+ nghiêm|cần có chế tài đủ mạnh] [để răn đe|nhằm làm gương].
[Cùng thời điểm|Trong khi đó], tại {*district_any}, [lực lượng chức năng|chính quyền] [cũng|đồng
+ thời]
+ [ghi nhận|phát hiện] {*n_small} [trường hợp|vụ việc] [tương tự|có dấu hiệu tương tự] và [đang xác
+ minh|đã tiến hành xử lý].
[Thống kê|Số liệu] [của|từ] {*stat_org} [cho thấy|chỉ ra] [tỷ lệ này|con số này] [hiện ở mức|đã lên
+ tới] {*pct}, [cao nhất|thấp nhất] trong [{*n_small} năm trở lại đây|nhiều năm qua].
{*Older}, [một người dân ở|người dân sống tại] {*district_any}, [cho hay|chia sẻ] [đã theo dõi|đã
+ chứng kiến] [sự việc|vụ việc] từ [đầu|lúc bắt đầu] và [rất lo lắng|không khỏi bức xúc].
[Trước tình hình trên|Trước thực trạng này], {*ministry} [đã đề nghị|yêu cầu] [các địa phương|UBND
+ các tỉnh, thành phố] [tăng cường kiểm tra|đẩy mạnh tuyên truyền] [trong {*n_small} tháng cuối
+ năm|trong thời gian tới].
[Kết quả|Theo kết quả] [kiểm tra|rà soát] [bước đầu|ban đầu], [cơ quan chức năng|đoàn kiểm tra]
+ [phát hiện|đã chỉ ra] {*n_small} [sai phạm|thiếu sót] [liên quan đến|trong] [công tác quản lý|quá
+ trình thực hiện].
[Sáng|Chiều] {*next_date}, [phóng viên|chúng tôi] [có mặt tại|quay lại] [khu vực|địa điểm]
+ [trên|này]
+ và [thấy|nhận thấy] [mọi hoạt động đã trở lại bình thường|vẫn còn nhiều dấu vết của sự việc].
[Theo|Cũng theo] [kế hoạch|lộ trình], [từ nay đến cuối năm|trong quý {*quarter}], {city} sẽ [triển
+ khai|thực hiện] [thêm|tiếp] {*n_small} [đợt kiểm tra|chương trình] [trọng điểm|cao điểm] [trên
+ diện
+ rộng|tại các quận, huyện].
[Cơ quan chức năng|Chính quyền địa phương] [đã|đang] [lấy lời khai|làm việc với] [các cá nhân|những
+ người] [có liên quan|liên quan] [để|nhằm] [làm rõ|xác định] [trách nhiệm|nguyên nhân].
[Bên cạnh đó|Ngoài ra], [địa phương|thành phố] [cũng|sẽ] [tăng cường|đẩy mạnh] [ứng dụng công nghệ
+ số|lắp đặt camera giám sát] [trong công tác quản lý|tại các điểm nóng] [từ quý {*quarter}|ngay
+ trong
+ năm {year}].
""")

# Sentences of a follow-up: what happened after the event.
AFTERMATH = _block("""
[Ngày|Chiều] {*next_date}, Cơ quan Cảnh sát điều tra {police} đã ra quyết định khởi tố vụ án [để
+ điều
+ tra|nhằm điều tra, làm rõ] [theo quy định|hành vi vi phạm].
[Cơ quan điều tra|Cơ quan chức năng] [cũng|đồng thời] ra quyết định [tạm giữ hình sự|khởi tố bị can]
+ đối với {*person} ({*person_age} tuổi) [để điều tra|về hành vi liên quan].
[Kết quả giám định|Kết luận ban đầu] [cho thấy|xác định] [nguyên nhân|nguyên nhân ban đầu] [có
+ thể|được cho là] [do sự cố kỹ thuật|do vi phạm quy định an toàn|do yếu tố chủ quan của người liên
+ quan].
[Sau {*n_small} ngày|Sau nhiều ngày] [điều trị tích cực|được cấp cứu], [sức khỏe|tình trạng sức
+ khỏe]
+ của [các nạn nhân|những người bị thương] [đã ổn định|đã dần hồi phục], [trong đó|riêng] {*n_one}
+ người [đã được xuất viện|đã có thể về nhà].
[Tuy nhiên|Trong khi đó], [một nạn nhân|một người] [vẫn đang|hiện vẫn] [trong tình trạng nguy
+ kịch|được theo dõi đặc biệt] tại {hospital}.
{Cityauth} đã [quyết định|có quyết định] hỗ trợ [mỗi gia đình có người tử vong|các gia đình nạn
+ nhân]
+ {*money_small}, [người bị thương|mỗi người bị thương] {*money_small2}.
[Nhiều|Các] [tổ chức, cá nhân|nhà hảo tâm] [cũng|đã] [đến thăm hỏi|trao quà], [động viên|hỗ trợ]
+ [gia
+ đình các nạn nhân|người bị nạn] [với tổng số tiền|tổng trị giá] [hơn|gần] {*money}.
[Tại cuộc họp báo|Trong cuộc họp báo] [chiều|sáng] {*next_date}, [đại diện|lãnh đạo] {police} [thông
+ tin|cho biết] [thêm về|chi tiết] [tiến độ điều tra|quá trình xác minh] [vụ việc|vụ án].
[Theo|Cũng theo] [cơ quan điều tra|{police}], [đến nay|hiện] đã [triệu tập|làm việc với] {*n_tens}
+ người [có liên quan|liên quan đến vụ việc] [để lấy lời khai|và thu giữ nhiều tài liệu].
[Ngay sau vụ việc|Sau sự việc], {cityauth} đã [yêu cầu|chỉ đạo] [kiểm tra|rà soát] [toàn bộ|hàng
+ loạt] [cơ sở|địa điểm] [tương tự|có nguy cơ cao] trên địa bàn, [hoàn thành|báo cáo kết quả] trước
+ ngày {*later_date}.
[Qua rà soát|Kết quả rà soát] [bước đầu|ban đầu], [đã phát hiện|lực lượng chức năng phát hiện]
+ {*n_mid} [cơ sở|trường hợp] [vi phạm|chưa đảm bảo yêu cầu], [trong đó|riêng] {*n_small} [cơ
+ sở|trường hợp] bị [đình chỉ hoạt động|yêu cầu khắc phục ngay].
[Lễ truy điệu|Lễ tang] [các nạn nhân|nạn nhân] [được tổ chức|diễn ra] vào ngày {*next_date} [trong
+ không khí|giữa] [xúc động|tiếc thương] của [người thân|gia đình] và [bà con lối xóm|hàng xóm].
[Thủ tướng|Phó thủ tướng] [đã|cũng đã] [gửi công điện|có chỉ đạo] [yêu cầu|đề nghị] [khẩn
+ trương|sớm] [làm rõ nguyên nhân|khắc phục hậu quả], [xử lý nghiêm|xử lý nghiêm minh] [các tổ chức,
+ cá nhân vi phạm|trách nhiệm của các bên liên quan].
[Trao đổi|Chia sẻ] với phóng viên, [người thân|một người thân] của [nạn nhân|một nạn nhân] [cho
+ biết|kể] [gia đình|cả nhà] [vẫn chưa hết bàng hoàng|vẫn chưa thể tin] [sau sự việc|trước mất mát
+ quá lớn].
Luật sư {*person}, [Đoàn Luật sư TP Hà Nội|Đoàn Luật sư TP.HCM], [phân tích|nhận định] [với những
+ tình tiết hiện có|căn cứ các thông tin ban đầu], [người gây ra|người vi phạm] có thể [đối mặt|bị
+ xử
+ lý] [mức án|khung hình phạt] [từ {*n_small} đến {*n_teen} năm tù|nghiêm khắc].
[Hiện|Hiện nay], [khu vực|hiện trường] [đã được|vẫn được] [phong tỏa|bảo vệ] [để phục vụ công tác
+ điều tra|nhằm phục vụ khám nghiệm]; [người dân được bố trí|các hộ dân được di dời] [chỗ ở tạm|đến
+ nơi an toàn].
[Nhiều hộ dân|Các hộ dân] [bị ảnh hưởng|liên quan] [đã được|vừa được] [chính quyền|{district_auth}]
+ [hỗ trợ|cấp] [lương thực, nhu yếu phẩm|tiền thuê nhà trong {*n_small} tháng].
[Bộ Công an|{Police}] [cũng đã|đồng thời] [thành lập|chỉ đạo thành lập] [chuyên án|tổ công tác đặc
+ biệt] [để|nhằm] [điều tra|làm rõ] [các dấu hiệu sai phạm|trách nhiệm của cán bộ liên quan].
[Đại diện|Lãnh đạo] {district_auth} [thừa nhận|cho biết] [trách nhiệm quản lý|công tác kiểm tra]
+ [của
+ địa phương|trên địa bàn] [còn|có] [thiếu sót|hạn chế] và [cam kết|hứa] sẽ [rút kinh nghiệm sâu
+ sắc|kiểm điểm nghiêm túc].
[Theo kế hoạch|Dự kiến], [kết quả điều tra|kết luận chính thức] sẽ được [công bố|công khai] [trong
+ tháng {*month}|trong thời gian tới] [sau khi|khi] [có kết quả giám định|hoàn tất các thủ tục].
[Vụ việc|Sự việc] [đã gióng lên|là] [hồi chuông cảnh báo|lời cảnh tỉnh] về [công tác|việc] [quản
+ lý|kiểm tra, giám sát] [tại các địa phương|ở cơ sở].
[Sáng|Chiều] {*next_date}, [đoàn công tác|lãnh đạo] {*ministry} [đã đến|đã tới] [hiện trường|địa
+ phương] [kiểm tra|làm việc] và [thăm hỏi|động viên] [các nạn nhân|gia đình nạn nhân].
[Ông|Bà] {*person}, [hàng xóm|người sống cạnh] [gia đình nạn nhân|hiện trường], [cho biết|kể] [mấy
+ ngày nay|suốt từ hôm xảy ra sự việc] [cả khu phố|bà con] [vẫn chưa hết ám ảnh|thay nhau sang giúp
+ đỡ].
[Cơ quan chức năng|Đoàn kiểm tra] [đã|vừa] [lập biên bản|yêu cầu] [tạm dừng hoạt động|niêm phong]
+ [đối với|tại] {*n_small} [cơ sở|địa điểm] [có liên quan|liên quan] [để phục vụ điều tra|chờ kết
+ luận cuối cùng].
""")


@dataclass(frozen=True)
class Topic:
    key: str
    section: str  # URL section
    weight: int
    titles: tuple[Template, ...]
    leads: tuple[Template, ...]
    body: tuple[Template, ...]
    pools: dict[str, tuple[Template, ...]]
    saga: tuple[Template, ...] = ()  # title prefixes of a running story
    opens: tuple[Template, ...] = ()  # what follows the prefix in the first article
    developments: tuple[Template, ...] = ()  # ... and in follow-ups
    recap: tuple[Template, ...] = ()  # the sentence every article of the saga repeats


TOPICS: list[Topic] = []


def _topic(
    key: str,
    section: str,
    weight: int,
    *,
    pools: dict[str, str],
    titles: str,
    leads: str,
    body: str,
    saga: str = "",
    opens: str = "",
    developments: str = "",
    recap: str = "",
) -> None:
    TOPICS.append(
        Topic(
            key,
            section,
            weight,
            _block(titles),
            _block(leads),
            _block(body),
            {name: _block(text) for name, text in pools.items()},
            _block(saga) if saga else (),
            _block(opens) if opens else (),
            _block(developments) if developments else (),
            _block(recap) if recap else (),
        )
    )


_topic(
    "giao_thong",
    "giao-thong",
    12,
    pools={
        "vehicle": """xe container
            xe tải
            xe khách 45 chỗ
            xe buýt
            ô tô con
            xe bồn chở xăng
            xe ben
            xe giường nằm
            xe đầu kéo
            xe bán tải""",
        "road": """đường {street}
            đường {street}
            {highway}""",
        "driver": "{person}",
        "official_role": """Phó trưởng Phòng Cảnh sát giao thông {police}
            Trưởng Công an {district}
            Chủ tịch {district_auth}""",
        "traffic_org": """Phòng Cảnh sát giao thông {police}
            Ban An toàn giao thông {city}
            Ủy ban An toàn giao thông quốc gia""",
    },
    titles="""
        {Vehicle} tông liên hoàn trên {road}, {n_injured} người bị thương
        Tai nạn giữa {vehicle} và xe máy ở {district_short}, {n_dead} người tử vong
        Điều tra vụ {vehicle} lao vào nhà dân tại {district}, {city}
        {Road} ùn tắc kéo dài sau va chạm giữa {vehicle} và {n_injured} xe máy
        Tạm giữ tài xế {vehicle} gây tai nạn trên {road}
        Hiện trường vụ {vehicle} mất lái đâm dải phân cách ở {city}
        {N_injured} người nhập viện sau vụ {vehicle} va chạm trên {road}
        Khởi tố tài xế {vehicle} gây tai nạn làm {n_dead} người chết ở {city}
    """,
    leads="""
        Khoảng {hour} {part} {date}, {vehicle} mang biển số {plate} do tài xế {driver} điều khiển
        + lưu
        + thông trên {road}, đoạn qua {ward}, {district}, {city} thì [bất ngờ|đột ngột] [mất
        + lái|lấn làn],
        + tông vào [nhiều|{n_injured}] xe máy.
        Vụ va chạm giữa {vehicle} biển số {plate} và [nhiều|{n_injured}] xe máy xảy ra vào {part}
        + {date}
        + trên {road} ({district}, {city}) khiến {n_dead} người tử vong, {n_injured} người bị
        + thương.
        {Police} đang điều tra nguyên nhân vụ {vehicle} [tông|va chạm với] [hàng loạt|{n_injured}]
        + phương
        + tiện trên {road}, đoạn qua {district}, vào khoảng {hour} {part} {date}.
        [Lãnh đạo|Đại diện] {district_auth} xác nhận {part} {date} trên địa bàn xảy ra vụ tai nạn
        + giao
        + thông [nghiêm trọng|đặc biệt nghiêm trọng] giữa {vehicle} và xe máy, làm {n_dead} người
        + chết,
        + {n_injured} người bị thương.
        [Một|Chiếc] {vehicle} [đã|vừa] [lao vào|tông vào] [dòng xe máy đang dừng đèn đỏ|nhóm người
        + đi
        + đường] tại nút giao {road} với đường {*street} ({district}) khoảng {hour} {part} {date}.
    """,
    body="""
        Theo thông tin ban đầu, người điều khiển {vehicle} là tài xế {driver} ({driver_age} tuổi,
        + quê
        + {province}).
        [Cú tông|Vụ va chạm] [mạnh|quá mạnh] khiến [nhiều|{n_injured}] xe máy bị [hất văng|cuốn vào
        + gầm
        + xe], [nhiều|một số] người [ngã ra đường|văng xa hàng chục mét].
        [Các nạn nhân|Những người bị thương] [được người dân|được lực lượng chức năng] [nhanh
        + chóng|kịp
        + thời] [đưa đi cấp cứu|chuyển đến] tại {hospital}.
        [Bác sĩ|Đại diện] {hospital} cho biết [trong số|có] {n_injured} [nạn nhân|người] [nhập
        + viện|được
        + đưa đến], {*n_one} người [bị đa chấn thương|bị chấn thương sọ não], [đang được|phải]
        + [theo dõi
        + sát|phẫu thuật].
        [Sau tai nạn|Sau cú va chạm], [đầu|phần đầu] {vehicle} [bị biến dạng|hư hỏng nặng], [kính
        + chắn
        + gió vỡ vụn|nhiều mảnh vỡ văng khắp mặt đường].
        [Vụ tai nạn|Sự việc] khiến [giao thông|tuyến đường] [qua khu vực|trên {road}] [ùn tắc|ách
        + tắc]
        + [kéo dài|nghiêm trọng] [hơn {*n_small} km|nhiều giờ liền].
        Lực lượng [Cảnh sát giao thông|CSGT] {police} [đã có mặt|nhanh chóng có mặt], [phân
        + luồng|điều
        + tiết] [phương tiện|giao thông] và [khám nghiệm hiện trường|đo đạc hiện trường].
        [Kiểm tra nhanh|Kết quả kiểm tra] [nồng độ cồn|ma túy] [đối với|của] tài xế [cho kết quả âm
        + tính|cho thấy không vi phạm], [tuy nhiên|song] [cơ quan chức năng|công an] [đang trích
        + xuất|đang thu thập] [dữ liệu hộp đen|camera hành trình] [của xe|để làm rõ].
        {Resident} ({resident_age} tuổi, [bán nước|chạy xe ôm] gần hiện trường) [cho biết|kể]
        + [thấy|nhìn
        + thấy] {vehicle} [chạy với tốc độ cao|lao tới rất nhanh] [rồi|và] [bất ngờ|đột ngột] [đánh
        + lái|chuyển hướng].
        [Đoạn đường|Khu vực] [xảy ra tai nạn|này] [là|được đánh giá là] [điểm đen|nơi tiềm ẩn nguy
        + cơ] [về
        + tai nạn giao thông|mất an toàn giao thông], [từng xảy ra|đã ghi nhận] {*n_small} vụ tai
        + nạn [trong
        + năm|từ đầu năm].
        [Theo|Theo số liệu của] {*traffic_org}, [từ đầu năm|trong {*n_month} tháng qua], [toàn thành
        + phố|{city}] [xảy ra|ghi nhận] {*n_mid} vụ tai nạn giao thông, làm {*n_mid} người chết.
        [Chủ phương tiện|Doanh nghiệp vận tải] [cho biết|khai nhận] {vehicle} [được đăng kiểm|vừa
        + được
        + kiểm định] [vào tháng {*month}|hồi đầu năm], [xe đủ điều kiện|đạt tiêu chuẩn] lưu hành.
        [Sở Giao thông vận tải|Sở GTVT] {city} [đề nghị|cho biết sẽ] [bổ sung|lắp đặt thêm] [biển
        + báo|đèn tín hiệu], [gờ giảm tốc|dải phân cách cứng] [tại đoạn đường này|ở khu vực] [trong
        + tháng
        + tới|sớm nhất có thể].
        [Hàng trăm|Nhiều] [phương tiện|xe] [phải|buộc phải] [quay đầu|đi vòng] [sang|qua] [đường
        + {*street}|các tuyến lân cận] [để tránh ùn tắc|trong lúc chờ giải phóng hiện trường].
        [Đến khoảng|Khoảng] {*hour2} cùng ngày, [hiện trường|{vehicle}] [mới được|đã được] [giải
        + phóng|cẩu kéo khỏi hiện trường], [giao thông|lưu thông] [dần trở lại bình thường|được
        + thông suốt].
        [Cục Cảnh sát giao thông|Cục CSGT] [khuyến cáo|lưu ý] [người điều khiển phương tiện|tài xế]
        + [giữ
        + khoảng cách an toàn|tuân thủ tốc độ], [đặc biệt|nhất là] [vào giờ cao điểm|khi đi qua nút
        + giao,
        + khu dân cư].
        Tài xế {driver_short} [khai|trình bày] [với cơ quan công an|với lực lượng chức năng]
        + [rằng|là]
        + [xe bị mất phanh|do buồn ngủ nên mất tập trung|do phía trước có xe máy chuyển hướng đột
        + ngột].
        [Camera|Hình ảnh camera] [của một hộ dân|an ninh] [gần đó|quanh khu vực] [ghi lại|cho thấy]
        + [khoảnh khắc|toàn bộ diễn biến] [vụ tai nạn|va chạm] [chỉ trong vài giây|diễn ra rất
        + nhanh].
    """,
    saga="""
        Vụ {vehicle} tông liên hoàn trên {road}
        Vụ tai nạn {vehicle} ở {district_short}
    """,
    opens="""
        {N_dead} người tử vong, {n_injured} người bị thương
        Nhân chứng kể lại phút kinh hoàng
    """,
    developments="""
        Khởi tố vụ án, bắt tạm giam tài xế
        Tài xế khai gì với cơ quan công an?
        Thêm một nạn nhân tử vong
        Xe có dấu hiệu cải tạo trái phép
        Hỗ trợ gia đình nạn nhân {*money_small}
        Bộ Công an vào cuộc
        Lắp thêm đèn tín hiệu tại nút giao
    """,
    recap="""
        Vụ tai nạn xảy ra khoảng {hour} {part} {date}, khi {vehicle} biển số {plate} lưu thông trên
        + {road}
        + thì tông vào {n_injured} xe máy, khiến {n_dead} người tử vong.
    """,
)

_topic(
    "chay_no",
    "thoi-su",
    9,
    pools={
        "building": """chung cư mini
            nhà ống 5 tầng
            kho hàng
            xưởng gỗ
            quán karaoke
            nhà trọ
            xưởng may
            kho chứa phế liệu
            cửa hàng điện máy
            xưởng sản xuất nệm""",
        "owner": "{person}",
        "floors": "[3|4|5|6|7|9]",
        "n_rescued": "[5|7|8|11|12|15|17|20|26|31]",
        "fire_trucks": "[4|5|6|8|10|12|15]",
        "firemen": "[30|40|50|60|80|100|120|150]",
        "extinguish": "[1 giờ|2 giờ|3 giờ|4 giờ|5 giờ|1 giờ 30 phút|2 giờ 30 phút]",
        "area": "[300|500|800|1.200|2.000|3.500] m2",
        "official_role": """Phó trưởng Phòng Cảnh sát PCCC và CNCH {police}
            Chủ tịch {district_auth}
            Phó chủ tịch {district_auth}""",
    },
    titles="""
        Cháy {building} ở {district_short}, {n_rescued} người được giải cứu
        Cháy lớn tại {building} trên đường {street}, cột khói cao hàng chục mét
        Hỏa hoạn thiêu rụi {building} ở {city}
        {N_dead} người tử vong trong vụ cháy {building} tại {district}
        Giải cứu {n_rescued} người mắc kẹt trong đám cháy {building}
        Điều tra nguyên nhân vụ cháy {building} trong đêm ở {district_short}
        Cảnh sát phá cửa cứu người trong vụ cháy {building} ở {city}
        Cháy {building} ở {city}, hàng trăm người dân hoảng loạn tháo chạy
    """,
    leads="""
        Khoảng {hour} {part} {date}, đám cháy [bùng phát|xảy ra] tại {building} số {house_no} đường
        + {street}, {ward}, {district}, {city}, [khói lửa bốc cao|khói đen bao trùm] [cả khu
        + vực|nhiều tầng].
        [Lực lượng|Cảnh sát] PCCC {police} [đã|vừa] giải cứu {n_rescued} người [mắc kẹt|bị mắc kẹt]
        + trong
        + [đám cháy|vụ hỏa hoạn] tại {building} ở {ward}, {district} vào {part} {date}.
        Vụ cháy {building} trên đường {street} ({district}, {city}) {part} {date} khiến {n_dead}
        + người tử
        + vong, [nhiều|{n_injured}] người bị thương.
        [Lãnh đạo|Đại diện] {district_auth} [xác nhận|cho biết] khoảng {hour} {part} {date}, tại
        + {building}
        + [thuộc|ở] {ward} [đã|vừa] xảy ra cháy, [lửa|ngọn lửa] [lan nhanh|bao trùm] [tầng
        + {*n_small}|các
        + tầng trên].
        Đám cháy [lớn|dữ dội] [bùng lên|xảy ra] tại {building} [ở|trên địa bàn] {district}, {city}
        + lúc
        + {hour} {part} {date}, [thiêu rụi|làm hư hỏng] [nhiều tài sản|toàn bộ hàng hóa] bên trong.
    """,
    body="""
        [Phát hiện|Thấy] [khói bốc ra|lửa bùng lên] từ [tầng {*n_small}|tầng trệt], [người dân|bảo
        + vệ]
        + [hô hoán|tri hô] [mọi người|các hộ dân] [thoát ra ngoài|chạy lên sân thượng] và [gọi
        + điện|báo]
        + cho [số 114|lực lượng chức năng].
        [Nhận tin báo|Nhận được tin báo], {police} [đã|nhanh chóng] điều động {fire_trucks} xe chữa
        + cháy
        + [cùng|với] {firemen} [cán bộ, chiến sĩ|cảnh sát] đến [hiện trường|dập lửa].
        [Do|Vì] [{building} nằm sâu trong ngõ nhỏ|đường vào khu vực chật hẹp], [xe chữa cháy|xe
        + thang]
        + [gặp nhiều khó khăn|không thể tiếp cận sát hiện trường], [lực lượng chức năng|lính cứu
        + hỏa] phải
        + [trải vòi|kéo vòi] [từ đầu ngõ|hàng trăm mét].
        [Lính cứu hỏa|Cảnh sát PCCC] [sử dụng|dùng] [thang dây|xe thang], [phá khóa|cắt song sắt]
        + để [tiếp
        + cận|đưa] những người mắc kẹt [ở các tầng trên|trên sân thượng] [ra ngoài an toàn|xuống
        + đất].
        [Sau khoảng|Sau gần] {extinguish} [nỗ lực|chữa cháy], [đám cháy|ngọn lửa] [cơ bản được khống
        + chế|mới được dập tắt hoàn toàn].
        [Vụ cháy|Ngọn lửa] đã [thiêu rụi|làm hư hỏng] [khoảng|gần] {area} [nhà xưởng|diện tích],
        + [cùng
        + nhiều|nhiều] [tài sản|máy móc, hàng hóa] [có giá trị|bên trong].
        [Ước tính|Theo ước tính ban đầu], [thiệt hại|giá trị thiệt hại] [do vụ cháy gây ra|của vụ
        + cháy]
        + [lên tới|khoảng] {*money}.
        [Chủ cơ sở|Chủ nhà] là {owner} ({owner_age} tuổi) [cho biết|trình bày] [lửa|ngọn lửa] [bắt
        + nguồn|phát ra] từ [khu vực để xe|tủ điện|khu bếp] ở tầng 1 [rồi lan nhanh|, sau đó lan
        + lên các
        + tầng].
        {Resident} [sống|ở] [đối diện|bên cạnh] [cho biết|kể] [khi phát hiện cháy|lúc phát hiện],
        + {resident_pron} [cùng|và] [mọi người|hàng xóm] [dùng bình chữa cháy mini|dùng xô nước]
        + [dập
        + lửa|chữa cháy] nhưng [không thành|bất lực] vì [lửa quá lớn|khói quá dày].
        [Theo|Theo tìm hiểu], {building} [có|gồm] {floors} tầng, [được xây dựng|hoạt động] từ năm
        + {*year_past}, [có|với] [khoảng|hơn] {*n_mid} [người sinh sống|người thuê trọ|công nhân
        + làm việc].
        [Kiểm tra|Qua kiểm tra], [cơ sở|công trình] [này|trên] [chưa được|không được] [nghiệm
        + thu|cấp
        + phép] [về phòng cháy chữa cháy|PCCC], [lối thoát hiểm|cửa thoát nạn] [bị|đã bị] [khóa|bịt
        + kín].
        [Cảnh sát|Lực lượng PCCC] [khuyến cáo|lưu ý] người dân [kiểm tra|rà soát] [hệ thống
        + điện|thiết bị
        + điện] [thường xuyên|định kỳ], [trang bị|mua] [bình chữa cháy|mặt nạ phòng độc] và
        + [không|tránh] [để xe máy sạc điện qua đêm|đặt vật dễ cháy gần nguồn nhiệt].
        [Khói đen|Cột khói] [bốc cao|cao] hàng chục mét, [người|cư dân] [ở|tại] [khu vực xung
        + quanh|các
        + tòa nhà lân cận] [từ xa|cách đó vài km] [cũng|vẫn] [có thể nhìn thấy|quan sát được].
        [Các nạn nhân|Người bị ngạt khói] [được|đã được] [đưa|chuyển] [đến|tới] {hospital} [cấp
        + cứu|điều trị] [trong tình trạng|với] [ngạt khói|bỏng nhiều nơi].
        [Hàng chục|Nhiều] [hộ dân|gia đình] [lân cận|xung quanh] [phải|đã] [sơ tán|di chuyển tài
        + sản]
        + [ra ngoài|khỏi khu vực] [để đảm bảo an toàn|vì lo lửa lan sang].
        Từ đầu năm, {city} [đã xảy ra|ghi nhận] {*n_mid} vụ cháy, [làm|khiến] {*n_small} người chết,
        + [thiệt hại|thiệt hại tài sản] [ước tính|hơn] {*money}.
        [Lực lượng chức năng|Công an] [đã|đang] [phong tỏa|khoanh vùng] hiện trường, [lấy lời
        + khai|ghi
        + lời khai] [nhân chứng|người liên quan] [để|nhằm] [điều tra|xác định] nguyên nhân [vụ
        + cháy|và
        + thiệt hại].
        [Một người phụ nữ|Một cụ bà] [mắc kẹt|bị mắc kẹt] [trên tầng {*n_small}|trong phòng ngủ]
        + [được|đã được] [lính cứu hỏa|cảnh sát] [cõng|dìu] [xuống|ra ngoài] [trong tình trạng hoảng
        + loạn|trong tình trạng mệt lả].
    """,
    saga="""
        Vụ cháy {building} ở {district_short}
        Vụ cháy {building} trên đường {street}
    """,
    opens="""
        {N_dead} người tử vong, {n_injured} người bị thương
        Giải cứu {n_rescued} người mắc kẹt
    """,
    developments="""
        Khởi tố vụ án, bắt tạm giam chủ nhà
        Xác định nguyên nhân ban đầu
        Tổng kiểm tra {building} trên toàn thành phố
        Chủ cơ sở nói gì?
        Các nạn nhân được hỗ trợ {*money_small}
        Nhiều sai phạm về phòng cháy chữa cháy
        Cư dân chưa thể trở về nhà
    """,
    recap="""
        Vụ cháy bùng phát khoảng {hour} {part} {date} tại {building} số {house_no} đường {street}
        + ({district}), khiến {n_dead} người tử vong, {n_injured} người bị thương.
    """,
)

_topic(
    "phap_luat",
    "phap-luat",
    10,
    pools={
        "scam": """lừa đảo chiếm đoạt tài sản qua mạng
            giả danh công an để lừa đảo
            huy động vốn đa cấp tiền ảo
            lừa bán đất nền dự án ma
            cho vay nặng lãi qua ứng dụng
            mua bán hóa đơn khống
            buôn lậu thuốc lá điếu
            sản xuất mỹ phẩm giả""",
        "suspect": "{person}",
        "ring_size": "[3|4|5|6|8|11|14]",
        "victims": "[120|350|600|1.200|2.000|4.500]",
        "amount": "[15|32|48|120|250|600] tỷ đồng",
        "official_role": """Phó trưởng Phòng Cảnh sát hình sự {police}
            Phó trưởng Phòng Cảnh sát kinh tế {police}
            Trưởng Công an {district}""",
    },
    titles="""
        Bắt {suspect} cầm đầu đường dây {scam} ở {city}
        Khởi tố {ring_size} bị can trong vụ {scam} hơn {amount}
        Triệt phá đường dây {scam} với {victims} nạn nhân
        {Police} bắt nhóm đối tượng {scam}
        Lật tẩy chiêu {scam}, chiếm đoạt {amount}
        Truy nã {suspect} liên quan vụ {scam}
        Tạm giữ hình sự {ring_size} người trong vụ {scam} tại {district_short}
        Vạch trần thủ đoạn {scam} của nhóm đối tượng ở {city}
    """,
    leads="""
        Ngày {date}, {police} [cho biết|thông tin] đã [bắt|bắt tạm giam] {suspect} ({suspect_age}
        + tuổi,
        + trú tại {district}) để điều tra về hành vi {scam}.
        [Cơ quan Cảnh sát điều tra|Cơ quan CSĐT] {police} [vừa|đã] khởi tố vụ án, khởi tố bị can đối
        + với {ring_size} người trong đường dây {scam}, chiếm đoạt [hơn|gần] {amount} của {victims}
        + người.
        [Phòng Cảnh sát hình sự|Phòng Cảnh sát kinh tế] {police} [vừa|đã] triệt phá đường dây
        + {scam} do
        + {suspect} ({suspect_age} tuổi) cầm đầu, [thu giữ|tạm giữ] nhiều tang vật.
        {Suspect} cùng {ring_size} đồng phạm bị bắt [khi đang hoạt động|sau thời gian lẩn trốn] tại
        + {ward}, {district}, {city}, theo thông tin từ {police} ngày {date}.
    """,
    body="""
        [Theo|Theo tài liệu điều tra], [từ tháng {*month} năm {*year_past}|từ đầu năm],
        + {suspect_short}
        + [cùng đồng bọn|và các đối tượng] [lập nhiều tài khoản mạng xã hội|thuê văn phòng tại
        + {district}] [để|nhằm] [tiếp cận|lôi kéo] [người bị hại|các nạn nhân].
        [Các đối tượng|Nhóm này] [giới thiệu|tự xưng] là [nhân viên ngân hàng|cán bộ cơ quan chức
        + năng|chủ doanh nghiệp lớn], [hứa hẹn|cam kết] [lợi nhuận|lãi suất] [lên tới|từ] {*pct}
        + [mỗi
        + tháng|mỗi tuần].
        [Khi|Sau khi] [nạn nhân|người bị hại] [chuyển tiền|nộp tiền], [các đối tượng|nhóm đối tượng]
        + [lập tức|nhanh chóng] [chuyển qua nhiều tài khoản|rút tiền mặt] [để|nhằm] [xóa dấu
        + vết|che giấu
        + hành vi].
        [Khám xét|Qua khám xét] [nơi ở|chỗ ở] của [các đối tượng|{suspect_short}], [cơ quan công
        + an|lực lượng chức năng] [thu giữ|tạm giữ] {*n_small} [điện thoại|máy tính], {*n_small} [ô
        + tô|xe
        + máy], [nhiều|hàng trăm] [sim điện thoại|thẻ ngân hàng] và [tài liệu liên quan|sổ sách ghi
        + chép].
        [Tại cơ quan điều tra|Làm việc với cơ quan công an], {suspect_short} [khai nhận|thừa nhận]
        + [hành vi|toàn bộ hành vi] [phạm tội|vi phạm] [như trên|của mình].
        [Bước đầu|Ban đầu], [cơ quan công an|cơ quan điều tra] [xác định|làm rõ] [đường dây|nhóm]
        + [này|trên] đã [lừa|chiếm đoạt tiền] của [khoảng|hơn] {victims} người [ở nhiều tỉnh,
        + thành|trên cả
        + nước], [số tiền|tổng số tiền] [hơn|khoảng] {amount}.
        [Vụ án|Đường dây] [được phát hiện|bị phát giác] [sau khi|khi] [một người dân|một nạn nhân] ở
        + {*district_any} [đến cơ quan công an|làm đơn] [tố giác|trình báo] [bị lừa|bị chiếm đoạt]
        + {*money}.
        {Police} [khuyến cáo|đề nghị] người dân [cảnh giác|nâng cao cảnh giác] [với|trước] [các cuộc
        + gọi|tin nhắn] [tự xưng|mạo danh] [cơ quan chức năng|ngân hàng], [tuyệt đối không|không]
        + [chuyển tiền|cung cấp mã OTP] cho [người lạ|bất kỳ ai].
        [Những ai|Người dân nào] [là bị hại|từng bị lừa] [của đường dây|của các đối tượng] [đề
        + nghị|có thể] [liên hệ|trình báo] [với|tới] {police} [để được hướng dẫn|để phối hợp giải
        + quyết].
        [Đáng chú ý|Điều đáng nói], {suspect_short} [từng có|đã có] {*n_small} [tiền án|tiền sự] về
        + [tội
        + lừa đảo|các tội xâm phạm sở hữu] và [vừa ra tù|mới chấp hành xong án phạt] năm
        + {*year_past}.
        [Các đối tượng|Nhóm đối tượng] [dùng|sử dụng] [số tiền chiếm đoạt|tiền lừa đảo] [để|vào
        + việc]
        + [mua sắm|tiêu xài cá nhân], [mua bất động sản|mua đất], [chơi|đánh bạc] [tiền ảo|qua
        + mạng].
        [Để|Nhằm] [tạo lòng tin|lấy lòng tin], [nhóm|các đối tượng] [thuê|mượn] [ô tô hạng sang|văn
        + phòng sang trọng], [tổ chức|mở] [hội thảo|sự kiện] [tại|ở] [khách sạn|trung tâm hội nghị]
        + [ở
        + {district}|trong thành phố].
        [Ban chuyên án|Cơ quan công an] đã [theo dõi|xác minh] [trong nhiều tháng|suốt thời gian
        + dài],
        + [sau đó|trước khi] [đồng loạt|bất ngờ] [ập vào|khám xét] {*n_small} [địa điểm|điểm] [liên
        + quan|có liên quan].
        [Theo|Cũng theo] [cơ quan điều tra|{police}], [thủ đoạn|phương thức] [của các đối tượng|này]
        + [rất tinh vi|ngày càng tinh vi], [nhiều|không ít] [nạn nhân|người] là [cán bộ hưu
        + trí|người cao
        + tuổi|sinh viên].
        [Vụ án|Vụ việc] [đang được|tiếp tục được] [mở rộng điều tra|điều tra mở rộng] [để|nhằm]
        + [truy
        + bắt|xác định] [các đối tượng|những người] [liên quan|đồng phạm] [khác|còn lại].
        Luật sư {*person} [cho biết|nhận định], [với|căn cứ] [số tiền chiếm đoạt|hành vi], [các bị
        + can|những người này] [có thể|sẽ] [đối mặt|bị xử lý] [với|theo] [khung hình phạt|mức án]
        + [cao
        + nhất là tù chung thân|từ 12 đến 20 năm tù].
        Gia đình {*older}, [một nạn nhân|bị hại] ở {*district_any}, [cho biết|kể] [đã|từng]
        + [mất|chuyển
        + cho các đối tượng] [toàn bộ tiền tiết kiệm|{*money}] [sau|chỉ sau] {*n_small} [cuộc
        + gọi|lần giao
        + dịch].
    """,
    saga="""
        Vụ {scam} ở {city}
        Đường dây {scam} do {suspect} cầm đầu
    """,
    opens="""
        Bắt {ring_size} đối tượng, thu giữ nhiều tang vật
        Hàng nghìn người sập bẫy
    """,
    developments="""
        Khởi tố thêm {*n_small} bị can
        Truy tìm hàng trăm bị hại
        Hé lộ thủ đoạn của {suspect_short}
        Phong tỏa tài sản {*money}
        Bị can khai gì?
        Đề nghị truy tố {ring_size} bị can
    """,
    recap="""
        Trước đó, ngày {date}, {police} đã bắt {suspect} ({suspect_age} tuổi) cùng {ring_size} đồng
        + phạm trong đường dây {scam}, chiếm đoạt hơn {amount}.
    """,
)

_topic(
    "thoi_tiet",
    "thoi-su",
    6,
    pools={
        "storm_no": "[1|2|3|4|5|6|7|8|9]",
        "storm_name": "[Yagi|Trà Mi|Kong-rey|Noru|Wipha|Kajiki|Bualoi|Matmo|Soulik|Prapiroon]",
        "region": """Bắc Bộ
            Trung Bộ
            Nam Bộ
            Tây Nguyên
            Bắc Trung Bộ
            Nam Trung Bộ
            vùng núi phía Bắc""",
        "sea": "[Bắc Biển Đông|vịnh Bắc Bộ|vùng biển Quảng Trị – Quảng Ngãi|quần đảo Hoàng Sa]",
        "wind": "[8|9|10|11|12]",
        "gust": "[10|11|12|13|14|15]",
        "rain_lo": "[70|100|150|200]",
        "rain_hi": "[150|200|300|400]",
        "temp": "[37|38|39|40|41]",
        "temp_lo": "[34|35|36]",
        "official_role": """Phó chủ tịch {cityauth}
            Chỉ huy trưởng Bộ Chỉ huy quân sự {city}
            Chủ tịch {district_auth}""",
    },
    titles="""
        Bão số {storm_no} {storm_name} giật cấp {gust}, hướng vào {region}
        {Region} sắp mưa lớn, nguy cơ lũ quét và sạt lở đất
        Nắng nóng gay gắt ở {region}, có nơi trên {temp} độ C
        Áp thấp nhiệt đới mạnh lên thành bão, {region} chủ động ứng phó
        Mưa lớn kéo dài, nhiều tuyến đường ở {city} ngập sâu
        {City} sơ tán {n_mid} hộ dân trước bão số {storm_no}
        Không khí lạnh tăng cường, {region} trở rét
        Cảnh báo lũ trên các sông ở {region}
    """,
    leads="""
        Theo Trung tâm Dự báo khí tượng thủy văn quốc gia, lúc {hour} {part} {date}, vị trí tâm bão
        + số
        + {storm_no} ({storm_name}) [nằm cách|ở cách] đất liền {region} khoảng {n_mid} km, sức
        + gió mạnh nhất cấp {wind}, giật cấp {gust}.
        [Do ảnh hưởng của|Chịu ảnh hưởng từ] [hoàn lưu bão|rãnh áp thấp], từ {part} {date}, khu vực
        + {region} [có|xuất hiện] mưa to đến rất to với lượng mưa phổ biến {rain_lo} – {rain_hi} mm.
        {Cityauth} [đã|vừa] [ban hành công điện|có văn bản] [yêu cầu|chỉ đạo] các quận, huyện
        + [khẩn trương|chủ động] ứng phó với bão số {storm_no}, hoàn thành việc sơ tán {n_mid} hộ
        + dân
        + [trước|ngay trong] {part} {date}.
        [Ngày|Trong ngày] {date}, [nắng nóng|đợt nắng nóng] [gay gắt|diện rộng] [tiếp tục|vẫn] [bao
        + trùm|xảy ra ở] {region}, nhiệt độ cao nhất [phổ biến|có nơi] {temp_lo} – {temp} độ C.
    """,
    body="""
        [Dự báo|Theo dự báo], trong [24|48] giờ tới, [bão|cơn bão] [di chuyển|đi] theo hướng
        + [Tây|Tây
        + Tây Bắc], mỗi giờ đi được [khoảng 10 km|khoảng 15 km|15–20 km].
        [Vùng biển|Khu vực] {sea} [có|xuất hiện] [gió mạnh|gió] cấp {wind}, [sóng cao|biển động rất
        + mạnh, sóng cao] {*n_small} m.
        [Các tàu thuyền|Tàu thuyền] [hoạt động|đang hoạt động] [trong vùng nguy hiểm|ở vùng biển]
        + [cần|được yêu cầu] [tìm nơi trú tránh|vào bờ] [an toàn|trước khi bão đổ bộ].
        [Lực lượng biên phòng|Bộ đội biên phòng] {city} [đã|cho biết đã] [thông báo, hướng dẫn|liên
        + lạc] {*n_mid} [tàu cá|phương tiện] với {*n_big} [ngư dân|lao động] [vào bờ|neo đậu an
        + toàn].
        [Ngành giáo dục|Sở GD-ĐT] {city} [cho|quyết định cho] học sinh [nghỉ học|tạm dừng đến
        + trường]
        + [từ ngày {*next_date}|trong ngày mai] [để đảm bảo an toàn|cho đến khi bão tan].
        [Mưa lớn|Cơn mưa] [kéo dài|như trút nước] [từ chiều|từ đêm qua] [khiến|làm] [nhiều|hàng
        + loạt]
        + [tuyến đường|tuyến phố] như {street}, {*street} [ngập sâu|ngập] [{*n_tens} cm|nửa bánh
        + xe].
        [Nhiều phương tiện|Hàng loạt xe máy] [chết máy|bị chết máy] [giữa dòng nước|trên đường],
        + [người dân|người đi đường] [phải|vất vả] [dắt bộ|đẩy xe] [về nhà|qua đoạn ngập].
        [Cơ quan khí tượng|Chuyên gia khí tượng] [cảnh báo|lưu ý] [nguy cơ|khả năng] [lũ quét|sạt lở
        + đất] [ở vùng núi|tại các khu vực đồi dốc] và [ngập úng|ngập lụt] [tại vùng trũng thấp|ở
        + các đô
        + thị lớn].
        [Đến|Tính đến] {*hour2} [cùng ngày|ngày {date}], [bão|mưa lũ] [làm|khiến] {*n_small} người
        + [chết|tử
        + vong], {*n_small} người [mất tích|bị thương], [hàng trăm|hơn {*n_mid}] [ngôi nhà|căn nhà]
        + [bị tốc
        + mái|bị hư hại].
        [Ngành điện|Điện lực] {city} [cho biết|thông tin] [có|ghi nhận] {*n_mid} [trạm biến
        + áp|điểm] [bị|gặp]
        + sự cố, [khoảng|hơn] {*n_big} [khách hàng|hộ dân] [bị mất điện|mất điện cục bộ].
        Nhiệt độ [ngoài trời|ở khu vực nội thành] [có thể cao hơn|có thể vượt] mức dự báo
        + [từ|khoảng]
        + 2–4 độ C [do hiệu ứng|bởi] [bê tông hóa|mật độ xây dựng dày đặc].
        [Bác sĩ|Các bác sĩ] [khuyến cáo|lưu ý] [người dân|người già và trẻ nhỏ] [hạn chế|tránh] [ra
        + đường|hoạt động ngoài trời] [từ 11h đến 16h|vào giữa trưa], [uống đủ nước|bổ sung nước và
        + điện
        + giải].
        [Đợt không khí lạnh|Đợt rét] [này|lần này] [được dự báo|có thể] kéo dài {*n_small} ngày,
        + [vùng
        + núi cao|các tỉnh miền núi] [có thể xảy ra|có nguy cơ] [băng giá|sương muối].
        [Bộ Nông nghiệp và Phát triển nông thôn|Ban Chỉ đạo quốc gia về phòng chống thiên tai] [đề
        + nghị|yêu cầu] các địa phương [gia cố|kiểm tra] [đê điều|hồ đập], [thu hoạch sớm|bảo vệ]
        + [lúa
        + và hoa màu|diện tích lúa] trước khi [mưa lũ|bão] [đến|đổ bộ].
        [Tại|Ở] {district}, [lực lượng vũ trang|bộ đội, công an] [đã|] [giúp|hỗ trợ] [người dân|bà
        + con]
        + [chằng chống nhà cửa|di dời tài sản] [đến|tới] [nơi an toàn|các điểm tránh trú tập trung].
        [Nhiều|Hàng nghìn] [cây xanh|cây cổ thụ] [trên các tuyến phố|ở nội thành] [bị|đã bị] [gãy
        + đổ|bật gốc], [đè lên|làm hư hỏng] [nhiều|{*n_small}] [ô tô|phương tiện] [đang đỗ|dọc
        + đường].
    """,
    saga="""
        Bão số {storm_no} {storm_name}
        Mưa lũ ở {region}
    """,
    opens="""
        Gió giật cấp {gust}, {city} sơ tán {n_mid} hộ dân
        {Region} mưa như trút, nhiều nơi ngập sâu
    """,
    developments="""
        {City} thiệt hại hơn {*money}
        Học sinh nhiều địa phương tiếp tục nghỉ học
        Hàng nghìn cây xanh gãy đổ
        Khôi phục điện cho {*n_big} khách hàng
        Nước rút, người dân dọn dẹp sau bão
        Chính phủ hỗ trợ khẩn cấp {*money}
    """,
    recap="""
        Bão số {storm_no} ({storm_name}) với sức gió mạnh nhất cấp {wind}, giật cấp {gust} đã ảnh
        + hưởng
        + trực tiếp đến {region} từ {part} {date}.
    """,
)

_topic(
    "giao_duc",
    "giao-duc",
    8,
    pools={
        "school": """Trường [THPT|THCS|Tiểu học] [Chu Văn An|Lê Quý Đôn|Nguyễn Du|Trần Phú|Lương Thế
            + Vinh|Marie Curie|Nguyễn Trãi|Phan Đình Phùng|Kim Liên|Việt Đức|Nguyễn Thị Minh
            + Khai|Trưng Vương|Ngô Sĩ Liên|Bùi Thị Xuân|Lê Hồng Phong|Nguyễn Bỉnh Khiêm]""",
        "school_any": """Trường [THPT|THCS] [Yên Hòa|Cầu Giấy|Gia Định|Nguyễn Hữu Huân|Phan Châu
            + Trinh|Hà Nội – Amsterdam|Lê Lợi|Thăng Long|Hùng Vương|Đống Đa]""",
        "university": """Đại học Quốc gia Hà Nội
            Đại học Bách khoa Hà Nội
            Đại học Kinh tế Quốc dân
            Đại học Quốc gia TP.HCM
            Trường Đại học Ngoại thương
            Học viện Công nghệ Bưu chính Viễn thông
            Trường Đại học Y Hà Nội
            Trường Đại học Sư phạm Hà Nội
            Đại học Đà Nẵng
            Trường Đại học Cần Thơ""",
        "exam": """kỳ thi tốt nghiệp THPT
            kỳ thi tuyển sinh lớp 10
            kỳ thi đánh giá năng lực
            kỳ thi đánh giá tư duy""",
        "subject": "[Toán|Ngữ văn|Tiếng Anh|Lịch sử|Vật lý|Hóa học|Sinh học|Địa lý]",
        "score": "[22,5|23,25|24,75|25,5|26|27,25|28,5]",
        "fee": "[15|18,5|22|25|30|35|42] triệu đồng",
        "duration": "[50|60|90|120|150]",
        "contest": """kỳ thi Olympic Toán học quốc tế
            cuộc thi khoa học kỹ thuật quốc gia
            kỳ thi chọn học sinh giỏi quốc gia
            kỳ thi Olympic Vật lý châu Á – Thái Bình Dương""",
        "principal": "{official}",
        "student": "{person}",
        "district_edu": "Phòng Giáo dục và Đào tạo {district_short}",
        "official_role": """Giám đốc Sở GD-ĐT {city}
            Phó giám đốc Sở GD-ĐT {city}
            Trưởng phòng Giáo dục và Đào tạo {district_short}""",
    },
    titles="""
        {Cityfull} công bố điểm chuẩn lớp 10 năm {year}, cao nhất {score} điểm
        {University} dự kiến tuyển {n_big} chỉ tiêu năm {year}
        Hơn {n_big} thí sinh {city} bước vào {exam}
        Học phí {university} tăng lên {fee} mỗi năm
        Phụ huynh bức xúc vì khoản thu đầu năm tại {school}
        Đề thi môn {subject} {exam} được đánh giá vừa sức
        Học sinh {school} giành {n_small} huy chương tại {contest}
        Bộ GD-ĐT điều chỉnh quy chế {exam} năm {year}
    """,
    leads="""
        [Sáng|Chiều] {date}, Sở GD-ĐT {city} [công bố|chính thức công bố] điểm chuẩn vào lớp 10 công
        + lập năm học {year}–{year_next}, trong đó {school} [có mức điểm cao nhất|lấy điểm cao
        + nhất] với
        + {score} điểm.
        {University} [vừa|đã] [công bố|công khai] [đề án tuyển sinh|phương án tuyển sinh] năm
        + {year}, dự
        + kiến tuyển {n_big} chỉ tiêu theo {n_small} phương thức xét tuyển.
        [Sáng|Chiều] {date}, hơn {n_big} thí sinh [tại|ở] {city} [bước vào|làm thủ tục dự thi]
        + {exam}
        + [tại|ở] {n_mid} điểm thi.
        Nhiều phụ huynh có con học tại {school} ({district}, {city}) [phản ánh|bức xúc] về [các
        + khoản
        + thu|danh sách khoản thu] [đầu năm học|trong buổi họp phụ huynh] lên tới {money_small} mỗi
        + học
        + sinh.
        [Đội tuyển|Học sinh] {school} ({city}) [vừa|đã] [giành|đoạt] {n_small} huy chương tại
        + {contest},
        + theo thông tin từ Sở GD-ĐT {city} ngày {date}.
    """,
    body="""
        [Theo|Theo thống kê của] Sở GD-ĐT {city}, năm nay [toàn thành phố|cả tỉnh] có {n_big} [học
        + sinh|thí sinh] [đăng ký|dự thi], [tăng|nhiều hơn] {*n_mid} em so với năm trước.
        [Tỷ lệ chọi|Tỷ lệ cạnh tranh] vào {school} [năm nay|năm học này] [là|lên tới] 1/{*n_small},
        + [cao nhất|thuộc nhóm cao nhất] [thành phố|địa bàn].
        {Principal}, Hiệu trưởng {school}, cho biết [nhà trường|trường] [đã chuẩn bị|chuẩn bị] [đầy
        + đủ|chu đáo] [cơ sở vật chất|phòng học, đội ngũ giáo viên] [để|nhằm] [đón học sinh|bước
        + vào năm
        + học mới].
        [Nhiều|Không ít] [phụ huynh|cha mẹ học sinh] [cho rằng|phản ánh] [các khoản thu|mức thu]
        + [như|gồm] [quỹ lớp, tiền điều hòa, tiền vệ sinh|tiền học thêm, đồng phục, sách tham khảo]
        + [là quá
        + cao|đang gây áp lực].
        Đề thi môn {subject} [năm nay|lần này] có {*n_tens} câu hỏi, thời gian làm bài {duration}
        + phút,
        + [đề|câu hỏi] [bám sát|phù hợp với] [chương trình giáo dục phổ thông 2018|nội dung sách
        + giáo khoa].
        {Teacher}, giáo viên {subject} [tại|ở] {*school_any}, [nhận xét|đánh giá] đề thi có [tính
        + phân
        + loại|tính phân hóa] [tốt|cao], [học sinh khá|thí sinh trung bình] [có thể|dễ dàng] đạt
        + [6–7
        + điểm|điểm 7].
        [Thí sinh|Học sinh] {student} [chia sẻ|cho biết] [đề|bài thi] [không quá khó|khá dài],
        + [em|bạn
        + ấy] [tự tin|hy vọng] đạt [trên 8 điểm|điểm khá].
        [Năm học {year}|Năm nay], {university} [dự kiến|sẽ] [thu học phí|áp dụng mức học phí]
        + [từ|khoảng]
        + {fee} [mỗi năm|một năm học], [tăng|cao hơn] {*pct} so với năm trước.
        [Đại diện|Lãnh đạo] {university} [cho biết|giải thích] [việc tăng học phí|mức thu mới]
        + [nhằm|để]
        + [nâng cao chất lượng đào tạo|bù đắp chi phí], đồng thời [nhà trường|trường] [dành|bố trí]
        + {*money} [cho học bổng|để hỗ trợ sinh viên khó khăn].
        [Bộ GD-ĐT|Bộ Giáo dục và Đào tạo] [yêu cầu|đề nghị] [các sở|các địa phương] [không
        + được|tuyệt đối
        + không] [thu các khoản|lạm thu] [ngoài quy định|trái quy định], [công khai|niêm yết] [các
        + khoản
        + thu|mức thu] [trước khi|ngay từ đầu] năm học.
        Sở GD-ĐT {city} [đã|cho biết đã] [yêu cầu|chỉ đạo] {district_edu} [kiểm tra|làm rõ] [các
        + khoản
        + thu|phản ánh của phụ huynh] tại {school} và báo cáo trước ngày {*later_date}.
        [Thí sinh|Các em] [cần|phải] [có mặt|đến điểm thi] trước {*hour} [để|nhằm] [làm thủ
        + tục|nghe phổ
        + biến quy chế], [không mang|tuyệt đối không mang] [điện thoại|thiết bị thu phát sóng] vào
        + phòng
        + thi.
        [Kết quả|Điểm thi] [dự kiến|sẽ] được công bố vào ngày {*later_date}, [thí sinh|các em] [có
        + thể|được] [tra cứu|xem điểm] [trên|qua] [cổng thông tin của Sở|hệ thống của Bộ GD-ĐT].
        [Đoàn|Đội tuyển] {city} [gồm|có] {n_small} [học sinh|thành viên], [được|đã được] [tập
        + huấn|bồi
        + dưỡng] [trong|suốt] {*n_small} tháng tại {university}.
        Em {student_short} [cho biết|tâm sự] để [đạt kết quả này|có thành tích này], em đã [dành
        + nhiều
        + giờ mỗi ngày|dành cả kỳ nghỉ hè] [ôn luyện|luyện đề] và [được thầy cô hỗ trợ tận
        + tình|nhận sự
        + động viên của gia đình].
        [Theo|Cũng theo] [lãnh đạo|đại diện] Sở GD-ĐT, [năm nay|năm học này] [thành phố|địa phương]
        + [xây
        + mới|đưa vào sử dụng] {*n_small} trường học và {*n_mid} phòng học [để|nhằm] [giảm sĩ
        + số|đáp ứng
        + nhu cầu].
        [Tình trạng|Việc] [thiếu giáo viên|thiếu trường lớp] [ở|tại] [các quận ven|khu vực đông dân
        + cư]
        + [vẫn là|tiếp tục là] [bài toán khó|vấn đề nan giải] [của|đối với] ngành giáo dục {city}.
    """,
)

_topic(
    "y_te",
    "suc-khoe",
    8,
    pools={
        "disease": "[sốt xuất huyết|tay chân miệng|cúm A|sởi|bạch hầu|thủy đậu]",
        "dish": "[bánh mì|cơm gà|bánh chưng|gỏi cá|cơm hộp|bún chả|xôi|pate chay]",
        "condition": """[nhồi máu cơ tim|đột quỵ|vỡ phình mạch não|ung thư gan|suy thận cấp|thủng dạ
            + dày|tắc ruột]""",
        "doctor": "BS {person}",
        "patient_age": "[6|9|17|28|45|52|63|71|84]",
        "duration": "[2 giờ|3 giờ|4 giờ|5 giờ|6 tiếng]",
        "official_role": """Giám đốc Sở Y tế {city}
            Phó giám đốc Sở Y tế {city}
            Giám đốc {hospital}""",
    },
    titles="""
        {City} ghi nhận thêm {n_mid} ca {disease} trong tuần
        {N_mid} người nhập viện nghi ngộ độc sau khi ăn {dish}
        Ca {disease} tăng mạnh, {hospital} quá tải
        Bộ Y tế cảnh báo {disease} gia tăng ở {city}
        Cứu sống bệnh nhân {patient_age} tuổi bị {condition}
        {Hospital} triển khai kỹ thuật mới điều trị {condition}
        Tiêm vaccine {disease} cho trẻ ở {district_short}, phụ huynh xếp hàng từ sớm
        Thiếu thuốc, vật tư y tế tại nhiều bệnh viện ở {city}
    """,
    leads="""
        Theo báo cáo của Sở Y tế {city}, [trong tuần qua|từ ngày {past_date} đến {date}], [toàn
        + thành
        + phố|địa bàn] ghi nhận {n_mid} ca mắc {disease}, [tăng|cao hơn] {pct} so với tuần trước.
        [Tối|Chiều] {date}, {n_mid} người ở {ward}, {district} [có biểu hiện|xuất hiện triệu chứng]
        + [đau
        + bụng, nôn|đau bụng, tiêu chảy, sốt] sau khi ăn {dish}, phải [nhập viện|cấp cứu] tại
        + {hospital}.
        {Hospital} [vừa|đã] [cứu sống|điều trị thành công] cho bệnh nhân {patient_age} tuổi quê
        + {province} bị {condition}, theo thông tin từ bệnh viện ngày {date}.
        Số ca mắc {disease} tại {city} [đang|liên tục] [tăng nhanh|gia tăng], nhiều khoa của
        + {hospital}
        + [luôn trong tình trạng|đã] quá tải.
    """,
    body="""
        {Doctor}, [Trưởng khoa|Phó trưởng khoa] [Truyền nhiễm|Cấp cứu|Hồi sức tích cực] {hospital},
        + cho
        + biết [hiện|đến sáng {date}] khoa đang điều trị cho {*n_tens} bệnh nhân, trong đó
        + {*n_small} ca
        + [nặng|phải thở máy].
        [Bệnh nhân|Người bệnh] [nhập viện|được đưa đến viện] [trong tình trạng|với các triệu chứng]
        + [sốt
        + cao|đau bụng dữ dội|khó thở], [mệt mỏi|li bì], [tiểu cầu giảm|huyết áp tụt].
        [Các bác sĩ|Ê-kíp bác sĩ] [đã|nhanh chóng] [kích hoạt quy trình báo động đỏ|hội chẩn liên
        + chuyên
        + khoa], [tiến hành|thực hiện] [phẫu thuật|can thiệp] kéo dài {duration}.
        Sau {*n_small} ngày [điều trị|được chăm sóc tích cực], [sức khỏe|tình trạng] [bệnh
        + nhân|người
        + bệnh] [đã ổn định|tiến triển tốt], [dự kiến|có thể] [xuất viện|ra viện] [trong tuần
        + tới|vào cuối
        + tuần].
        [Trung tâm Kiểm soát bệnh tật|CDC] {city} đã [lấy mẫu|thu thập mẫu] [thực phẩm|bệnh phẩm]
        + [để
        + xét nghiệm|gửi đi xét nghiệm], [xác định|tìm] [nguyên nhân|tác nhân gây bệnh].
        [Đoàn kiểm tra|Chi cục An toàn vệ sinh thực phẩm] {city} đã [tạm đình chỉ|yêu cầu dừng] hoạt
        + động của cơ sở bán {dish} [nghi gây ngộ độc|liên quan] [để|chờ] [điều tra|kết quả xét
        + nghiệm].
        Bệnh {disease} [lây truyền|lây lan] [qua|chủ yếu qua] [muỗi vằn|đường tiêu hóa|đường hô
        + hấp],
        + [trẻ nhỏ|trẻ dưới 5 tuổi] và [người cao tuổi|người có bệnh nền] [có nguy cơ|dễ] [mắc bệnh
        + nặng|biến chứng].
        [Bác sĩ|Các chuyên gia y tế] [khuyến cáo|lưu ý] [người dân|phụ huynh] [không tự ý|tránh]
        + [dùng
        + thuốc|điều trị tại nhà], [khi có|nếu thấy] [dấu hiệu|triệu chứng] [bất thường|nặng] cần
        + [đến cơ
        + sở y tế|đưa trẻ đến viện] [ngay|kịp thời].
        [Từ đầu năm|Lũy kế từ đầu năm], [cả nước|toàn thành phố] ghi nhận {*n_big} ca {disease},
        + {*n_small}
        + ca tử vong, [tăng|giảm] {*pct} so với cùng kỳ.
        [Sở Y tế|Ngành y tế] {city} đã [triển khai|tổ chức] [chiến dịch|đợt] [tiêm chủng|phun hóa
        + chất
        + diệt muỗi|vệ sinh môi trường] tại {*n_mid} [điểm|khu vực] [nguy cơ cao|có ổ dịch].
        Tại {hospital}, [nhiều|hàng chục] [bệnh nhân|người bệnh] [phải|buộc phải] [nằm ghép|nằm
        + chung
        + giường], [hành lang|khu chờ] [kín chỗ|chật kín người].
        Người nhà bệnh nhân, {resident}, kể [trước đó|mấy hôm trước] [người bệnh|bệnh nhân] [chỉ sốt
        + nhẹ|có biểu hiện mệt] nên [gia đình chủ quan|tự mua thuốc], [đến khi|tới lúc] [trở
        + nặng|sốt cao
        + liên tục] mới [đưa đi viện|nhập viện].
        Theo lãnh đạo {hospital}, [kỹ thuật|phương pháp] [này|mới] giúp [rút ngắn|giảm] [thời gian
        + nằm
        + viện|thời gian hồi phục] [xuống còn|chỉ còn] {*n_small} ngày, [chi phí|viện phí] được bảo
        + hiểm y
        + tế [chi trả|thanh toán] [phần lớn|một phần].
        [Nhiều|Một số] [bệnh viện|cơ sở y tế] [phản ánh|cho biết] [tình trạng|việc] [thiếu|khan
        + hiếm]
        + [thuốc|vật tư, hóa chất] [do|vì] [vướng mắc|chậm trễ] [trong đấu thầu|trong thủ tục mua
        + sắm].
        [Bộ Y tế|Cục Quản lý Khám, chữa bệnh] đã [có văn bản|ban hành hướng dẫn] [đề nghị|yêu cầu]
        + [các
        + bệnh viện|các cơ sở] [chủ động|sẵn sàng] [phương án|kế hoạch] [thu dung|tiếp nhận] [điều
        + trị|bệnh
        + nhân], [không để|tránh] [quá tải|tử vong do chậm trễ].
        [Kết quả|Theo kết quả] [xét nghiệm|phân tích] [ban đầu|sơ bộ], [mẫu|mẫu bệnh phẩm] [dương
        + tính
        + với|có] [vi khuẩn Salmonella|tụ cầu vàng|độc tố botulinum].
    """,
    saga="""
        Vụ ngộ độc sau khi ăn {dish} ở {district_short}
        Vụ {n_mid} người ngộ độc {dish} tại {city}
    """,
    opens="""
        {N_mid} người nhập viện
        Nhiều bệnh nhân nguy kịch
    """,
    developments="""
        Tạm đình chỉ cơ sở kinh doanh
        Xác định nguyên nhân ngộ độc
        Thêm {*n_tens} người nhập viện
        Bệnh nhân cuối cùng xuất viện
        Khởi tố vụ án vi phạm quy định về an toàn thực phẩm
    """,
    recap="""
        Vụ ngộ độc xảy ra từ {part} {date}, khi {n_mid} người ở {ward}, {district} có biểu hiện đau
        + bụng, nôn sau khi ăn {dish} và phải nhập viện.
    """,
)

_topic(
    "bat_dong_san",
    "bat-dong-san",
    7,
    pools={
        "project": """[khu đô thị|dự án|tổ hợp căn hộ] [Hoàng Long|Sông Hồng|Eco Green|Sunshine|The
            + Vista|An Khang|Thủ Thiêm|Hà Đô|Phú Mỹ|Tây Hồ Tây|Ngọc Thụy|Long Hưng]
            + [Riverside|Residence|City
            + |Park|Tower|Garden|Central]""",
        "developer": "{company}",
        "price_m2": "[45|60|75|90|120|150|220] triệu đồng/m2",
        "apartments": "[800|1.200|2.500|3.600|5.000]",
        "area_ha": "[12|25|48|96|120|350] ha",
        "re_org": """Hội Môi giới bất động sản Việt Nam
            Savills Việt Nam
            CBRE Việt Nam
            Hiệp hội Bất động sản TP.HCM
            Sở Xây dựng {city}""",
        "official_role": """Giám đốc Sở Xây dựng {city}
            Phó giám đốc Sở Tài nguyên và Môi trường {city}
            Phó chủ tịch {cityauth}""",
    },
    titles="""
        Giá căn hộ ở {city} lên {price_m2}, người mua nhà choáng váng
        Dự án {project} được gỡ vướng sau {n_small} năm "đắp chiếu"
        {City} thu hồi {area_ha} đất dự án chậm triển khai ở {district_short}
        Hàng trăm người mua nhà dự án {project} chờ sổ hồng
        Đấu giá đất ở {district}: giá trúng cao nhất {price_m2}
        {Developer} bị phạt vì bán căn hộ khi chưa đủ điều kiện
        Nguồn cung nhà ở xã hội tại {city} vẫn khan hiếm
        Thị trường bất động sản {city} phục hồi, giao dịch tăng {pct}
    """,
    leads="""
        Theo báo cáo của {re_org}, giá bán [trung bình|sơ cấp] căn hộ chung cư tại {city} [trong quý
        + {quarter}|tháng vừa qua] [đã lên|đạt] {price_m2}, [tăng|cao hơn] {pct} so với cùng kỳ năm
        + trước.
        [Phiên đấu giá|Cuộc đấu giá] {n_tens} lô đất tại {ward}, {district}, {city} ngày {date} [kết
        + thúc|khép lại] với mức giá trúng cao nhất {price_m2}, gấp {n_small} lần giá khởi điểm.
        Sau {n_small} năm [bị bỏ hoang|nằm im], dự án {project} tại {district}, {city} [vừa|đã] được
        + {cityauth} [chấp thuận|cho phép] [điều chỉnh|tiếp tục triển khai].
        [Hàng trăm|Nhiều] [cư dân|khách hàng] mua nhà tại dự án {project} ({district}, {city}) vẫn
        + chưa
        + được cấp [sổ hồng|giấy chứng nhận quyền sở hữu] dù đã [thanh toán đủ tiền|nhận nhà] từ năm
        + {year_past}.
    """,
    body="""
        Dự án {project} có quy mô {area_ha}, do {developer} làm chủ đầu tư, [gồm|với] {apartments}
        + căn
        + hộ và [hàng trăm|nhiều] [căn nhà liền kề|biệt thự].
        [Theo|Theo ghi nhận của phóng viên], [nhiều|không ít] [hạng mục|công trình] [tại dự án|của
        + dự án]
        + [vẫn dang dở|xuống cấp], [cỏ mọc um tùm|sắt thép hoen gỉ].
        {Resident}, [một khách hàng|cư dân] mua căn hộ tại {project}, [cho biết|kể] đã [thanh
        + toán|đóng] [hơn|gần] {*money} từ năm {year_past} nhưng [đến nay|tới giờ] vẫn chưa được
        + cấp sổ
        + hồng.
        [Đại diện|Lãnh đạo] {developer} [cho biết|giải thích] [việc chậm|chậm trễ] [cấp sổ|bàn
        + giao] là
        + do vướng mắc [về nghĩa vụ tài chính|liên quan đến tiền sử dụng đất|về quy hoạch] chưa
        + được giải
        + quyết.
        Giá căn hộ [tại|ở] [khu vực|các quận] [nội thành|trung tâm] [hiện|đã] [phổ biến|dao động] ở
        + mức
        + {price_m2}, [vượt xa|cao hơn nhiều so với] [khả năng chi trả|thu nhập] của [người lao
        + động|đa số
        + người dân].
        {Expert}, chuyên gia của {re_org}, [nhận định|cho rằng] nguồn cung [khan hiếm|hạn chế]
        + [là|chính
        + là] nguyên nhân chính [đẩy giá|khiến giá] [nhà|căn hộ] [tăng liên tục|leo thang].
        [Trong quý {*quarter}|Năm qua], [thị trường|{city}] [chỉ có|ghi nhận] {*n_small} dự án mới
        + [mở
        + bán|được phép bán], [cung cấp|với] [khoảng|hơn] {*n_big} [căn hộ|sản phẩm], [giảm|thấp
        + hơn]
        + {*pct} so với cùng kỳ.
        [Tỷ lệ hấp thụ|Lượng giao dịch thành công] [đạt|ở mức] {*pct}, [cho thấy|phản ánh] [nhu
        + cầu|sức
        + mua] [vẫn|đang] [rất lớn|phục hồi], [đặc biệt|nhất là] [ở phân khúc|với] [căn hộ tầm
        + trung|nhà ở
        + vừa túi tiền].
        [Theo|Cũng theo] [Sở Xây dựng|Sở Tài nguyên và Môi trường] {city}, [thành phố|địa phương]
        + [hiện
        + có|còn] {*n_mid} dự án nhà ở [chậm triển khai|vướng mắc pháp lý] [cần|đang được] [rà
        + soát|tháo
        + gỡ].
        [Nhà đầu tư|Người mua] [được khuyến cáo|cần lưu ý] [tìm hiểu kỹ|kiểm tra] [pháp lý dự
        + án|tính
        + pháp lý] trước khi [đặt cọc|xuống tiền], [tránh|để tránh] [rủi ro|mất tiền oan].
        [Phiên đấu giá|Cuộc đấu giá] [thu hút|có] {*n_mid} [người tham gia|hồ sơ đăng ký], kéo dài
        + [từ
        + sáng đến tối|hơn 10 tiếng], [tổng số tiền trúng|số tiền thu về] [đạt|khoảng] {*money}.
        [Nhiều|Không ít] [lô đất|thửa đất] trúng [đấu giá|giá cao] [trước đây|sau đó] đã bị bỏ cọc,
        + [gây|làm] [nhiễu loạn|ảnh hưởng] [thị trường|giá đất khu vực].
        [Luật Đất đai|Luật Kinh doanh bất động sản] [sửa đổi|mới] [có hiệu lực|áp dụng] từ [ngày
        + 1/8/2024|năm {year}] [được kỳ vọng|được cho là] sẽ [tháo gỡ|giải quyết] [nhiều|phần lớn]
        + [vướng
        + mắc|điểm nghẽn] [về pháp lý|cho dự án].
        [Thanh tra|Đoàn thanh tra] {city} đã [xử phạt|kết luận] {developer} [vì|do] [huy động
        + vốn|bán nhà
        + hình thành trong tương lai] [khi chưa đủ điều kiện|trái quy định], [số tiền phạt|mức phạt]
        + {*money_small}.
        Ở phân khúc nhà ở xã hội, {city} [đặt mục tiêu|phấn đấu] [hoàn thành|xây dựng] {*n_big} căn
        + trước năm {*year_future}, [nhưng|song] [đến nay|hiện] [mới|chỉ] [đạt|hoàn thành]
        + [khoảng|chưa
        + tới] {*pct} [kế hoạch|chỉ tiêu].
        [Lãi suất vay mua nhà|Lãi suất cho vay] của [nhiều|các] ngân hàng [hiện|đang] [ở mức|dao
        + động]
        + [7–9%|8–10%] mỗi năm [trong thời gian ưu đãi|cho năm đầu], [sau đó|rồi] [thả nổi|tính
        + theo lãi
        + suất thị trường].
    """,
)

_topic(
    "kinh_te",
    "kinh-doanh",
    8,
    pools={
        "product": """[gạo|cà phê|hồ tiêu|sầu riêng|thủy sản|dệt may|điện thoại và linh
            + kiện|gỗ và sản
            + phẩm gỗ|hạt điều|rau quả]""",
        "market": "[Trung Quốc|Mỹ|EU|Nhật Bản|Hàn Quốc|ASEAN|Trung Đông|Ấn Độ]",
        "export_value": "[1,2|2,5|3,8|4,6|5,1|7,3|9,2|12,4] tỷ USD",
        "index": "[1.180|1.205|1.236|1.251|1.268|1.290] điểm",
        "bank": "[Vietcombank|BIDV|VietinBank|Agribank|Techcombank|MB|VPBank|ACB|Sacombank]",
        "official_role": """Phó cục trưởng Cục Xuất nhập khẩu (Bộ Công Thương)
            Vụ trưởng Vụ Thị trường trong nước (Bộ Công Thương)
            Giám đốc Sở Công Thương {city}""",
    },
    titles="""
        Xuất khẩu {product} sang {market} đạt {export_value} sau {n_month} tháng
        Giá {product} tăng mạnh, nông dân {province} phấn khởi
        VN-Index vượt {index}, khối ngoại bán ròng {money}
        {Bank} giảm lãi suất cho vay, hỗ trợ doanh nghiệp
        CPI tháng {month} tăng {pct}, giá điện và xăng dầu là nguyên nhân chính
        {Ministry} đề xuất giảm thuế giá trị gia tăng đến hết năm {year}
        Doanh nghiệp {product} gặp khó vì đơn hàng sụt giảm
        {City} thu hút {export_value} vốn FDI trong {n_month} tháng
    """,
    leads="""
        Theo số liệu của Tổng cục Hải quan, [trong|sau] {n_month} tháng đầu năm {year}, kim ngạch
        + xuất
        + khẩu {product} sang {market} đạt {export_value}, tăng {pct} so với cùng kỳ năm trước.
        Kết thúc phiên giao dịch ngày {date}, VN-Index [tăng lên|đóng cửa ở mức] {index}, [thanh
        + khoản|giá trị giao dịch] [trên sàn HOSE|toàn thị trường] đạt [hơn|gần] {money}.
        Từ ngày {date}, {bank} [giảm|điều chỉnh giảm] lãi suất cho vay [đối với|dành cho] [doanh
        + nghiệp
        + nhỏ và vừa|khách hàng cá nhân] thêm 0,5–1 điểm phần trăm.
        Chỉ số giá tiêu dùng (CPI) tháng {month} [tăng|tăng thêm] {pct} so với tháng trước, theo
        + công bố
        + của Tổng cục Thống kê [sáng|chiều] {date}.
        Giá [thu mua|] {product} tại {province} [trong những ngày qua|tuần này] [tăng|đã tăng]
        + [mạnh|liên tục], hiện ở mức cao nhất trong {n_small} năm trở lại đây.
    """,
    body="""
        {Official}, {official_role}, [cho biết|nhận định] [nhu cầu|sức mua] tại thị trường {market}
        + [đang|có dấu hiệu] [phục hồi|tăng trở lại], [mở ra|tạo] [cơ hội|dư địa] cho [doanh
        + nghiệp|hàng]
        + Việt Nam.
        [Tuy nhiên|Song], [doanh nghiệp|các nhà xuất khẩu] [vẫn|còn] [đối mặt|gặp] [nhiều|không ít]
        + [khó
        + khăn|thách thức] [như|do] [chi phí vận tải tăng|yêu cầu khắt khe về truy xuất nguồn
        + gốc|cạnh tranh
        + gay gắt với các nước trong khu vực].
        {*Official}, [Giám đốc|Tổng giám đốc] {company}, cho biết đơn hàng [của doanh nghiệp|] [từ
        + đầu
        + năm|trong quý {*quarter}] [tăng|giảm] [khoảng|gần] {*pct}, [nhiều|một số] [đối tác|khách
        + hàng]
        + đã [đặt hàng|ký hợp đồng] [đến cuối năm|tới quý sau].
        [Khối ngoại|Nhà đầu tư nước ngoài] [tiếp tục|có phiên thứ {*n_small} liên tiếp] [bán
        + ròng|mua ròng]
        + [hơn|gần] {*money} [trên sàn HOSE|trên toàn thị trường], [tập trung|chủ yếu] vào cổ phiếu
        + [ngân
        + hàng|bất động sản|thép].
        Nhóm cổ phiếu [ngân hàng|chứng khoán|bất động sản] [dẫn dắt|kéo] [thị trường|chỉ số], [trong
        + đó|với] [nhiều mã|một số mã] [tăng trần|tăng hơn 3%].
        [Chuyên gia|Giới phân tích] [của|từ] [Công ty Chứng khoán {*bank}|một công ty chứng khoán]
        + [nhận
        + định|cho rằng] VN-Index [có thể|sẽ] [điều chỉnh|rung lắc] quanh [vùng|ngưỡng] {index}
        + [trước
        + khi|rồi] [tiếp tục xu hướng tăng|đi lên].
        Theo Tổng cục Thống kê, [nguyên nhân|nguyên nhân chính] [khiến|làm] CPI [tăng|tăng cao] [là
        + do|đến từ] [giá xăng dầu|giá điện sinh hoạt|giá thực phẩm] [tăng|điều chỉnh tăng]
        + [theo|cùng]
        + [thị trường thế giới|quy định].
        Lạm phát [cơ bản|bình quân] {n_month} tháng [tăng|ở mức] {*pct}, [vẫn trong|nằm trong] [mục
        + tiêu|giới hạn] [Quốc hội đề ra|kiểm soát] là 4–4,5%.
        [Ngân hàng Nhà nước|NHNN] [cho biết|thông tin] [tín dụng|dư nợ tín dụng] [toàn hệ thống|của
        + nền
        + kinh tế] [đến ngày {past_date}|tính đến nay] [tăng|đạt mức tăng] {*pct} so với cuối năm
        + trước.
        [Nông dân|Bà con] tại {province} [cho biết|phấn khởi cho biết] với giá [hiện nay|như hiện
        + tại],
        + [mỗi ha|mỗi sào] [cho|mang lại] [lãi|lợi nhuận] [khoảng|hơn] {*money_small}.
        Hiệp hội ngành hàng {product} [dự báo|cho rằng] [kim ngạch|giá trị xuất khẩu] [cả năm|năm
        + nay]
        + [có thể|sẽ] [đạt|vượt] {*export_value}, [lập kỷ lục mới|cao nhất từ trước tới nay].
        {Ministry} [đề xuất|trình Chính phủ] [tiếp tục|kéo dài] [giảm|việc giảm] [2% thuế giá trị
        + gia
        + tăng|thuế bảo vệ môi trường] đến hết năm {year}, [dự kiến|ước tính] [giảm thu ngân
        + sách|làm
        + giảm thu] [khoảng|hơn] {*money}.
        [Vốn đầu tư trực tiếp nước ngoài|Vốn FDI] [đăng ký|giải ngân] [vào|tại] {city} [trong|sau]
        + {n_month} tháng [đạt|ước đạt] {*export_value}, [tăng|bằng] {*pct} [so với cùng kỳ|kế
        + hoạch năm].
        [Các dự án lớn|Nhiều dự án] [tập trung|chủ yếu] vào [lĩnh vực|ngành] [chế biến, chế tạo|điện
        + tử|logistics|năng lượng tái tạo], [đến từ|của] [nhà đầu tư|các nhà đầu tư] [Hàn Quốc,
        + Nhật Bản
        + và Singapore|Trung Quốc, Đài Loan (Trung Quốc)].
        [Chi phí|Giá] [vận chuyển|cước vận tải biển] [đi|sang] {market} đã tăng gấp {*n_small} lần
        + [so
        + với đầu năm|chỉ trong vài tháng], [khiến|làm] [lợi nhuận|biên lợi nhuận] [doanh nghiệp|của
        + doanh nghiệp] [giảm mạnh|bị bào mòn].
        [Các ngân hàng|Ngân hàng] [cam kết|cho biết] [sẽ|tiếp tục] [dành|bố trí] [gói tín dụng|nguồn
        + vốn] [khoảng|trị giá] {*money} [ưu đãi|với lãi suất thấp] [cho|dành cho] [doanh nghiệp
        + xuất
        + khẩu|lĩnh vực ưu tiên].
    """,
)

_topic(
    "the_thao",
    "the-thao",
    8,
    pools={
        "club": """[Hà Nội FC|Công an Hà Nội|Thép Xanh Nam Định|Hoàng Anh Gia Lai|Becamex Bình
            + Dương|Thể Công – Viettel|Sông Lam Nghệ An|Hải Phòng|SHB Đà Nẵng|Đông Á Thanh Hóa|Hồng
            + Lĩnh
            + Hà Tĩnh|Quảng Nam|Khánh Hòa|CLB TP.HCM]""",
        "opponent": """[Bình Định|Hải Phòng|Hồng Lĩnh Hà Tĩnh|Quảng Nam|Khánh Hòa|Sông Lam Nghệ
            + An|Becamex Bình Dương|Đông Á Thanh Hóa|Hà Nội FC|Thép Xanh Nam Định]""",
        "player": "{man}",
        "score": "[1-0|2-1|3-1|2-0|3-2|4-1|1-1|2-2]",
        "stadium": "sân [Hàng Đẫy|Mỹ Đình|Thống Nhất|Lạch Tray|Thiên Trường|Pleiku|Vinh|Hòa Xuân]",
        "round": "[3|5|7|9|11|13|15|18|21|24]",
        "minute": "[12|23|35|41|52|67|78|85]",
        "tournament": "[AFF Cup|vòng loại Asian Cup|SEA Games|vòng loại World Cup]",
        "official_role": """Tổng thư ký Liên đoàn Bóng đá Việt Nam
            Giám đốc điều hành {club}
            Trưởng ban tổ chức giải""",
    },
    titles="""
        {Club} thắng {opponent} {score} ở vòng {round} V-League
        {Coach} lên tiếng sau trận đấu với {opponent}
        {Player} tỏa sáng, {club} vươn lên dẫn đầu V-League
        {Club} chia tay {coach} sau chuỗi trận thất vọng
        Đội tuyển Việt Nam triệu tập {n_tens} cầu thủ chuẩn bị cho {tournament}
        {Club} bị phạt {money_small} vì cổ động viên đốt pháo sáng
        Thống kê ấn tượng của {player} sau {round} vòng đấu
        {Stadium} chật kín khán giả trong trận {club} gặp {opponent}
    """,
    leads="""
        Trên {stadium} [tối|chiều] {date}, {club} [đánh bại|vượt qua] {opponent} với tỷ số {score} ở
        + vòng {round} V-League {year}.
        [Trong trận đấu|Ở trận đấu] thuộc vòng {round} V-League [tối|chiều] {date} trên {stadium},
        + {club} và {opponent} [khép lại|kết thúc] 90 phút với tỷ số {score}.
        {Coach} [đã|vừa] chia tay {club} sau {round} vòng đấu, theo thông báo của [ban lãnh đạo|CLB]
        + [ngày|chiều] {date}.
        [Tiền đạo|Tiền vệ] {player} [ghi|lập] [cú đúp|bàn thắng quyết định] ở phút {minute},
        + [giúp|mang
        + về cho] {club} [trọn 3 điểm|chiến thắng] trước {opponent} tại vòng {round} V-League.
    """,
    body="""
        [Ngay từ đầu trận|Bước vào trận đấu], {club} [chủ động|nhập cuộc] [tấn công|chơi áp đặt],
        + [liên tục|nhiều lần] [đe dọa|gây sức ép lên] khung thành của {opponent}.
        Phút {minute}, [từ|sau] [một tình huống phản công nhanh|quả phạt góc bên cánh trái|đường
        + chuyền
        + dài của hàng thủ], {player} [thoát xuống|băng vào] [dứt điểm|đánh đầu] [hiểm hóc|cận
        + thành] [mở
        + tỷ số|ghi bàn] cho {club}.
        [Sang hiệp hai|Bước sang hiệp 2], {opponent} [đẩy cao đội hình|tăng cường tấn công]
        + [nhằm|để]
        + [tìm bàn gỡ|san bằng cách biệt], [tuy nhiên|nhưng] [hàng thủ|thủ môn] {club} [chơi chắc
        + chắn|đã xuất sắc cản phá].
        Thủ môn {*man} có {*n_small} [pha cứu thua|pha cản phá] [xuất sắc|quan trọng], [trong đó
        + có|bao gồm] [một quả phạt đền|một pha đối mặt] ở phút {*minute}.
        [Phát biểu|Chia sẻ] [sau trận|trong buổi họp báo], {coach} [cho biết|thừa nhận] [các học
        + trò|toàn đội] đã thi đấu đúng [đấu pháp|chiến thuật] [đề ra|của ban huấn luyện], [dù|tuy]
        + còn
        + [nhiều|một số] [sai sót|điểm cần cải thiện].
        "[Chúng tôi|Các cầu thủ] đã [chơi|thi đấu] [với tinh thần|bằng] [quyết tâm cao nhất|tất cả
        + sức
        + lực], [chiến thắng|kết quả] này [dành tặng|là món quà] cho [người hâm mộ|cổ động viên]",
        + {coach_short} [nói|chia sẻ].
        [Với|Sau] [kết quả|trận đấu] này, {club} có {*n_tens} điểm sau {round} trận, [vươn
        + lên|đứng] thứ
        + {*n_small} trên bảng xếp hạng.
        [Trong khi đó|Còn], {opponent} [vẫn|tiếp tục] [đứng|chìm] [ở|trong] [nhóm cuối bảng|nhóm
        + giữa
        + bảng xếp hạng] với {*n_teen} điểm.
        Trận đấu [thu hút|có] [khoảng|hơn] {*n_big} [khán giả|cổ động viên] [đến sân|theo dõi trực
        + tiếp],
        + [tạo nên|mang đến] [bầu không khí|không khí] [sôi động|cuồng nhiệt].
        [Ban kỷ luật|Ban Kỷ luật VFF] đã [phạt|xử phạt] {club} {*money_small} [vì|do] [cổ động
        + viên|CĐV]
        + [đốt pháo sáng|ném vật thể lạ xuống sân] [trong|ở] [trận đấu|vòng đấu trước].
        {Player} [đang có|trải qua] [phong độ|mùa giải] [ấn tượng|cao], [với|khi ghi] {*n_small}
        + bàn và
        + {*n_small} [pha kiến tạo|đường kiến tạo] sau {round} vòng đấu.
        [Theo|Theo lịch], [ở vòng tiếp theo|vòng đấu tới], {club} [sẽ|] [làm khách|thi đấu] trên
        + {*stadium} vào ngày {*later_date}.
        Trọng tài {*man} [đã|] [rút|phạt] {*n_small} thẻ vàng và [một thẻ đỏ|không có thẻ đỏ nào]
        + trong trận này, [với|có] [một số|nhiều] [quyết định|tình huống] [gây tranh cãi|được bàn
        + tán].
        [Trước trận|Trước thềm trận đấu], {club} [gặp khó|đối mặt khó khăn] [khi|vì] [thiếu|vắng]
        + {*n_small} [trụ cột|cầu thủ quan trọng] [do chấn thương|vì án treo giò].
        [HLV trưởng đội tuyển Việt Nam|Ban huấn luyện đội tuyển quốc gia] [có mặt|đã có mặt] [trên
        + khán
        + đài|tại sân] [theo dõi|để quan sát] [phong độ|màn trình diễn] của các [cầu thủ|tuyển thủ]
        + [trước
        + thềm|chuẩn bị cho] {tournament}.
    """,
)

_topic(
    "van_hoa",
    "van-hoa",
    6,
    pools={
        "festival": """Lễ hội [hoa ban|pháo hoa quốc tế|áo dài|Hoa phượng đỏ|Làng Sen|Đền
            + Hùng|Chùa Hương|Bánh dân gian Nam Bộ|Văn hóa ẩm thực|Hoa Đà Lạt|Sông nước|Cà phê]""",
        "exhibition": """[tranh sơn mài|ảnh nghệ thuật|gốm cổ|cổ vật|mỹ thuật đương đại]
            + "[Sắc màu|Hồn quê|Dòng chảy|Ký ức|Những mùa xuân|Phố và người]\"""",
        "venue": """[Nhà hát Lớn|Trung tâm Triển lãm Văn hóa Nghệ thuật Việt Nam|Bảo tàng Mỹ
            + thuật|Nhà văn hóa Thanh niên|Cung Văn hóa Lao động|Bảo tàng Hà Nội|Nhà hát
            + Hòa Bình]""",
        "heritage": """[Hoàng thành Thăng Long|Văn Miếu – Quốc Tử Giám|phố cổ Hội An|quần thể danh
            + thắng Tràng An|Cố đô Huế|vịnh Hạ Long|Thánh địa Mỹ Sơn]""",
        "film": 'phim "[Hẻm nhỏ|Mùa hạ cuối|Người về|Nhà bên sông|Bến đò xưa|Chuyến xe đêm]"',
        "work": "[Mùa xuân|Về nhà|Phố cũ|Một thoáng quê hương|Những ngày xưa|Đi qua thương nhớ]",
        "composer": "[Trịnh Công Sơn|Văn Cao|Phạm Duy|Hoàng Vân|Trần Tiến|Phú Quang|Thanh Tùng]",
        "official_role": """Giám đốc Sở Văn hóa và Thể thao {city}
            Phó giám đốc Sở Du lịch {city}
            Phó chủ tịch {cityauth}""",
    },
    titles="""
        {Festival} {year} thu hút {n_big} lượt khách
        Khai mạc triển lãm {exhibition} tại {venue}
        {Artist} ra mắt dự án âm nhạc mới sau {n_small} năm vắng bóng
        {City} tổ chức {n_mid} hoạt động văn hóa dịp lễ
        Trùng tu {heritage}: nhiều hạng mục xuống cấp nghiêm trọng
        {Film} thu {money} sau {n_small} ngày ra rạp
        Đêm nhạc tưởng nhớ nhạc sĩ {composer} tại {venue}
        Phố đi bộ {street} đông nghịt người dịp cuối tuần
    """,
    leads="""
        [Tối|Sáng] {date}, {festival} [năm {year}|lần thứ {n_small}] [chính thức khai mạc|đã khai
        + mạc]
        + tại {city}, với {n_mid} [hoạt động|chương trình] [văn hóa, nghệ thuật|đặc sắc] kéo dài
        + đến hết
        + ngày {later_date}.
        Triển lãm {exhibition} [vừa|đã] khai mạc tại {venue} ({city}) [sáng|chiều] {date}, [giới
        + thiệu|trưng bày] [hơn|gần] {n_mid} [tác phẩm|hiện vật] của {n_tens} [họa sĩ|nghệ sĩ|nhà
        + sưu tầm].
        {Artist} [vừa|đã] [ra mắt|giới thiệu] [album|MV|dự án âm nhạc] mang tên "{work}" [vào
        + tối|trong
        + ngày] {date}, [đánh dấu sự trở lại|sau] {n_small} năm [vắng bóng|không phát hành sản
        + phẩm].
        Sau {n_small} ngày [ra rạp|công chiếu], {film} đã [thu về|đạt doanh thu] {money}, theo số
        + liệu
        + của [Box Office Vietnam|đơn vị phát hành] công bố ngày {date}.
        {Cityauth} [vừa|đã] [phê duyệt|thông qua] [dự án|đề án] [trùng tu|tu bổ] {heritage} với
        + [tổng
        + kinh phí|tổng vốn] {money}, dự kiến [khởi công|bắt đầu] từ tháng {month}.
    """,
    body="""
        [Chương trình|Lễ hội] [năm nay|lần này] gồm [nhiều|hàng loạt] [hoạt động|sự kiện] như [diễu
        + hành
        + đường phố|trình diễn áo dài|hội chợ ẩm thực|biểu diễn nghệ thuật dân gian], với sự tham
        + gia của
        + {*n_mid} [nghệ nhân|nghệ sĩ] đến từ {*n_small} [tỉnh, thành|quốc gia].
        {Official}, {official_role}, cho biết [lễ hội|sự kiện] [nhằm|góp phần] [quảng bá|giới thiệu]
        + [hình ảnh|giá trị văn hóa] của {city} [đến|tới] [bạn bè trong nước và quốc tế|du khách],
        + [thúc đẩy|kích cầu] du lịch.
        Theo [Sở Du lịch|Sở Văn hóa và Thể thao] {city}, [trong|sau] [dịp|kỳ] [lễ hội|nghỉ lễ],
        + [thành
        + phố|địa phương] đã đón {n_big} lượt khách, [doanh thu|tổng thu] từ du lịch [ước
        + đạt|khoảng]
        + {*money}.
        [Các tác phẩm|Những tác phẩm] [được trưng bày|giới thiệu] [phản ánh|thể hiện] [đời sống|vẻ
        + đẹp]
        + của [con người và quê hương Việt Nam|phố phường, làng quê] qua [góc nhìn|cảm nhận]
        + [riêng|mới
        + mẻ] của [các tác giả|những nghệ sĩ].
        {Artist_short} [chia sẻ|tâm sự] [dự án|sản phẩm] [lần này|mới] [được|đã được] [ấp ủ|chuẩn
        + bị]
        + suốt {*n_small} năm, với sự góp mặt của [nhiều|các] [nhạc sĩ|nhà sản xuất] [trẻ|tên tuổi].
        [Khán giả|Người hâm mộ] đã [xếp hàng|có mặt] [từ sớm|từ chiều] [để|nhằm] [mua vé|vào xem],
        + [nhiều|không ít] [người|bạn trẻ] đến từ [các tỉnh lân cận|{*province}].
        Giá vé [của|cho] [chương trình|đêm nhạc] [dao động|] từ {*money_small} đến [vài triệu
        + đồng|5 triệu
        + đồng], [toàn bộ|phần lớn] số vé đã được bán hết [chỉ sau|trong vòng] {*n_small}
        + [giờ|ngày] mở
        + bán.
        Tại {heritage}, [nhiều|một số] [hạng mục|công trình] như [mái ngói|tường bao|cột gỗ] đã
        + [xuống
        + cấp|hư hỏng] [nghiêm trọng|nặng], [có nguy cơ|đe dọa] [sụp đổ|an toàn của du khách].
        [Các chuyên gia|Giới nghiên cứu] [lưu ý|nhấn mạnh] [việc trùng tu|công tác tu bổ]
        + [phải|cần] [tuân
        + thủ|đảm bảo] nguyên tắc [giữ gìn|bảo tồn] [tối đa|nguyên vẹn] [yếu tố gốc|giá trị nguyên
        + gốc]
        + của di tích, [tránh|không để] [làm mới|bê tông hóa].
        [Phim|Bộ phim] [kể về|xoay quanh] [câu chuyện|cuộc sống] của [một gia đình|những người trẻ]
        + [ở|tại]
        + [Sài Gòn|Hà Nội|miền Tây], qua [nhiều|những] [tình tiết|lát cắt] [cảm động|chân thật].
        [Nhiều|Không ít] [khán giả|người xem] [đánh giá|nhận xét] [phim|bộ phim] có [kịch bản|câu
        + chuyện] [chặt chẽ|gần gũi], [diễn xuất|màn trình diễn] của [dàn diễn viên|các diễn viên]
        + [tự
        + nhiên|thuyết phục].
        [Trong|Suốt] những ngày diễn ra [lễ hội|sự kiện], phố đi bộ {street} [luôn|đều] [đông
        + nghịt|chật kín] [người|du khách], [lực lượng chức năng|công an] đã [phân luồng|cấm xe] ở
        + [nhiều|các] [ngả đường|tuyến phố] xung quanh.
        [Bên cạnh|Ngoài] các [hoạt động|chương trình] [chính|nghệ thuật], [ban tổ chức|thành phố]
        + [còn|cũng]
        + [tổ chức|mở] [nhiều tour|các chương trình tham quan] [miễn phí|giảm giá] [đến|tới] các [di
        + tích|điểm đến] [nổi tiếng|nổi bật].
        {*Person}, [nghệ nhân|một nghệ nhân] có hơn {*n_tens} năm theo nghề, [cho biết|bày tỏ]
        + [rất|vô
        + cùng] [vui|xúc động] [khi|vì] [nghề xưa|di sản] được [giới trẻ|nhiều người] [quan tâm|tìm
        + hiểu].
        [Sự kiện|Chương trình] do [{cityauth}|Sở Văn hóa và Thể thao {city}] [phối hợp với|cùng]
        + [các đơn
        + vị|nhiều doanh nghiệp] tổ chức, [nằm trong|thuộc] chuỗi [hoạt động|sự kiện] [kỷ niệm|chào
        + mừng]
        + [ngày giải phóng|ngày thành lập] [thành phố|thủ đô].
    """,
)

# -- more topics --


# ---------------------------------------------------------------------------
# Recurring columns: one fixed text per series (outlet x column x city), in which
# only the date, the numbers and a few words ("tăng"/"giảm") change from issue to issue.
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    section: str
    title: Template
    body: tuple[tuple[Template, ...], ...]  # paragraphs of sentences
    numbers: Callable[[random.Random, dict[str, float], date], dict[str, str]]
    cities: tuple[str, ...] = ("",)


COLUMNS: list[Column] = []


def _column(key: str, section: str, title: str, body: str, cities: str = "") -> Callable[..., Any]:
    """Register a column whose numbers the decorated function draws for each issue."""
    paragraphs = tuple(_block(text) for text in body.strip().split("\n\n"))

    def register(numbers: Callable[[random.Random, dict[str, float], date], dict[str, str]]) -> Any:
        COLUMNS.append(
            Column(key, section, _compile(title), paragraphs, numbers, _list(cities) or ("",))
        )
        return numbers

    return register


def _walk(
    rng: random.Random, state: dict[str, float], name: str, start: float, step: float
) -> float:
    """Yesterday's value of a random walk, moved; returns the change."""
    old = state.setdefault(name, start)
    new = round(old + step * rng.choice((-3, -2, -1, -1, 0, 0, 1, 1, 2, 3)), 2)
    state[name] = new
    return new - old


def _move(change: float, unit: str, decimals: int = 1) -> str:
    if abs(change) < 10 ** -(decimals + 1):
        return "giữ nguyên"
    word = "tăng" if change > 0 else "giảm"
    return f"{word} {_num(abs(change), decimals)} {unit}".rstrip()


@_column(
    "gia_vang",
    "kinh-doanh",
    "Giá vàng hôm nay {d}/{m}: {headline}",
    """
    Mở cửa phiên giao dịch sáng {d}/{m}, giá vàng miếng SJC được [Công ty Vàng bạc Đá quý Sài
    + Gòn|SJC]
    + niêm yết ở mức {sjc_buy} triệu đồng/lượng mua vào và {sjc_sell} triệu đồng/lượng bán ra,
    + {sjc_move}
    + so với [phiên trước|hôm qua].
    [Tại|Cùng thời điểm, tại] [Tập đoàn DOJI|DOJI], giá vàng miếng [được giao dịch|niêm yết] ở mức
    + {doji_buy} – {doji_sell} triệu đồng/lượng (mua vào – bán ra).

    Giá vàng nhẫn tròn trơn 9999 của [Bảo Tín Minh Châu|PNJ|Công ty Vàng bạc Đá quý Phú Quý] [đang ở
    + mức|được niêm yết] {ring_buy} – {ring_sell} triệu đồng/lượng, {ring_move}.
    [Chênh lệch|Khoảng cách] giữa giá mua và giá bán vàng nhẫn [hiện ở mức|vào khoảng] {ring_spread}
    + triệu đồng/lượng.

    Trên thị trường thế giới, giá vàng giao ngay [đứng ở mức|dao động quanh] {world} USD/ounce,
    + {world_move} so với [phiên trước|đầu phiên].
    Quy đổi theo tỷ giá [niêm yết tại Vietcombank|ngân hàng], giá vàng thế giới tương đương
    + {world_vnd}
    + triệu đồng/lượng, thấp hơn giá vàng miếng trong nước khoảng {gap} triệu đồng/lượng.

    [Các chuyên gia|Giới phân tích] [cho rằng|nhận định] giá vàng [có thể tiếp tục biến động|sẽ còn
    + biến động mạnh] trong [thời gian tới|những phiên tới] [do|trước] [diễn biến lãi suất của Cục
    + Dự
    + trữ liên bang Mỹ (Fed)|lo ngại về lạm phát và căng thẳng địa chính trị].
    [Người dân|Nhà đầu tư] được khuyến cáo [cân nhắc kỹ|thận trọng] trước khi [mua vào|xuống tiền]
    + [vào thời điểm này|khi giá biến động mạnh].
    """,
)
def _gold(rng: random.Random, state: dict[str, float], day: date) -> dict[str, str]:
    sjc = _walk(rng, state, "sjc", 76 + rng.randint(0, 40) / 10, 0.3)
    ring = _walk(rng, state, "ring", state["sjc"] - 8 + rng.randint(0, 10) / 10, 0.2)
    world = _walk(rng, state, "world", 2050 + rng.randint(0, 150), 7)
    sell, ring_sell, spot = state["sjc"], state["ring"], state["world"]
    doji = sell + rng.choice((-0.2, -0.1, 0, 0, 0.1))
    spot_vnd = spot * 24.9 * 37.5 / 31.1035 / 1000
    spread = rng.choice((1.2, 1.5, 1.8, 2.0))
    values = {
        "sjc_buy": _num(sell - 2, 2),
        "sjc_sell": _num(sell, 2),
        "sjc_move": _move(sjc, "triệu đồng/lượng"),
        "doji_buy": _num(doji - 2, 2),
        "doji_sell": _num(doji, 2),
        "ring_buy": _num(ring_sell - spread, 2),
        "ring_sell": _num(ring_sell, 2),
        "ring_move": _move(ring, "triệu đồng/lượng"),
        "ring_spread": _num(spread, 1),
        "world": _num(spot, 0),
        "world_move": _move(world, "USD", 0),
        "world_vnd": _num(spot_vnd, 1),
        "gap": _num(max(sell - spot_vnd, 0.5), 1),
    }
    values["headline"] = f"Vàng miếng SJC {values['sjc_move']}, vàng nhẫn {values['ring_move']}"
    return values


@_column(
    "xo_so",
    "xo-so",
    "[Kết quả xổ số miền Bắc|XSMB|Xổ số miền Bắc] {d}/{m}/{y}",
    """
    Kết quả xổ số miền Bắc ngày {d}/{m}/{y} ({weekday}) [được quay thưởng|mở thưởng] lúc 18h15 tại
    + [trường quay Công ty Xổ số kiến thiết Thủ đô|{place}].

    Giải đặc biệt: {g0}. Giải nhất: {g1}. Giải nhì: {g2}.
    Giải ba: {g3}.

    Giải tư: {g4}. Giải năm: {g5}.
    Giải sáu: {g6}. Giải bảy: {g7}.

    [Người trúng thưởng|Người sở hữu vé trúng thưởng] cần [mang vé|xuất trình vé] [còn nguyên
    + vẹn|không rách, không tẩy xóa] [kèm giấy tờ tùy thân|cùng căn cước công dân] đến [công ty xổ
    + số|đại lý] để [lĩnh thưởng|nhận thưởng] trong vòng 30 ngày.
    [Kết quả|Bảng kết quả] [chỉ mang tính tham khảo|mang tính chất tham khảo], [độc giả|người chơi]
    + [vui lòng|nên] [đối chiếu|so sánh] với kết quả [chính thức|do công ty xổ số công bố].
    Kỳ quay tiếp theo [diễn ra|sẽ diễn ra] vào {next_weekday}, ngày {next_day}.

    Bảng lô tô [theo đầu|xếp theo đầu số]: {heads}.
    [Các cặp số|Những con số] về nhiều nhất [trong kỳ này|hôm nay] là {hot}, [trong khi|còn] đầu
    + {cold} [không về|vắng mặt].
    Xổ số miền Bắc [quay thưởng|mở thưởng] hằng ngày lúc 18h15, [mỗi ngày|luân phiên] tại một tỉnh,
    + thành phố [trong khu vực|khác nhau]; giải đặc biệt [trị giá|có giá trị] 1 tỷ đồng [cho mỗi vé
    + mệnh
    + giá 10.000 đồng|với vé 10.000 đồng].
    """,
)
def _lottery(rng: random.Random, state: dict[str, float], day: date) -> dict[str, str]:
    def draw(count: int, digits: int) -> str:
        return " – ".join(f"{rng.randrange(10**digits):0{digits}d}" for _ in range(count))

    weekdays = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
    places = ("Hà Nội", "Hải Phòng", "Quảng Ninh", "Bắc Ninh", "Nam Định", "Thái Bình")
    nxt = day + timedelta(days=1)
    prizes = {
        "g0": draw(1, 5),
        "g1": draw(1, 5),
        "g2": draw(2, 5),
        "g3": draw(6, 5),
        "g4": draw(4, 4),
        "g5": draw(6, 4),
        "g6": draw(3, 3),
        "g7": draw(4, 2),
    }
    tails = sorted(n[-2:] for text in prizes.values() for n in text.split(" – "))
    heads = {str(h): [t for t in tails if t[0] == str(h)] for h in range(10)}
    counts = Counter(tails).most_common(2)
    return prizes | {
        "heads": "; ".join(f"đầu {h}: {', '.join(ts) or '–'}" for h, ts in heads.items()),
        "hot": " và ".join(t for t, _ in counts),
        "cold": next((h for h, ts in heads.items() if not ts), "9"),
        "weekday": weekdays[day.weekday()],
        "place": f"Công ty Xổ số kiến thiết {places[day.weekday() % len(places)]}",
        "next_weekday": weekdays[nxt.weekday()],
        "next_day": f"{nxt.day}/{nxt.month}/{nxt.year}",
    }


@_column(
    "thoi_tiet",
    "thoi-tiet",
    "Thời tiết {city} ngày {d}/{m}: {headline}",
    """
    Theo Trung tâm Dự báo khí tượng thủy văn quốc gia, ngày {d}/{m}, khu vực {city} {sky}, {wind}.
    Nhiệt độ thấp nhất [từ|dao động] {tmin_lo} – {tmin} độ C, cao nhất {tmax_lo} – {tmax} độ C; độ
    + ẩm
    + từ {hum_lo} – {hum_hi}%.

    [Sáng sớm|Đêm và sáng sớm] {morning}, [trưa và chiều|ban ngày] {afternoon}.
    Chỉ số tia UV [ở mức|đạt mức] {uv}, [người dân|bà con] [nên|cần] [hạn chế ra ngoài vào buổi
    + trưa|che chắn kỹ khi ra đường].

    Nhiệt độ trung bình [trong ngày|cả ngày] [khoảng|vào khoảng] {tavg} độ C, [chênh lệch nhiệt độ
    + ngày và đêm|chênh lệch giữa ngày và đêm] [khoảng|lên tới] {tdiff} độ C.
    [Dự báo|Theo dự báo] [trong 2–3 ngày tới|những ngày tới], {outlook}.
    [Các tỉnh|Khu vực] {region} [cũng có|có] {region_weather}.

    [Cơ quan khí tượng|Trung tâm dự báo] [lưu ý|cảnh báo] [trong mưa dông|khi có dông] [có khả năng
    + xảy
    + ra|có thể xảy ra] [lốc, sét, mưa đá|lốc, sét và gió giật mạnh], [người dân|bà con] [cần|nên]
    + [chủ động phòng tránh|theo dõi các bản tin tiếp theo].

    [Chất lượng không khí|Chỉ số chất lượng không khí (AQI)] tại {city} [ở mức|được đánh giá]
    + {aqi}, [người có bệnh hô hấp|người già và trẻ nhỏ] [nên|cần] [hạn chế hoạt động ngoài
    + trời|đeo khẩu trang khi ra đường].
    [Người dân|Bà con] [có thể|nên] [theo dõi|cập nhật] [bản tin dự báo|thông tin thời tiết] [trên
    + trang của Trung tâm Dự báo khí tượng thủy văn quốc gia|hằng ngày] [để|nhằm] [chủ động|sắp xếp]
    + [công việc|kế hoạch đi lại].
    """,
    cities="Hà Nội, TP.HCM, Đà Nẵng",
)
def _weather(rng: random.Random, state: dict[str, float], day: date) -> dict[str, str]:
    _walk(rng, state, "t", 24 + rng.randint(0, 8), 0.5)
    tmax = round(state["t"] + rng.randint(3, 6))
    tmin = round(state["t"] - rng.randint(2, 5))
    skies = (
        ("có mây, ngày nắng", "Ngày nắng"),
        ("nhiều mây, có mưa rào và dông vài nơi", "Có mưa rào và dông"),
        ("có mưa vừa, mưa to", "Mưa to"),
        ("nhiều mây, có mưa nhỏ rải rác", "Mưa nhỏ rải rác"),
        ("trời rét, có mưa phùn và sương mù", "Trời rét, mưa phùn"),
        ("nắng nóng, chiều tối có mưa dông", "Nắng nóng, chiều tối mưa dông"),
    )
    sky, short = rng.choice(skies)
    return {
        "sky": sky,
        "headline": f"{short}, nhiệt độ cao nhất {tmax} độ C",
        "wind": f"gió {rng.choice(('đông', 'đông nam', 'đông bắc', 'tây nam', 'bắc'))} cấp 2–3",
        "tmin_lo": str(tmin - 2),
        "tmin": str(tmin),
        "tmax_lo": str(tmax - 2),
        "tmax": str(tmax),
        "hum_lo": str(rng.randint(50, 70)),
        "hum_hi": str(rng.randint(80, 95)),
        "morning": rng.choice(("trời se lạnh", "có sương mù nhẹ", "trời mát", "có mưa nhỏ")),
        "afternoon": rng.choice(("trời nắng", "có mưa rào", "trời oi nóng", "nhiều mây")),
        "uv": rng.choice(("thấp", "trung bình", "cao", "rất cao")),
        "aqi": rng.choice(("tốt", "trung bình", "kém", "xấu")),
        "tavg": str(round((tmin + tmax) / 2)),
        "tdiff": str(tmax - tmin),
        "outlook": rng.choice(
            (
                "thời tiết ít thay đổi",
                "nhiệt độ có xu hướng tăng",
                "mưa dông giảm dần",
                "không khí lạnh tràn về khiến nhiệt độ giảm",
            )
        ),
        "region": rng.choice(("Bắc Bộ", "Bắc Trung Bộ", "Nam Bộ", "Tây Nguyên", "Nam Trung Bộ")),
        "region_weather": rng.choice(
            ("mưa rào và dông rải rác", "nắng nóng cục bộ", "mưa vừa, có nơi mưa to", "trời rét")
        ),
    }


@_column(
    "gia_xang",
    "kinh-doanh",
    "Giá xăng dầu hôm nay {d}/{m}: {headline}",
    """
    [Tại kỳ điều hành gần nhất|Theo kỳ điều hành mới nhất] của [liên Bộ Công Thương – Tài chính|Bộ
    + Công Thương và Bộ Tài chính], giá xăng E5 RON 92 không cao hơn {e5} đồng/lít, xăng RON 95-III
    + không cao hơn {ron95} đồng/lít.
    Giá dầu diesel [ở mức|không cao hơn] {diesel} đồng/lít, dầu hỏa {kerosene} đồng/lít, dầu mazut
    + {mazut} đồng/kg.

    Trên thị trường thế giới, lúc {hour} sáng nay (giờ Việt Nam), giá dầu Brent [ở mức|dao động
    + quanh] {brent} USD/thùng, {brent_move}; dầu WTI {wti} USD/thùng, {wti_move}.
    [Giới phân tích|Các chuyên gia] [cho rằng|nhận định] [giá dầu|thị trường dầu mỏ] [chịu tác
    + động|bị ảnh hưởng] [bởi|từ] [quyết định cắt giảm sản lượng của OPEC+|lo ngại về nhu cầu tiêu
    + thụ
    + tại Trung Quốc].

    [Theo dự báo|Dự báo] [của các doanh nghiệp đầu mối|từ các doanh nghiệp], tại kỳ điều hành tới
    + vào
    + ngày {next_day}, giá xăng [có thể|nhiều khả năng] {forecast}.
    [Liên bộ|Cơ quan điều hành] [tiếp tục|] không trích lập, không chi Quỹ bình ổn giá đối với các
    + mặt
    + hàng xăng dầu trong kỳ này.

    [Người tiêu dùng|Người dân] [có thể|được khuyến cáo] [theo dõi|cập nhật] [giá niêm yết|giá bán
    + lẻ]
    + tại [các cửa hàng xăng dầu|cây xăng] [của Petrolimex, PV Oil|gần nhất] để [chủ động|lên kế
    + hoạch] [chi tiêu|đổ xăng].
    [Doanh nghiệp vận tải|Các hãng taxi, xe khách] [cho biết|chia sẻ] [chi phí nhiên liệu|tiền xăng
    + dầu] [hiện chiếm|chiếm] [khoảng 35–40%|gần 40%] [giá thành|chi phí vận hành], [nên|vì vậy]
    + [mọi
    + biến động|mỗi lần điều chỉnh] [đều ảnh hưởng|tác động] [trực tiếp|rõ rệt] [đến giá cước|tới
    + giá vé].
    """,
)
def _fuel(rng: random.Random, state: dict[str, float], day: date) -> dict[str, str]:
    brent = _walk(rng, state, "brent", 76 + rng.randint(0, 120) / 10, 0.4)
    wti = _walk(rng, state, "wti", state["brent"] - 4, 0.4)
    _walk(rng, state, "e5", 21.5 + rng.randint(0, 20) / 10, 0.05)
    e5 = round(state["e5"] * 1000, -1)
    nxt = day + timedelta(days=(3 - day.weekday()) % 7 or 7)  # fuel prices change on Thursdays
    forecast = rng.choice(("tăng nhẹ", "giảm nhẹ", "đi ngang", "tăng khoảng 300–500 đồng/lít"))
    values = {
        "e5": _num(e5),
        "ron95": _num(e5 + 1250),
        "diesel": _num(e5 - 1650 + rng.choice((0, 100, 210))),
        "kerosene": _num(e5 - 1200 + rng.choice((0, 120, 280))),
        "mazut": _num(e5 - 5000 + rng.choice((0, 150, 360))),
        "hour": f"{rng.randint(6, 9)}h{rng.choice(('', '15', '30', '45'))}",
        "brent": _num(state["brent"], 2),
        "brent_move": _move(brent, "USD", 2),
        "wti": _num(state["wti"], 2),
        "wti_move": _move(wti, "USD", 2),
        "next_day": f"{nxt.day}/{nxt.month}",
        "forecast": forecast,
    }
    values["headline"] = f"Dầu Brent {values['brent_move']}, giá xăng trong nước dự báo {forecast}"
    return values


@_column(
    "ty_gia",
    "kinh-doanh",
    "Tỷ giá USD hôm nay {d}/{m}: {headline}",
    """
    Sáng {d}/{m}, Ngân hàng Nhà nước công bố tỷ giá trung tâm của đồng Việt Nam với USD ở mức
    + {central} VND/USD, {central_move} so với phiên trước.
    Với biên độ ±5%, tỷ giá trần [mà các ngân hàng thương mại được áp dụng|áp dụng tại các ngân
    + hàng]
    + là {ceiling} VND/USD, tỷ giá sàn là {floor} VND/USD.

    Tại Vietcombank, giá USD [được niêm yết|niêm yết] ở mức {vcb_buy} – {vcb_sell} VND/USD (mua vào
    + –
    + bán ra), {vcb_move}.
    [Tại|Trong khi đó, tại] [BIDV|VietinBank], giá mua USD [là|ở mức] {bidv_buy} VND/USD, giá bán
    + {bidv_sell} VND/USD.

    Trên thị trường tự do, giá USD [được giao dịch|giao dịch] quanh mức {free_buy} – {free_sell}
    + VND/USD.
    [Chỉ số DXY|Chỉ số đô la Mỹ (DXY)], [đo lường|thước đo] [sức mạnh|biến động] của đồng USD với
    + rổ 6
    + đồng tiền chủ chốt, [đứng ở mức|ở mức] {dxy} điểm, {dxy_move}.

    [Giới phân tích|Chuyên gia] [nhận định|cho rằng] tỷ giá [có thể|sẽ] [chịu áp lực|biến động]
    + [trong
    + thời gian tới|trong những tuần tới] [khi|do] [Cục Dự trữ liên bang Mỹ duy trì lãi suất cao|nhu
    + cầu ngoại tệ cuối năm tăng].
    [Ngân hàng Nhà nước|Nhà điều hành] [cho biết|khẳng định] [sẵn sàng|sẽ] [can thiệp|bán ngoại tệ]
    + [khi cần thiết|nếu thị trường biến động mạnh] [để|nhằm] [ổn định thị trường|giữ ổn định tỷ
    + giá].
    """,
)
def _fx(rng: random.Random, state: dict[str, float], day: date) -> dict[str, str]:
    central = _walk(rng, state, "central", 24000 + rng.randint(0, 300), 4)
    vcb = _walk(rng, state, "vcb", state["central"] + 650, 10)
    dxy = _walk(rng, state, "dxy", 102 + rng.randint(0, 40) / 10, 0.1)
    free = state["vcb"] + rng.choice((60, 90, 120, 150))
    bidv = state["vcb"] + rng.choice((-10, 0, 10))
    return {
        "central": _num(state["central"]),
        "central_move": _move(central, "đồng", 0),
        "ceiling": _num(round(state["central"] * 1.05)),
        "floor": _num(round(state["central"] * 0.95)),
        "vcb_buy": _num(state["vcb"] - 360),
        "vcb_sell": _num(state["vcb"]),
        "vcb_move": _move(vcb, "đồng mỗi chiều", 0),
        "bidv_buy": _num(bidv - 350),
        "bidv_sell": _num(bidv),
        "free_buy": _num(free - 80),
        "free_sell": _num(free),
        "dxy": _num(state["dxy"], 2),
        "dxy_move": _move(dxy, "điểm", 2),
        "headline": f"Tỷ giá trung tâm {_move(central, 'đồng', 0)}, USD ngân hàng "
        + _move(vcb, "đồng", 0),
    }


# -- more columns --


# ---------------------------------------------------------------------------
# What copies change
# ---------------------------------------------------------------------------

TITLE_PREFIXES = _list(
    "[Video], Video:, Clip:, Ảnh:, Infographic:, TRỰC TIẾP:, [Ảnh], [Infographic]"
)
ATTRIBUTIONS = _list("""
Theo TTXVN., (Theo Vietnamplus)., Nguồn: TTXVN., (Theo Báo Chính phủ).,
Bài viết có sử dụng thông tin từ Cổng Thông tin điện tử Chính phủ.
""")
# Word swaps of a light edit; each pair is tried both ways.
Swapper = tuple[re.Pattern[str], dict[str, str]]
SYNONYMS = (
    ("cho biết", "cho hay"),
    ("khoảng", "chừng"),
    ("tuy nhiên", "song"),
    ("bất ngờ", "đột ngột"),
    ("nhanh chóng", "khẩn trương"),
    ("người dân", "bà con"),
    ("xảy ra", "diễn ra"),
    ("yêu cầu", "đề nghị"),
    ("kiểm tra", "rà soát"),
    ("lực lượng chức năng", "cơ quan chức năng"),
    ("ghi nhận", "nhận thấy"),
    ("sau đó", "tiếp đó"),
    ("nhiều", "không ít"),
    ("hiện trường", "nơi xảy ra vụ việc"),
)
TITLE_SYNONYMS = (
    ("ở", "tại"),
    ("tông", "đâm"),
    ("bắt", "bắt giữ"),
    ("tăng", "tăng mạnh"),
    ("giảm", "giảm sâu"),
    ("điều tra", "làm rõ"),
    ("công bố", "công khai"),
    ("dự kiến", "lên kế hoạch"),
    ("khởi tố", "truy tố"),
    ("thu hút", "đón"),
    ("chia tay", "chấm dứt hợp đồng với"),
    ("đạt", "cán mốc"),
    ("vượt", "vượt mốc"),
    ("bị phạt", "bị xử phạt"),
    ("ra mắt", "trình làng"),
    ("truy nã", "phát lệnh truy nã"),
    ("điều chỉnh", "sửa đổi"),
    ("tỏa sáng", "rực sáng"),
    ("gỡ vướng", "tháo gỡ"),
    ("ùn tắc", "kẹt xe"),
    ("sắp", "sắp có"),
    ("bước vào", "tham dự"),
    ("ghi nhận thêm", "có thêm"),
    ("ấn tượng", "đáng chú ý"),
    ("mạnh lên", "mạnh thêm"),
    ("vừa sức", "không quá khó"),
    ("lên tiếng", "nói gì"),
    ("thống kê", "những con số"),
    ("xổ số", "kết quả xổ số"),
    ("hôm nay", "mới nhất hôm nay"),
    ("giữ nguyên", "đứng yên"),
    ("nhiệt độ cao nhất", "nắng nóng nhất"),
    ("tỷ giá", "giá đô la"),
    ("cháy", "hỏa hoạn"),
    ("người", "người dân"),
    ("hàng trăm", "hàng loạt"),
    ("học sinh", "học trò"),
    ("nhập viện", "phải nhập viện"),
    ("phụ huynh", "cha mẹ học sinh"),
    ("triệt phá đường dây", "phá đường dây"),
    ("lật tẩy", "vạch trần"),
    ("kỹ thuật mới", "phương pháp mới"),
    ("chuẩn bị cho", "hướng tới"),
    ("triệu tập", "gọi"),
)
BOILERPLATE = {
    "video": _list("""
        Mời độc giả xem video., Mời quý độc giả theo dõi video., Mời độc giả xem video chi tiết.,
        Mời quý độc giả xem clip.
    """),
    "photo": _list(
        "Mời độc giả xem ảnh., Mời quý độc giả xem chùm ảnh., Mời độc giả xem thêm hình ảnh."
    ),
}
# Headlines of short items: many combinations, so two items rarely share more than a phrase.
SHORT_HEADLINES = _block("""
[Khoảnh khắc|Cận cảnh|Toàn cảnh|Hiện trường|Camera ghi lại cảnh|Người dân ghi lại cảnh]
+ {*short_event} [ở|tại] {*district_any}
{*Short_event} [ở|tại] {*district_any}, {*short_note}
{*Short_event} [trong đêm|sáng nay|chiều nay|giữa trưa] [ở|tại] {*district_any}
""")
SHORT_EVENTS = _block("""
xe container lật nghiêng trên cao tốc
cháy lớn tại kho hàng
nước ngập sâu sau cơn mưa lớn
người dân đổ ra đường xem pháo hoa
CSGT truy đuổi nhóm thanh niên đua xe
cây xanh bật gốc đè bẹp ô tô
lốc xoáy tốc mái hàng chục ngôi nhà
ùn tắc kéo dài giờ tan tầm
biển người đi lễ chùa đầu năm
hàng nghìn cổ động viên xuống đường mừng chiến thắng
xe khách bốc cháy dữ dội
sạt lở đất vùi lấp nhà dân
triều cường dâng cao tràn vào khu dân cư
cầu tạm bị lũ cuốn trôi
tài xế ô tô đi ngược chiều trên cầu
máy bay trực thăng diễn tập trên bầu trời
đàn trâu thong dong qua đường phố
cá chết trắng mặt hồ
phố cổ lung linh đêm rằm
người đàn ông trèo lên nóc cột điện cao thế
sét đánh trúng cây cổ thụ
xe bồn tông sập mái hiên quán nước
học sinh đội mưa đến trường
công nhân giải cứu chú mèo mắc kẹt trên tầng cao
""")
SHORT_NOTES = _block("""
người dân hoảng hốt
giao thông tê liệt
không có thương vong
nhiều người bị thương
lực lượng chức năng có mặt kịp thời
nhiều người dừng lại quay phim
""")
POOLS["short_event"], POOLS["short_note"] = SHORT_EVENTS, SHORT_NOTES
SHORT_PREFIXES = {"video": ("Video: ", "Clip: ", "[Video] ", ""), "photo": ("Ảnh: ", "[Ảnh] ", "")}


def _swapper(pairs: tuple[tuple[str, str], ...], flags: int = 0) -> Swapper:
    """One pattern matching any of the words (longest first), and what replaces each."""
    table: dict[str, str] = {}
    for first, second in pairs:
        table.setdefault(first.casefold(), second)
        table.setdefault(second.casefold(), first)
    words = "|".join(re.escape(word) for word in sorted(table, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{words})(?!\w)", flags), table


SWAPS = _swapper(SYNONYMS)
TITLE_SWAPS = _swapper(TITLE_SYNONYMS, re.IGNORECASE)
_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=4096)
def _slug(title: str) -> str:
    plain = unicodedata.normalize("NFD", title.replace("đ", "d").replace("Đ", "D"))
    plain = plain.encode("ascii", "ignore").decode().lower()  # drops the combining marks
    slug = _NOT_SLUG.sub("-", plain).strip("-")
    return slug[:90].rsplit("-", 1)[0] if len(slug) > 90 else slug


def _track(url: str, rng: random.Random) -> str:
    """The URL as shared on social media: tracking parameters, a fragment, an upper-case host."""
    parts = urlsplit(url)
    query: list[tuple[str, str]] = []
    if rng.random() < 0.85:
        query.append(
            ("utm_source", rng.choice(("facebook", "zalo", "google", "newsletter", "rss")))
        )
        query.append(("utm_medium", rng.choice(("social", "referral", "email", "feed"))))
        if rng.random() < 0.4:
            query.append(("utm_campaign", rng.choice(("tin-nong", "trang-chu", "share-button"))))
    if rng.random() < 0.45 or not query:
        query.append(("fbclid", "IwAR" + "".join(rng.choices(_ALNUM, k=rng.randint(40, 58)))))
    host = parts.netloc.upper() if rng.random() < 0.4 else parts.netloc
    fragment = rng.choice(("", "", "box_comment", "comment", "top", "muc-2"))
    return urlunsplit((parts.scheme, host, parts.path, urlencode(query), fragment))


def _render(paras: list[list[str]]) -> str:
    return "\n".join(f"<p>{escape(' '.join(p), quote=False)}</p>" for p in paras)


def _reword(texts: list[str], swapper: Swapper, count: int, rng: random.Random) -> int:
    """Swap up to ``count`` words, anywhere in the texts, in place; how many were."""
    pattern, table = swapper
    spots = [
        (i, m.start(), m.end()) for i, text in enumerate(texts) for m in pattern.finditer(text)
    ]
    chosen = rng.sample(spots, min(count, len(spots)))
    for i, start, end in sorted(chosen, key=lambda spot: (spot[0], -spot[1])):  # right to left
        text = texts[i]
        texts[i] = text[:start] + table[text[start:end].casefold()] + text[end:]
    return len(chosen)


# ---------------------------------------------------------------------------
# Articles
# ---------------------------------------------------------------------------


@dataclass
class Art:
    story: str
    kind: str
    source: str
    url: str
    title: str
    summary: str
    paras: list[list[str]]
    published: datetime
    section: str
    lead_n: int = 1  # the summary is the first lead_n sentences of paras[0]
    html: str | None = None  # content_html when it is not the paragraphs as <p>
    nfd: bool = False

    def record(self, ident: str) -> dict[str, str]:
        content = self.html if self.html is not None else _render(self.paras)
        texts = [self.title, self.summary, content]
        if self.nfd:
            texts = [unicodedata.normalize("NFD", text) for text in texts]
        return {
            "id": ident,
            "story": self.story,
            "kind": self.kind,
            "source": self.source,
            "url": self.url,
            "title": texts[0],
            "summary": texts[1],
            "content_html": texts[2],
            "published": self.published.isoformat(timespec="seconds"),
        }


@dataclass
class Plan:
    """One event: its facts, and the order in which its articles take templates."""

    seed: int
    topic: Topic
    facts: Facts
    order: dict[str, list[int]]


@dataclass
class Series:
    column: Column
    outlet: Outlet
    city: str
    seed: int
    state: dict[str, float] = field(default_factory=dict)
    last: date | None = None


@dataclass
class RealText:
    pairs: list[tuple[str, str]]  # (title, summary), used at most once each
    titles: list[str]


@dataclass
class Stats:
    kinds: Counter[str] = field(default_factory=Counter)
    stories: Counter[str] = field(default_factory=Counter)
    copies: Counter[str] = field(default_factory=Counter)
    articles: int = 0
    bytes: int = 0


OUTLET = {outlet.name: outlet for outlet in OUTLETS}
FIELDS = ("id", "story", "kind", "source", "url", "title", "summary", "content_html", "published")
# One line of JSON, as json.dumps(record, ensure_ascii=False) writes it, without the
# generic encoder's walk over a dict: the fields are all strings, in a fixed order.
_LINE = "{" + ", ".join(f'"{name}": %s' for name in FIELDS) + "}\n"
_QUOTE: Callable[[str], str] = c_encode_basestring or py_encode_basestring


class Generator:
    def __init__(self, seed: int, articles: int, start: date, real: RealText | None) -> None:
        self.seed = seed
        self.rng = _Fast(seed)
        self.target = articles
        self.real = real
        self.start = datetime(start.year, start.month, start.day, 6, tzinfo=ICT)
        span_days = min(365.0, max(14.0, articles / 80))
        self.mean_gap = span_days * 86400 / max(1.0, articles / ARTICLES_PER_UNIT)
        self.story_no = 0
        self.unit_bag: list[str] = []
        self.copy_bag: list[str] = []
        self.recent: list[tuple[str, str]] = []  # (title, url) of recent originals, for "Xem thêm"
        self.urls: set[str] = set()
        self.topic_weights = [topic.weight for topic in TOPICS]
        self.saga_topics = [topic for topic in TOPICS if topic.saga]
        columns = articles / ARTICLES_PER_UNIT * UNIT_MIX["column"] / 100
        count = max(6, math.ceil(columns / span_days / 0.7))
        self.series = self._make_series(count)

    # -- bookkeeping -------------------------------------------------------

    def _label(self) -> str:
        self.story_no += 1
        return f"s{self.story_no:06d}"

    def _draw(self, bag: list[str], items: dict[str, int]) -> str:
        if not bag:
            bag.extend(name for name, count in items.items() for _ in range(count))
            self.rng.shuffle(bag)
        return bag.pop()

    def _outlet(self, used: set[str]) -> Outlet:
        free = [outlet for outlet in OUTLETS if outlet.name not in used]
        return self.rng.choice(free or OUTLETS)

    def _url(self, outlet: Outlet, title: str, section: str) -> str:
        slug = _slug(title)
        while True:
            digits = self.rng.randrange(10 ** (outlet.digits - 1), 10**outlet.digits)
            url = outlet.pattern.format(host=outlet.host, sec=section, slug=slug, n=digits)
            if url not in self.urls:
                self.urls.add(url)
                return url

    def _make_series(self, count: int) -> list[Series]:
        series: list[Series] = []
        seen: set[tuple[str, str, str]] = set()
        while len(series) < count and len(seen) < 600:
            column = COLUMNS[len(series) % len(COLUMNS)]
            outlet, city = self.rng.choice(OUTLETS), self.rng.choice(column.cities)
            if (column.key, outlet.name, city) not in seen:
                seen.add((column.key, outlet.name, city))
                series.append(Series(column, outlet, city, self.rng.getrandbits(62)))
        return series

    # -- text --------------------------------------------------------------

    def _plan(self, base: datetime, saga: bool = False) -> Plan:
        rng = self.rng
        topics, weights = (self.saga_topics, None) if saga else (TOPICS, self.topic_weights)
        topic = rng.choices(topics, weights)[0]
        seed = rng.getrandbits(62)
        day = (base - timedelta(hours=rng.choice((0, 0, 0, 8, 16)))).date()
        facts = Facts(seed, topic, day, {})
        order_rng = _Fast(seed)
        order: dict[str, list[int]] = {}
        for name, size in (
            ("titles", len(topic.titles)),
            ("leads", len(topic.leads)),
            ("body", len(topic.body)),
            ("generic", len(GENERIC)),
            ("aftermath", len(AFTERMATH) if saga else 0),  # only sagas have follow-ups
            ("developments", len(topic.developments) if saga else 0),
        ):
            keys = [order_rng.random() for _ in range(size)]
            order[name] = sorted(range(size), key=keys.__getitem__)
        return Plan(seed, topic, facts, order)

    def _stream(self, plan: Plan, variant: int, rng: random.Random, follow: bool) -> Iterator[str]:
        """Sentences for one article; articles of one event (variants) share no template."""
        facts = plan.facts
        if follow:
            first = [AFTERMATH[i] for i in plan.order["aftermath"][(variant - 1) % 3 :: 3]]
        else:
            first = [plan.topic.body[i] for i in plan.order["body"][variant % 3 :: 3]]
        second = [GENERIC[i] for i in plan.order["generic"][variant % 4 :: 4]]
        if first:  # the lead's companion is always about the event itself
            yield _tidy(_expand(first.pop(0), facts, rng))
        while first or second:
            source = first if first and (not second or rng.random() < 0.6) else second
            yield _tidy(_expand(source.pop(0), facts, rng))
        while True:
            yield _tidy(_expand(rng.choice(GENERIC), facts, rng))

    @staticmethod
    def _layout(lead: list[str], stream: Iterator[str], rng: random.Random) -> list[list[str]]:
        """Lead + body sentences as 4-12 paragraphs of 1-3 KB of HTML."""
        target = rng.randint(1150, 2700)
        paragraphs = rng.randint(4, max(4, min(12, target // 200)))
        total = sum(len(s.encode()) + 1 for s in lead) + 8 * paragraphs
        body: list[str] = []
        while total < target or len(body) < paragraphs - 1:
            sentence = next(stream)
            body.append(sentence)
            total += len(sentence.encode()) + 1
        while total > 2820 and len(body) > paragraphs - 1:  # room for a recap sentence
            total -= len(body.pop().encode()) + 1
        first = list(lead)
        if len(body) > paragraphs - 1 and rng.random() < 0.35:
            first.append(body.pop(0))
        cuts = [0, *sorted(rng.sample(range(1, len(body)), paragraphs - 2)), len(body)]
        return [first] + [body[a:b] for a, b in pairwise(cuts)]

    def _article(
        self,
        plan: Plan,
        variant: int,
        kind: str,
        outlet: Outlet,
        when: datetime,
        *,
        title: str | None = None,
        follow: bool = False,
        real: bool = False,
    ) -> Art:
        rng = _Fast(plan.seed + 7919 * (variant + 1))
        topic, facts, order = plan.topic, plan.facts, plan.order
        stream = self._stream(plan, variant, rng, follow)
        if real and self.real is not None and self.real.pairs:
            title, summary = self.real.pairs.pop()
            lead = [summary]
        else:
            if title is None:
                index = order["titles"][variant % len(order["titles"])]
                title = _tidy(_expand(topic.titles[index], facts, rng))
            if follow:
                lead = [next(stream)]
            else:
                index = order["leads"][variant % len(order["leads"])]
                lead = [_tidy(_expand(topic.leads[index], facts, rng))]
            if rng.random() < 0.4:
                lead.append(next(stream))
        paras = self._layout(lead, stream, rng)
        label = self._label()
        url = self._url(outlet, title, topic.section)
        summary = " ".join(lead)
        return Art(
            label, kind, outlet.name, url, title, summary, paras, when, topic.section, len(lead)
        )

    # -- copies ------------------------------------------------------------

    def _copies(self, orig: Art, plan: Plan | None, count: int) -> list[Art]:
        used = {orig.source}
        kinds = dict.fromkeys(COPY_KINDS, 1)
        return [
            self._copy(self._draw(self.copy_bag, kinds), orig, plan, used) for _ in range(count)
        ]

    def _copy(self, kind: str, orig: Art, plan: Plan | None, used: set[str]) -> Art:
        rng = self.rng
        when = orig.published + timedelta(seconds=max(120.0, 36 * 3600 * rng.random() ** 1.6))
        same = kind == "tracking_url" and rng.random() < 0.5
        outlet = OUTLET[orig.source] if same else self._outlet(used)
        used.add(outlet.name)
        url = orig.url if same else self._url(outlet, orig.title, orig.section)
        copy = Art(
            orig.story,
            kind,
            outlet.name,
            url,
            orig.title,
            orig.summary,
            orig.paras,
            when,
            orig.section,
            orig.lead_n,
            orig.html,
        )
        if kind == "tracking_url":
            copy.url = _track(url, rng)
        elif kind == "title_prefix":
            roll = rng.random()
            if roll < 0.7:
                copy.title = f"{rng.choice(TITLE_PREFIXES)} {copy.title}"
            if roll >= 0.4:
                copy.title += outlet.suffix
        elif kind == "nfd":
            copy.nfd = True
        elif kind == "markup":
            copy.html = self._markup(orig.paras, rng)
        elif kind == "sentence_dropped":
            copy.paras = self._drop(orig, rng)
        elif kind == "sentence_added":
            copy.paras = self._add(orig, plan, rng)
        elif kind == "summary_only":
            copy.paras = [[orig.summary]]
        elif kind == "light_edit":
            self._light_edit(copy, rng)
        return copy

    def _markup(self, paras: list[list[str]], rng: random.Random) -> str:
        """The same text in another CMS's markup, with an ad slot and a "Xem thêm" link."""
        related = rng.choice(self.recent) if self.recent else ("Tin liên quan", "https://vtc.vn/")
        ad_at = rng.randint(1, max(1, len(paras) - 2))
        more_at = rng.randint(1, len(paras) - 1)
        style = rng.randrange(3)
        out = [f'<div class="{rng.choice(("detail-content", "article__body", "fck_detail"))}">']
        for i, para in enumerate(paras):
            text = escape(" ".join(para), quote=False)
            if i == 0:
                out.append(f'<p class="sapo"><strong>{text}</strong></p>')
            elif style == 0:
                span = f'<span style="font-size:16px">{text}</span>'
                out.append(f'<p style="text-align: justify;">{span}</p>')
            elif style == 1:
                out.append(f'<div class="text-block"><p class="Normal">{text}</p></div>')
            else:
                out.append(f"<p><span>{text}</span></p>")
            if i == ad_at:
                out.append(
                    '<div class="ads" style="margin: 12px auto; text-align: center;">'
                    '<span class="ads-label">Quảng cáo</span><div id="ad-slot-inread"></div></div>'
                )
            if i == more_at:
                title, url = related
                out.append(
                    f'<p class="related"><strong>Xem thêm:</strong> <a href="{escape(url)}">'
                    f"{escape(title, quote=False)}</a></p>"
                )
        out.append("</div>")
        return "\n".join(out)

    @staticmethod
    def _drop(orig: Art, rng: random.Random) -> list[list[str]]:
        spots = [
            (p, s)
            for p, para in enumerate(orig.paras)
            for s in range(len(para))
            if p > 0 or s >= orig.lead_n
        ]
        count = 2 if len(spots) >= 12 and rng.random() < 0.4 else 1
        drop = set(rng.sample(spots, min(count, len(spots) - 1)))
        paras = [
            [sentence for s, sentence in enumerate(para) if (p, s) not in drop]
            for p, para in enumerate(orig.paras)
        ]
        return [para for para in paras if para]

    def _add(self, orig: Art, plan: Plan | None, rng: random.Random) -> list[list[str]]:
        paras = [list(para) for para in orig.paras]
        if plan is None or rng.random() < 0.5:
            paras[-1].append(rng.choice(ATTRIBUTIONS))
        else:
            sentence = _tidy(_expand(rng.choice(GENERIC), plan.facts, rng))
            paras[rng.randrange(1, len(paras))].insert(0, sentence)
        return paras

    @staticmethod
    def _light_edit(copy: Art, rng: random.Random) -> None:
        """A few words swapped for synonyms, in the text and in the title."""
        flat = [sentence for para in copy.paras for sentence in para]
        _reword(flat, SWAPS, rng.randint(2, 4), rng)
        sentences = iter(flat)
        copy.paras = [[next(sentences) for _ in para] for para in copy.paras]
        copy.summary = " ".join(copy.paras[0][: copy.lead_n])
        title = [copy.title]
        if _reword(title, TITLE_SWAPS, 1, rng):
            copy.title = _cap(title[0])
        else:
            copy.title += " (cập nhật)"

    # -- units -------------------------------------------------------------

    def _unit(self, base: datetime) -> list[Art]:
        """An original and what belongs with it, all published at or after ``base``."""
        rng = self.rng
        unit = self._draw(self.unit_bag, UNIT_MIX)
        if unit == "column":
            return self._column_unit(base)
        if unit == "short":
            return [self._short(base)]
        plan = self._plan(base, saga=unit == "saga")
        outlet = rng.choice(OUTLETS)
        if unit == "saga":
            return self._saga(plan, outlet, base)
        orig = self._article(plan, 0, "original", outlet, base, real=unit == "plain")
        self.recent = [*self.recent[-63:], (orig.title, orig.url)]
        arts = [orig]
        if unit == "copied" or (unit != "plain" and rng.random() < SIDE_COPY_CHANCE):
            arts += self._copies(orig, plan, rng.choices(COPY_COUNTS, COPY_WEIGHTS)[0])
        used = {art.source for art in arts}
        if unit == "same_event":
            for variant in range(1, 2 + (rng.random() < 0.4)):
                other = self._outlet(used)
                used.add(other.name)
                when = base + timedelta(minutes=rng.randint(20, 24 * 60))
                arts.append(self._article(plan, variant, "same_event_other_article", other, when))
        elif unit == "outside":
            other = self._outlet(used)
            # 8-30 days after the original, and more than 8 after its last copy, so that no
            # article of the story is within the window of it
            last = max(art.published for art in arts)
            earliest = max(base + timedelta(days=8), last + timedelta(days=8, hours=1))
            when = earliest + (base + timedelta(days=30) - earliest) * rng.random()
            arts.append(
                Art(
                    self._label(),
                    "outside_window",
                    other.name,
                    self._url(other, orig.title, orig.section),
                    orig.title,
                    orig.summary,
                    orig.paras,
                    when,
                    orig.section,
                    orig.lead_n,
                )
            )
        return arts

    def _saga(self, plan: Plan, outlet: Outlet, base: datetime) -> list[Art]:
        """A running story: articles under one title prefix sharing one recap sentence."""
        rng = _Fast(plan.seed)
        topic, facts = plan.topic, plan.facts
        prefix = _tidy(_expand(rng.choice(topic.saga), facts, rng))
        recap = _tidy(_expand(rng.choice(topic.recap), facts, rng))
        opening = _tidy(_expand(rng.choice(topic.opens), facts, rng))
        orig = self._article(plan, 0, "original", outlet, base, title=f"{prefix}: {opening}")
        orig.paras[1].insert(rng.randrange(len(orig.paras[1]) + 1), recap)
        self.recent = [*self.recent[-63:], (orig.title, orig.url)]
        arts = [orig]
        if self.rng.random() < SIDE_COPY_CHANCE:
            arts += self._copies(orig, plan, self.rng.choices(COPY_COUNTS, COPY_WEIGHTS)[0])
        when = base
        for variant in range(1, self.rng.randint(2, 4)):
            when += timedelta(hours=self.rng.uniform(10, 72))
            index = plan.order["developments"][(variant - 1) % len(topic.developments)]
            development = _tidy(_expand(topic.developments[index], facts, rng))
            source = outlet if self.rng.random() < 0.5 else self.rng.choice(OUTLETS)
            title = f"{prefix}: {development}"
            follow = self._article(
                plan, variant, "follow_up", source, when, title=title, follow=True
            )
            follow.paras[1].insert(0, recap)
            arts.append(follow)
        return arts

    def _column_unit(self, base: datetime) -> list[Art]:
        day = base.date()
        free = [series for series in self.series if series.last != day]
        if not free:
            return [self._short(base)]
        series = self.rng.choice(free)
        series.last = day
        column = series.column
        numbers = column.numbers(self.rng, series.state, day)
        preset = {"d": str(day.day), "m": str(day.month), "y": str(day.year), **numbers}
        facts = Facts(
            series.seed, None, day, preset | ({"city": series.city} if series.city else {})
        )
        alt = _Fast(series.seed)  # the same wording in every issue of the series
        title = _tidy(_expand(column.title, facts, alt))
        paras = [[_tidy(_expand(t, facts, alt)) for t in para] for para in column.body]
        url = self._url(series.outlet, title, column.section)
        issue = Art(
            self._label(),
            "recurring_column",
            series.outlet.name,
            url,
            title,
            paras[0][0],
            paras,
            base,
            column.section,
        )
        arts = [issue]
        if self.rng.random() < 0.25:
            arts += self._copies(issue, None, self.rng.randint(2, 4))
        return arts

    def _short(self, base: datetime) -> Art:
        """A video or photo item: a title and one line of boilerplate."""
        rng = self.rng
        media = "video" if rng.random() < 0.7 else "photo"
        if self.real is not None and self.real.titles and rng.random() < 0.5:
            headline = self.real.titles.pop()
            section = "video"
        else:
            facts = Facts(rng.getrandbits(62), None, base.date(), {})
            headline = _tidy(_expand(rng.choice(SHORT_HEADLINES), facts, rng))
            section = "video" if media == "video" else "anh"
        title = rng.choice(SHORT_PREFIXES[media]) + headline
        line = rng.choice(BOILERPLATE[media])
        outlet = rng.choice(OUTLETS)
        html = f"<p>{escape(line, quote=False)}</p>"
        if media == "video" and rng.random() < 0.5:
            html = (
                f'<figure class="video"><video controls src="https://{outlet.host}/video/'
                f'{rng.randrange(10**7):07d}.mp4"></video></figure>\n{html}'
            )
        url = self._url(outlet, headline, section)
        return Art(
            self._label(),
            "short_boilerplate",
            outlet.name,
            url,
            title,
            line,
            [[line]],
            base,
            section,
            html=html,
        )

    # -- output ------------------------------------------------------------

    def run(self, out: Any) -> Stats:
        """Write articles in order of publication; only those still to come are held."""
        stats = Stats()
        heap: list[tuple[float, int, Art]] = []
        planned = sequence = 0
        base = self.start
        while planned < self.target:
            base += timedelta(seconds=self.rng.expovariate(1 / self.mean_gap))
            if base.hour < 6:  # outlets publish little at night
                base = base.replace(hour=6, minute=self.rng.randrange(60))
            arts = self._unit(base)[: self.target - planned]
            planned += len(arts)
            for art in arts:
                heapq.heappush(heap, (art.published.timestamp(), sequence, art))
                sequence += 1
            while heap and heap[0][0] <= base.timestamp():
                self._emit(heapq.heappop(heap)[2], out, stats)
        while heap:
            self._emit(heapq.heappop(heap)[2], out, stats)
        return stats

    def _emit(self, art: Art, out: Any, stats: Stats) -> None:
        stats.articles += 1
        ident = hashlib.blake2b(f"{self.seed}:{stats.articles}".encode(), digest_size=8).hexdigest()
        data = (_LINE % tuple(map(_QUOTE, art.record(ident).values()))).encode()
        out.write(data)
        stats.bytes += len(data)
        stats.kinds[art.kind] += 1
        stats.stories[art.story] += 1
        if art.kind in COPY_KINDS:
            stats.copies[art.story] += 1


# ---------------------------------------------------------------------------
# Real titles (--realistic)
# ---------------------------------------------------------------------------

_TAG = re.compile(r"<[^>]+>")


def _clean(text: Any) -> str:
    if not isinstance(text, str):
        return ""
    return " ".join(unicodedata.normalize("NFC", unescape(_TAG.sub(" ", text))).split())


def load_real(directory: Path, seed: int) -> RealText | None:
    """Real titles and leads from the sample files, if present, each used at most once.

    They replace the made-up title and lead of some originals and short items, so that
    the texts the deduplicator sees start the way real ones do; their text never
    enters the repository.  Near-identical titles are kept only once, so that no two
    stories of the benchmark share a real title.
    """
    pairs: list[tuple[str, str]] = []
    titles: list[str] = []
    seen: set[str] = set()

    def fresh(title: str) -> bool:
        key = " ".join(title.casefold().split()[:7])
        if len(title) < 20 or key in seen:
            return False
        seen.add(key)
        return True

    for path in sorted(directory.glob("tintuchangngay_*.json")):
        for item in json.loads(path.read_text(encoding="utf-8")):
            title, summary = _clean(item.get("title")), _clean(item.get("summary"))
            if len(summary) >= 40 and fresh(title):
                pairs.append((title, summary))
    for path in sorted(directory.glob("docbao_*.json")):
        for item in json.loads(path.read_text(encoding="utf-8")).get("article_list", []):
            title, summary = _clean(item.get("topic")), _clean(item.get("sapo"))
            if len(summary) >= 40 and fresh(title):
                pairs.append((title, summary))
    for path in sorted(directory.glob("binhvq_*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            title = _clean(line).rstrip(".")
            if fresh(title):
                titles.append(title)
    if not pairs and not titles:
        return None
    rng = random.Random(seed)
    rng.shuffle(pairs)
    rng.shuffle(titles)
    return RealText(pairs, titles)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--articles", type=int, default=DEFAULT_ARTICLES, metavar="M")
    parser.add_argument("--out", type=Path, required=True, metavar="FILE.jsonl")
    parser.add_argument("--start", default=DEFAULT_START, help="first day, YYYY-MM-DD")
    parser.add_argument(
        "--realistic", action="store_true", help="use real titles and leads from --real-dir"
    )
    parser.add_argument("--real-dir", type=Path, default=REAL_DIR)
    args = parser.parse_args(argv)
    real = load_real(args.real_dir, args.seed) if args.realistic else None
    if args.realistic and real is None:
        print(f"no real titles in {args.real_dir}; using the built-in vocabulary only")
    began = time.perf_counter()
    generator = Generator(args.seed, args.articles, date.fromisoformat(args.start), real)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("wb", buffering=1 << 20) as out:
        stats = generator.run(out)
    elapsed = time.perf_counter() - began
    with_copies = sum(1 for count in stats.copies.values() if count >= 2)
    print(f"{stats.articles} articles, {len(stats.stories)} stories -> {args.out}")
    print(f"{stats.bytes / 1e6:.1f} MB in {elapsed:.1f} s (seed {args.seed})")
    print(
        f"stories with 2-8 copies: {with_copies} ({with_copies / max(1, len(stats.stories)):.0%})"
    )
    for kind in KINDS:
        group = "copy" if kind in COPY_KINDS else "near miss" if kind in NEAR_MISS_KINDS else ""
        print(f"  {kind:<26} {stats.kinds[kind]:>7}  {group}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
