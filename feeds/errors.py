"""The exceptions the program expects and can explain to a user.

    FeedsError            anything we can put in words for the user
    ├── ConfigError       config.toml is invalid: names the key and the line (exit 2)
    ├── SourceError       one source failed; the cycle goes on
    │   ├── FetchError    network, HTTP status, too large, too slow
    │   └── ExtractError  a document we cannot read items from
    └── PublishError      a published file cannot be written

The store reports its own failures (store.StoreUnavailable, sqlite3 errors), which
cli.py turns into messages. Anything else is a bug and propagates with its traceback.
"""

from __future__ import annotations

from datetime import datetime


class FeedsError(Exception):
    """Something we expect and can explain to the user."""


class ConfigError(FeedsError):
    """The configuration is invalid; `key` is a path such as `sources[3].interval`."""

    def __init__(self, key: str, message: str, line: int | None = None) -> None:
        super().__init__(f"{key}: {message}" + (f" (line {line})" if line else ""))
        self.key, self.message, self.line = key, message, line


class SourceError(FeedsError):
    """One source failed; the cycle goes on with the others."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(f"{source}: {message}")
        self.source, self.message = source, message


class FetchError(SourceError):
    """The document could not be fetched: network, HTTP status, size or time limits.

    `status` is the HTTP status when there was one; `retry_after` is the moment a
    429/503 asked us to wait until; `gone` marks a 410, which disables the source.
    """

    def __init__(
        self,
        source: str,
        message: str,
        *,
        status: int | None = None,
        retry_after: datetime | None = None,
        gone: bool = False,
    ) -> None:
        super().__init__(source, message)
        self.status, self.retry_after, self.gone = status, retry_after, gone


class ExtractError(SourceError):
    """The document was fetched but holds nothing we can read as articles."""


class PublishError(FeedsError):
    """A published file could not be written; the previous version stays in place."""
