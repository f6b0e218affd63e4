"""Serve the publish directory over HTTP for `feeds serve`: feeds, pages, health, metrics.

The scheduler (scheduler.py) builds the app with create_app() and runs it with
WebServer in a background thread of its own process; it passes three callables
because only it knows the answers: health(), metrics() and max_age(path) (how
long a file stays fresh depends on the fetch interval). This is the only module
that imports starlette or uvicorn.

Why not starlette.staticfiles.StaticFiles: it derives its ETag from the stat
(mtime and size), not from the bytes; it guesses types with `mimetypes`
(`.atom`, `.xsl` and the charset would need patching); it has no gzip and no
per-path Cache-Control; it stats a path and later opens it again by name, so a
rename in between can pair the headers of one version with the body of the
next; and it streams every response in chunks through the thread pool, which
costs far more than the few microseconds a cached feed needs. So the handlers
below are plain Starlette routes returning Responses (one subclass whose
headers are encoded once per file version), over a small cache:

- A file that is read is opened once (one os.open) and everything comes from
  that descriptor: fstat, the bytes, and the check that it lies inside the
  publish dir. The publisher replaces files by rename, so a descriptor always
  names one whole version. Its (inode, mtime_ns, size) is the cache key; the
  bytes, strong ETag, Last-Modified and gzip copy of that version are computed
  once, in a worker thread, and kept until the file changes.
- A request for a file that has not changed costs one stat() of its path: the
  same (inode, mtime_ns, size) means the same, already-read bytes. Only a
  different key opens the file again, so a half-replaced file is never seen.
- The routes only accept the published names (`feeds/{slug}.xml|atom|json`,
  `c/{slug}.html`, `opml.xml`, `index.html`, `feed.xsl`), and the real path of
  the opened file must be inside the publish directory, so `..`, encoded dots
  and symlinks that point elsewhere all end in 404. Nothing lists a directory.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import gzip
import hashlib
import logging
import os
import socket
import stat
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from .config import SLUG
from .errors import FeedsError

log = logging.getLogger(__name__)

RSS_TYPE = "application/rss+xml; charset=utf-8"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
JSON_FEED_TYPE = "application/feed+json; charset=utf-8"
OPML_TYPE = "text/x-opml; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"
XSL_TYPE = "text/xsl; charset=utf-8"
METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8"

FEED_TYPES = {"xml": RSS_TYPE, "atom": ATOM_TYPE, "json": JSON_FEED_TYPE}

GZIP_LEVEL = 9  # paid once per file version, in a worker thread: take the smallest body
STARTUP_TIMEOUT_S = 10.0
FORCE_EXIT_WAIT_S = 2.0

# O_NONBLOCK: opening a FIFO must not hang the event loop (S_ISREG then refuses it).
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
_FD_LINKS = "/proc/self/fd/" if os.path.isdir("/proc/self/fd") else None
_NOT_FOUND = b"Not Found"


# --- the published files ---------------------------------------------------------------

Headers = list[tuple[bytes, bytes]]


@dataclass(frozen=True, slots=True)
class _Version:
    """One version of one published file, with its responses' headers already encoded."""

    key: tuple[int, int, int]  # (st_ino, st_mtime_ns, st_size) of the descriptor read
    body: bytes
    gzipped: bytes | None  # None when gzip would not make the body smaller
    etags: tuple[bytes, bytes]  # identity, gzip: a strong ETag names one representation
    mtime: int  # whole seconds, as Last-Modified carries it
    identity: Headers  # 200 headers except Cache-Control, which max_age() decides per request
    encoded: Headers  # the same for the gzip body
    identity_304: Headers
    encoded_304: Headers


def _key(st: os.stat_result) -> tuple[int, int, int]:
    """Inode too, not only mtime and size: a rename gives a new inode even in the same ns."""
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _load(fd: int, st: os.stat_result, content_type: str) -> _Version:
    """Read a whole file from its descriptor and prepare both encodings (worker thread)."""
    with open(fd, "rb", closefd=False) as handle:
        body = handle.read()
    digest = hashlib.blake2b(body, digest_size=16).hexdigest()
    packed = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
    gzipped = packed if len(packed) < len(body) else None
    mtime = int(st.st_mtime)
    etags = (f'"{digest}"'.encode(), f'"{digest}-gzip"'.encode())
    validators = [
        (b"last-modified", formatdate(mtime, usegmt=True).encode()),
        (b"vary", b"Accept-Encoding"),
    ]
    entity = [(b"content-type", content_type.encode())]
    identity_304 = [(b"etag", etags[0]), *validators]
    encoded_304 = [(b"etag", etags[1]), *validators]
    return _Version(
        key=_key(st),
        body=body,
        gzipped=gzipped,
        etags=etags,
        mtime=mtime,
        identity=[*identity_304, *entity, (b"content-length", b"%d" % len(body))],
        encoded=[
            *encoded_304,
            *entity,
            (b"content-encoding", b"gzip"),
            (b"content-length", b"%d" % len(gzipped or b"")),
        ],
        identity_304=identity_304,
        encoded_304=encoded_304,
    )


class PublishedFiles:
    """The current version of each published file, read from disk once per change.

    A request costs one stat() of the path when the file has not changed since
    it was read: the same (inode, mtime_ns, size) is the same bytes, already
    read whole through one descriptor that was checked to be inside the root.
    Otherwise the file is opened once and everything is taken from that
    descriptor. The cache holds one version per path that exists: a changed
    file replaces its entry, a vanished one drops it.
    """

    def __init__(self, root: Path) -> None:
        self.root = os.path.realpath(root)
        self._inside = self.root + os.sep
        self._versions: dict[str, _Version] = {}

    async def version(self, relative: str, content_type: str) -> _Version | None:
        """The file at `root/relative` (a name the routes built), or None: a 404."""
        path = self._inside + relative
        try:
            st = os.stat(path)
        except OSError:  # missing, or a dangling or looping link
            self._versions.pop(relative, None)
            return None
        cached = self._versions.get(relative)
        if cached is not None and cached.key == _key(st):
            return cached
        version = await self._read(relative, path, content_type)
        if version is None:
            self._versions.pop(relative, None)
        return version

    async def _read(self, relative: str, path: str, content_type: str) -> _Version | None:
        fd = self._open_inside(path)
        if fd is None:
            return None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                return None
            version = await run_in_threadpool(_load, fd, st, content_type)
            if len(version.body) == st.st_size and _key(os.fstat(fd)) == version.key:
                self._versions[relative] = version
            else:  # written in place while we read: serve it, but don't keep it
                log.debug("file changed while read path=%s", relative)
            return version
        finally:
            os.close(fd)

    def _open_inside(self, path: str) -> int | None:
        """A descriptor on `path` if what it opens really lies under the root.

        Symlinks are followed, then the descriptor's real path must be under the
        root. On Linux that path comes from /proc/self/fd: one readlink() of the
        very file opened, with no race, where realpath() costs an lstat() per
        component.
        """
        try:
            fd = os.open(path, _OPEN_FLAGS)
        except OSError:
            return None
        try:
            real = os.readlink(f"{_FD_LINKS}{fd}") if _FD_LINKS else os.path.realpath(path)
        except OSError:
            real = os.path.realpath(path)
        if real.startswith(self._inside):
            return fd
        os.close(fd)
        return None


# --- HTTP semantics: pure functions of header values -----------------------------------


def _quality(params: bytes) -> float:
    for param in params.split(b";"):
        name, _, value = param.strip().partition(b"=")
        if name.lower() == b"q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


@functools.lru_cache(maxsize=256)
def accepts_gzip(accept_encoding: bytes) -> bool:
    """Whether an Accept-Encoding value allows gzip (`gzip;q=0` refuses it, `*` allows it)."""
    gzip_q: float | None = None
    any_q: float | None = None
    for part in accept_encoding.split(b","):
        coding, _, params = part.partition(b";")
        coding = coding.strip().lower()
        if coding in (b"gzip", b"x-gzip"):
            gzip_q = _quality(params)
        elif coding == b"*":
            any_q = _quality(params)
    chosen = gzip_q if gzip_q is not None else any_q
    return chosen is not None and chosen > 0


@functools.lru_cache(maxsize=256)
def http_date(value: bytes) -> int | None:
    """Unix seconds of an HTTP-date; None if it is not one (the header is then ignored)."""
    try:
        moment = parsedate_to_datetime(value.decode("latin-1"))
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:  # "-0000" means UTC with no claim about the sender's zone
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def etag_matches(if_none_match: bytes, etags: tuple[bytes, ...]) -> bool:
    """If-None-Match uses the weak comparison: `W/"x"` matches `"x"`; `*` matches anything."""
    if if_none_match.strip() == b"*":
        return True
    for candidate in if_none_match.split(b","):
        tag = candidate.strip()
        if tag.startswith(b"W/"):
            tag = tag[2:]
        if tag in etags:
            return True
    return False


@dataclass(slots=True)
class Conditions:
    """The request headers a file response depends on, raw as they came."""

    accept_encoding: bytes = b""
    if_none_match: bytes | None = None
    if_modified_since: bytes | None = None

    @classmethod
    def of(cls, raw_headers: list[tuple[bytes, bytes]]) -> Conditions:
        """One pass over the ASGI header list (names arrive lower-cased)."""
        found = cls()
        for name, value in raw_headers:
            if name == b"accept-encoding":
                found.accept_encoding = value
            elif name == b"if-none-match":
                found.if_none_match = value
            elif name == b"if-modified-since":
                found.if_modified_since = value
        return found

    def not_modified(self, etags: tuple[bytes, ...], mtime: int) -> bool:
        """RFC 9110 13.2.2: If-None-Match decides when present, else If-Modified-Since."""
        if self.if_none_match is not None:
            return etag_matches(self.if_none_match, etags)
        if self.if_modified_since is not None:
            since = http_date(self.if_modified_since)
            return since is not None and mtime <= since
        return False


@functools.lru_cache(maxsize=64)
def _cache_control(seconds: int) -> tuple[bytes, bytes]:
    return (b"cache-control", b"public, max-age=%d" % max(0, seconds))


class _Prepared(Response):
    """A Response whose header list is already encoded: built once per file version.

    Response.__init__ would re-encode every header on every request; this sets
    the attributes Response.__call__ sends and nothing else.
    """

    def __init__(self, body: bytes, status_code: int, raw_headers: Headers) -> None:
        self.status_code = status_code
        self.body = body
        self.background = None
        self.raw_headers = raw_headers


# --- the application -------------------------------------------------------------------


_XML_TYPE = b"application/xml; charset=utf-8"
_VARY_ACCEPT = (b"vary", b"Accept")


def is_browser(raw_headers: list[tuple[bytes, bytes]]) -> bool:
    """A browser opening a feed URL: it asks for HTML and names no feed type.

    Browsers apply a feed's XSL stylesheet only to documents served as XML
    (application/xml); a feed reader asking for RSS or Atom, or for anything,
    still gets application/rss+xml or application/atom+xml.
    """
    accept = next((v for k, v in raw_headers if k == b"accept"), b"").lower()
    return b"text/html" in accept and b"rss+xml" not in accept and b"atom+xml" not in accept


def create_app(
    *,
    publish_dir: Path,
    health: Callable[[], dict[str, Any]],
    metrics: Callable[[], str],
    max_age: Callable[[str], int],
) -> Starlette:
    """The ASGI app serving `publish_dir` at the contract's paths, plus /healthz and /metrics.

    `max_age` gets the path relative to the publish dir (`feeds/all.xml`,
    `index.html`) and is called on every file request, on the event loop: it
    must be cheap. `health` and `metrics` run in a worker thread (they may read
    the database) and may be called concurrently with the scheduler.
    """
    files = PublishedFiles(publish_dir)

    async def send_file(request: Request, relative: str, content_type: str) -> Response:
        version = await files.version(relative, content_type)
        if version is None:
            return not_found()
        asked = Conditions.of(request.scope["headers"])
        gzipped = version.gzipped is not None and accepts_gzip(asked.accept_encoding)
        extra = [_cache_control(int(max_age(relative)))]
        if content_type in (RSS_TYPE, ATOM_TYPE):
            extra.append(_VARY_ACCEPT)
        if asked.not_modified(version.etags, version.mtime):
            headers = version.encoded_304 if gzipped else version.identity_304
            return _Prepared(b"", 304, [*headers, *extra])
        # HEAD gets the same headers, Content-Length included; uvicorn drops the body.
        body, headers = (
            (version.gzipped, version.encoded) if gzipped else (version.body, version.identity)
        )
        assert body is not None
        if content_type in (RSS_TYPE, ATOM_TYPE) and is_browser(request.scope["headers"]):
            headers = [(k, _XML_TYPE if k == b"content-type" else v) for k, v in headers]
        return _Prepared(body, 200, [*headers, *extra])

    def not_found() -> Response:
        return PlainTextResponse(_NOT_FOUND, status_code=404)

    async def index(request: Request) -> Response:
        return await send_file(request, "index.html", HTML_TYPE)

    async def opml(request: Request) -> Response:
        return await send_file(request, "opml.xml", OPML_TYPE)

    async def stylesheet(request: Request) -> Response:
        return await send_file(request, "feed.xsl", XSL_TYPE)

    async def feed(request: Request) -> Response:
        slug, _, suffix = request.path_params["name"].rpartition(".")
        content_type = FEED_TYPES.get(suffix)
        if content_type is None or not SLUG.fullmatch(slug):
            return not_found()
        return await send_file(request, f"feeds/{slug}.{suffix}", content_type)

    async def category_page(request: Request) -> Response:
        slug, _, suffix = request.path_params["name"].rpartition(".")
        if suffix != "html" or not SLUG.fullmatch(slug):
            return not_found()
        return await send_file(request, f"c/{slug}.html", HTML_TYPE)

    def healthz(request: Request) -> Response:
        report = health()
        status = 200 if report.get("status") == "ok" else 503
        return JSONResponse(report, status_code=status, headers={"cache-control": "no-store"})

    def prometheus(request: Request) -> Response:
        return Response(metrics(), media_type=METRICS_TYPE, headers={"cache-control": "no-store"})

    routes = [  # most requests are for feeds: their route is tried first
        Route("/feeds/{name}", feed),
        Route("/", index),
        Route("/index.html", index),
        Route("/c/{name}", category_page),
        Route("/opml.xml", opml),
        Route("/feed.xsl", stylesheet),
        Route("/healthz", healthz),
        Route("/metrics", prometheus),
    ]
    app = Starlette(routes=routes)
    app.router.redirect_slashes = False  # `/feeds/all.xml/` is a 404, not a redirect
    return app


# --- the server ------------------------------------------------------------------------


class _Server(uvicorn.Server):
    """uvicorn.Server that never touches signals: `feeds serve` owns SIGTERM and SIGHUP.

    uvicorn already skips its handlers outside the main thread; overriding the
    hook says so explicitly and keeps it true if the server is ever run there.
    """

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket on host:port, or FeedsError saying why not.

    Binding here, before uvicorn starts, turns "port taken" into an exception in
    the caller's thread (uvicorn would call sys.exit() in ours) and tells us the
    port picked for port 0.
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        raise FeedsError(f"cannot listen on {host}:{port}: unknown host ({exc})") from exc
    sock = socket.socket(family, kind, proto)
    try:
        # Lets a restart reuse a port whose old connections are in TIME_WAIT; on
        # Linux it does not allow two listeners on one port.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            reason = "the address is already in use (another `feeds serve`, or another program?)"
        else:
            reason = exc.strerror or str(exc)
        raise FeedsError(f"cannot listen on {host}:{port}: {reason}") from exc
    sock.setblocking(False)
    return sock


class WebServer:
    """Runs an ASGI app with uvicorn in a background thread of the current process.

    The scheduler keeps the main thread (and the signals); start() returns once
    the socket listens, stop() lets requests in flight finish, then the thread
    ends. One instance serves once: build a new one to serve again.
    """

    def __init__(self, app: ASGIApp, *, host: str, port: int) -> None:
        self._app = app
        self._host = host
        self._port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._failure: BaseException | None = None

    @property
    def port(self) -> int:
        """The bound port once started (the one picked when asked for port 0)."""
        return self._port

    def start(self) -> None:
        if self._server is not None:
            raise RuntimeError("WebServer.start() called twice")
        sock = _listen(self._host, self._port)
        self._port = sock.getsockname()[1]
        config = uvicorn.Config(
            self._app,
            log_config=None,  # only cli.py configures logging
            log_level="warning",
            access_log=False,
            lifespan="off",
            proxy_headers=False,  # nothing here reads the client address
            server_header=False,
        )
        self._server = server = _Server(config)
        self._thread = threading.Thread(
            target=self._run, args=(server, sock), name=f"feeds-web-{self._port}", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop(timeout=1.0)
                why = repr(self._failure) if self._failure else "it did not start in time"
                raise FeedsError(f"web server on {self._host}:{self._port} failed: {why}")
            time.sleep(0.005)
        log.info("web server listening host=%s port=%d", self._host, self._port)

    def _run(self, server: _Server, sock: socket.socket) -> None:
        try:
            server.run(sockets=[sock])
        except BaseException as exc:  # the thread's last word; start() reports it
            self._failure = exc
            log.error("web server stopped error=%r", exc, exc_info=exc)
        finally:
            sock.close()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop accepting, let responses in flight finish for up to `timeout` s, then close."""
        server, thread = self._server, self._thread
        if server is None or thread is None or not thread.is_alive():
            return
        server.should_exit = True
        thread.join(timeout)
        if thread.is_alive():
            log.warning("web server busy at stop seconds=%.1f, closing connections", timeout)
            server.force_exit = True
            thread.join(FORCE_EXIT_WAIT_S)
        if thread.is_alive():
            log.error("web server thread did not stop port=%d", self._port)
        else:
            log.info("web server stopped port=%d", self._port)
