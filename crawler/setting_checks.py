"""tinbao's numeric settings checked before a crawl starts, so that `-s TINBAO_LISTING_PAGES=abc`
is one line and exit status 2, not a traceback from deep inside a component.

The numeric settings are those whose default in crawler/settings.py is a number: a new one is
checked without being listed here. Each must read as its default's type and not be negative,
unless its default is itself negative (a sentinel such as TINBAO_SUPERVISOR_FD's -1: none).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import crawler.settings as defaults


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
    """A one-line description of the first numeric setting that cannot be used, else None."""
    for name, kind, refuse_negative in numeric_settings():
        raw = settings.get(name)
        try:
            value = kind(raw)
        except (TypeError, ValueError):
            word = "a whole number" if kind is int else "a number"
            return f"-s {name} takes {word}, not {raw!r}"
        if refuse_negative and value < 0:
            return f"-s {name} cannot be negative ({raw!r})"
    return None
