"""Record every crawl in the archive's `crawl_runs` table, from its start to how it ended.

The row is written when the spider opens (status "running"), so a crawl that is killed still
leaves a trace, and completed with the crawl's counts when it closes; its status is the close
reason, whose exit status crawler/outcome.py defines. `summary_line` says the same in one line
for the person or the daemon that started the crawl.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from sqlalchemy import Engine

from crawler.archive_writes import ArchiveRefused, guard, stop_reason
from crawler.outcome import MEANING, exit_code
from crawler.supervised import holder_for
from storage import RunCounts, finish_run, make_sessionmaker, open_archive, start_run

logger = logging.getLogger(__name__)
ERRORS = "tinbao/errors/"


class RecordCrawlRun:
    def __init__(self, crawler: Crawler, database_url: str):
        self.crawler = crawler
        self.database_url = database_url
        self.run_id: int | None = None
        self.engine: Engine | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RecordCrawlRun:
        if not crawler.settings.getbool("TINBAO_RECORD_RUNS", True):
            raise NotConfigured
        extension = cls(crawler, crawler.settings.get("TINBAO_DATABASE_URL"))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        with guard(self.crawler, "the crawl's run"):
            self.engine = open_archive(self.database_url)
            with make_sessionmaker(self.engine).begin() as session:
                holder = holder_for(self.crawler, self.crawler.settings.get("TINBAO_CLAIM_TOKEN"))
                run = start_run(session, spider.name, started_at=datetime.now(UTC), holder=holder)
                self.run_id = run.id

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.run_id is None or self.engine is None:
            return
        assert self.crawler.stats is not None
        stats = self.crawler.stats.get_stats()
        try:
            with (
                guard(self.crawler, "the end of the crawl's run"),
                make_sessionmaker(self.engine).begin() as session,
            ):
                finish_run(
                    session,
                    self.run_id,
                    finished_at=datetime.now(UTC),
                    status=stop_reason(self.crawler) or reason,
                    counts=run_counts(stats),
                    stats={k: v for k, v in stats.items() if k.startswith("tinbao/")},
                )
        except ArchiveRefused:
            return  # said in one line; the next crawl of the site settles the run as lost
        finally:
            self.engine.dispose()
        logger.info("crawl of %s recorded as run %d (%s)", spider.name, self.run_id, reason)


def run_counts(stats: Mapping[str, Any]) -> RunCounts:
    """The crawl_runs counters from Scrapy's stats."""
    errors = sum(v for k, v in stats.items() if k.startswith(ERRORS))
    return RunCounts(
        pages_fetched=int(stats.get("downloader/response_count", 0)),
        articles_new=int(stats.get("tinbao/articles/new", 0)),
        articles_updated=int(stats.get("tinbao/articles/updated", 0)),
        duplicates=int(stats.get("tinbao/articles/duplicate", 0)),
        errors=int(errors + stats.get("spider_exceptions/count", 0)),
    )


def error_kinds(stats: Mapping[str, Any]) -> dict[str, int]:
    """Errors by kind, the most frequent first: {"timeout": 3, "http_404": 1}."""
    kinds = {k.removeprefix(ERRORS): int(v) for k, v in stats.items() if k.startswith(ERRORS)}
    if stats.get("spider_exceptions/count"):
        kinds["spider_exception"] = int(stats["spider_exceptions/count"])
    return dict(sorted(kinds.items(), key=lambda item: (-item[1], item[0])))


def summary_line(site: str, reason: str | None, stats: Mapping[str, Any]) -> str:
    """What a crawl did, in one line: "crawl of baocantho finished in 2m05s: 412 pages, 37 new,
    2 updated, 1 duplicates, 3 errors (http_404 2, timeout 1); exit 0 (completed)"."""
    counts = run_counts(stats)
    kinds = ", ".join(f"{kind} {n}" for kind, n in error_kinds(stats).items())
    code = exit_code(reason)
    return (
        f"crawl of {site} {reason or 'never closed'} in "
        f"{duration(float(stats.get('elapsed_time_seconds', 0)))}: {counts.pages_fetched} pages, "
        f"{counts.articles_new} new, {counts.articles_updated} updated, {counts.duplicates} "
        f"duplicates, {counts.errors} errors{f' ({kinds})' if kinds else ''}; "
        f"exit {code} ({MEANING[code]})"
    )


def duration(seconds: float) -> str:
    """ "45s", "2m05s", "1h02m"."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return f"{whole // 60}m{whole % 60:02d}s"
    return f"{whole // 3600}h{whole % 3600 // 60:02d}m"
