"""Hostile servers: slow, endless, huge, compressed bombs, loops, resets, refusals.

Each server misbehaves on the bad source's URL, beside a good source, after a
cycle in which it behaved. The whole-response timeout (`[fetch] timeout = "2s"`)
and the size cap (`max_bytes`, counted after decompression) must hold; the
cycle ends within seconds; memory stays flat; the source's error is named.
"""

from __future__ import annotations

import functools
import resource
import socket
import struct
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from ..conftest import FeedServer
from .bench import BAD, BAD_PATH, GOOD, Bench, good_feed
from .published import published_text

Handler = Callable[[BaseHTTPRequestHandler], None]
CAP = 1_000_000  # max_bytes in these tests
STOP = threading.Event()  # set when a test ends: endless handlers give up


@pytest.fixture(autouse=True)
def _stop_handlers() -> Iterator[None]:
    STOP.clear()
    yield
    STOP.set()


def _head(handler: BaseHTTPRequestHandler, headers: dict[str, str], status: int = 200) -> None:
    handler.send_response(status)
    for key, value in headers.items():
        handler.send_header(key, value)
    handler.end_headers()
    handler.wfile.flush()


def silent(handler: BaseHTTPRequestHandler) -> None:
    """Headers, then nothing, for as long as the client waits."""
    _head(handler, {"Content-Type": "application/rss+xml", "Content-Length": "5000"})
    STOP.wait(30)


def trickle(handler: BaseHTTPRequestHandler) -> None:
    """A byte a second of a feed that would be fine if it ever arrived."""
    body = good_feed("cham", start=4).encode()
    _head(handler, {"Content-Type": "application/rss+xml", "Content-Length": str(len(body))})
    for byte in body:
        if STOP.wait(1.0):
            return
        try:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
        except OSError:
            return


def endless(handler: BaseHTTPRequestHandler) -> None:
    """A chunked response that never ends: an XML item every few milliseconds."""
    _head(handler, {"Content-Type": "application/rss+xml", "Transfer-Encoding": "chunked"})
    chunk = b"<item><title>v\xc3\xb4 t\xe1\xba\xadn</title></item>"
    framed = b"%x\r\n%s\r\n" % (len(chunk), chunk)
    try:
        handler.wfile.write(framed.replace(chunk, b"<rss><channel>"))
        while not STOP.wait(0.01):
            handler.wfile.write(framed)
            handler.wfile.flush()
    except OSError:
        return


def huge(declared: bool) -> Handler:
    """50 MB of XML-looking bytes, with or without a Content-Length saying so."""
    size, block = 50_000_000, b"<item><title>" + b"x" * 65_000 + b"</title></item>"

    def send(handler: BaseHTTPRequestHandler) -> None:
        headers = {"Content-Type": "application/rss+xml"}
        if declared:
            headers["Content-Length"] = str(size)
        else:
            headers["Connection"] = "close"
        _head(handler, headers)
        sent = 0
        try:
            while sent < size and not STOP.is_set():
                handler.wfile.write(block)
                sent += len(block)
        except OSError:
            return
        handler.close_connection = True

    return send


@functools.cache
def bomb_body(encoding: str, megabytes: int = 50) -> bytes:
    """`megabytes` MB of zeros, compressed to about a thousandth of that, built in 1 MB steps."""
    wbits = 16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    block = bytes(1_000_000)
    parts = [packer.compress(block) for _ in range(megabytes)]  # about a second, once
    return b"".join([*parts, packer.flush()])


def bomb(encoding: str, *, declared: bool = True) -> Handler:
    def send(handler: BaseHTTPRequestHandler) -> None:
        body = bomb_body(encoding)
        headers = {"Content-Type": "application/rss+xml", "Content-Encoding": encoding}
        if declared:
            headers["Content-Length"] = str(len(body))
        else:
            headers["Connection"] = "close"
            handler.close_connection = True
        _head(handler, headers)
        try:
            handler.wfile.write(body)
        except OSError:
            return

    return send


def reset_mid_body(handler: BaseHTTPRequestHandler) -> None:
    """Half a feed, then a TCP reset (SO_LINGER 0), not a clean close."""
    body = good_feed("dut", start=4).encode()
    _head(handler, {"Content-Type": "application/rss+xml", "Content-Length": str(len(body))})
    handler.wfile.write(body[: len(body) // 2])
    handler.wfile.flush()
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.close_connection = True
    handler.connection.close()


def redirect_to(
    where: Callable[[FeedServer], str], status: int = 302
) -> Callable[[FeedServer], None]:
    def install(server: FeedServer) -> None:
        server.route(BAD_PATH, status=status, headers={"Location": where(server)})

    return install


def two_hop_loop(server: FeedServer) -> None:
    server.route(BAD_PATH, status=302, headers={"Location": server.base + "/hop"})
    server.route("/hop", status=301, headers={"Location": server.base + BAD_PATH})


def handler_install(handler: Handler) -> Callable[[FeedServer], None]:
    def install(server: FeedServer) -> None:
        server.route(BAD_PATH, handler=handler)

    return install


def status_install(status: int, body: bytes = b"oops") -> Callable[[FeedServer], None]:
    def install(server: FeedServer) -> None:
        server.route(BAD_PATH, body, status=status, content_type="text/plain")

    return install


# (name, how the server misbehaves, a phrase the error must contain, seconds the cycle may take)
SERVERS: list[Any] = [
    ("silent-after-headers", handler_install(silent), "2s", 6.0),
    ("a-byte-a-second", handler_install(trickle), "2s", 6.0),
    ("never-ends", handler_install(endless), "", 6.0),
    ("50mb-declared", handler_install(huge(declared=True)), "larger than 1 MB", 6.0),
    ("50mb-undeclared", handler_install(huge(declared=False)), "larger than 1 MB", 6.0),
    ("gzip-bomb", handler_install(bomb("gzip")), "larger than 1 MB", 6.0),
    ("gzip-bomb-no-length", handler_install(bomb("gzip", declared=False)), "larger than", 6.0),
    ("deflate-bomb", handler_install(bomb("deflate")), "larger than 1 MB", 6.0),
    ("redirect-loop", redirect_to(lambda s: s.base + BAD_PATH), "redirects", 6.0),
    ("redirect-loop-two-hops", two_hop_loop, "redirects", 6.0),
    ("redirect-file-passwd", redirect_to(lambda s: "file:///etc/passwd", 301), "not http", 6.0),
    ("redirect-ftp", redirect_to(lambda s: "ftp://127.0.0.1/feed.xml"), "not http", 6.0),
    pytest.param(
        "redirect-javascript",
        redirect_to(lambda s: "javascript:alert(1)"),
        "not http",
        6.0,
    ),
    pytest.param(
        "redirect-data",
        redirect_to(lambda s: "data:text/xml,<rss/>", 307),
        "not http",
        6.0,
    ),
    ("redirect-gopher-port", redirect_to(lambda s: "gopher://127.0.0.1:70/1"), "not http", 6.0),
    ("reset-mid-body", handler_install(reset_mid_body), "", 6.0),
    ("http-500", status_install(500), "HTTP 500", 6.0),
    ("http-500-huge-body", status_install(500, b"x" * 5_000_000), "HTTP 500", 6.0),
    ("http-404", status_install(404), "HTTP 404", 6.0),
    ("http-403", status_install(403), "HTTP 403", 6.0),
]


@pytest.mark.parametrize(
    ("name", "install", "error_says", "limit"),
    SERVERS,
    ids=[str(s.values[0] if hasattr(s, "values") else s[0]) for s in SERVERS],
)
def test_hostile_server_is_contained(
    name: str,
    install: Callable[[FeedServer], None],
    error_says: str,
    limit: float,
    bench: Bench,
    tally: Callable[[str, int], None],
) -> None:
    before = bench.baseline(max_bytes=CAP, timeout="2s")
    install(bench.server)
    tally("hostile servers", 1)
    heavy = (
        "bomb" in name or "50mb" in name or "never" in name
    )  # tracemalloc slows a run down: only where memory is the point
    if heavy:
        tracemalloc.start()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        run = bench.run()
        peak = tracemalloc.get_traced_memory()[1] if heavy else 0
    finally:
        tracemalloc.stop()
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    assert run.seconds < limit, f"the cycle took {run.seconds:.1f}s"
    assert peak < 8 * CAP + 16_000_000, f"Python memory peaked at {peak / 1e6:.0f} MB"
    assert grown_kb < 150_000, f"resident memory grew by {grown_kb / 1000:.0f} MB"
    bench.verify(run, before, must_fail=True, error_says=error_says)
    assert "root:x:0:0" not in bench.stored_text() + published_text(bench.public)


@pytest.mark.parametrize(
    ("status", "retry_after"),
    [(429, "7200"), (503, "7200"), (429, "http-date"), (503, "http-date")],
)
def test_retry_after_is_obeyed_by_the_next_cycles(
    status: int, retry_after: str, bench: Bench, now: datetime, tally: Callable[[str, int], None]
) -> None:
    """A 429/503 with Retry-After: later cycles skip the source until then, then fetch it.

    Two hours, longer than the backoff after one failure (the 15-minute interval, ±10 %).
    """
    bench.baseline()
    wait = timedelta(hours=2)
    value = format_datetime(now + wait, usegmt=True) if retry_after == "http-date" else retry_after
    bench.server.route(BAD_PATH, b"busy", status=status, headers={"Retry-After": value})
    tally("hostile servers", 1)
    first = {r.source: r for r in bench.cycle(now).results}
    assert first[BAD].status == "failed" and f"HTTP {status}" in (first[BAD].error or "")
    assert "wait until" in (first[BAD].error or "")
    hits = bench.requests_to(BAD_PATH)

    for later in (timedelta(seconds=1), timedelta(minutes=30), wait - timedelta(seconds=1)):
        summary = {r.source: r for r in bench.cycle(now + later).results}
        assert summary[BAD].status == "skipped", summary[BAD]
        assert "Retry-After" in (summary[BAD].error or "")
        assert summary[GOOD].status in ("ok", "not modified")
    assert bench.requests_to(BAD_PATH) == hits, "fetched before Retry-After"
    listed = bench.sources_json()[BAD]
    assert f"HTTP {status}" in listed["last_error"]

    bench.server.route(BAD_PATH, good_feed("lai", host="lai.example.vn", start=6))
    summary = {r.source: r for r in bench.cycle(now + wait + timedelta(seconds=1)).results}
    assert summary[BAD].status == "ok" and summary[BAD].new == 3
    assert bench.requests_to(BAD_PATH) == hits + 1
    assert bench.sources_json()[BAD]["last_error"] is None


def test_gone_disables_the_source_and_run_skips_it(
    bench: Bench, tally: Callable[[str, int], None]
) -> None:
    before = bench.baseline()
    bench.server.route(BAD_PATH, b"gone", status=410, content_type="text/plain")
    tally("hostile servers", 1)
    run = bench.run()
    error = bench.verify(run, before, must_fail=True, error_says="HTTP 410")
    listed = bench.sources_json()[BAD]
    assert error is not None and "disabled" in error
    assert listed["disabled_reason"] == error
    hits = bench.requests_to(BAD_PATH)

    again = bench.run()
    assert again.code == 0
    assert f"skipped: {BAD}: disabled: HTTP 410" in again.out, again.out
    assert bench.requests_to(BAD_PATH) == hits
    assert before <= bench.article_ids()  # its stories stay stored
    assert bench.sources_json()[BAD]["disabled_reason"] == error


def test_force_does_not_revive_a_gone_source(bench: Bench) -> None:
    bench.baseline()
    bench.server.route(BAD_PATH, b"gone", status=410, content_type="text/plain")
    bench.run()
    hits = bench.requests_to(BAD_PATH)
    forced = bench.run("--force")
    assert forced.code == 0
    assert bench.requests_to(BAD_PATH) == hits, "--force fetched a source disabled by 410"


def test_all_hostile_servers_at_once_end_within_the_timeout(
    bench: Bench, tally: Callable[[str, int], None]
) -> None:
    """Every slow server in one cycle: they run concurrently, so one timeout covers them all."""
    server = bench.server
    good = server.route("/good.xml", good_feed("tot"))
    slow = [silent, trickle, endless, huge(declared=False), bomb("gzip", declared=False)]
    sources = [(GOOD, good, "the-gioi")]
    for n, handler in enumerate(slow):
        sources.append((f"Chậm {n}", server.route(f"/slow-{n}", handler=handler), "kinh-te"))
    bench.write(sources, max_bytes=CAP, timeout="2s")
    tally("hostile servers", len(slow))
    started = time.monotonic()
    run = bench.run()
    assert time.monotonic() - started < 8
    assert run.code == 0
    assert f"{len(slow) + 1} sources, {len(slow)} failed" in run.out, run.out
    assert len(bench.published_titles("the-gioi")) == 3
