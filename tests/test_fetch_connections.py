"""fetch.py's connections: keep-alive reuse, the environment's proxies, closing mid-fetch.

Connections are counted at the server: each one is a client port of its own.
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler

import pytest

from feeds.config import FetchSettings
from feeds.errors import FetchError
from feeds.fetch import Fetcher

from .conftest import FeedServer, silent_after_headers

NOW = datetime(2024, 4, 5, tzinfo=UTC)
FAST = FetchSettings(timeout=timedelta(seconds=2), max_bytes=100_000)
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")
CLOSED = "http://127.0.0.1:9"  # nothing listens there


@pytest.fixture(autouse=True)
def no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the environment running the tests says, each test sets its own proxies."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def counted(
    ports: list[int], body: bytes = b"<rss/>", etag: str = '"v1"'
) -> Callable[[BaseHTTPRequestHandler], None]:
    """A feed with an ETag that records the client port of every request."""

    def send(handler: BaseHTTPRequestHandler) -> None:
        ports.append(handler.client_address[1])
        not_modified = handler.headers.get("If-None-Match") == etag
        handler.send_response(304 if not_modified else 200)
        handler.send_header("ETag", etag)
        if not not_modified:
            handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if not not_modified:
            handler.wfile.write(body)

    return send


def test_a_304_leaves_its_connection_for_the_next_request(feed_server: FeedServer) -> None:
    ports: list[int] = []
    url = feed_server.route("/a.xml", handler=counted(ports))
    with Fetcher(FAST) as fetcher:
        first = fetcher.get("src", url, now=NOW)
        statuses = [fetcher.get("src", url, etag=first.etag, now=NOW).status for _ in range(5)]
    assert first.status == 200 and statuses == [304] * 5
    assert len(ports) == 6 and len(set(ports)) == 1


def test_a_200_leaves_its_connection_for_the_next_request(feed_server: FeedServer) -> None:
    ports: list[int] = []
    urls = [feed_server.route(f"/{n}.xml", handler=counted(ports, b"x" * 50_000)) for n in range(4)]
    with Fetcher(FAST) as fetcher:
        bodies = [fetcher.get("src", url, now=NOW).body for url in urls * 2]
    assert bodies == [b"x" * 50_000] * 8
    assert len(ports) == 8 and len(set(ports)) == 1


def test_redirect_hops_share_a_connection(feed_server: FeedServer) -> None:
    ports: list[int] = []
    target = feed_server.route("/c.xml", handler=counted(ports))

    def moved(location: str) -> Callable[[BaseHTTPRequestHandler], None]:
        def send(handler: BaseHTTPRequestHandler) -> None:
            ports.append(handler.client_address[1])
            body = b"<html>moved</html>"
            handler.send_response(301)
            handler.send_header("Location", location)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)

        return send

    feed_server.route("/b.xml", handler=moved(target))
    start = feed_server.route("/a.xml", handler=moved("/b.xml"))
    with Fetcher(FAST) as fetcher:
        fetched = fetcher.get("src", start, now=NOW)
    assert fetched.body == b"<rss/>" and fetched.moved_to == target == fetched.url
    assert len(ports) == 3 and len(set(ports)) == 1


def test_an_error_status_does_not_poison_the_pool(feed_server: FeedServer) -> None:
    """A 500's unread body closes its connection; the next request opens a clean one."""
    bad = feed_server.route("/bad", b"x" * 10_000, status=500)
    good = feed_server.route("/good.xml", "<rss/>")
    with Fetcher(FAST) as fetcher:
        with pytest.raises(FetchError, match="HTTP 500"):
            fetcher.get("src", bad, now=NOW)
        assert fetcher.get("src", good, now=NOW).body == b"<rss/>"


def test_the_environment_proxy_carries_the_request(
    feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An http URL goes to the proxy as an absolute URI; the feed's host is never looked up."""
    feed_server.route("http://feeds.example/rss.xml", "<rss>via proxy</rss>")
    monkeypatch.setenv("http_proxy", feed_server.base)
    with Fetcher(FAST) as fetcher:
        fetched = fetcher.get("src", "http://feeds.example/rss.xml", now=NOW)
    assert fetched.body == b"<rss>via proxy</rss>" and fetched.url == "http://feeds.example/rss.xml"
    path, headers = feed_server.requests[-1]
    assert path == "http://feeds.example/rss.xml" and headers["Host"] == "feeds.example"


def test_proxy_credentials_in_its_url_are_sent(
    feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed_server.route("http://feeds.example/rss.xml", "<rss/>")
    monkeypatch.setenv("HTTP_PROXY", feed_server.base.replace("//", "//ban%20doc:m%C3%A1t@"))
    with Fetcher(FAST) as fetcher:
        fetcher.get("src", "http://feeds.example/rss.xml", now=NOW)
    token = base64.b64encode("ban doc:mát".encode()).decode()
    assert feed_server.requests[-1][1]["Proxy-Authorization"] == f"Basic {token}"


@pytest.mark.parametrize("no_proxy", ["127.0.0.1", "localhost,127.0.0.1", ".example,127.0.0.1"])
def test_no_proxy_bypasses_the_proxy_for_loopback(
    feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch, no_proxy: str
) -> None:
    url = feed_server.route("/a.xml", "<rss/>")
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.setenv(name, CLOSED)
    monkeypatch.setenv("NO_PROXY", no_proxy)
    with Fetcher(FAST) as fetcher:
        assert fetcher.get("src", url, now=NOW).body == b"<rss/>"


def test_a_proxy_that_refuses_is_named(
    feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = feed_server.route("/a.xml", "<rss/>")
    monkeypatch.setenv("ALL_PROXY", CLOSED)
    with Fetcher(FAST) as fetcher, pytest.raises(FetchError, match=r"cannot connect.*proxy"):
        fetcher.get("src", url, now=NOW)
    assert feed_server.requests == []


def test_an_unsupported_proxy_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "socks5://127.0.0.1:9")
    with Fetcher(FAST) as fetcher, pytest.raises(FetchError, match="only http"):
        fetcher.get("src", "http://feeds.example/rss.xml", now=NOW)


def test_close_aborts_a_fetch_waiting_for_its_body(feed_server: FeedServer) -> None:
    release = threading.Event()

    silent = silent_after_headers(5000, lambda: release.wait(10))
    url = feed_server.route("/silent", handler=silent)
    fetcher = Fetcher(FetchSettings(timeout=timedelta(seconds=10)))
    failures: list[FetchError] = []

    def fetch() -> None:
        try:
            fetcher.get("src", url, now=NOW)
        except FetchError as exc:
            failures.append(exc)

    worker = threading.Thread(target=fetch)
    worker.start()
    while not feed_server.requests:
        time.sleep(0.01)
    time.sleep(0.1)  # the headers are read, the body is awaited
    started = time.monotonic()
    fetcher.close()
    worker.join(5)
    release.set()
    assert not worker.is_alive() and time.monotonic() - started < 2
    assert len(failures) == 1
    with pytest.raises(FetchError, match="stopping"):
        fetcher.get("src", url, now=NOW)
