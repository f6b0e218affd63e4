"""fetch.py against a real socket: validators, redirects, status codes, limits."""

from __future__ import annotations

import gzip
import socket
import struct
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from feeds.config import FetchSettings
from feeds.errors import FetchError
from feeds.fetch import Fetcher, read_local, retry_after

from .conftest import FeedServer, silent_after_headers

NOW = datetime(2024, 4, 5, tzinfo=UTC)
FAST = FetchSettings(timeout=timedelta(seconds=2), max_bytes=100_000)


def get(url: str, settings: FetchSettings = FAST, **kwargs: str | None):  # type: ignore[no-untyped-def]
    with Fetcher(settings) as fetcher:
        return fetcher.get("src", url, now=NOW, **kwargs)


def test_conditional_get_answers_304(feed_server: FeedServer) -> None:
    url = feed_server.route(
        "/a.xml", "<rss/>", etag='"v1"', headers={"Last-Modified": "Fri, 05 Apr 2024 00:00:00 GMT"}
    )
    first = get(url)
    assert first.status == 200 and first.body == b"<rss/>" and first.etag == '"v1"'
    second = get(url, etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified and second.body == b"" and second.etag == '"v1"'
    sent = feed_server.requests[-1][1]
    assert sent["If-None-Match"] == '"v1"' and sent["If-Modified-Since"].startswith("Fri, 05 Apr")
    assert sent["User-Agent"].startswith("feeds/")


def test_gzip_body_is_decoded(feed_server: FeedServer) -> None:
    url = feed_server.route("/gz.xml", "<rss>Tiếng Việt</rss>", gzip_body=True)
    assert get(url).body.decode() == "<rss>Tiếng Việt</rss>"


def test_permanent_redirect_is_reported(feed_server: FeedServer) -> None:
    target = feed_server.route("/new.xml", "<rss/>")
    old = feed_server.route("/old.xml", status=301, headers={"Location": target})
    assert get(old).moved_to == target
    temporary = feed_server.route("/tmp.xml", status=302, headers={"Location": target})
    assert get(temporary).moved_to is None


@pytest.mark.parametrize(
    ("location", "lands_on"),
    [
        ("new.xml", "/feeds/new.xml"),
        ("/feeds/new.xml", "/feeds/new.xml"),
        ("../new.xml", "/new.xml"),
    ],
)
def test_relative_redirect_resolves_against_the_current_url(
    feed_server: FeedServer, location: str, lands_on: str
) -> None:
    feed_server.route("/feeds/new.xml", "<rss>a</rss>")
    feed_server.route("/new.xml", "<rss>b</rss>")
    old = feed_server.route("/feeds/old", status=308, headers={"Location": location})
    fetched = get(old)
    assert fetched.url == fetched.moved_to == feed_server.base + lands_on
    assert fetched.body in (b"<rss>a</rss>", b"<rss>b</rss>")


def test_mixed_redirect_chain_is_not_a_move(feed_server: FeedServer) -> None:
    target = feed_server.route("/c.xml", "<rss/>")
    feed_server.route("/b.xml", status=307, headers={"Location": "/c.xml"})
    first = feed_server.route("/a.xml", status=301, headers={"Location": "/b.xml"})
    fetched = get(first)
    assert fetched.url == target and fetched.moved_to is None


def test_five_redirects_are_followed_six_are_not(feed_server: FeedServer) -> None:
    feed_server.route("/r5", "<rss/>")
    for n in range(5):
        feed_server.route(f"/r{n}", status=302, headers={"Location": f"/r{n + 1}"})
    assert get(feed_server.base + "/r0").body == b"<rss/>"
    feed_server.route("/s0", status=302, headers={"Location": "/r0"})
    with pytest.raises(FetchError, match=r"more than 5 redirects \(a loop\?\)"):
        get(feed_server.base + "/s0")
    assert feed_server.hits("/r5") == 1  # the sixth redirect is not followed


def test_utf8_location_is_followed_escaped(feed_server: FeedServer) -> None:
    target = feed_server.route("/tin-t%E1%BB%A9c.xml", "<rss/>")

    def send(handler: BaseHTTPRequestHandler) -> None:
        handler.wfile.write(
            "HTTP/1.1 301 Moved\r\nLocation: /tin-tức.xml\r\nContent-Length: 0\r\n\r\n".encode()
        )

    url = feed_server.route("/moved", handler=send)
    assert get(url).moved_to == target


def test_headers_are_lower_cased_and_repeats_joined(feed_server: FeedServer) -> None:
    def send(handler: BaseHTTPRequestHandler) -> None:
        head = "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nX-Note: một\r\n"
        head += "x-note: hai\r\nContent-Length: 6\r\n\r\n"
        handler.wfile.write(head.encode() + b"<rss/>")  # UTF-8 in a header, as some servers send

    headers = get(feed_server.route("/h.xml", handler=send)).headers
    assert headers["content-type"] == "application/rss+xml"
    assert headers["x-note"] == "một, hai" and "X-Note" not in headers


def test_redirect_loop(feed_server: FeedServer) -> None:
    feed_server.route("/loop", status=302, headers={"Location": feed_server.base + "/loop"})
    with pytest.raises(FetchError, match="redirects"):
        get(feed_server.base + "/loop")


def test_redirect_to_another_scheme(feed_server: FeedServer) -> None:
    url = feed_server.route("/ftp", status=301, headers={"Location": "file:///etc/passwd"})
    with pytest.raises(FetchError, match="not http"):
        get(url)


def test_gone_disables(feed_server: FeedServer) -> None:
    url = feed_server.route("/gone", status=410)
    with pytest.raises(FetchError) as caught:
        get(url)
    assert caught.value.gone and caught.value.status == 410


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_kept(feed_server: FeedServer, status: int) -> None:
    url = feed_server.route("/busy", status=status, headers={"Retry-After": "120"})
    with pytest.raises(FetchError) as caught:
        get(url)
    assert caught.value.retry_after == NOW + timedelta(seconds=120)


def test_retry_after_http_date() -> None:
    assert retry_after("Fri, 05 Apr 2024 01:00:00 GMT", NOW) == NOW + timedelta(hours=1)
    assert retry_after("soon", NOW) is None


def test_size_cap(feed_server: FeedServer) -> None:
    url = feed_server.route("/big", b"x" * 200_000)
    with pytest.raises(FetchError, match=r"larger than 0\.1 MB"):
        get(url)


def test_size_cap_holds_after_decompression(feed_server: FeedServer) -> None:
    bomb = gzip.compress(b"\0" * 50_000_000)  # 50 MB of zeros in about 50 KB

    def send(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Encoding", "gzip")
        handler.send_header("Content-Length", str(len(bomb)))
        handler.end_headers()
        handler.wfile.write(bomb)

    url = feed_server.route("/bomb", handler=send)
    with pytest.raises(FetchError, match="larger than"):
        get(url)


def test_trickling_response_hits_the_whole_response_deadline(feed_server: FeedServer) -> None:
    def trickle(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", "1000")
        handler.end_headers()
        try:
            for _ in range(20):
                handler.wfile.write(b"x")
                handler.wfile.flush()
                time.sleep(0.25)
        except OSError:
            pass

    url = feed_server.route("/slow", handler=trickle)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"longer than 1s|no answer"):
        get(url, FetchSettings(timeout=timedelta(seconds=1)))
    assert time.monotonic() - started < 3


def _broken(how: str) -> Callable[[BaseHTTPRequestHandler], None]:
    def send(handler: BaseHTTPRequestHandler) -> None:
        handler.close_connection = True
        if how == "no answer":
            return
        handler.send_response(200)
        handler.send_header("Content-Length", "1000")
        handler.end_headers()
        handler.wfile.write(b"<rss>" + b"x" * 495)
        handler.wfile.flush()
        if how == "reset":  # SO_LINGER 0: a TCP reset, not a clean close
            handler.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )
            handler.connection.close()

    return send


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("no answer", "the server closed the connection mid-response"),
        ("half a body", "the server closed the connection mid-response"),
        ("reset", "the connection was reset"),
    ],
)
def test_broken_connections_are_explained(feed_server: FeedServer, how: str, message: str) -> None:
    url = feed_server.route("/broken", handler=_broken(how))
    with pytest.raises(FetchError, match=message):
        get(url)


def test_silence_after_the_headers_is_a_timeout(feed_server: FeedServer) -> None:
    silent = silent_after_headers(1000, lambda: time.sleep(1.5))
    url = feed_server.route("/silent", handler=silent)
    with pytest.raises(FetchError, match=r"no answer within 1s"):
        get(url, FetchSettings(timeout=timedelta(seconds=1)))


def test_connection_refused_is_explained() -> None:
    with pytest.raises(FetchError, match="cannot connect"):
        get("http://127.0.0.1:9/feed.xml")


def test_local_file(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_text("<rss/>", encoding="utf-8")
    assert read_local("src", path, 1000).body == b"<rss/>"
    with pytest.raises(FetchError, match="file not found"):
        read_local("src", tmp_path / "missing.xml", 1000)
    with pytest.raises(FetchError, match="larger than"):
        read_local("src", path, 3)
