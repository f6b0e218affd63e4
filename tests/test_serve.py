"""`feeds serve` as a real subprocess: fetching on schedule, serving, reloading, stopping."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .conftest import CONFIG_HEAD, DATA, FeedServer, source_block, wait_until

FEEDS = DATA / "feeds"
# Without its <ttl>30</ttl>, which would rightly keep us away for half an hour.
HANOI = (FEEDS / "hanoi.xml").read_text(encoding="utf-8").replace("<ttl>30</ttl>", "")
NEW_ITEM = """<item><title>Tin mới: Hà Nội khai trương phố đi bộ Trịnh Công Sơn</title>
<link>https://tinhanoi.example.vn/pho-di-bo-1004.html</link><guid isPermaLink="false">tinhanoi-1004</guid>
<pubDate>Fri, 05 Apr 2024 11:00:00 +0700</pubDate><description>Phố đi bộ mới mở cửa.</description></item>
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Served:
    def __init__(self, path: Path, port: int) -> None:
        self.path, self.port = path, port
        self.base = f"http://127.0.0.1:{port}"
        self.log = path.parent / "serve.log"
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "feeds",
                    "--config",
                    str(path),
                    "serve",
                    "--port",
                    str(port),
                ],
                stdout=subprocess.DEVNULL,
                stderr=log,
                env=env,
            )

    def get(self, path: str) -> httpx.Response:
        return httpx.get(self.base + path, timeout=5)

    def logged(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def up(self) -> bool:
        try:
            return self.get("/healthz").status_code == 200
        except httpx.HTTPError:
            return False


@pytest.fixture
def served(tmp_path: Path, feed_server: FeedServer) -> Iterator[tuple[Served, FeedServer]]:
    hanoi = feed_server.route("/hanoi.xml", HANOI, etag='"v1"')
    head = CONFIG_HEAD + '\n[schedule]\ninterval = "1s"\npublish_debounce = "1s"\n'
    path = tmp_path / "config.toml"
    path.write_text(
        head + source_block("Tin Hà Nội", hanoi, "chuyen-dong-ha-noi"), encoding="utf-8"
    )
    service = Served(path, _free_port())
    try:
        assert wait_until(service.up, 20), service.logged()
        yield service, feed_server
    finally:
        if service.process.poll() is None:
            service.process.kill()
            service.process.wait()


def test_serve_fetches_publishes_reloads_and_stops(served: tuple[Served, FeedServer]) -> None:
    service, feed_server = served

    # Sources are fetched again and again, answered 304 after the first time.
    assert wait_until(lambda: feed_server.hits("/hanoi.xml") >= 3, 20), service.logged()
    conditional = [h for p, h in feed_server.requests if p == "/hanoi.xml"][1:]
    assert all(h.get("If-None-Match") == '"v1"' for h in conditional)
    assert wait_until(lambda: "buýt điện" in service.get("/feeds/all.xml").text, 20)
    feed = service.get("/feeds/chuyen-dong-ha-noi.xml")
    assert feed.headers["content-type"] == "application/rss+xml; charset=utf-8"
    assert (
        service.get(
            "/feeds/all.xml",
        ).status_code
        == 200
    )
    etag = feed.headers["etag"]
    again = httpx.get(
        service.base + "/feeds/chuyen-dong-ha-noi.xml", headers={"If-None-Match": etag}
    )
    assert again.status_code == 304

    # A new item in the source appears in the served feed.
    body = HANOI.replace("<item>", NEW_ITEM + "<item>", 1)
    feed_server.route("/hanoi.xml", body, etag='"v2"')
    assert wait_until(lambda: "phố đi bộ Trịnh Công Sơn" in service.get("/feeds/all.xml").text, 25)

    # An edit of config.toml adds a source.
    copies = feed_server.route(
        "/copies.atom", file=FEEDS / "copies.atom", content_type="application/atom+xml"
    )
    text = service.path.read_text(encoding="utf-8")
    service.path.write_text(
        text + "\n" + source_block("Báo Thủ đô", copies, "the-gioi"), encoding="utf-8"
    )
    assert wait_until(lambda: feed_server.hits("/copies.atom") >= 1, 20), service.logged()
    assert wait_until(lambda: "hội nghị khí hậu" in service.get("/feeds/the-gioi.xml").text, 20)
    health = service.get("/healthz").json()
    assert set(health["sources"]) == {"Tin Hà Nội", "Báo Thủ đô"}
    assert health["database"] == "ok"

    # An invalid edit is refused; the running config keeps fetching.
    service.path.write_text(
        service.path.read_text(encoding="utf-8") + '\ninterval = "15 min"\n', encoding="utf-8"
    )
    assert wait_until(lambda: "config reload refused" in service.logged(), 15)
    hits = feed_server.hits("/hanoi.xml")
    assert wait_until(lambda: feed_server.hits("/hanoi.xml") > hits + 1, 15)

    metrics = service.get("/metrics")
    assert metrics.headers["content-type"].startswith("text/plain")
    assert 'feeds_fetches_total{status="not modified"}' in metrics.text

    # SIGTERM stops it cleanly, quickly.
    started = time.monotonic()
    service.process.send_signal(signal.SIGTERM)
    assert service.process.wait(timeout=10) == 0
    assert time.monotonic() - started < 10
    assert "stopped" in service.logged()
