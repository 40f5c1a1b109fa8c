"""A live progress line for a crawl run on a terminal: pages, articles new and updated, errors,
the rate. tqdm draws it on stderr; log lines are written above it, so it stays the last line.
It is off when stderr is not a terminal (a daemon's log, a pipe) or TINBAO_PROGRESS is False.

    baocantho: 412 pages, 37 new, 2 updated, 3 errors [02:05, 3.29 pages/s]
"""

from __future__ import annotations

import logging
import os
import sys
from typing import IO, Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call
from tqdm import tqdm

from crawler.extensions.crawl_runs import run_counts

REFRESH_SECONDS = 1.0
FORMAT = "{desc}: {n_fmt} pages{postfix} [{elapsed}, {rate_fmt}]"  # postfix: ", 3 new, ..."
FALLBACK_SIZE = (100, 24)


class CrawlProgress:
    def __init__(self, crawler: Crawler, stream: IO[str]) -> None:
        self.crawler = crawler
        self.stream = stream
        self.bar: Any = None  # a tqdm bar
        self.ticker: Any = None
        self.handlers: list[tuple[logging.StreamHandler[Any], IO[str]]] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlProgress:
        if not crawler.settings.getbool("TINBAO_PROGRESS", True) or not sys.stderr.isatty():
            raise NotConfigured
        extension = cls(crawler, sys.stderr)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.bar = tqdm(desc=spider.name, unit=" pages", file=self.stream, bar_format=FORMAT,
                        leave=False, postfix="0 new, 0 updated, 0 errors",
                        **_shape(self.stream))  # fmt: skip
        self._write_logs_above_the_bar()
        self.ticker = create_looping_call(self.refresh)
        self.ticker.start(REFRESH_SECONDS, now=False)

    def refresh(self) -> None:
        if self.bar is None or self.crawler.stats is None:
            return
        counts = run_counts(self.crawler.stats.get_stats())
        self.bar.n = counts.pages_fetched
        self.bar.set_postfix_str(f"{counts.articles_new} new, {counts.articles_updated} updated, "
                                 f"{counts.errors} errors", refresh=False)  # fmt: skip
        self.bar.refresh()

    def spider_closed(self, spider: Spider) -> None:
        if self.ticker is not None and self.ticker.running:
            self.ticker.stop()
        for handler, stream in self.handlers:
            handler.setStream(stream)
        if self.bar is not None:
            self.bar.close()  # leave=False: the line is erased; the summary line follows

    def _write_logs_above_the_bar(self) -> None:
        """Point the console log handlers (Scrapy's, on the root logger) at a stream that clears
        the bar, writes the line and draws the bar again; their level and format are kept."""
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.StreamHandler) and handler.stream is self.stream:
                self.handlers.append((handler, handler.stream))
                handler.setStream(_AboveTheBar(self.stream))


def _shape(stream: IO[str]) -> dict[str, Any]:
    """tqdm follows the terminal's size; a terminal that reports none (0 x 0, as some ptys
    do) gets a fixed one, else tqdm would draw nothing."""
    try:
        size = os.get_terminal_size(stream.fileno())
    except (OSError, ValueError):
        size = os.terminal_size((0, 0))
    if size.columns and size.lines:
        return {"dynamic_ncols": True}
    return {"ncols": FALLBACK_SIZE[0], "nrows": FALLBACK_SIZE[1]}


class _AboveTheBar:
    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        with tqdm.external_write_mode(file=self.stream):
            return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()
