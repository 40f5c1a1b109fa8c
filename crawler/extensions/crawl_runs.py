"""Record every crawl in the archive's `crawl_runs` table, from its start to how it ended.

The row is written when the spider opens (status "running"), so a crawl that is killed still
leaves a trace, and completed with the crawl's counts when it closes.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.supervised import holder_for
from storage import RunCounts, finish_run, make_sessionmaker, open_archive, start_run

logger = logging.getLogger(__name__)


class RecordCrawlRun:
    def __init__(self, crawler: Crawler, database_url: str):
        self.crawler = crawler
        self.database_url = database_url
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RecordCrawlRun:
        if not crawler.settings.getbool("TINBAO_RECORD_RUNS", True):
            raise NotConfigured
        extension = cls(crawler, crawler.settings.get("TINBAO_DATABASE_URL"))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        engine = open_archive(self.database_url)
        try:
            with make_sessionmaker(engine).begin() as session:
                holder = holder_for(self.crawler, self.crawler.settings.get("TINBAO_CLAIM_TOKEN"))
                run = start_run(session, spider.name, started_at=datetime.now(UTC), holder=holder)
                self.run_id = run.id
        finally:
            engine.dispose()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.run_id is None:
            return
        assert self.crawler.stats is not None
        stats = self.crawler.stats.get_stats()
        counts = run_counts(stats)
        engine = open_archive(self.database_url)
        try:
            with make_sessionmaker(engine).begin() as session:
                finish_run(
                    session,
                    self.run_id,
                    finished_at=datetime.now(UTC),
                    status=reason,
                    counts=counts,
                    stats={k: v for k, v in stats.items() if k.startswith("tinbao/")},
                )
        finally:
            engine.dispose()
        logger.info(
            "crawl of %s %s: %d pages, %d new, %d updated, %d duplicates, %d errors",
            spider.name, reason, counts.pages_fetched, counts.articles_new,
            counts.articles_updated, counts.duplicates, counts.errors,
        )  # fmt: skip


def run_counts(stats: dict[str, Any]) -> RunCounts:
    """The crawl_runs counters from Scrapy's stats."""
    errors = sum(v for k, v in stats.items() if k.startswith("tinbao/errors/"))
    return RunCounts(
        pages_fetched=int(stats.get("downloader/response_count", 0)),
        articles_new=int(stats.get("tinbao/articles/new", 0)),
        articles_updated=int(stats.get("tinbao/articles/updated", 0)),
        duplicates=int(stats.get("tinbao/articles/duplicate", 0)),
        errors=int(errors + stats.get("spider_exceptions/count", 0)),
    )
