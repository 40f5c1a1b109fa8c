"""What the subcommands share: usage errors, NAME=VALUE pairs, plain-text tables, JSON lines,
a progress bar."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from storage.export import Selection, count_articles

BAR = 30  # characters of the progress bar


class UsageError(Exception):
    """A mistake in how the command was called; printed without a traceback, exit status 2."""


def pairs(items: list[str], flag: str) -> dict[str, str]:
    """["A=1", "B=2"] -> {"A": "1", "B": "2"}; anything else is a UsageError naming the flag."""
    found = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"{flag} takes NAME=VALUE, not {item!r}")
        found[name] = value
    return found


def table(headers: list[str], rows: list[list[str]]) -> str:
    """Columns padded to their widest cell, two spaces apart."""
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    lines = [headers, *rows]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in lines
    )


def json_line(record: dict[str, Any]) -> str:
    """One JSON object on one line, Vietnamese kept readable, times in ISO 8601."""
    return json.dumps(record, default=_default, ensure_ascii=False)


def _default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def progress_bar(
    session: Session, wanted: Selection, *, to_stdout: bool
) -> Callable[[int], None] | None:
    """A progress bar over the `wanted` articles on stderr when it is a terminal (and, with
    `to_stdout`, the command's output is not written to that same terminal); None otherwise."""
    if not sys.stderr.isatty() or (to_stdout and sys.stdout.isatty()):
        return None
    total = count_articles(session, wanted)
    last = -1

    def show(count: int) -> None:
        nonlocal last
        if count == last:  # the final call repeats the last tick
            return
        last = count
        share = min(count / total, 1.0) if total else 1.0
        done = round(BAR * share)
        bar = "#" * done + "-" * (BAR - done)
        print(f"\r[{bar}] {share:4.0%}  {count:,} / {total:,} articles", end="", file=sys.stderr,
              flush=True)  # fmt: skip

    return show
