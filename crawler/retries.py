"""The spider's side of the retry ledger (storage/retry_ledger.py): what to fetch again first,
what waits for its turn, and noting what failed or was reached.

The ledger of one site is small (only URLs that failed), so it is read whole when the crawl
starts and kept in memory; a failure or a settled entry is written at once, in its own short
transaction, so that a crawl killed with -9 loses none of them. When a crawl has no archive
(unit tests of the spider) nothing is read or written.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings
from sqlalchemy import Engine
from twisted.python.failure import Failure

from crawler.archive_writes import guard
from crawler.errors import is_ending, is_transient
from storage import (
    Retry,
    RetryPolicy,
    forget_validators,
    load_retries,
    make_sessionmaker,
    note_failure,
    open_archive,
    settle_retries,
)
from storage.retry_ledger import GIVEN_UP

logger = logging.getLogger(__name__)
NEVER = 2**31 - 1  # the failures after which an entry point would be given up: none


def retry_policy(settings: BaseSettings) -> RetryPolicy:
    """TINBAO_RETRY_LIMIT failed crawls before a URL is given up (default 8), and the
    TINBAO_RETRY_SPACING seconds (3600) after the second, doubled after each next one."""
    return RetryPolicy(
        limit=settings.getint("TINBAO_RETRY_LIMIT", RetryPolicy.limit),
        spacing=timedelta(
            seconds=settings.getfloat("TINBAO_RETRY_SPACING", RetryPolicy.spacing.total_seconds())
        ),
    )


class Retries:
    def __init__(
        self,
        database_url: str | None,
        site: str,
        policy: RetryPolicy,
        crawler: Crawler,
        *,
        roots: Iterable[str] = (),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.site = site
        self.policy = policy
        # The site's entry points are asked for by every crawl anyway: never given up, never
        # held back; the ledger only makes the crawl after a failure read them in full.
        self.roots = frozenset(roots)
        self.crawler = crawler  # its stats exist once the crawl has started
        self.clock = clock
        self.started = clock()  # what is due is decided once, at the start
        self.engine: Engine | None = open_archive(database_url) if database_url else None
        self.entries: dict[str, Retry] = {}
        if self.engine is not None:
            with make_sessionmaker(self.engine)() as session:
                self.entries = load_retries(session, site)

    def first(self, is_known: Callable[[str], bool]) -> list[tuple[str, str]]:
        """The (url, kind) pairs to fetch again in this crawl, before anything else: those due,
        but for the site's entry points (requested anyway, read in full when they failed: see
        `holds`) and articles stored since under another of their URLs (settled here)."""
        due = []
        for entry in list(self.entries.values()):  # reached() deletes
            if not entry.is_due(self.started) or entry.url in self.roots:
                continue
            if entry.kind == "article" and is_known(entry.url):
                self.reached(entry.url)
            else:
                due.append((entry.url, entry.kind))
        self._count("retries/due", len(due))
        return due

    def holds(self, url: str) -> bool:
        """Whether `url` failed before (whatever its state): read it in full when fetched."""
        return url in self.entries

    def waiting(self, url: str) -> bool:
        """Whether an incremental crawl should leave `url` alone: not due yet, or given up."""
        entry = self.entries.get(url)
        if entry is None or entry.is_due(self.started) or url in self.roots:
            return False
        self._count("links/given_up" if entry.state == GIVEN_UP else "links/retry_later")
        return True

    def failed(self, url: str, kind: str, error: str) -> None:
        """`url` failed for good in this crawl with a passing `error`: count it in the ledger
        (and forget the validators of a feed, sitemap or listing page, so it is read again)."""
        if self.engine is None:
            return
        now = self.clock()
        policy = dataclasses.replace(self.policy, limit=NEVER) if url in self.roots else self.policy
        with guard(self.crawler, f"the failure of {url}"):
            entry = self._note_failure(url, kind, error, now, policy)
        was_given_up = self.entries.get(url, entry).state == GIVEN_UP
        self.entries[url] = entry
        self._count("retries/failed")
        if entry.state == GIVEN_UP and not was_given_up:
            self._count("retries/given_up")
            logger.warning("given up after %d failed crawls (%s): %s", entry.failures, error, url)
        elif entry.due_at is not None:
            logger.info("%s failed (%s, %d crawls): to fetch again from %s", url, error,
                        entry.failures, entry.due_at.isoformat())  # fmt: skip

    def _note_failure(
        self, url: str, kind: str, error: str, now: datetime, policy: RetryPolicy
    ) -> Retry:
        assert self.engine is not None
        with make_sessionmaker(self.engine).begin() as session:
            entry = note_failure(session, self.site, url, kind, error, now=now, policy=policy)
            if kind != "article":
                forget_validators(session, [url])
        return entry

    def ended(self, url: str, kind: str, failure: Failure, error: str | None) -> None:
        """A request for `url` failed for good in this crawl (its errback): noted when the
        failure may pass, settled when it is an answer for good (404, robots.txt, a 304), left
        as it was when the crawl ending dropped it untried."""
        if is_transient(failure):
            self.failed(url, kind, error or "dropped")
        elif not is_ending(failure.value):
            self.reached(url)

    def reached(self, url: str) -> None:
        """`url` was answered (or found gone for good): it leaves the ledger."""
        if url not in self.entries or self.engine is None:
            return
        with (
            guard(self.crawler, f"the recovery of {url}"),
            make_sessionmaker(self.engine).begin() as session,
        ):
            settle_retries(session, self.site, [url])
        del self.entries[url]
        self._count("retries/recovered")

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()

    def _count(self, name: str, count: int = 1) -> None:
        if count and self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"tinbao/{name}", count)
