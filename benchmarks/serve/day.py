"""A time-compressed day of `feeds serve`: 500 sources, memory over time, load during a cycle.

Serves the benchmark corpus (../server.py, ETags and 304s) from a second
process, starts `feeds serve` on 500 of its feeds with a 2-second interval (a
day of 15-minute fetches, 96 rounds, in about 3 minutes), and while the first
full round of fetching runs, drives /feeds/all.xml with `wrk` (or the Python
client of load.py) for 10 s. Reports the service's resident memory after the
first round and at the end, fetches by outcome from /metrics, requests/s and
p99 during the round, and any "database is locked" in its log.

    .venv/bin/python benchmarks/serve/day.py [--sources 500] [--seconds 200]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import load  # noqa: E402  (benchmarks/serve/load.py: wrk and its parser)

CORPUS = HERE.parent / ".corpus"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def config(
    folder: Path, manifest: dict[str, Any], feeds_base: str, sources: int, port: int
) -> Path:
    names = {c["slug"]: c["name"] for c in manifest["categories"]}
    slugs: dict[str, str] = {}
    blocks = []
    for feed in manifest["feeds"][:sources]:
        slug = feed["category"]
        slugs.setdefault(slug, names.get(slug, slug))
        blocks.append(
            f'[[sources]]\nname = "Nguồn {feed["id"]}"\nurl = "{feeds_base}/{feed["path"]}"\n'
            f'category = "{slug}"\n'
        )
    categories = "".join(f'[[categories]]\nslug = "{s}"\nname = "{n}"\n' for s, n in slugs.items())
    text = f"""[site]
title = "Một ngày nén"
base_url = "http://127.0.0.1:{port}"
[store]
path = "data/feeds.db"
[publish]
dir = "public"
[server]
host = "127.0.0.1"
port = {port}
log_level = "info"
[schedule]
interval = "2s"
publish_debounce = "2s"
{categories}
{"".join(blocks)}"""
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def rss_mb(pid: int) -> float:
    process = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [process, *process.children(recursive=True)]) / 2**20


def metrics(base: str) -> dict[str, float]:
    text = httpx.get(f"{base}/metrics", timeout=10).text
    found = {}
    for line in text.splitlines():
        match = re.match(r'^(feeds_\w+)(\{status="([^"]+)"\})? ([\d.]+)$', line)
        if match:
            found[match.group(1) + (f"[{match.group(3)}]" if match.group(3) else "")] = float(
                match.group(4)
            )
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sources", type=int, default=500)
    parser.add_argument("--seconds", type=int, default=200, help="length of the compressed day")
    args = parser.parse_args(argv)
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    feeds_port, serve_port = free_port(), free_port()
    corpus = subprocess.Popen(
        [
            sys.executable,
            str(HERE.parent / "server.py"),
            "--dir",
            str(CORPUS),
            "--port",
            str(feeds_port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        path = config(root, manifest, f"http://127.0.0.1:{feeds_port}", args.sources, serve_port)
        log = (root / "serve.log").open("w")
        feeds_bin = str(Path(sys.executable).parent / "feeds")
        service = subprocess.Popen([feeds_bin, "--config", str(path), "serve"], stderr=log)
        base = f"http://127.0.0.1:{serve_port}"
        try:
            report = run(service.pid, base, args.seconds)
        finally:
            service.terminate()
            service.wait(timeout=20)
            corpus.terminate()
            log.close()
        text = (root / "serve.log").read_text(encoding="utf-8")
        report["database_locked_in_log"] = text.count("database is locked")
        report["errors_in_log"] = text.count(" ERROR ")
        report["exit_code"] = service.returncode
    print(json.dumps(report, indent=2))


def run(pid: int, base: str, seconds: int) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    started = time.monotonic()
    during = None
    if shutil.which("wrk"):
        during = load.run_wrk(f"{base}/feeds/all.xml", {}, 10, 50)
    samples = []
    while time.monotonic() - started < seconds:
        samples.append((round(time.monotonic() - started), round(rss_mb(pid), 1)))
        time.sleep(5)
    counts = metrics(base)
    return {
        "seconds": seconds,
        "rss_mb_first_sample": samples[0][1] if samples else None,
        "rss_mb_after_first_minute": next((mb for t, mb in samples if t >= 60), None),
        "rss_mb_end": samples[-1][1] if samples else None,
        "rss_mb_max": max(mb for _, mb in samples) if samples else None,
        "load_during_first_round": during,
        "metrics": counts,
    }


if __name__ == "__main__":
    main()
