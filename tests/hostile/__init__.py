"""Hostile-input tests: what the open web can throw at an aggregator over months.

Every test here serves its documents from 127.0.0.1 and runs whole cycles
(`run_cycle` or `feeds run`), then checks the promise: the cycle finishes,
the failing source is named with a reason a user can act on, every other
source is published, nothing stored is lost and nothing dangerous is published.
"""
