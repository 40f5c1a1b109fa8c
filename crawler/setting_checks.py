"""tinbao's numeric settings checked before a crawl starts, so that `-s TINBAO_LISTING_PAGES=abc`
is one line and exit status 2, not a traceback from deep inside a component.

The numeric settings are those whose default in crawler/settings.py is a number: a new one is
checked without being listed here. Each must read as its default's type and not be negative,
unless its default is itself negative (a sentinel such as TINBAO_SUPERVISOR_FD's -1: none);
a float must be finite. A few have a range of their own (`RANGES`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import crawler.settings as defaults
from crawler.frontier.keys import BadKeyPattern, FrontierKeys
from crawler.pool import pool_size

# name: (lowest, highest) allowed, None for no bound
RANGES: dict[str, tuple[float | None, float | None]] = {
    "TINBAO_WRITE_BATCH": (1, None),  # 0 was taken as 1 without a word
    # a batch waits this long for more articles, and the crawl's end waits for the batch
    "TINBAO_WRITE_INTERVAL": (None, 60),
    # each is a process started with the crawl (60-90 MB); past the cores they only cost memory
    "TINBAO_EXTRACT_WORKERS": (None, 4 * pool_size()),
}


def numeric_settings() -> Iterator[tuple[str, type, bool]]:
    """Each numeric setting's name, type and whether a negative value is refused."""
    for name in dir(defaults):
        value = getattr(defaults, name)
        if (
            name.startswith("TINBAO_")
            and isinstance(value, int | float)
            and not isinstance(value, bool)
        ):
            yield name, type(value), value >= 0


def bad_setting(settings: Any) -> str | None:
    """A one-line description of the first numeric setting that cannot be used (or of a
    shared frontier's key pattern that makes no key), else None."""
    pattern = settings.get("TINBAO_FRONTIER_KEY")
    if pattern:
        try:
            FrontierKeys.for_site("site", str(pattern))
        except BadKeyPattern as exc:
            return f"-s {exc}"
    for name, kind, refuse_negative in numeric_settings():
        raw = settings.get(name)
        try:
            value = kind(raw)
        except (TypeError, ValueError):
            value = math.nan
        if isinstance(value, float) and not math.isfinite(value):
            word = "a whole number" if kind is int else "a number"
            return f"-s {name} takes {word}, not {raw!r}"
        if refuse_negative and value < 0:
            return f"-s {name} cannot be negative ({raw!r})"
        lowest, highest = RANGES.get(name, (None, None))
        if lowest is not None and value < lowest:
            return f"-s {name} takes at least {lowest}, not {raw!r}"
        if highest is not None and value > highest:
            return f"-s {name} takes at most {highest}, not {raw!r}"
    return None
