"""The only HTTP code: urllib3 connection pools, caps on time and size, conditional GET.

Every response is read through limits a hostile server cannot stretch: a
deadline for the whole response (not just between bytes), a size cap counted
after decompression (we decompress ourselves, in bounded steps, so a gzip bomb
never expands past the cap), at most a few redirects, http(s) only. Local
sources (`file:` URLs and paths) are read here too, so every source arrives as
a Fetched.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
import time
import zlib
from base64 import b64encode
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from http.client import HTTPException
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import getproxies, proxy_bypass

import urllib3
from urllib3.util import parse_url

from .config import FetchSettings
from .errors import FetchError
from .model import Fetched

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
_REDIRECTS = frozenset((301, 302, 303, 307, 308))
_PERMANENT = (301, 308)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_split = functools.lru_cache(maxsize=4096)(urlsplit)  # the same URLs come back every cycle
_CHUNK = 64 * 1024


class Fetcher:
    """Pooled keep-alive connections with a per-host concurrency cap; use as a context manager.

    Redirects are followed here, not by urllib3, so every hop is checked (http(s)
    only, at most MAX_REDIRECTS) and a 301/308-only chain can be reported. The
    proxies of the environment (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY) are
    read once, when the Fetcher is made.
    """

    def __init__(self, settings: FetchSettings) -> None:
        self.settings = settings
        self._headers = {
            "User-Agent": settings.user_agent,
            "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9,"
            " text/xml;q=0.9, text/html;q=0.8, */*;q=0.5",
            "Accept-Encoding": "gzip, deflate",
        }
        self._direct = urllib3.PoolManager(**self._pool_options())
        self._proxies = {
            scheme: address if "://" in address else f"http://{address}"
            for scheme, address in getproxies().items()
            if scheme in ("http", "https", "all") and address
        }
        self._routes: dict[tuple[str, str], urllib3.PoolManager] = {}
        self._via_proxy: dict[str, urllib3.ProxyManager] = {}
        self._hosts: dict[str, threading.Semaphore] = {}
        self._reading: set[urllib3.BaseHTTPResponse] = set()
        self._closed = False
        self._lock = threading.Lock()

    def _pool_options(self) -> dict[str, Any]:
        seconds = self.settings.timeout.total_seconds()
        return {
            "num_pools": 2 * self.settings.concurrency,  # hosts whose idle connections are kept
            "maxsize": self.settings.concurrency,  # idle connections kept per host (or proxy)
            "block": False,
            "timeout": urllib3.Timeout(connect=seconds, read=seconds),
            "retries": False,
        }

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close every connection; a fetch still reading a body ends at once with an error."""
        with self._lock:
            self._closed = True
            reading = list(self._reading)
            managers = [self._direct, *self._via_proxy.values()]
        for response in reading:
            # Already finished, or its socket already closed: nothing to abort.
            with contextlib.suppress(ValueError, RuntimeError, OSError):
                response.shutdown()
        for manager in managers:
            manager.clear()

    def _host_slot(self, url: str) -> threading.Semaphore:
        host = _split(url).hostname or ""
        slot = self._hosts.get(host)
        if slot is None:
            with self._lock:
                slot = self._hosts.setdefault(host, threading.Semaphore(self.settings.per_host))
        return slot

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
        headers = self._headers
        if etag or last_modified:
            headers = dict(headers)
            if etag:
                headers["If-None-Match"] = _on_the_wire(etag)
            if last_modified:
                headers["If-Modified-Since"] = _on_the_wire(last_modified)
        started = time.monotonic()
        seconds = self.settings.timeout.total_seconds()
        deadline = started + seconds
        with self._host_slot(url):
            try:
                response, final, moved = self._follow(source, url, headers, deadline)
                try:
                    received = _received_headers(response)
                    _check_status(source, response.status, response.reason, received, now)
                    # A 304 is read to its end too: a response left unread closes its
                    # connection, and the next request would open another.
                    body = self._read(source, response, received, deadline)
                finally:
                    self._finish(response)
            except urllib3.exceptions.LocationValueError as exc:
                raise FetchError(
                    source, f"redirected to an address that is not http(s): {exc}"
                ) from exc
            except urllib3.exceptions.HTTPError as exc:
                raise FetchError(source, _network_message(exc, seconds)) from exc
        status = response.status
        return Fetched(
            url=final,
            status=status,
            body=b"" if status == 304 else body,
            headers=received,
            etag=received.get("etag") or (etag if status == 304 else None),
            last_modified=received.get("last-modified")
            or (last_modified if status == 304 else None),
            moved_to=final if moved else None,
            elapsed_ms=int((time.monotonic() - started) * 1000),
        )

    def _follow(
        self, source: str, url: str, headers: dict[str, str], deadline: float
    ) -> tuple[urllib3.BaseHTTPResponse, str, bool]:
        """The first answer that is not a redirect, its URL, and whether every hop was permanent."""
        permanent = True
        for hop in range(MAX_REDIRECTS + 1):
            response = self._send(source, url, headers)
            location = response.headers.get("location") if response.status in _REDIRECTS else None
            if not location:
                return response, _address(url), permanent and hop > 0
            permanent = permanent and response.status in _PERMANENT
            try:
                self._discard(response, deadline)
            finally:
                self._finish(response)
            url = _redirect_target(source, url, _text(location))
        raise FetchError(source, f"more than {MAX_REDIRECTS} redirects (a loop?)")

    def _send(self, source: str, url: str, headers: dict[str, str]) -> urllib3.BaseHTTPResponse:
        if self._closed:
            raise FetchError(source, "not fetched: the program is stopping")
        response = self._manager(source, url).urlopen(
            "GET",
            url,
            headers=headers,
            redirect=False,
            retries=False,
            preload_content=False,
            decode_content=False,
        )
        with self._lock:
            self._reading.add(response)
        return response

    def _finish(self, response: urllib3.BaseHTTPResponse) -> None:
        """Give the connection back to the pool; closed first unless its response was read."""
        with self._lock:
            self._reading.discard(response)
        if not response.closed:
            response.close()
        response.release_conn()

    def _manager(self, source: str, url: str) -> urllib3.PoolManager:
        """Direct, or through the proxy the environment names for this scheme and host."""
        parts = _split(url)
        key = (parts.scheme.lower(), parts.netloc)
        manager = self._routes.get(key)
        if manager is not None:
            return manager
        proxy = self._proxies.get(key[0]) or self._proxies.get("all")
        if not proxy or proxy_bypass(parts.netloc.rpartition("@")[2]):  # host[:port]
            manager = self._direct
        else:
            manager = self._proxy_manager(source, proxy)
        self._routes[key] = manager
        return manager

    def _proxy_manager(self, source: str, proxy: str) -> urllib3.ProxyManager:
        parts = urlsplit(proxy)
        if parts.scheme.lower() not in ("http", "https"):
            raise FetchError(
                source, f"the proxy {proxy} is not supported: only http(s) proxies are"
            )
        with self._lock:
            manager = self._via_proxy.get(proxy)
            if manager is None:
                auth = None
                if parts.username is not None:
                    user, password = unquote(parts.username), unquote(parts.password or "")
                    token = b64encode(f"{user}:{password}".encode()).decode()
                    auth = {"Proxy-Authorization": f"Basic {token}"}
                manager = urllib3.ProxyManager(proxy, proxy_headers=auth, **self._pool_options())
                self._via_proxy[proxy] = manager
        return manager

    def _discard(self, response: urllib3.BaseHTTPResponse, deadline: float) -> None:
        """Read a redirect's short body so its connection serves the next hop; drop a long one."""
        left = _CHUNK
        while left > 0 and time.monotonic() < deadline:
            chunk = response.read1(left, decode_content=False)
            if not chunk:
                return
            left -= len(chunk)

    def _read(
        self,
        source: str,
        response: urllib3.BaseHTTPResponse,
        headers: dict[str, str],
        deadline: float,
    ) -> bytes:
        cap = self.settings.max_bytes
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap and "content-encoding" not in headers:
            raise FetchError(source, _too_large(cap))
        decoder = _Decoder(headers.get("content-encoding", ""))
        parts: list[bytes] = []
        size = 0
        try:
            # read1: whatever has arrived, up to a chunk, so the deadline is checked between
            while chunk := response.read1(_CHUNK, decode_content=False):
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


def _check_status(
    source: str, status: int, reason: str | None, headers: dict[str, str], now: datetime
) -> None:
    if status < 400:
        return
    reason = reason or ""
    if status == 410:
        raise FetchError(
            source,
            "HTTP 410 Gone: the publisher removed this feed; the source is disabled"
            " until its url changes in config.toml",
            status=status,
            gone=True,
        )
    if status in (429, 503):
        until = retry_after(headers.get("retry-after"), now)
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


def _redirect_target(source: str, current: str, location: str) -> str:
    """Where a Location header points, resolved against the current URL; http(s) only."""
    target = location.strip()
    try:
        target = urljoin(current, target)
        parts = urlsplit(target)
    except ValueError:  # "http://[::1/", a bracket left open
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise FetchError(source, f"redirected to an address that is not http(s): {target}")
    fragment = urlsplit(current).fragment
    if fragment and not parts.fragment:
        target += f"#{fragment}"  # RFC 9110 10.2.2: the fragment carries over
    return target


@functools.lru_cache(maxsize=4096)
def _address(url: str) -> str:
    """The URL as requested: host lower-cased (IDNA), unsafe characters escaped, no default port."""
    parts = parse_url(url)
    if parts.port is not None and parts.port == _DEFAULT_PORTS.get(parts.scheme or ""):
        parts = parts._replace(port=None)
    return parts.url


def _received_headers(response: urllib3.BaseHTTPResponse) -> dict[str, str]:
    """Lower-cased names; a repeated header's values joined with ", "."""
    return {name.lower(): _text(value) for name, value in response.headers.itermerged()}


def _text(value: str) -> str:
    """A header value as UTF-8 when its bytes are UTF-8 (http.client reads them as Latin-1)."""
    if value.isascii():
        return value
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


def _on_the_wire(value: str) -> str:
    """A stored validator back as the bytes the server sent (the inverse of _text)."""
    if value.isascii():
        return value
    try:
        return value.encode("utf-8").decode("latin-1")
    except UnicodeError:
        return value


def _network_message(exc: Exception, seconds: float) -> str:
    if isinstance(exc, urllib3.exceptions.ProxyError):
        inner = exc.original_error
        return f"{_network_message(inner, seconds)} (through the proxy of the environment)"
    if isinstance(exc, urllib3.exceptions.NewConnectionError | urllib3.exceptions.SSLError):
        text = _cause(exc)  # NameResolutionError is a NewConnectionError
        if "Name or service not known" in text or "nodename" in text or "resolution" in text:
            return f"cannot find the host (DNS): {text}"
        return f"cannot connect: {text}"
    if isinstance(exc, urllib3.exceptions.TimeoutError | TimeoutError):
        return f"no answer within {seconds:g}s"
    if isinstance(exc, urllib3.exceptions.ProtocolError) and len(exc.args) > 1:
        inner = exc.args[1]
        if isinstance(inner, HTTPException):  # includes RemoteDisconnected, IncompleteRead
            return f"the server closed the connection mid-response: {_cause(inner)}"
        if isinstance(inner, ConnectionResetError | ConnectionAbortedError):
            return f"the connection was reset: {_cause(inner)}"
        return f"network error: {_cause(inner)}"
    return f"network error: {_cause(exc)}"


def _cause(exc: BaseException) -> str:
    """The socket's own words when urllib3 wrapped them ("[Errno 111] Connection refused")."""
    if isinstance(exc.__cause__, OSError):
        exc = exc.__cause__
    text = str(exc)
    if text.startswith("<") and ">: " in text:  # "<HTTPConnection object at 0x…>: …"
        text = text.split(">: ", 1)[1]
    return text.strip() or type(exc).__name__
