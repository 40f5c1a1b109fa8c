"""The spider's side of the retry ledger (storage/retry_ledger.py): what to fetch again first,
what waits for its turn, and noting what failed or was reached.

The ledger of one site is small (only URLs that failed), so it is read whole when the crawl
starts and kept in memory; a failure or a settled entry is written at once, in its own short
transaction, so that a crawl killed with -9 loses none of them. When a crawl has no archive
(unit tests of the spider) nothing is read or written.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings
from sqlalchemy import Engine

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
        now: datetime | None = None,
    ) -> None:
        self.site = site
        self.policy = policy
        self.crawler = crawler  # its stats exist once the crawl has started
        self.started = now or datetime.now(UTC)  # what is due is decided once, at the start
        self.engine: Engine | None = open_archive(database_url) if database_url else None
        self.entries: dict[str, Retry] = {}
        if self.engine is not None:
            with make_sessionmaker(self.engine)() as session:
                self.entries = load_retries(session, site)

    def due(self) -> list[Retry]:
        """The URLs to fetch again in this crawl, first."""
        due = [entry for entry in self.entries.values() if entry.is_due(self.started)]
        self._count("retries/due", len(due))
        return due

    def holds(self, url: str) -> bool:
        """Whether `url` failed before (whatever its state): read it in full when fetched."""
        return url in self.entries

    def waiting(self, url: str) -> bool:
        """Whether an incremental crawl should leave `url` alone: not due yet, or given up."""
        entry = self.entries.get(url)
        if entry is None or entry.is_due(self.started):
            return False
        self._count("links/given_up" if entry.state == GIVEN_UP else "links/retry_later")
        return True

    def failed(self, url: str, kind: str, error: str) -> None:
        """`url` failed for good in this crawl with a passing `error`: count it in the ledger
        (and forget the validators of a feed, sitemap or listing page, so it is read again)."""
        if self.engine is None:
            return
        now = datetime.now(UTC)
        with make_sessionmaker(self.engine).begin() as session:
            entry = note_failure(session, self.site, url, kind, error, now=now,
                                 policy=self.policy)  # fmt: skip
            if kind != "article":
                forget_validators(session, [url])
        was_given_up = self.entries.get(url, entry).state == GIVEN_UP
        self.entries[url] = entry
        self._count("retries/failed")
        if entry.state == GIVEN_UP and not was_given_up:
            self._count("retries/given_up")
            logger.warning("given up after %d failed crawls (%s): %s", entry.failures, error, url)
        elif entry.due_at is not None:
            logger.info("%s failed (%s, %d crawls): to fetch again from %s", url, error,
                        entry.failures, entry.due_at.isoformat())  # fmt: skip

    def reached(self, url: str) -> None:
        """`url` was answered (or found gone for good): it leaves the ledger."""
        if url not in self.entries or self.engine is None:
            return
        with make_sessionmaker(self.engine).begin() as session:
            settle_retries(session, self.site, [url])
        del self.entries[url]
        self._count("retries/recovered")

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()

    def _count(self, name: str, count: int = 1) -> None:
        if count and self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"tinbao/{name}", count)
