"""A crawl stops at the first write the archive refuses, and says why in one line.

A read-only file, a full disk, a lock held past the busy timeout, a PostgreSQL server gone:
every later write would fail the same way, so going on only fetches pages that are thrown
away (and, before this, logged a traceback per page and exited 0). Every component that
writes to the archive wraps the write in `guard(crawler, what)`: the first refusal ends the
crawl as "failed: archive not writable: <cause>" (exit status 1, crawler/outcome.py), counts
`tinbao/errors/archive_write`, and logs one line; later refusals (writes already under way)
are only counted. What is not the archive refusing (a constraint violated, an SQL error: a
bug of tinbao's) keeps its traceback.
"""

from __future__ import annotations

import errno
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from weakref import WeakKeyDictionary

from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider
from sqlalchemy.exc import DBAPIError, IntegrityError, ProgrammingError

from crawler.ending import end_crawl

logger = logging.getLogger(__name__)
UNWRITABLE = "failed: archive not writable"
COUNTER = "tinbao/errors/archive_write"
_REFUSING_OS_ERRORS = {
    errno.ENOSPC,
    errno.EROFS,
    errno.EDQUOT,
    errno.EACCES,
    errno.EPERM,
    errno.EIO,
}
_stopped: WeakKeyDictionary[Crawler, str] = WeakKeyDictionary()


class ArchiveRefused(CloseSpider):
    """A write the archive refused; the crawl is ending with `reason`. Raised out of a
    spider_opened handler it closes the crawl there (Scrapy honours CloseSpider from one); a
    pipeline drops its item instead."""


def refusal(error: BaseException) -> str | None:
    """The cause, in a few words, when `error` is the archive refusing a write; None when it is
    something else (a bug)."""
    if isinstance(error, DBAPIError) and not isinstance(error, IntegrityError | ProgrammingError):
        lines = str(error.orig or error).strip().splitlines()
        return lines[0].strip() if lines else type(error).__name__
    if isinstance(error, OSError) and error.errno in _REFUSING_OS_ERRORS:
        return error.strerror or str(error)
    return None


def stop_reason(crawler: Crawler) -> str | None:
    """The close reason of a crawl whose archive refused a write; None while it has not."""
    return _stopped.get(crawler)


@contextmanager
def guard(crawler: Crawler, what: str) -> Iterator[None]:
    """Run a write of `what` (e.g. "article", "crawl run"); a refusal ends the crawl and is
    raised as ArchiveRefused for the caller to drop what it was writing."""
    try:
        yield
    except Exception as exc:
        cause = refusal(exc)
        if cause is None:
            raise
        refused(crawler, what, cause)
        raise ArchiveRefused(f"{UNWRITABLE}: {cause}") from None


def refused(crawler: Crawler, what: str, cause: str) -> None:
    """Count a refused write; the first one ends the crawl with its cause."""
    if crawler.stats is not None:
        crawler.stats.inc_value(COUNTER)
    if crawler in _stopped:
        return
    reason = _stopped[crawler] = f"{UNWRITABLE}: {cause}"
    logger.error("the archive refused to store %s (%s): stopping the crawl", what, cause)
    if crawler.engine is not None and crawler.engine.running:
        end_crawl(crawler, reason)  # while it is opening, ArchiveRefused closes it
