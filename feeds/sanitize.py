"""HTML sanitising with nh3 (the only nh3 import): what may reach a published feed.

Readers render our feeds' HTML, so anything that can run or phone home goes:
scripts, styles, event handlers, iframes, objects, forms, and every URL that is
not http(s) or mailto (javascript:, vbscript:, data:, entity-encoded or not).
Relative URLs are made absolute against the article's own address.
"""

from __future__ import annotations

import re
from typing import Any

import nh3

TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
}
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "time": {"datetime"},
}
SCHEMES = {"http", "https", "mailto"}
# Dropped with everything inside them, not just unwrapped.
DROPPED_WITH_CONTENT = {"script", "style", "noscript", "iframe", "object", "embed", "form", "svg"}


# One cleaner per policy, built once: nh3.clean() builds ammonia's whole configuration on
# every call, which costs more than cleaning a summary. Relative URLs pass through the
# first cleaning; only a document that still has one is cleaned again with its base.
_OPTIONS: dict[str, Any] = {
    "tags": TAGS,
    "clean_content_tags": DROPPED_WITH_CONTENT,
    "attributes": ATTRIBUTES,
    "url_schemes": SCHEMES,
    "link_rel": "noopener noreferrer",
    "strip_comments": True,
}
_PASS_THROUGH = nh3.Cleaner(url_relative="pass_through", **_OPTIONS)
_DENY = nh3.Cleaner(url_relative="deny", **_OPTIONS)

# Where an href or src value starts (ammonia writes every attribute as ` name="value"`),
# and the start of an absolute URL: ammonia's URL parser sees a relative URL exactly when
# it finds no scheme there.
_URL_ATTRIBUTES = (' href="', ' src="')
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")

# A base the URL parser surely accepts (nh3 raises ValueError on one it refuses, which
# must still happen): ASCII labels, the last starting with a letter (a number would make
# it an IPv4 address), no punycode, a port of at most four digits; any path but one with
# a lone surrogate (which nh3 cannot even be given).
_PLAIN_BASE = re.compile(
    r"https?://(?:(?!xn--)[a-z0-9-]+\.)*(?!xn--)[a-z][a-z0-9-]*(?::[0-9]{1,4})?"
    r"(?:[/?#][^\ud800-\udfff]*)?",
    re.IGNORECASE,
)


def clean_html(markup: str, *, base_url: str | None) -> str:
    """Sanitised HTML; relative links resolved against `base_url` when it is http(s)."""
    if not markup:
        return ""
    absolute = bool(base_url and base_url.startswith(("http://", "https://")))
    if not (absolute and base_url):
        return str(_DENY.clean(markup)).strip()
    if not _PLAIN_BASE.fullmatch(base_url):
        return _clean_with_base(markup, base_url)
    cleaned = str(_PASS_THROUGH.clean(markup))
    if _has_relative_url(cleaned):
        return _clean_with_base(markup, base_url)
    return cleaned.strip()


def _has_relative_url(cleaned: str) -> bool:
    """Whether an href or src of ammonia's output may hold a relative URL.

    Every occurrence of ` href="` is looked at, so text that merely looks like one (in a
    paragraph or an alt) can only cause a second cleaning, never hide a real attribute.
    """
    for marker in _URL_ATTRIBUTES:
        at = cleaned.find(marker)
        while at != -1:
            at += len(marker)
            if not _SCHEME.match(cleaned, at):
                return True
            at = cleaned.find(marker, at)
    return False


def _clean_with_base(markup: str, base_url: str) -> str:
    """clean_html() resolving relative URLs: ammonia's own join, for a base given once.

    A base ammonia cannot parse (`http://a.1/`, an invalid IPv4 address; a bad
    punycode label) cannot resolve anything: relative URLs are dropped instead,
    as for a document with no http(s) address, rather than the entry (and, with
    it, the whole feed) failing.
    """
    try:
        cleaned = nh3.clean(markup, url_relative=("rewrite_with_base", base_url), **_OPTIONS)
    except ValueError:
        cleaned = _DENY.clean(markup)
    return str(cleaned).strip()
