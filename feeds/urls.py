"""Canonical URLs: one spelling per article, whatever tracking a link carries.

Lower-case scheme and host, no fragment, no tracking keys (utm_*, fbclid, gclid,
…), query keys sorted, percent-encoding made uniform (w3lib, as Scrapy does).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from w3lib.url import canonicalize_url, url_query_cleaner

TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|gclsrc|msclkid|yclid|igshid|mc_cid|mc_eid|_ga|_gl|"
    r"zarsrc|zacc|ref_src|cmpid|spm|vn_source|vn_medium|vn_campaign|trk|rss)$",
    re.I,
)


# What a link must not contain once stripped: C0 controls and spaces.
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20]")
# A link web_url() passes as it is: a lower-case http(s) scheme, an ASCII host (no
# brackets, no user), and nothing but printable ASCII after it.
_PLAIN_WEB_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]*)?(?:[/?#][\x21-\x7e]*)?")


def is_tracking(key: str) -> bool:
    return bool(TRACKING.match(key))


def without_tracking(url: str) -> str:
    """`url` as given, less its tracking keys (utm_*, fbclid…): the link shown to readers."""
    url = url.strip()
    if not url.startswith(("http://", "https://")) or "?" not in url:
        return url
    query = urlsplit(url).query
    tracked = [k.split("=", 1)[0] for k in query.split("&") if is_tracking(k.split("=", 1)[0])]
    if not tracked:
        return url
    return str(url_query_cleaner(url, tracked, remove=True, keep_fragments=True))


# A URL w3lib's canonical form leaves as it is: a lower-case ASCII host with no port, a
# path of unreserved characters with no empty or dot segment, no query and no fragment.
# Most article links are like that, and canonicalize_url() is the costliest step here.
_CANONICAL_ALREADY = re.compile(
    r"https?://[a-z0-9-]+(?:\.[a-z0-9-]+)*(?=/)(?:/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*/?"
)


def canonical_url(url: str) -> str:
    """The comparison form of `url`; not for display (keep the original link for that)."""
    url = url.strip()
    if not url.startswith(("http://", "https://")):
        return url
    if _CANONICAL_ALREADY.fullmatch(url):
        return url
    parts = urlsplit(url)
    keys = [k.split("=", 1)[0] for k in parts.query.split("&") if k]
    tracked = [k for k in keys if is_tracking(k)]
    if tracked:
        url = url_query_cleaner(url, tracked, remove=True, keep_fragments=True)
    return str(canonicalize_url(url, keep_fragments=False))


def web_url(url: str | None) -> str | None:
    """`url` if it is an http(s) address, else None: javascript:, data:, file: … never pass."""
    if not url:
        return None
    url = url.strip()
    if _PLAIN_WEB_URL.fullmatch(url):  # what urlsplit() would pass, without splitting
        return url
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if _CONTROL_OR_SPACE.search(url):
        return None
    return url


def absolute(link: str, base: str | None) -> str:
    link = link.strip()
    if base and not link.startswith(("http://", "https://")):
        return urljoin(base, link)
    return link
