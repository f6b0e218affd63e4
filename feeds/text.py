"""Vietnamese-aware text helpers: NFC, comparison keys, slugs, plain text.

Text is kept exactly as written (in NFC); only comparison keys drop case and
diacritics, so `Chuyen dong Ha Noi` matches `Chuyển động Hà Nội`.
"""

from __future__ import annotations

import html
import re
import unicodedata

from slugify import slugify as _slugify

_TAG = re.compile(r"<[^>]*>")
_BLOCK_END = re.compile(r"</(p|div|li|h[1-6]|figcaption|blockquote|tr)>|<br\s*/?>", re.I)


# C0 controls other than tab, newline and carriage return, DEL, and the UTF-16 surrogates
# and non-characters XML 1.0 forbids: they make feeds unreadable (and feedgen refuse).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def nfc(text: str) -> str:
    """NFC, without the characters XML cannot carry."""
    return unicodedata.normalize("NFC", _NOT_XML.sub("", text))


def clean_line(text: str) -> str:
    """NFC with runs of white space folded into one space: for titles and names."""
    return " ".join(nfc(text).split())  # str.split() and the regex \s: the same white space


def fold(text: str) -> str:
    """A key for comparing labels: no case, no diacritics, `đ` as `d`, spaces folded."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.split())


def slugify(text: str) -> str:
    """`Chuyển động Hà Nội` -> `chuyen-dong-ha-noi`."""
    return str(_slugify(nfc(text).replace("đ", "d").replace("Đ", "D")))


def article_text(content: str | None, summary: str | None) -> str:
    """An article's plain text, made from its sanitised HTML: what is signed and hashed
    when it is normalised, and made again the same way wherever it is needed."""
    return html_to_text(content or summary or "")


def stored_text(text: str, body: str | None) -> str:
    """A stored article's plain text: the `text` column where an earlier version filled
    it, else html_to_text() of its content (or summary), which is how it was made (an
    empty text comes from empty HTML, so derived again it is the same).

    Not stored any more: it repeated the content (a quarter of a row), and an
    article's text is read only when it is compared with a new one and its shingles
    are not cached, or when the stories are rebuilt.
    """
    return text or html_to_text(body or "")


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment, paragraphs on their own lines, NFC.

    Entities are decoded and tags stripped until neither is left, so escaped
    markup (`&lt;script&gt;`) cannot come back to life as a tag.
    """
    text = _BLOCK_END.sub("\n", markup) if "<" in markup else markup
    for _ in range(4):
        plain = html.unescape(_TAG.sub(" ", text) if "<" in text else text)
        if plain == text:
            break
        text = plain
        if "<" not in text and "&" not in text:  # another round would change nothing
            break
    if "<" in text and _TAG.search(text):  # markup escaped more deeply than anyone writes text
        text = text.replace("<", " ").replace(">", " ")  # drop the brackets
    return _paragraphs(text)


def _paragraphs(text: str) -> str:
    """Each line's words joined by single spaces, blank lines dropped, NFC.

    Every white space but the space is unprintable, line breaks included. So a piece
    between two newlines that is printable once stripped, with no double space, is one
    line already in that form; any other piece is split into its lines and words. And
    what XML cannot carry is unprintable too: only a text with such a piece is searched.
    """
    lines = []
    printable = True
    for piece in text.split("\n"):
        line = piece.strip()
        if not line:
            continue
        if "  " not in line and line.isprintable():
            lines.append(line)
        else:
            lines.extend(filter(None, map(" ".join, map(str.split, line.splitlines()))))
            printable = False
    joined = "\n".join(lines)
    return unicodedata.normalize("NFC", joined) if printable else nfc(joined)


def plain_line(text: str) -> str:
    """A title, name or label as plain text on one line: no markup, however escaped."""
    return clean_line(html_to_text(text).replace("\n", " "))


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"
