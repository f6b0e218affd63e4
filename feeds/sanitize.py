"""HTML sanitising with nh3 (the only nh3 import): what may reach a published feed.

Readers render our feeds' HTML, so anything that can run or phone home goes:
scripts, styles, event handlers, iframes, objects, forms, and every URL that is
not http(s) or mailto (javascript:, vbscript:, data:, entity-encoded or not).
Relative URLs are made absolute against the article's own address.
"""

from __future__ import annotations

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


def clean_html(markup: str, *, base_url: str | None) -> str:
    """Sanitised HTML; relative links resolved against `base_url` when it is http(s)."""
    if not markup:
        return ""
    absolute = bool(base_url and base_url.startswith(("http://", "https://")))
    return str(
        nh3.clean(
            markup,
            tags=TAGS,
            clean_content_tags=DROPPED_WITH_CONTENT,
            attributes=ATTRIBUTES,
            url_schemes=SCHEMES,
            url_relative=("rewrite_with_base", base_url) if absolute and base_url else "deny",
            link_rel="noopener noreferrer",
            strip_comments=True,
        )
    ).strip()
