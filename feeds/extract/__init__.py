"""Bytes -> RawItems, one module per source kind (feed, html, sitemap)."""

from __future__ import annotations
