"""A circuit breaker per crawl: after many failures in a row (5xx, 429, timeouts, refused
connections) the site is down or blocking us, and hammering it further helps nobody. The crawl
ends, and its crawl_runs row says why (status "circuit_breaker: ...")."""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import _schedule_coro

logger = logging.getLogger(__name__)


class CircuitBreaker:
    def __init__(self, crawler: Crawler, threshold: int):
        self.crawler = crawler
        self.threshold = threshold
        self.failures = 0
        self.open = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CircuitBreaker:
        threshold = crawler.settings.getint("TINBAO_CIRCUIT_BREAKER_FAILURES", 20)
        if threshold <= 0:
            raise NotConfigured
        return cls(crawler, threshold)

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status >= 500 or response.status == 429:
            self._failed(f"HTTP {response.status} for {request.url}")
        else:
            self.failures = 0
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if not isinstance(exception, IgnoreRequest):
            self._failed(f"{type(exception).__name__} for {request.url}")

    def _failed(self, what: str) -> None:
        self.failures += 1
        if self.failures < self.threshold or self.open:
            return
        self.open = True
        reason = f"circuit_breaker: {self.failures} failures in a row"
        logger.error("ending the crawl: %s, the last %s", reason, what)
        assert self.crawler.engine is not None
        _schedule_coro(self.crawler.engine.close_spider_async(reason=reason))
