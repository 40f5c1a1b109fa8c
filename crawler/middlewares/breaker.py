"""Is the site answering? A circuit breaker per crawl, and the judge of an unreachable site.

After many failures in a row (5xx, 429, timeouts, refused connections) the site is down or
blocking us, and hammering it further helps nobody: the crawl ends at once (crawler/ending.py),
its crawl_runs row saying why ("circuit_breaker: N failures in a row") and when the breaker
opened (`tinbao/breaker/opened_at`).

A crawl in which no request got any answer at all (DNS, refused connections, TLS handshakes,
timeouts: not even robots.txt answered) did not crawl the site, however it ended: it closes as
"failed: unreachable" (crawler/outcome.py: exit status 1), whether the breaker tripped or the
crawl ran out of requests.

Failures are counted by kind in `tinbao/errors/<kind>`: a request that failed for good by the
spider, robots.txt (which has no errback) here, and so are the requests whose retry a crawl
ended early drops (they failed; nothing will try them again in this crawl). Every failed
attempt is also counted in `tinbao/attempts/<kind>`.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import CloseSpider, IgnoreRequest, NotConfigured
from scrapy.http import Response

from crawler import errors  # the module: crawler.errors imports this package in turn
from crawler.ending import crawl_ending, end_crawl
from crawler.outcome import UNREACHABLE

logger = logging.getLogger(__name__)


class CircuitBreaker:
    def __init__(self, crawler: Crawler, threshold: int):
        self.crawler = crawler
        self.threshold = threshold  # 0: never trips (the site is still judged reachable or not)
        self.failures = 0  # in a row
        self.answers = 0  # responses of any status: the site was reached
        self.network_failures = 0
        self.open = False
        self.retrying: dict[str, str] = {}  # URL -> kind of the failure its pending retry follows
        try:
            self.retry: RetryMiddleware | None = RetryMiddleware(crawler.settings)
        except NotConfigured:
            self.retry = None
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.count_dropped_retries, signal=crawl_ending)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CircuitBreaker:
        return cls(crawler, max(0, crawler.settings.getint("TINBAO_CIRCUIT_BREAKER_FAILURES", 20)))

    def process_response(self, request: Request, response: Response) -> Response:
        self.answers += 1
        if response.status >= 500 or response.status == 429:
            kind = f"http_{response.status}"
            self._note(
                request, kind, retried=self._retried(request, response.status in self._codes)
            )
            self._failed(f"HTTP {response.status} for {request.url}")
        else:
            self.retrying.pop(request.url, None)
            self.failures = 0
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if isinstance(exception, IgnoreRequest):
            return
        self.network_failures += 1
        kind = errors.error_kind(exception) or "other"
        retryable = self.retry is not None and isinstance(exception, self.retry.exceptions_to_retry)
        retried = self._retried(request, retryable)
        self._note(request, kind, retried=retried)
        if request.meta.get("dont_obey_robotstxt") and not retried:
            self._count(f"errors/{kind}")  # robots.txt has no errback that would count it
        self._failed(f"{kind} for {request.url}")

    @property
    def unreachable(self) -> bool:
        """True when requests failed and none was answered."""
        return self.answers == 0 and self.network_failures > 0

    def spider_idle(self) -> None:
        if self.unreachable and not self.open:
            self.open = True
            logger.error("ending the crawl: %s (%d requests failed, none was answered)",
                         UNREACHABLE, self.network_failures)  # fmt: skip
            raise CloseSpider(UNREACHABLE)

    def count_dropped_retries(self, reason: str) -> None:
        """The crawl is ending: the retries still pending will not happen; their failures
        count."""
        for kind in self.retrying.values():
            self._count(f"errors/{kind}")
        self.retrying.clear()

    @property
    def _codes(self) -> set[int]:
        return self.retry.retry_http_codes if self.retry is not None else set()

    def _retried(self, request: Request, retryable: bool) -> bool:
        """Whether the retry middleware will try this failed request again."""
        if self.retry is None or not retryable or request.meta.get("dont_retry"):
            return False
        allowed = int(request.meta.get("max_retry_times", self.retry.max_retry_times))
        return int(request.meta.get("retry_times", 0)) < allowed

    def _note(self, request: Request, kind: str, *, retried: bool) -> None:
        self._count(f"attempts/{kind}")
        if retried:
            self.retrying[request.url] = kind
        else:
            self.retrying.pop(request.url, None)  # failed for good: the spider counts it

    def _failed(self, what: str) -> None:
        self.failures += 1
        if not self.threshold or self.failures < self.threshold or self.open:
            return
        self.open = True
        self._set("breaker/opened_at", datetime.now(UTC).isoformat())
        if self.unreachable:
            reason = UNREACHABLE
            logger.error("ending the crawl: %s (%d requests failed, none was answered), the "
                         "last %s", reason, self.failures, what)  # fmt: skip
        else:
            reason = f"circuit_breaker: {self.failures} failures in a row"
            logger.error("ending the crawl: %s, the last %s", reason, what)
        end_crawl(self.crawler, reason)

    def _count(self, name: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"tinbao/{name}")

    def _set(self, name: str, value: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.set_value(f"tinbao/{name}", value)
