"""What the subcommands share: usage errors, argument types, NAME=VALUE pairs, plain-text
tables, JSON lines, a progress bar, opening the archive to read it, checking site keys."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session
from tqdm import tqdm

from crawler.pool import pool_size
from crawler.registry import load_registry, unknown_site
from storage import database_url
from storage.existing import open_existing
from storage.export import Selection, count_articles
from storage.reading import sites_in_archive


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
    if isinstance(value, datetime):  # the archive's times are UTC; a naive one would be too
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


class Progress:
    """A progress bar over a number of articles on stderr (tqdm): call it with the count done,
    `close` it at the end."""

    def __init__(self, total: int) -> None:
        self.bar = tqdm(total=total, unit=" articles", file=sys.stderr, dynamic_ncols=True)

    def __call__(self, count: int) -> None:
        if count != self.bar.n:  # the final call repeats the last tick
            self.bar.update(count - self.bar.n)

    def close(self) -> None:
        self.bar.close()


def progress_bar(session: Session, wanted: Selection, *, to_stdout: bool) -> Progress | None:
    """A progress bar over the `wanted` articles on stderr when it is a terminal (and, with
    `to_stdout`, the command's output is not written to that same terminal); None otherwise."""
    if not sys.stderr.isatty() or (to_stdout and sys.stdout.isatty()):
        return None
    return Progress(count_articles(session, wanted))


def positive_int(text: str) -> int:
    """An argparse type: a whole number above zero (a limit of 0 or -5 is a mistake)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"takes a number above zero, not {value}")
    return value


def worker_count(lowest: int) -> Callable[[str], int]:
    """An argparse type for `--workers`: a whole number from `lowest` to 4 per usable core.
    Each worker is a process started at once (60-90 MB): `--workers 1000000` started
    processes until the machine gave out, and past the cores they only cost memory."""
    most = 4 * pool_size()

    def workers(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < lowest:
            raise argparse.ArgumentTypeError(f"takes {lowest} or more, not {value}")
        if value > most:
            raise argparse.ArgumentTypeError(f"takes at most {most} (4 per core), not {value}")
        return value

    return workers


def positive_float(text: str) -> float:
    """An argparse type: a number above zero."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"takes a number above zero, not {text}")
    return value


def say(message: str) -> None:
    """A message about the output, not the output: "no article matches", on stderr."""
    print(message, file=sys.stderr)


def reading(options: argparse.Namespace) -> Engine:
    """An engine on the existing archive the options name; nothing is created (NoArchive)."""
    return open_existing(database_url(options.database_url))


def check_sites(keys: Iterable[str], engine: Engine | None = None) -> None:
    """UsageError for a site key that is neither in the registry nor in the archive, naming
    the nearest registry keys."""
    registry = load_registry()
    unknown = [key for key in dict.fromkeys(keys) if key not in registry]
    if unknown and engine is not None:
        with engine.connect() as connection:
            archived = set(sites_in_archive(connection, unknown))
        unknown = [key for key in unknown if key not in archived]
    if unknown:
        raise UsageError(unknown_site(unknown[0], registry))
