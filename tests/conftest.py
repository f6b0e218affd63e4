"""Shared fixtures: a fixed clock, a real local HTTP server, configs in tmp_path, no network.

`feed_server` is a real ThreadingHTTPServer on 127.0.0.1 (port 0) with a route
table for the awkward cases: ETag/304, redirects, status codes, gzip, slow and
oversized bodies. `no_network` (autouse) refuses every connection and DNS
look-up that is not for loopback, so no test can reach the internet.
"""

from __future__ import annotations

import gzip
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[2] / "shared"
REAL = SHARED / "fixtures" / "real"
SEEDS = SHARED / "seeds"
REPO = Path(__file__).resolve().parents[1]

_LOOPBACK = ("127.", "::1", "localhost")


def _is_loopback(host: object) -> bool:
    return isinstance(host, str) and (host.startswith(_LOOPBACK) or host == "")


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def guarded_connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
            raise ConnectionRefusedError(f"tests may not reach {address[0]}")
        return real_connect(self, address)

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not _is_loopback(host):
            raise socket.gaierror(socket.EAI_NONAME, f"tests may not resolve {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)


@pytest.fixture
def now() -> datetime:
    return datetime(2024, 4, 5, 6, 0, tzinfo=UTC)


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    handler: Callable[[BaseHTTPRequestHandler], None] | None = None
    hits: int = 0


class FeedServer:
    """Routes served from 127.0.0.1; `route()` returns the absolute URL of a path."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                server.requests.append((self.path, dict(self.headers.items())))
                route = server.routes.get(self.path.split("?", 1)[0])
                if route is None:
                    self._send(404, b"not found", {"Content-Type": "text/plain"})
                    return
                route.hits += 1
                if route.handler is not None:
                    route.handler(self)
                    return
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self._send(304, b"", {"ETag": route.etag})
                    return
                headers = dict(route.headers)
                if route.etag:
                    headers["ETag"] = route.etag
                self._send(route.status, route.body, headers)

            def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda *args: None  # type: ignore[method-assign]  # resets are tests
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def route(
        self,
        path: str,
        body: bytes | str = b"",
        *,
        file: str | Path | None = None,
        status: int = 200,
        content_type: str = "application/rss+xml; charset=utf-8",
        etag: str | None = None,
        headers: dict[str, str] | None = None,
        gzip_body: bool = False,
        handler: Callable[[BaseHTTPRequestHandler], None] | None = None,
    ) -> str:
        data = (
            Path(file).read_bytes() if file else (body.encode() if isinstance(body, str) else body)
        )
        all_headers = {"Content-Type": content_type, **(headers or {})}
        if gzip_body:
            data = gzip.compress(data)
            all_headers["Content-Encoding"] = "gzip"
        self.routes[path] = Route(data, status, all_headers, etag, handler)
        return self.base + path

    def hits(self, path: str) -> int:
        return self.routes[path].hits

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer()
    yield server
    server.close()


CONFIG_HEAD = """\
[site]
title = "Bản tin thử"
base_url = "http://127.0.0.1:8080"
language = "vi"
timezone = "Asia/Ho_Chi_Minh"

[store]
path = "data/feeds.db"

[publish]
dir = "public"
items_per_feed = 50

[fetch]
timeout = "5s"

[[categories]]
slug = "chuyen-dong-ha-noi"
name = "Chuyển động Hà Nội"
aliases = ["Chuyển động"]

[[categories]]
slug = "kinh-te"
name = "Kinh tế"
aliases = ["Kinh doanh"]

[[categories]]
slug = "the-gioi"
name = "Thế giới"

[[featured]]
slug = "dung-bo-lo"
title = "Đừng bỏ lỡ"
size = 10
window = "72h"
sections = ["Đừng bỏ lỡ"]
"""


def source_block(name: str, url: str, category: str = "kinh-te", **extra: str) -> str:
    lines = [
        "[[sources]]",
        f'name = "{name}"',
        f'url = "{url}"',
        f'category = "{category}"',
    ]
    lines += [f'{key} = "{value}"' for key, value in extra.items()]
    return "\n".join(lines) + "\n"


@pytest.fixture
def make_config(tmp_path: Path) -> Callable[..., Path]:
    """Write a config.toml in tmp_path with the given sources; returns its path."""

    def make(*sources: tuple[str, str] | tuple[str, str, str], extra: str = "") -> Path:
        blocks = [source_block(*s) for s in sources]
        path = tmp_path / "config.toml"
        path.write_text(CONFIG_HEAD + extra + "\n" + "\n".join(blocks), encoding="utf-8")
        return path

    return make


def wait_until(check: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def silent_after_headers(length: int, wait: Callable[[], object]) -> Callable[[Any], None]:
    """A route handler that sends a 200's headers promising `length` bytes, then no body
    until `wait()` returns (a time.sleep, an Event's wait)."""

    def handle(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", str(length))
        handler.end_headers()
        handler.wfile.flush()
        wait()

    return handle
