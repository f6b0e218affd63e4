"""The HTTP side of `feeds serve`, tested over a real socket on 127.0.0.1.

One WebServer (port 0) serves a publish dir produced by the real pipeline
(run_cycle over the local fixture feeds) for the whole module; tests that
change files write their own names into it. Traversal attempts go through a
raw socket, because httpx removes `..` segments before sending.
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import formatdate
from pathlib import Path
from typing import Any

import httpx
import pytest

from feeds import config as config_module
from feeds.cycle import run_cycle
from feeds.errors import FeedsError
from feeds.publish.files import write_if_changed
from feeds.web import WebServer, accepts_gzip, create_app, http_date
from store import open_store

from .conftest import CONFIG_HEAD, DATA, source_block, wait_until

NOW = datetime(2024, 4, 5, 6, 0, tzinfo=UTC)
METRICS = "# TYPE feeds_sources gauge\nfeeds_sources 2\n"

RSS = "application/rss+xml; charset=utf-8"
HTML = "text/html; charset=utf-8"


@dataclass
class Site:
    """The running server, its publish dir and the answers its callables give."""

    server: WebServer
    root: Path
    health: dict[str, Any] = field(default_factory=lambda: {"status": "ok", "sources": 2})

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A publish dir made by one real cycle over the fixture feeds (read from disk)."""
    folder = tmp_path_factory.mktemp("site")
    config_path = folder / "config.toml"
    sources = source_block("Tin Hà Nội", str(DATA / "feeds" / "hanoi.xml"), "chuyen-dong-ha-noi")
    sources += source_block("Báo Thủ đô", str(DATA / "feeds" / "copies.atom"))
    config_path.write_text(CONFIG_HEAD + "\n" + sources, encoding="utf-8")
    config = config_module.load(config_path)
    db = open_store(config.store_path)
    try:
        run_cycle(config, db, now=NOW)
    finally:
        db.close()
    assert (config.publish_dir / "feeds" / "all.xml").is_file()
    return config.publish_dir


def _max_age(path: str) -> int:
    return 900 if path.startswith("feeds/") else 60


@pytest.fixture(scope="module")
def site(published: Path) -> Iterator[Site]:
    holder: list[Site] = []
    app = create_app(
        publish_dir=published,
        health=lambda: dict(holder[0].health),
        metrics=lambda: METRICS,
        max_age=_max_age,
    )
    server = WebServer(app, host="127.0.0.1", port=0)
    server.start()
    holder.append(Site(server, published))
    yield holder[0]
    server.stop()


@pytest.fixture
def client(site: Site) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=site.base, timeout=5) as http:
        yield http


def raw_status(port: int, target: str) -> int:
    """Send `GET target` exactly as written (no normalisation) and return the status."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        request = f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        conn.sendall(request.encode("latin-1"))
        response = b""
        while chunk := conn.recv(65536):
            response += chunk
    return int(response.split(b" ", 2)[1])


# --- what is served, and as what --------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "file", "content_type"),
    [
        ("/feeds/all.xml", "feeds/all.xml", RSS),
        ("/feeds/chuyen-dong-ha-noi.xml", "feeds/chuyen-dong-ha-noi.xml", RSS),
        ("/feeds/all.atom", "feeds/all.atom", "application/atom+xml; charset=utf-8"),
        ("/feeds/all.json", "feeds/all.json", "application/feed+json; charset=utf-8"),
        ("/feeds/dung-bo-lo.json", "feeds/dung-bo-lo.json", "application/feed+json; charset=utf-8"),
        ("/opml.xml", "opml.xml", "text/x-opml; charset=utf-8"),
        ("/", "index.html", HTML),
        ("/index.html", "index.html", HTML),
        ("/c/chuyen-dong-ha-noi.html", "c/chuyen-dong-ha-noi.html", HTML),
        ("/feed.xsl", "feed.xsl", "text/xsl; charset=utf-8"),
    ],
)
def test_published_files_with_their_types(
    client: httpx.Client, site: Site, path: str, file: str, content_type: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    assert response.content == (site.root / file).read_bytes()
    assert "Accept-Encoding" in response.headers["vary"]


def test_feed_stylesheet_reference_resolves(client: httpx.Client) -> None:
    for path in ("/feeds/all.xml", "/feeds/all.atom"):
        body = client.get(path).text
        assert '<?xml-stylesheet type="text/xsl" href="../feed.xsl"?>' in body
        stylesheet = client.get(httpx.URL(client.base_url).join(path).join("../feed.xsl"))
        assert stylesheet.status_code == 200
        assert stylesheet.headers["content-type"] == "text/xsl; charset=utf-8"


def test_cache_control_comes_from_max_age(client: httpx.Client) -> None:
    assert client.get("/feeds/all.atom").headers["cache-control"] == "public, max-age=900"
    assert client.get("/").headers["cache-control"] == "public, max-age=60"


# --- validators and conditional requests ------------------------------------------------


def test_strong_etag_and_last_modified(client: httpx.Client, site: Site) -> None:
    response = client.get("/feeds/all.xml", headers={"Accept-Encoding": "identity"})
    etag = response.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"') and len(etag) > 10
    mtime = (site.root / "feeds" / "all.xml").stat().st_mtime
    assert response.headers["last-modified"] == formatdate(int(mtime), usegmt=True)
    # Same bytes under another name: same validator, because it is a hash of them.
    copy = site.root / "feeds" / "copy-of-all.xml"
    copy.write_bytes((site.root / "feeds" / "all.xml").read_bytes())
    try:
        again = client.get("/feeds/copy-of-all.xml", headers={"Accept-Encoding": "identity"})
        assert again.headers["etag"] == etag
    finally:
        copy.unlink()


@pytest.mark.parametrize(
    "if_none_match",
    ["{etag}", "W/{etag}", '"other", {etag}', "*"],
    ids=["exact", "weak", "list", "star"],
)
def test_if_none_match_gives_304(client: httpx.Client, if_none_match: str) -> None:
    first = client.get("/feeds/all.json")
    header = if_none_match.format(etag=first.headers["etag"])
    response = client.get("/feeds/all.json", headers={"If-None-Match": header})
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == first.headers["etag"]
    assert response.headers["cache-control"] == "public, max-age=900"
    assert "Accept-Encoding" in response.headers["vary"]
    assert "content-length" not in response.headers or response.headers["content-length"] == "0"


def test_if_none_match_other_etag_gives_200(client: httpx.Client) -> None:
    response = client.get("/feeds/all.json", headers={"If-None-Match": '"stale"'})
    assert response.status_code == 200 and response.content


def test_if_modified_since(client: httpx.Client) -> None:
    last_modified = client.get("/opml.xml").headers["last-modified"]
    same = client.get("/opml.xml", headers={"If-Modified-Since": last_modified})
    assert same.status_code == 304 and same.content == b""
    older = client.get("/opml.xml", headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})
    assert older.status_code == 200
    garbage = client.get("/opml.xml", headers={"If-Modified-Since": "yesterday"})
    assert garbage.status_code == 200
    # If-None-Match decides when both are sent (RFC 9110 13.2.2).
    both = client.get(
        "/opml.xml", headers={"If-None-Match": '"stale"', "If-Modified-Since": last_modified}
    )
    assert both.status_code == 200


def test_head_has_the_headers_and_no_body(client: httpx.Client) -> None:
    for encoding in ("identity", "gzip"):
        headers = {"Accept-Encoding": encoding}
        got = client.get("/feeds/all.xml", headers=headers)
        head = client.head("/feeds/all.xml", headers=headers)
        assert head.status_code == 200 and head.content == b""
        assert {k: v for k, v in head.headers.items() if k != "date"} == {
            k: v for k, v in got.headers.items() if k != "date"
        }


# --- compression ------------------------------------------------------------------------


def test_gzip_when_accepted(site: Site) -> None:
    original = (site.root / "feeds" / "all.xml").read_bytes()
    with (
        httpx.Client(base_url=site.base) as http,
        http.stream("GET", "/feeds/all.xml", headers={"Accept-Encoding": "gzip"}) as response,
    ):
        raw = b"".join(response.iter_raw())
        assert response.headers["content-encoding"] == "gzip"
        assert "Accept-Encoding" in response.headers["vary"]
        assert int(response.headers["content-length"]) == len(raw) < len(original)
    assert gzip.decompress(raw) == original
    # The decoded representation and the identity one have distinct strong ETags.
    identity = httpx.get(f"{site.base}/feeds/all.xml", headers={"Accept-Encoding": "identity"})
    assert identity.headers["etag"] != response.headers["etag"]
    # Either ETag revalidates the file.
    for etag in (identity.headers["etag"], response.headers["etag"]):
        again = httpx.get(f"{site.base}/feeds/all.xml", headers={"If-None-Match": etag})
        assert again.status_code == 304


def test_no_accept_encoding_gets_identity(site: Site) -> None:
    with httpx.Client(base_url=site.base) as http:
        del http.headers["accept-encoding"]
        response = http.get("/feeds/all.atom")
    assert "accept-encoding" not in response.request.headers
    assert "content-encoding" not in response.headers
    assert response.content == (site.root / "feeds" / "all.atom").read_bytes()
    assert "Accept-Encoding" in response.headers["vary"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip", True),
        ("GZIP", True),
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.5", True),
        ("x-gzip", True),
        ("*", True),
        ("gzip;q=0", False),
        ("*;q=0", False),
        ("gzip;q=0, *", False),
        ("deflate, br", False),
        ("identity", False),
        ("", False),
    ],
)
def test_accepts_gzip(header: str, expected: bool) -> None:
    assert accepts_gzip(header.encode()) is expected


def test_http_date() -> None:
    assert http_date(b"Fri, 05 Apr 2024 06:00:00 GMT") == int(NOW.timestamp())
    assert http_date(b"Fri, 05 Apr 2024 13:00:00 +0700") == int(NOW.timestamp())
    assert http_date(b"yesterday") is None
    assert http_date(b"") is None


# --- what is not served -----------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "/../config.toml",
        "/feeds/../../config.toml",
        "/feeds/%2e%2e/%2e%2e/etc/passwd",
        "/feeds/..%2fx",
        "/feeds/..%2f..%2fconfig.toml",
        "/c/%2e%2e%2f%2e%2e%2fconfig.toml",
        "/%2e%2e/config.toml",
        "//etc/passwd",
        "/feeds//etc/passwd",
        "/feeds/%2fetc%2fpasswd.xml",
        "/feeds/..",
        "/feeds/all.xml%00.html",
        "/feeds/all.xml/",
    ],
)
def test_path_escapes_are_404(site: Site, target: str) -> None:
    assert raw_status(site.server.port, target) == 404


@pytest.mark.parametrize(
    "path",
    [
        "/nope",
        "/config.toml",
        "/data/feeds.db",
        "/public/index.html",
        "/feeds",
        "/feeds/",
        "/c/",
        "/feeds/nope.xml",
        "/feeds/all.rss",
        "/feeds/ALL.xml",
        "/feeds/.all.xml",
        "/c/chuyen-dong-ha-noi.xml",
        "/index.htm",
    ],
)
def test_unknown_paths_are_404(client: httpx.Client, path: str) -> None:
    assert client.get(path).status_code == 404


def test_symlinks_out_of_the_publish_dir_are_404(client: httpx.Client, site: Site) -> None:
    feeds = site.root / "feeds"
    outside = feeds / "outside.xml"
    inside = feeds / "alias.xml"
    folder = feeds / "folder.xml"
    outside.symlink_to(site.root.parent / "config.toml")
    inside.symlink_to("all.xml")
    folder.mkdir()
    try:
        assert client.get("/feeds/outside.xml").status_code == 404
        assert client.get("/feeds/folder.xml").status_code == 404
        # A link that stays inside the publish dir is served like its target.
        aliased = client.get("/feeds/alias.xml")
        assert aliased.status_code == 200 and aliased.content == (feeds / "all.xml").read_bytes()
    finally:
        outside.unlink()
        inside.unlink()
        folder.rmdir()


# --- files replaced while serving -------------------------------------------------------


def test_replaced_file_gets_new_bytes_and_etag(client: httpx.Client, site: Site) -> None:
    target = site.root / "feeds" / "replaced.xml"
    first_bytes = (site.root / "feeds" / "all.xml").read_bytes()
    write_if_changed(target, first_bytes)
    try:
        first = client.get("/feeds/replaced.xml")
        assert first.content == first_bytes
        second_bytes = first_bytes.replace(b"</channel>", b"<!-- v2 --></channel>")
        assert write_if_changed(target, second_bytes)  # temp file + rename, as published
        second = client.get("/feeds/replaced.xml")
        assert second.content == second_bytes
        assert second.headers["etag"] != first.headers["etag"]
        stale = client.get("/feeds/replaced.xml", headers={"If-None-Match": first.headers["etag"]})
        assert stale.status_code == 200 and stale.content == second_bytes
        target.unlink()
        assert client.get("/feeds/replaced.xml").status_code == 404
    finally:
        target.unlink(missing_ok=True)


def test_renames_during_requests_never_serve_half_a_file(site: Site) -> None:
    target = site.root / "feeds" / "busy.xml"
    big = (site.root / "feeds" / "all.xml").read_bytes()
    versions = [big * 20, big * 21 + b"<!-- b -->"]  # large enough that reads take a while
    stamps = [1_700_000_000, 1_700_086_400]  # each version its own mtime, to pair headers
    write_if_changed(target, versions[0])
    os.utime(target, (stamps[0], stamps[0]))
    stop = threading.Event()

    def publisher() -> None:
        turn = 0
        while not stop.is_set():
            turn = 1 - turn
            temp = target.with_name(f".busy.{turn}.tmp")
            temp.write_bytes(versions[turn])
            os.utime(temp, (stamps[turn], stamps[turn]))
            os.replace(temp, target)

    thread = threading.Thread(target=publisher, daemon=True)
    thread.start()
    seen: dict[bytes, set[str]] = {}
    try:
        with httpx.Client(base_url=site.base, timeout=10) as http:
            deadline = time.monotonic() + 1.5
            while time.monotonic() < deadline:
                response = http.get("/feeds/busy.xml")
                assert response.status_code == 200
                assert response.content in versions
                turn = versions.index(response.content)
                assert response.headers["last-modified"] == formatdate(stamps[turn], usegmt=True)
                seen.setdefault(response.content, set()).add(response.headers["etag"])
    finally:
        stop.set()
        thread.join()
        target.unlink()
    assert len(seen) == 2, "the file was never seen replaced"
    assert all(len(etags) == 1 for etags in seen.values())  # one ETag per version
    assert seen[versions[0]] != seen[versions[1]]


# --- health and metrics -----------------------------------------------------------------


def test_healthz(client: httpx.Client, site: Site) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"status": "ok", "sources": 2}
    site.health["status"] = "degraded"
    try:
        failing = client.get("/healthz")
        assert failing.status_code == 503
        assert json.loads(failing.content)["status"] == "degraded"
    finally:
        site.health["status"] = "ok"


def test_metrics(client: httpx.Client) -> None:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    assert response.text == METRICS


# --- the server itself ------------------------------------------------------------------


def test_port_in_use_is_a_feeds_error(site: Site, published: Path) -> None:
    app = create_app(publish_dir=published, health=dict, metrics=str, max_age=lambda path: 0)
    second = WebServer(app, host="127.0.0.1", port=site.server.port)
    with pytest.raises(FeedsError, match=rf"127\.0\.0\.1:{site.server.port}.*already in use"):
        second.start()


def test_stop_frees_the_port_and_leaves_signals_alone(published: Path) -> None:
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    app = create_app(publish_dir=published, health=dict, metrics=str, max_age=lambda path: 0)
    server = WebServer(app, host="127.0.0.1", port=0)
    server.start()
    port = server.port
    assert port != 0
    assert httpx.get(f"http://127.0.0.1:{port}/feeds/all.xml").status_code == 200
    assert {sig: signal.getsignal(sig) for sig in before} == before
    server.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/feeds/all.xml")
    again = WebServer(app, host="127.0.0.1", port=port)
    again.start()
    try:
        assert httpx.get(f"http://127.0.0.1:{port}/").status_code == 200
    finally:
        again.stop()


def test_stop_lets_a_request_in_flight_finish(published: Path) -> None:
    entered, release = threading.Event(), threading.Event()

    def slow_health() -> dict[str, Any]:
        entered.set()
        release.wait(5)
        return {"status": "ok"}

    app = create_app(publish_dir=published, health=slow_health, metrics=str, max_age=lambda p: 0)
    server = WebServer(app, host="127.0.0.1", port=0)
    server.start()
    url = f"http://127.0.0.1:{server.port}"
    answers: list[int] = []
    asking = threading.Thread(
        target=lambda: answers.append(httpx.get(f"{url}/healthz").status_code)
    )
    asking.start()
    assert entered.wait(5)
    stopping = threading.Thread(target=server.stop)
    stopping.start()

    def refuses_new_connections() -> bool:
        try:
            httpx.get(f"{url}/feeds/all.xml", timeout=1)
        except httpx.ConnectError:
            return True
        except httpx.TransportError:  # accepted just before the listener closed
            return False
        return False

    assert wait_until(refuses_new_connections, timeout=5)
    assert stopping.is_alive()  # still waiting for the request in flight
    release.set()
    asking.join(5)
    stopping.join(5)
    assert answers == [200] and not stopping.is_alive()


def test_a_browser_gets_feeds_as_xml_so_the_stylesheet_applies(site) -> None:  # type: ignore[no-untyped-def]
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = httpx.get(f"{site.base}/feeds/all.xml", headers={"Accept": browser})
    assert page.headers["content-type"] == "application/xml; charset=utf-8"
    reader = httpx.get(f"{site.base}/feeds/all.xml", headers={"Accept": "application/rss+xml, */*"})
    assert reader.headers["content-type"] == "application/rss+xml; charset=utf-8"
    plain = httpx.get(f"{site.base}/feeds/all.atom")
    assert plain.headers["content-type"] == "application/atom+xml; charset=utf-8"
    assert "Accept" in [v.strip() for v in page.headers["vary"].split(",")]
