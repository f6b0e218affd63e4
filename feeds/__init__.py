"""feeds: an RSS/Atom aggregator and publisher built for Vietnamese news.

The pipeline is config -> fetch -> extract -> normalize -> store/dedup -> publish;
each stage is a module of this package, and `cycle.run_cycle()` runs them once.
"""

from __future__ import annotations

__version__ = "0.1.0"
HOME_PAGE = "https://github.com/feeds-vn/feeds"
USER_AGENT = f"feeds/{__version__} (+{HOME_PAGE})"
