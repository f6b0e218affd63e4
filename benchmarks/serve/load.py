"""Load test of the `feeds serve` HTTP side (feeds/web.py) on 127.0.0.1.

Builds a 50-item feed the way `feeds run` does (a synthetic 50-entry RSS
source from ../corpus.py, one cycle of the real pipeline into a temporary
publish dir), serves it with feeds.web.WebServer in a background thread of this
process, as `feeds serve` does, and drives it from a second process: `wrk`
(Debian package `wrk`) when it is on PATH, else a Python asyncio client
(`--client python`, also in its own process). Three runs against
/feeds/all.xml: identity, gzip (Accept-Encoding: gzip) and conditional
(If-None-Match with the current ETag, every answer a 304). Each reports
requests/s, p50/p99 latency and errors (socket errors and unexpected statuses).

    .venv/bin/python benchmarks/serve/load.py [--seconds 10] [--connections 50]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # corpus.py

import corpus  # noqa: E402

from feeds import config as config_module  # noqa: E402
from feeds.cycle import run_cycle  # noqa: E402
from feeds.web import WebServer, create_app  # noqa: E402
from store import open_store  # noqa: E402

FEED_PATH = "/feeds/all.xml"
ITEMS = 50

CONFIG = """\
[site]
title = "Bản tin Hà Nội"
base_url = "http://127.0.0.1:8080"

[publish]
dir = "public"
items_per_feed = {items}

[[categories]]
slug = "thoi-su"
name = "Thời sự"

[[sources]]
name = "Nguồn thử"
url = "./source.xml"
category = "thoi-su"
"""


# --- the feed --------------------------------------------------------------------------


def build_publish_dir(folder: Path, items: int = ITEMS) -> Path:
    """Publish a feed of `items` stories with the project's own pipeline; returns the dir."""
    anchor = corpus.default_anchor()
    feed = corpus.Feed(1, "rss", "Báo Thử", "Thời sự")
    xml, _ = corpus.build_feed(feed, [], items, corpus.DEFAULT_SEED, anchor)
    (folder / "source.xml").write_text(xml, encoding="utf-8")
    (folder / "config.toml").write_text(CONFIG.format(items=items), encoding="utf-8")
    config = config_module.load(folder / "config.toml")
    summary = run_cycle(config, open_store(config.store_path), now=anchor)
    published = config.publish_dir
    count = (published / FEED_PATH.lstrip("/")).read_bytes().count(b"<item>")
    if count != items:
        raise SystemExit(f"expected {items} items in {FEED_PATH}, published {count}: {summary}")
    return published


# --- load generators -------------------------------------------------------------------


def run_wrk(url: str, headers: dict[str, str], seconds: int, connections: int) -> dict[str, Any]:
    """One wrk run; its text output parsed into the figures we report."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run([*command, url], capture_output=True, text=True, check=True)
    return parse_wrk(done.stdout)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if match is None:
        raise SystemExit(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(output: str) -> dict[str, Any]:
    def find(pattern: str) -> re.Match[str] | None:
        return re.search(pattern, output)

    requests = find(r"(\d+) requests in")
    rate = find(r"Requests/sec:\s+([\d.]+)")
    p50 = find(r"\s50%\s+([\d.]+\w+)")
    p99 = find(r"\s99%\s+([\d.]+\w+)")
    if not (requests and rate and p50 and p99):
        raise SystemExit(f"cannot read wrk output:\n{output}")
    socket_errors = find(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
    bad_status = find(r"Non-2xx or 3xx responses: (\d+)")
    errors = sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    errors += int(bad_status.group(1)) if bad_status else 0
    return {
        "requests": int(requests.group(1)),
        "rps": float(rate.group(1)),
        "p50_ms": _ms(p50.group(1)),
        "p99_ms": _ms(p99.group(1)),
        "errors": errors,
    }


async def _connection(
    host: str,
    port: int,
    request: bytes,
    expect: int,
    until: float,
    latencies: list[float],
    errors: list[int],
) -> None:
    """One keep-alive connection sending `request` back to back until `until`."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < until:
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
            if length:
                await reader.readexactly(int(length.group(1)))
            latencies.append(time.perf_counter() - started)
            if status != expect:
                errors[0] += 1
    except (OSError, asyncio.IncompleteReadError):
        errors[0] += 1
    finally:
        writer.close()


async def _python_load(
    url: str, headers: dict[str, str], seconds: int, connections: int, expect: int
) -> dict[str, Any]:
    parts = httpx.URL(url)
    lines = [f"GET {parts.raw_path.decode()} HTTP/1.1", f"Host: {parts.host}:{parts.port}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    latencies: list[float] = []
    errors = [0]
    until = time.perf_counter() + seconds
    args = (parts.host, parts.port or 80, request, expect, until, latencies, errors)
    await asyncio.gather(*(_connection(*args) for _ in range(connections)))
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "requests": len(latencies),
        "rps": len(latencies) / seconds,
        "p50_ms": cuts[49] * 1000,
        "p99_ms": cuts[98] * 1000,
        "errors": errors[0],
    }


def run_python(
    url: str, headers: dict[str, str], seconds: int, connections: int, expect: int
) -> dict[str, Any]:
    """The asyncio client, in a child process so that it does not share our GIL."""
    spec = json.dumps([url, headers, seconds, connections, expect])
    done = subprocess.run(
        [sys.executable, __file__, "--python-client", spec],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


# --- the benchmark ---------------------------------------------------------------------


def server_stack() -> str:
    """What uvicorn's "auto" settings picked: httptools/uvloop when installed, else h11/asyncio."""
    found = {name: importlib.util.find_spec(name) is not None for name in ("httptools", "uvloop")}
    http = "httptools" if found["httptools"] else "h11"
    loop = "uvloop" if found["uvloop"] else "asyncio"
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in ("uvicorn", "starlette"))
    return f"{versions}, http={http}, loop={loop}"


def machine() -> dict[str, Any]:
    model = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    wrk = shutil.which("wrk")
    return {
        "server": server_stack(),
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "load_average_before": os.getloadavg(),
        "cpu": model,
        "cores": os.cpu_count(),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "wrk": wrk
        and subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n", 1)[0],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--items", type=int, default=ITEMS)
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--python-client", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.python_client:
        url, headers, seconds, connections, expect = json.loads(args.python_client)
        result = asyncio.run(_python_load(url, headers, seconds, connections, expect))
        print(json.dumps(result))
        return

    client = args.client
    if client == "auto":
        client = "wrk" if shutil.which("wrk") else "python"
    with tempfile.TemporaryDirectory(prefix="feeds-serve-bench-") as tmp:
        published = build_publish_dir(Path(tmp), args.items)
        app = create_app(
            publish_dir=published,
            health=lambda: {"status": "ok"},
            metrics=lambda: "",
            max_age=lambda path: 900,
        )
        server = WebServer(app, host="127.0.0.1", port=0)
        server.start()
        try:
            url = f"http://127.0.0.1:{server.port}{FEED_PATH}"
            first = httpx.get(url)
            gzipped = httpx.get(url, headers={"Accept-Encoding": "gzip"})
            etag = first.headers["etag"]
            check = httpx.get(url, headers={"If-None-Match": etag})
            assert first.status_code == 200 and check.status_code == 304, (first, check)
            runs = {
                "identity": ({}, 200),
                "gzip": ({"Accept-Encoding": "gzip"}, 200),
                "conditional": ({"If-None-Match": etag}, 304),
            }
            results: dict[str, Any] = {
                "machine": machine(),
                "client": client,
                "connections": args.connections,
                "seconds": args.seconds,
                "feed": {
                    "path": FEED_PATH,
                    "items": args.items,
                    "bytes": len(first.content),
                    "gzip_bytes": int(gzipped.headers["content-length"]),
                },
                "runs": {},
            }
            for name, (headers, expect) in runs.items():
                if client == "wrk":
                    figures = run_wrk(url, headers, args.seconds, args.connections)
                else:
                    figures = run_python(url, headers, args.seconds, args.connections, expect)
                results["runs"][name] = figures
                print(
                    f"{name:12} {figures['rps']:9.0f} req/s  p50 {figures['p50_ms']:6.2f} ms"
                    f"  p99 {figures['p99_ms']:6.2f} ms  errors {figures['errors']}"
                    f"  ({figures['requests']} requests)",
                    flush=True,
                )
                time.sleep(1.0)  # let the previous run's connections close
        finally:
            server.stop()
    report = json.dumps(results, ensure_ascii=False, indent=1)
    if args.json:
        args.json.write_text(report + "\n", encoding="utf-8")
        print(f"results written to {args.json}")
    else:
        print(report)


if __name__ == "__main__":
    main()
