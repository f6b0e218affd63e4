"""`feeds sources …`: list, add, remove, import and export the sources in config.toml."""

from __future__ import annotations

import argparse
from typing import Any


def register(commands: Any) -> None:
    """Add the `sources` command and its subcommands to the CLI parser."""
    sources: argparse.ArgumentParser = commands.add_parser(
        "sources", help="manage the sources in config.toml"
    )
    sources.add_subparsers(dest="sources_command", required=True, metavar="SUBCOMMAND")
