"""nfc(), html_to_text(), clean_line() and fold() give what their first, plainer forms gave.

Their results are stored (article texts, titles) and hashed (text_hash), so the quicker
forms must agree to the character, whatever white space, control characters, entities
and escaped markup a feed holds: checked here against those first forms, written out.
"""

from __future__ import annotations

import html
import random
import re
import sys
import unicodedata

import pytest

from feeds.text import _BLOCK_END, _NOT_XML, _TAG, clean_line, fold, html_to_text, nfc, plain_line

_SPACE = re.compile(r"\s+")


def _first_nfc(text: str) -> str:
    return unicodedata.normalize("NFC", _NOT_XML.sub("", text))


def _first_html_to_text(markup: str) -> str:
    text = _BLOCK_END.sub("\n", markup)
    for _ in range(4):
        plain = html.unescape(_TAG.sub(" ", text))
        if plain == text:
            break
        text = plain
    if _TAG.search(text):
        text = text.replace("<", " ").replace(">", " ")
    lines = (_SPACE.sub(" ", line).strip() for line in text.splitlines())
    return _first_nfc("\n".join(line for line in lines if line))


def _first_clean_line(text: str) -> str:
    return _SPACE.sub(" ", _first_nfc(text)).strip()


def _first_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACE.sub(" ", bare).strip()


SPACES = [chr(i) for i in range(sys.maxunicode + 1) if chr(i).isspace()]
PARTS = [
    *SPACES, "\r\n", "  ", "\u200b", "\xad", "\x00", "\x08", "\x7f", "\ud800", "\ufffe",
    "<p>", "</p>", "<br>", "<BR />", "</div>", "</li>", "</h2>", "</tr>", "<b>", "</b>", "<",
    ">", "&", "&amp;", "&lt;p&gt;", "&amp;lt;b&amp;gt;", "&amp;amp;amp;lt;i&amp;amp;amp;gt;",
    "&nbsp;", "&#10;", "&#x2028;", "&#0;", "&#xD800;", "&notin", "&lt;", "&gt;", "<!-- c -->",
    "Hà", "Nội", "Ha\u0300", "e\u0301", "\u0301", "Đ", "đ", "x", "12/3", "ß", "İ", "😀",
]  # fmt: skip


def _samples(count: int) -> list[str]:
    rng = random.Random(11)
    return ["".join(rng.choice(PARTS) for _ in range(rng.randint(0, 40))) for _ in range(count)]


@pytest.mark.parametrize("markup", _samples(400))
def test_html_to_text_is_its_first_form(markup: str) -> None:
    assert html_to_text(markup) == _first_html_to_text(markup)


@pytest.mark.parametrize("text", _samples(150))
def test_lines_and_labels_are_their_first_forms(text: str) -> None:
    assert nfc(text) == _first_nfc(text)
    assert clean_line(text) == _first_clean_line(text)
    assert fold(text) == _first_fold(text)
    assert plain_line(text) == _first_clean_line(_first_html_to_text(text).replace("\n", " "))


def test_every_white_space_but_the_space_is_unprintable() -> None:
    """What lets html_to_text() take a printable line without a double space as it is."""
    assert [ch for ch in SPACES if ch.isprintable()] == [" "]
    assert all(
        not chr(i).isprintable() for i in range(sys.maxunicode + 1) if _NOT_XML.match(chr(i))
    )
