"""Edit config.toml for `feeds sources add/remove/import`: new blocks in, old blocks out.

The file is the user's: every comment, blank line and key order outside the
edited block must survive byte for byte. tomlkit (imported only here) renders
the new `[[sources]]`/`[[categories]]` blocks, so strings are quoted and
escaped as TOML wants. The splice itself is done on the text, block by block:
tomlkit attaches the comment paragraph that introduces the *next* table
("# Featured lists: …") to the last table before it, so appending through its
document model would land a new source under that comment.

Every edit is checked three ways before anything is written: the layout is
one we can edit (as many `[[sources]]` headers as tomllib sees sources), the
new text means exactly the old document plus or minus the intended tables,
and `config.parse` accepts the whole new text. Then it is written atomically
(a temporary file in the same folder, fsync, rename).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import tempfile
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import tomlkit

from . import config
from .errors import ConfigError, FeedsError
from .text import clean_line, fold
from .urls import canonical_url

log = logging.getLogger(__name__)

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?\s*(?:#.*)?$")


@dataclass(frozen=True)
class Block:
    """One `[table]` or `[[array]]` block of a TOML text, as line numbers (0-based).

    `start` includes the comment lines directly above the header (no blank line
    between): they describe the block and go with it. `end` is one past its last
    key line, plus any comment lines that follow that key line directly.
    """

    table: str
    is_array: bool
    start: int
    header: int
    end: int


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def _is_blank(line: str) -> bool:
    return not line.strip()


def blocks(lines: Sequence[str]) -> list[Block]:
    """Every table block of the text, in order."""
    headers: list[tuple[int, str, bool]] = []
    for number, line in enumerate(lines):
        match = _HEADER.match(line)
        if match:
            name = match.group(2).replace('"', "").replace("'", "").strip()
            headers.append((number, name, match.group(1) == "[["))
    starts = []
    for position, (number, _, _) in enumerate(headers):
        floor = headers[position - 1][0] + 1 if position else 0
        start = number
        while start > floor and _is_comment(lines[start - 1]):
            start -= 1
        starts.append(start)
    found = []
    for position, (number, name, is_array) in enumerate(headers):
        limit = starts[position + 1] if position + 1 < len(headers) else len(lines)
        found.append(Block(name, is_array, starts[position], number, _end(lines, number, limit)))
    return found


def _end(lines: Sequence[str], header: int, limit: int) -> int:
    last = header
    for number in range(header + 1, limit):
        if not _is_blank(lines[number]) and not _is_comment(lines[number]):
            last = number
    end = last + 1
    while end < limit and _is_comment(lines[end]):
        end += 1
    return end


def array_blocks(text: str, table: str) -> list[Block]:
    """The `[[table]]` blocks, after checking there is one per entry tomllib reads."""
    found = [b for b in blocks(text.splitlines(keepends=True)) if b.is_array and b.table == table]
    entries = _toml(text).get(table, [])
    if not isinstance(entries, list) or len(entries) != len(found):
        raise ConfigError(
            table,
            f"config.toml declares {table} in a form `feeds sources` cannot edit safely;"
            f" write one [[{table}]] block per entry, or edit the file by hand",
        )
    return found


def _toml(text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("config.toml", f"not valid TOML: {exc}") from exc


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def render_block(table: str, values: Mapping[str, Any], newline: str = "\n") -> str:
    """`[[table]]` and its keys, in the order given, as tomlkit writes them."""
    entry = tomlkit.table()
    for key, value in values.items():
        entry.add(key, value)
    array = tomlkit.aot()
    array.append(entry)
    document = tomlkit.document()
    document.append(table, array)
    rendered = str(document.as_string()).rstrip("\n") + "\n"
    return rendered.replace("\n", newline)


def append_blocks(text: str, table: str, entries: Sequence[Mapping[str, Any]]) -> str:
    """The text with new `[[table]]` blocks after the last one (else at the end)."""
    if not entries:
        return text
    newline = _newline(text)
    rendered = newline.join(render_block(table, values, newline) for values in entries)
    lines = text.splitlines(keepends=True)
    existing = array_blocks(text, table)
    at = existing[-1].end if existing else len(lines)
    before, after = lines[:at], lines[at:]
    if before and not before[-1].endswith(("\n", "\r")):
        before[-1] += newline
    if before and not _is_blank(before[-1]):
        rendered = newline + rendered
    if after and not _is_blank(after[0]):
        rendered += newline
    return "".join(before) + rendered + "".join(after)


def remove_block(text: str, table: str, index: int) -> str:
    """The text without the `index`-th `[[table]]` block and its own comment lines.

    One run of blank lines is kept between what came before and what comes after:
    the one before the block, or the one after it when the block had none before.
    """
    lines = text.splitlines(keepends=True)
    block = array_blocks(text, table)[index]
    start, end = block.start, block.end
    after = end
    while after < len(lines) and _is_blank(lines[after]):
        after += 1
    if after == len(lines):  # nothing follows: no blank lines left at the end either
        end = after
        while start > 0 and _is_blank(lines[start - 1]):
            start -= 1
    elif start == 0 or _is_blank(lines[start - 1]):
        end = after
    return "".join(lines[:start] + lines[end:])


def with_entries(text: str, additions: Mapping[str, Sequence[Mapping[str, Any]]]) -> str:
    """The text with new blocks appended to each array table, checked to mean just that."""
    new_text = text
    for table, entries in additions.items():
        new_text = append_blocks(new_text, table, entries)
    before = _toml(text)
    expected = {
        table: [*before.get(table, []), *(dict(values) for values in entries)]
        for table, entries in additions.items()
    }
    _check_edit(text, new_text, expected)
    return new_text


def without_entry(text: str, table: str, index: int) -> str:
    """The text without one block of an array table, checked to mean just that."""
    new_text = remove_block(text, table, index)
    remaining = list(_toml(text)[table])
    del remaining[index]
    _check_edit(text, new_text, {table: remaining})
    return new_text


def _check_edit(old: str, new: str, expected: Mapping[str, list[dict[str, Any]]]) -> None:
    """Refuse a splice whose meaning is not exactly the old document with `expected` arrays."""
    wanted = {key: value for key, value in {**_toml(old), **expected}.items() if value != []}
    after = {key: value for key, value in _toml(new).items() if value != []}
    if after != wanted:
        raise FeedsError(
            "the edit of config.toml would change more than the intended blocks;"
            " nothing was written (please report this with your config.toml)"
        )


def read(path: Path) -> tuple[str, config.Config]:
    """The text of config.toml and the Config it means (ConfigError as config.load)."""
    try:
        text = path.read_bytes().decode("utf-8")  # as is: CRLF line ends stay CRLF
    except FileNotFoundError:
        message = "file not found (pass --config PATH or set FEEDS_CONFIG)"
        raise ConfigError(str(path), message) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), f"cannot be read: {exc}") from exc
    return text, config.parse(text, path)


def save(path: Path, text: str) -> config.Config:
    """Validate the whole new text, then replace the file atomically; the new Config."""
    target = path.resolve()
    new_config = config.parse(text, target)
    mode = target.stat().st_mode & 0o7777 if target.exists() else 0o644
    temp = None
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        os.replace(temp, target)
    except OSError as exc:
        if temp:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        raise FeedsError(f"cannot write {target}: {exc.strerror or exc}; it is unchanged") from exc
    log.info("config written path=%s bytes=%d", target, len(text))
    return new_config


def source_values(
    *,
    name: str,
    url: str,
    kind: str = "feed",
    category: str | None = None,
    interval: str | None = None,
    link_pattern: str | None = None,
    enabled: bool = True,
    **pages: Any,
) -> dict[str, Any]:
    """The keys of a new `[[sources]]` block, defaults left out, in the file's usual order.

    `pages` are the html/sitemap keys (pages, max_articles, delay, robots, window,
    selectors), written as given.
    """
    values: dict[str, Any] = {"name": name, "url": url}
    if kind != "feed":
        values["kind"] = kind
    if category:
        values["category"] = category
    if interval:
        values["interval"] = interval
    if link_pattern:
        values["link_pattern"] = link_pattern
    if not enabled:
        values["enabled"] = False
    values.update(pages)
    return values


def clean_name(title: str | None, url: str) -> str:
    """A source or category name from a feed title: NFC, one line, no '/', '\\' or controls."""
    name = clean_line("".join(ch for ch in (title or "") if ch >= " " or ch in "\t\n"))
    name = name.replace("/", "-").replace("\\", "-").lstrip(". ")
    return name or (urlsplit(url).hostname or url).removeprefix("www.")


def duplicate_of(cfg: config.Config, *, name: str | None, url: str | None) -> str | None:
    """Why a new source would duplicate a configured one, or None."""
    for source in cfg.sources:
        if url is not None and canonical_url(source.url) == canonical_url(url):
            return f"{url} is already the source {source.name!r}"
        if name is not None and fold(source.name) == fold(name):
            return f"the name {name!r} is already used by the source {source.name!r} ({source.url})"
    return None


def find_source(cfg: config.Config, name: str) -> int | None:
    """Position of the source called `name` (exactly, else ignoring case and diacritics)."""
    for position, source in enumerate(cfg.sources):
        if source.name == name:
            return position
    matches = [i for i, source in enumerate(cfg.sources) if fold(source.name) == fold(name)]
    return matches[0] if len(matches) == 1 else None
