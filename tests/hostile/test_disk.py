"""A full disk while publishing (and while storing): old files stay whole, the error is said.

The real thing first: a small tmpfs mounted as the publish dir (skipped where
mounting is not allowed), filled to the last byte between two runs. Then the
same in-process with os.fsync / os.replace raising ENOSPC, which runs anywhere.
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .bench import GOOD, Bench, good_feed, stored, unreadable


@pytest.fixture
def tiny_fs(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "tmpfs"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(folder: Path) -> Path:
    """Write a file in `folder` until the file system refuses another byte."""
    filler = folder / "filler.bin"
    with contextlib.suppress(OSError), filler.open("wb", buffering=0) as out:
        block = bytes(64 * 1024)
        while True:
            out.write(block)
    with contextlib.suppress(OSError), filler.open("ab", buffering=0) as out:
        while True:
            out.write(b"\0")
    return filler


def snapshot(public: Path) -> dict[str, bytes]:
    return {str(p.relative_to(public)): p.read_bytes() for p in public.rglob("*") if p.is_file()}


def _setup(bench: Bench, *, public: Path | None = None, store: Path | None = None) -> None:
    good = bench.server.route("/good.xml", good_feed("tot"))
    bench.write([(GOOD, good, "the-gioi")])
    text = bench.path.read_text(encoding="utf-8")
    if public is not None:
        text = text.replace('dir = "public"', f'dir = "{public}"')
    if store is not None:
        text = text.replace('path = "data/feeds.db"', f'path = "{store}"')
    bench.path.write_text(text, encoding="utf-8")


def test_publish_dir_fills_up(
    bench: Bench, tiny_fs: Path, tally: Callable[[str, int], None]
) -> None:
    public = tiny_fs / "public"
    _setup(bench, public=public)
    assert bench.run().code == 0
    before = snapshot(public)
    filler = fill(tiny_fs)
    bench.server.route("/good.xml", good_feed("moi", count=8, start=3))  # every feed changes

    run = bench.run()
    tally("full-disk publishes", 1)
    assert run.code == 1, run.out + run.err
    assert "Traceback" not in run.err
    assert "No space left on device" in run.err and "previous file is kept" in run.err, run.err
    assert snapshot(public) == before, "a published file changed on a full disk"
    assert not unreadable(public)
    assert len(stored(bench.config.store_path)[0]) == 3 + 8, "the articles were stored anyway"

    filler.unlink()
    again = bench.run()
    assert again.code == 0, again.err
    assert not unreadable(public)
    assert len(bench.published_titles("the-gioi")) == 11


def test_store_fills_up(bench: Bench, tiny_fs: Path, tally: Callable[[str, int], None]) -> None:
    db = tiny_fs / "feeds.db"
    _setup(bench, store=db)
    assert bench.run().code == 0
    known = stored(db)[0]
    filler = fill(tiny_fs)
    big = good_feed("lon", count=8, start=3).replace("</p>", "</p>" + "<p>Đoạn dài.</p>" * 400)
    bench.server.route("/good.xml", big)
    tally("full-disk publishes", 1)
    try:
        run = bench.run()
    finally:
        filler.unlink()
    ids, _, _, check = stored(db)
    assert check == "ok" and known <= ids
    assert run.code == 1, run.out + run.err
    assert "Traceback" not in run.err and "full" in run.err


@pytest.mark.parametrize("where", ["fsync", "replace", "write"])
def test_enospc_while_publishing_keeps_old_files(
    where: str, bench: Bench, monkeypatch: pytest.MonkeyPatch, tally: Callable[[str, int], None]
) -> None:
    _setup(bench)
    assert bench.run().code == 0
    public = bench.public
    before = snapshot(public)
    bench.server.route("/good.xml", good_feed("moi", count=8, start=3))

    def no_space(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    real_fdopen = os.fdopen

    class FullFile:
        def __init__(self, handle: object) -> None:
            self.handle = handle

        def __enter__(self) -> FullFile:
            return self

        def __exit__(self, *exc: object) -> None:
            self.handle.close()  # type: ignore[attr-defined]

        def write(self, data: bytes) -> int:
            no_space()
            return 0

        def __getattr__(self, name: str) -> object:
            return getattr(self.handle, name)

    if where == "fsync":
        monkeypatch.setattr(os, "fsync", no_space)
    elif where == "replace":
        monkeypatch.setattr(os, "replace", no_space)
    else:
        monkeypatch.setattr(os, "fdopen", lambda *a, **k: FullFile(real_fdopen(*a, **k)))
    run = bench.run()
    monkeypatch.undo()
    tally("full-disk publishes", 1)
    assert run.code == 1, run.out + run.err
    assert "Traceback" not in run.err
    assert "No space left on device" in run.err and "previous file is kept" in run.err, run.err
    assert snapshot(public) == before
    assert not list(public.rglob("*.tmp")), "temporary files left behind"
    assert bench.run().code == 0
    assert len(bench.published_titles("the-gioi")) == 11
