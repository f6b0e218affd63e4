"""Turn extracted items into articles: canonical URLs, NFC text, sanitised HTML, dates.

Pure functions, no I/O; prepare.py calls normalize_item() once per item, in a
worker process when there are many sources. The worker also signs the text
(similarity.signature): band keys, shingle set and figures travel with the
article so the thread that stores never reads the text again.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime

from store.records import NewArticle

from .dates import clamp
from .model import RawItem
from .sanitize import clean_html
from .similarity import folded_pieces, signature, title_key
from .text import article_text, fold, nfc, plain_line, shorten
from .urls import absolute, canonical_url, web_url, without_tracking

# Below this many characters of text, equal text says nothing about being one story.
MIN_TEXT_FOR_HASH = 200
# Part of every entry hash: raise it when normalize_item() gives other output for the
# same entry, so that stored entries are normalised again rather than taken as unchanged.
NORMALIZE_VERSION = 1
_IMG_SRC = re.compile(r"<img[^>]+src=\"([^\"]+)\"", re.I)


@dataclass(frozen=True)
class Context:
    """What normalising needs to know about the source and the site."""

    source: str
    document_url: str
    category: str | None
    labels: Mapping[str, str]  # folded label -> category slug
    now: datetime


def normalize_item(item: RawItem, ctx: Context) -> NewArticle | None:
    """The article, or None when it has no http(s) link to give readers."""
    link = web_url(without_tracking(absolute(item.link, ctx.document_url)))
    if link is None:
        return None
    summary = clean_html(nfc(item.summary or ""), base_url=link) or None
    if item.content == item.summary:  # a feed with only content gives it as summary too
        content = summary
    else:
        content = clean_html(nfc(item.content or ""), base_url=link) or None
    text = article_text(content, summary)
    title = plain_line(item.title) or shorten(text.replace("\n", " "), 120) or link
    author = plain_line(item.author or "") or None
    image = item.image
    image_url = web_url(
        absolute(image.url, link) if image else _first_image(content or summary or "")
    )
    pieces = folded_pieces(text)  # read by both the signature and the text hash
    sig = signature(text, pieces)
    labels = tuple(map(_plain_label, item.labels))
    published = clamp(item.published or item.updated, now=ctx.now, fallback=ctx.now)
    updated = clamp(item.updated, now=ctx.now, fallback=published) if item.updated else None
    return NewArticle(
        source=ctx.source,
        guid=item.key.strip(),
        url=canonical_url(link),
        link=link,
        title=title,
        author=author,
        summary=summary,
        content=content,
        text_hash=_folded_key(pieces),
        content_hash=_digest(title, link, author, summary, content, image_url),
        published=published,
        updated=updated,
        categories=categorize(labels, ctx.labels, ctx.category),
        labels=tuple(label for label in labels if label),
        image_url=image_url,
        image_type=image.type if image and image_url else None,
        image_length=image.length if image and image_url else None,
        language=item.language,
        title_key=title_key(title),
        shingles=sig.size,
        keys=sig.keys,
        shingle_set=sig.shingle_set,
        figures=sig.figures,
        entry_hash=entry_hash(item, ctx.document_url),
    )


def entry_hash(item: RawItem, document_url: str) -> str:
    """Everything normalize_item() reads that decides an article's content_hash, hashed:
    the entry as the document gave it, the document's URL (relative links) and the
    normaliser's version. An entry stored with the same hash would come out the same,
    so prepare.py skips it.

    Every field of the dataclass, in its order: a text as itself behind its length (no
    separator can be mistaken for another field), anything else as its repr. Half the
    cost of the repr of the whole item, which escapes every character of the bodies.
    """
    parts = [str(NORMALIZE_VERSION), f"{len(document_url)}:{document_url}"]
    for value in map(item.__getattribute__, _RAW_FIELDS):
        parts.append(f"{len(value)}:{value}" if type(value) is str else repr(value))
    return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()


_RAW_FIELDS = tuple(field.name for field in fields(RawItem))


def categorize(
    labels: tuple[str, ...], index: Mapping[str, str], fallback: str | None
) -> tuple[str, ...]:
    """Categories whose name or alias matches one of the article's labels, else the source's."""
    matched = dict.fromkeys(index[key] for label in labels if (key := _label_key(label)) in index)
    if matched:
        return tuple(matched)
    return (fallback,) if fallback else ()


# A source's entries share a handful of labels: each is made plain and folded once.
_plain_label = functools.lru_cache(maxsize=4096)(plain_line)
_label_key = functools.lru_cache(maxsize=4096)(fold)


def text_key(text: str) -> str | None:
    """A hash of the text that ignores case, diacritic encoding and spacing; None if short."""
    return _folded_key(nfc(text).casefold().split())


def _folded_key(pieces: list[str]) -> str | None:
    """text_key() of a text from its folded_pieces(); normalize_item()'s texts come from
    html_to_text(), already NFC and free of what nfc() removes, so the two agree."""
    folded = " ".join(pieces)
    if len(folded) < MIN_TEXT_FOR_HASH:
        return None
    return hashlib.sha1(folded.encode()).hexdigest()


def _digest(*parts: str | None) -> str:
    joined = "\x1f".join(part or "" for part in parts)
    return hashlib.sha1(joined.encode()).hexdigest()


def _first_image(markup: str) -> str | None:
    match = _IMG_SRC.search(markup)
    return match.group(1) if match else None
