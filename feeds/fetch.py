"""The only HTTP code: one httpx client, caps on time and size, conditional GET.

Every response is read through limits a hostile server cannot stretch: a
deadline for the whole response (not just between bytes), a size cap counted
after decompression (we decompress ourselves, in bounded steps, so a gzip bomb
never expands past the cap), at most a few redirects, http(s) only. Local
sources (`file:` URLs and paths) are read here too, so every source arrives as
a Fetched.
"""

from __future__ import annotations

import logging
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from .config import FetchSettings
from .errors import FetchError
from .model import Fetched

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
_PERMANENT = (301, 308)
_CHUNK = 64 * 1024


class Fetcher:
    """A pooled HTTP client with a per-host concurrency cap; use as a context manager."""

    def __init__(self, settings: FetchSettings) -> None:
        self.settings = settings
        seconds = settings.timeout.total_seconds()
        self.client = httpx.Client(
            timeout=httpx.Timeout(seconds),
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            headers={
                "User-Agent": settings.user_agent,
                "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9,"
                " text/xml;q=0.9, text/html;q=0.8, */*;q=0.5",
                "Accept-Encoding": "gzip, deflate",
            },
            limits=httpx.Limits(
                max_connections=settings.concurrency * 2,
                max_keepalive_connections=settings.concurrency,
            ),
        )
        self._hosts: dict[str, threading.Semaphore] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()

    @contextmanager
    def _host_slot(self, url: str) -> Iterator[None]:
        host = urlsplit(url).hostname or ""
        with self._lock:
            slot = self._hosts.setdefault(host, threading.Semaphore(self.settings.per_host))
        with slot:
            yield

    def get(
        self,
        source: str,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        now: datetime,
    ) -> Fetched:
        """GET `url`; a 304 comes back as a Fetched with status 304 and no body."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        started = time.monotonic()
        deadline = started + self.settings.timeout.total_seconds()
        with self._host_slot(url):
            try:
                with self.client.stream("GET", url, headers=headers) as response:
                    _check_status(source, response, now)
                    body = (
                        b""
                        if response.status_code == 304
                        else self._read(source, response, deadline)
                    )
            except httpx.TooManyRedirects as exc:
                raise FetchError(source, f"more than {MAX_REDIRECTS} redirects (a loop?)") from exc
            except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
                raise FetchError(
                    source, f"redirected to an address that is not http(s): {exc}"
                ) from exc
            except httpx.TimeoutException as exc:
                raise FetchError(
                    source, f"no answer within {self.settings.timeout.total_seconds():g}s"
                ) from exc
            except httpx.HTTPError as exc:
                raise FetchError(source, _network_message(exc)) from exc
        final = str(response.url)
        moved = None
        if response.history and all(r.status_code in _PERMANENT for r in response.history):
            moved = final
        return Fetched(
            url=final,
            status=response.status_code,
            body=body,
            headers={k.lower(): v for k, v in response.headers.items()},
            etag=response.headers.get("etag") or (etag if response.status_code == 304 else None),
            last_modified=response.headers.get("last-modified")
            or (last_modified if response.status_code == 304 else None),
            moved_to=moved,
            elapsed_ms=int((time.monotonic() - started) * 1000),
        )

    def _read(self, source: str, response: httpx.Response, deadline: float) -> bytes:
        cap = self.settings.max_bytes
        declared = response.headers.get("content-length", "")
        if (
            declared.isdigit()
            and int(declared) > cap
            and "content-encoding" not in response.headers
        ):
            raise FetchError(source, _too_large(cap))
        decoder = _Decoder(response.headers.get("content-encoding", ""))
        parts: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_raw():  # no chunk size: it would buffer
                if time.monotonic() > deadline:
                    seconds = self.settings.timeout.total_seconds()
                    raise FetchError(source, f"the response took longer than {seconds:g}s")
                for piece in decoder.feed(chunk):
                    size += len(piece)
                    if size > cap:
                        raise FetchError(source, _too_large(cap))
                    parts.append(piece)
            parts.extend(decoder.flush())
        except zlib.error as exc:
            raise FetchError(source, f"the compressed response is corrupt: {exc}") from exc
        return b"".join(parts)


def read_local(source: str, path: Path, max_bytes: int) -> Fetched:
    """A local source: the file's bytes as if a server had sent them."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise FetchError(source, _too_large(max_bytes))
        body = path.read_bytes()
    except FileNotFoundError as exc:
        raise FetchError(source, f"file not found: {path}") from exc
    except OSError as exc:
        raise FetchError(source, f"cannot read {path}: {exc.strerror}") from exc
    content_type = "text/html" if path.suffix in (".html", ".htm") else "application/xml"
    return Fetched(
        url=path.resolve().as_uri(), status=200, body=body, headers={"content-type": content_type}
    )


class _Decoder:
    """gzip/deflate decoding in steps of at most one chunk of output."""

    def __init__(self, encoding: str) -> None:
        encoding = encoding.strip().lower()
        self.inflater: zlib._Decompress | None = None
        if encoding in ("gzip", "x-gzip"):
            self.inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self.inflater = zlib.decompressobj()

    def feed(self, chunk: bytes) -> Iterator[bytes]:
        if self.inflater is None:
            yield chunk
            return
        data = chunk
        while data:
            yield self.inflater.decompress(data, _CHUNK)
            data = self.inflater.unconsumed_tail

    def flush(self) -> list[bytes]:
        if self.inflater is None:
            return []
        return [self.inflater.flush()]


def _check_status(source: str, response: httpx.Response, now: datetime) -> None:
    status = response.status_code
    if status < 400:
        return
    reason = response.reason_phrase or ""
    if status == 410:
        raise FetchError(
            source,
            "HTTP 410 Gone: the publisher removed this feed; the source is disabled"
            " until its url changes in config.toml",
            status=status,
            gone=True,
        )
    if status in (429, 503):
        until = retry_after(response.headers.get("retry-after"), now)
        wait = f"; asked to wait until {until:%Y-%m-%d %H:%M} UTC" if until else ""
        raise FetchError(source, f"HTTP {status} {reason}{wait}", status=status, retry_after=until)
    raise FetchError(source, f"HTTP {status} {reason}".strip(), status=status)


def retry_after(value: str | None, now: datetime) -> datetime | None:
    """Retry-After as seconds or an HTTP date; None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return now + timedelta(seconds=int(value))
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _too_large(cap: int) -> str:
    return f"the response is larger than {cap / 1e6:g} MB ([fetch].max_bytes)"


def _network_message(exc: httpx.HTTPError) -> str:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.ConnectError):
        if "Name or service not known" in text or "nodename" in text or "resolution" in text:
            return f"cannot find the host (DNS): {text}"
        return f"cannot connect: {text}"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"the server closed the connection mid-response: {text}"
    if isinstance(exc, httpx.ReadError):
        return f"the connection was reset: {text}"
    return f"network error: {text}"
