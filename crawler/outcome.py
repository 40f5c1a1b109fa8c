"""The exit-code contract of a crawl, in one place: what a close reason (the `crawl_runs`
status) means for `scrapy crawl`, `tinbao crawl/backfill`, the daemon and `tinbao status`.

    0  completed  the crawl ran its course: Scrapy's "finished", or a `closespider_*` limit the
                  user set. Some pages may have failed: they are counted in crawl_runs.errors.
    1  failed     it did not: "failed: ..." (unreachable, the archive could not be written, its
                  time limit, its supervisor gone...), "circuit_breaker: ...", killed, crashed,
                  "shutdown" (Ctrl-C, SIGTERM), "cancelled", and any reason not named here.
    2  usage      it could not start as asked: an unknown site, a bad argument or setting, a bad
                  registry, an archive URL that cannot be parsed, an archive behind the code.

What counts as completed is `storage.daemon.succeeded` (also the SQL of `last_success`), so the
archive's health rules and the exit status cannot disagree.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.exc import DatabaseError, IntegrityError, ProgrammingError

from crawler.registry import RegistryError
from storage import ArchiveBehind, BadArchiveUrl
from storage.daemon import succeeded

COMPLETED, FAILED, USAGE = 0, 1, 2


class BadCrawlArgument(ValueError):
    """A spider argument (-a) or setting (-s) the crawl cannot use: exit status 2."""


MEANING = {COMPLETED: "completed", FAILED: "failed", USAGE: "usage or configuration error"}
UNREACHABLE = "failed: unreachable"  # no request of the crawl got any answer


def exit_code(reason: str | None) -> int:
    """The exit status of a crawl that closed with `reason` (None: it never closed)."""
    if reason is not None and succeeded(reason):
        return COMPLETED
    return FAILED


def startup_failure(error: BaseException) -> tuple[int, str] | None:
    """(exit status, one line) for an error that stopped a crawl or a command before it could
    run, when it is the user's setup rather than a bug of tinbao's; None for anything else
    (whose traceback is worth keeping)."""
    if isinstance(error, BadCrawlArgument):
        return USAGE, str(error)
    if isinstance(error, RegistryError):
        return USAGE, f"bad site registry: {error}"
    if isinstance(error, ArchiveBehind | BadArchiveUrl):
        return USAGE, str(error)
    if isinstance(error, DatabaseError) and not isinstance(
        error, IntegrityError | ProgrammingError
    ):
        # unreachable, locked, read-only, full, not a database
        detail = str(error.orig or error).strip().splitlines()
        return FAILED, f"the archive could not be used: {detail[0] if detail else error}"
    if isinstance(error, OSError):
        where = f": {error.filename}" if error.filename else ""
        return FAILED, f"{error.strerror or error}{where}"
    return None


def causes(error: BaseException) -> Iterator[BaseException]:
    """`error`, and when it is Scrapy's own error while cleaning up after a start that failed
    (a scheduler that could not be built becomes "RuntimeError: Engine slot not assigned"),
    the error being handled when Scrapy raised it: the one to tell the user."""
    current: BaseException | None = error
    while current is not None:
        yield current
        if not _raised_by_scrapy(current):
            return
        current = current.__cause__ or current.__context__


def _raised_by_scrapy(error: BaseException) -> bool:
    frames = traceback.extract_tb(error.__traceback__)
    return (
        isinstance(error, RuntimeError)
        and bool(frames)
        and "scrapy" in Path(frames[-1].filename).parts
    )
