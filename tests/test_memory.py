"""Giving freed memory back: harmless where the C library cannot."""

from __future__ import annotations

import ctypes

import pytest

from feeds import memory


def test_trim_runs() -> None:
    memory.trim()  # glibc here: returns what it can; elsewhere: nothing to do


def test_trim_is_a_no_op_without_malloc_trim(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_libc(*args: object, **kwargs: object) -> None:
        raise OSError("no such library")

    memory._malloc_trim.cache_clear()
    monkeypatch.setattr(ctypes, "CDLL", no_libc)
    try:
        assert memory._malloc_trim() is None
        memory.trim()
    finally:
        memory._malloc_trim.cache_clear()
