"""Local HTTP server for the benchmark corpus (127.0.0.1 only).

Serves every file of a corpus directory (see corpus.py) from memory over
HTTP/1.1 keep-alive, with a strong ETag (hash of the bytes, computed once at
start) and Last-Modified, answering 304 to If-None-Match / If-Modified-Since.
``CorpusServer.touch()`` rewrites a fraction of the feeds with a few new
entries (new ETag and Last-Modified) for the "changed" cycle; ``reset()``
restores the original bytes.  It counts responses per status for checking.

    python benchmarks/server.py --dir benchmarks/.corpus --port 0
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import corpus


@dataclass(frozen=True, slots=True)
class Resource:
    body: bytes
    etag: str
    last_modified: int  # Unix time, whole seconds
    content_type: str

    @classmethod
    def make(cls, body: bytes, mtime: float) -> Resource:
        etag = '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'
        return cls(body, etag, int(mtime), content_type(body))


def content_type(body: bytes) -> str:
    head = body[:512]
    if b"<rss" in head:
        return "application/rss+xml; charset=utf-8"
    if b"<feed" in head:
        return "application/atom+xml; charset=utf-8"
    if head.lstrip().startswith((b"{", b"[")):
        return "application/json"
    return "application/octet-stream"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "feeds-bench/1"
    disable_nagle_algorithm = True
    server: CorpusServer

    def do_GET(self) -> None:
        self.respond(with_body=True)

    def do_HEAD(self) -> None:
        self.respond(with_body=False)

    def respond(self, *, with_body: bool) -> None:
        res = self.server.resources.get(unquote(urlsplit(self.path).path))
        if res is None:
            self.send_simple(404, b"not found\n", with_body)
            return
        status = 304 if self.not_modified(res) else 200
        self.send_response(status)
        self.send_header("ETag", res.etag)
        self.send_header("Last-Modified", formatdate(res.last_modified, usegmt=True))
        if status == 200:
            self.send_header("Content-Type", res.content_type)
            self.send_header("Content-Length", str(len(res.body)))
        self.end_headers()
        sent = len(res.body) if status == 200 and with_body else 0
        if sent:
            self.wfile.write(res.body)
        self.server.count(status, sent)

    def not_modified(self, res: Resource) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:  # takes precedence over If-Modified-Since
            tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
            return "*" in tags or res.etag in tags
        if_modified_since = self.headers.get("If-Modified-Since")
        if not if_modified_since:
            return False
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        return res.last_modified <= since.timestamp()

    def send_simple(self, status: int, body: bytes, with_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)
        self.server.count(status, len(body) if with_body else 0)

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet


class CorpusServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024  # many concurrent connects must not be refused

    def __init__(self, corpus_dir: Path, port: int = 0) -> None:
        self.corpus_dir = Path(corpus_dir)
        self.original = {
            "/" + p.relative_to(self.corpus_dir).as_posix(): Resource.make(
                p.read_bytes(), p.stat().st_mtime
            )
            for p in sorted(self.corpus_dir.rglob("*"))
            if p.is_file()
        }
        self.resources = dict(self.original)
        self._stats: Counter[str] = Counter()
        self._lock = threading.Lock()
        super().__init__(("127.0.0.1", port), Handler)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # client went away
            super().handle_error(request, client_address)  # type: ignore[arg-type]

    def count(self, status: int, sent: int) -> None:
        with self._lock:
            self._stats[str(status)] += 1
            self._stats["bytes"] += sent

    def take_stats(self) -> dict[str, int]:
        """Responses per status (and body bytes sent) since the last call."""
        with self._lock:
            stats, self._stats = dict(self._stats), Counter()
        return stats

    def reset(self) -> None:
        """Serve the original corpus again (undo every touch)."""
        self.resources = dict(self.original)

    def touch(
        self, fraction: float = 0.1, new_entries: int = 3, seed: int = 0
    ) -> dict[str, list[str]]:
        """Put ``new_entries`` new entries on top of ``fraction`` of the feeds.

        The oldest entries drop off so that feed lengths stay the same.  Only
        the in-memory copy changes.  Returns the new guids per feed path.
        """
        if "/manifest.json" not in self.resources:
            raise FileNotFoundError(f"no manifest.json in {self.corpus_dir}")
        manifest = json.loads(self.resources["/manifest.json"].body)
        rng = random.Random(f"touch:{seed}")
        gen = corpus.TextGen(rng)
        feeds = manifest["feeds"]
        names = {corpus.CATEGORY_SLUGS[n]: n for n in corpus.CATEGORIES}
        now = datetime.now(corpus.ICT).replace(microsecond=0)
        touched: dict[str, list[str]] = {}
        for info in rng.sample(feeds, round(len(feeds) * fraction)):
            number = int(info["id"])
            category = names[info["category"]]
            feed = corpus.Feed(number, info["format"], info["title"], category)
            key = "/" + feed.path
            entries = []
            for i in range(new_entries):
                entry_id, when = rng.randint(10**7, 10**8), now - timedelta(minutes=i)
                entries.append(corpus.new_entry(gen, feed, entry_id, when))
            text = self.resources[key].body.decode()
            self.resources[key] = Resource.make(
                add_entries(text, feed, entries).encode(), time.time()
            )
            touched[key] = [e.guid for e in entries]
        return touched


def add_entries(text: str, feed: corpus.Feed, entries: list[corpus.Entry]) -> str:
    """Insert rendered ``entries`` first in a feed document, dropping the oldest."""
    now = entries[0].published
    if feed.format == "rss":
        tag, render = "item", corpus.rss_item
    else:
        tag, render = "entry", corpus.atom_entry
    blocks = list(re.finditer(rf"[ \t]*<{tag}>.*?</{tag}>", text, re.DOTALL))
    head, tail = text[: blocks[0].start()], text[blocks[-1].end() :]
    kept = [b.group() for b in blocks[: max(len(blocks) - len(entries), 0)]]
    if feed.format == "rss":
        stamp = f"<lastBuildDate>{format_datetime(now)}</lastBuildDate>"
        head = re.sub(r"<lastBuildDate>.*?</lastBuildDate>", stamp, head, count=1)
    else:
        head = re.sub(
            r"<updated>.*?</updated>",
            f"<updated>{now.isoformat()}</updated>",
            head,
            count=1,
        )
    return head + "\n".join([*(render(feed, e) for e in entries), *kept]) + tail


def start_server(corpus_dir: Path, port: int = 0) -> tuple[CorpusServer, str]:
    """Serve ``corpus_dir`` from a background thread; stop with ``.shutdown()``."""
    server = CorpusServer(corpus_dir, port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.base_url


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=Path(__file__).parent / ".corpus")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    args = parser.parse_args(argv)
    server = CorpusServer(args.dir, args.port)
    print(f"serving {len(server.resources)} files from {args.dir}", flush=True)
    print(f"port {server.server_address[1]}: {server.base_url}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
