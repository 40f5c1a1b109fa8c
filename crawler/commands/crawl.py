"""`scrapy crawl <site>` as tinbao runs it: Scrapy's command, plus the exit-code contract.

Scrapy's own `crawl` exits 0 whatever happened once the crawl started (1 only when it could not
start), so a cron job or a daemon reading the status would see success for a crawl that reached
nothing. This one exits with `outcome.exit_code` of the close reason, turns the mistakes of a
setup (an unknown site, a bad archive URL, an archive behind the code) into one line and exit
status 2, and ends with one summary line on stderr, shown whatever LOG_LEVEL is:

    crawl of baocantho finished in 2m05s: 412 pages, 37 new, 2 updated, 1 duplicates,
    3 errors (http_404 2, timeout 1); exit 0 (completed)

Library noise is left out of the log (crawler/logformatter.py).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import traceback
from typing import Any

from scrapy.commands.crawl import Command as ScrapyCrawl
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from crawler.archive_writes import stop_reason
from crawler.extensions.crawl_runs import summary_line
from crawler.frontier.settings import frontier_url
from crawler.logformatter import quiet_library_noise
from crawler.outcome import FAILED, USAGE, causes, exit_code, startup_failure
from crawler.registry import unknown_site
from crawler.setting_checks import bad_setting
from storage import BadArchiveUrl
from storage.engine import parse_database_url


class Command(ScrapyCrawl):
    def short_desc(self) -> str:
        return "Crawl one registry site; exit 0 completed, 1 failed, 2 usage error"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            super().run(args, opts)  # Scrapy's usage errors
            return
        assert self.crawler_process is not None and self.settings is not None
        quiet_library_noise()
        key = args[0]
        known = self.crawler_process.spider_loader.list()
        if key not in known:
            self._fail(USAGE, unknown_site(key, known, "scrapy list"))
            return
        try:
            parse_database_url(self.settings.get("TINBAO_DATABASE_URL") or None)
        except BadArchiveUrl as exc:
            self._fail(USAGE, str(exc))
            return
        problem = bad_setting(self.settings)
        if problem is not None:
            self._fail(USAGE, problem)
            return
        if not self._frontier_reached():
            return
        crawler = self._create_crawler(key)
        errors: list[BaseException] = []
        _keep_error(self.crawler_process.crawl(crawler, **opts.spargs), errors)
        self.crawler_process.start()
        if errors:
            self._startup_failed(errors[0])
            return
        stats = crawler.stats.get_stats() if crawler.stats is not None else {}
        # a run whose end could not be recorded did not complete, whatever Scrapy says
        reason = stop_reason(crawler) or stats.get("finish_reason")
        self.exitcode = exit_code(reason)
        print(summary_line(key, reason, stats), file=sys.stderr, flush=True)

    def _frontier_reached(self) -> bool:
        """With a shared frontier (TINBAO_FRONTIER), whether its Redis answers; if not, said
        in one line (exit status 1; 2 for a URL Redis cannot use as given, or without the
        [frontier] extra) rather than as the traceback of a scheduler that could not be built."""
        assert self.settings is not None
        url = frontier_url(self.settings)
        if not url:
            return True
        try:
            from crawler.frontier.status import FrontierUnusable, FrontierUrlWrong, connect
        except ImportError:
            self._fail(USAGE, "TINBAO_FRONTIER needs the [frontier] extra: "
                              "pip install 'tinbao[frontier]'")  # fmt: skip
            return False
        try:
            connect(url).close()
        except FrontierUnusable as exc:
            self._fail(USAGE if isinstance(exc, FrontierUrlWrong) else FAILED, str(exc))
            return False
        return True

    def _startup_failed(self, error: BaseException) -> None:
        known = next(filter(None, map(_known_failure, causes(error))), None)
        if known is None:  # a bug of tinbao's: its traceback is the report
            traceback.print_exception(error, file=sys.stderr)
            self._fail(1, f"the crawl could not start: {type(error).__name__}: {error}")
        else:
            self._fail(*known)

    def _fail(self, status: int, message: str) -> None:
        print(f"tinbao: {message}", file=sys.stderr, flush=True)
        self.exitcode = status


def _known_failure(error: BaseException) -> tuple[int, str] | None:
    """startup_failure's answer, or the one line of a shared frontier that stopped answering."""
    try:
        from crawler.frontier.status import FrontierUnusable  # needs the [frontier] extra
    except ImportError:
        return startup_failure(error)
    if isinstance(error, FrontierUnusable):
        return FAILED, str(error)
    return startup_failure(error)


def _keep_error(started: Any, errors: list[BaseException]) -> None:
    """Collect the exception that stopped the crawl from starting (asyncio task or Deferred),
    so that it is reported once, in one line, instead of logged by the event loop."""

    def from_task(task: asyncio.Task[None]) -> None:
        error = None if task.cancelled() else task.exception()
        if error is not None:
            errors.append(error)

    def from_deferred(failure: Failure) -> None:
        if failure.value is not None:
            errors.append(failure.value)

    if isinstance(started, asyncio.Task):
        started.add_done_callback(from_task)
    elif isinstance(started, Deferred):
        started.addErrback(from_deferred)
