"""Vietnamese-aware text helpers: NFC, comparison keys, slugs, plain text.

Text is kept exactly as written (in NFC); only comparison keys drop case and
diacritics, so `Chuyen dong Ha Noi` matches `Chuyển động Hà Nội`.
"""

from __future__ import annotations

import html
import re
import unicodedata

from slugify import slugify as _slugify

_SPACE = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]*>")
_BLOCK_END = re.compile(r"</(p|div|li|h[1-6]|figcaption|blockquote|tr)>|<br\s*/?>", re.I)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def clean_line(text: str) -> str:
    """NFC with runs of white space folded into one space: for titles and names."""
    return _SPACE.sub(" ", nfc(text)).strip()


def fold(text: str) -> str:
    """A key for comparing labels: no case, no diacritics, `đ` as `d`, spaces folded."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACE.sub(" ", bare).strip()


def slugify(text: str) -> str:
    """`Chuyển động Hà Nội` -> `chuyen-dong-ha-noi`."""
    return str(_slugify(nfc(text).replace("đ", "d").replace("Đ", "D")))


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment, paragraphs on their own lines, NFC."""
    spaced = _BLOCK_END.sub("\n", markup)
    text = html.unescape(_TAG.sub(" ", spaced))
    lines = (_SPACE.sub(" ", line).strip() for line in text.splitlines())
    return nfc("\n".join(line for line in lines if line))


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"
