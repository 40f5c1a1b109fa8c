"""Scrapy's retry, plus what it lacks: a 429 or 503 with `Retry-After` pauses the host for as
long as the server asks (capped), and any other retry waits with exponential backoff.

Scrapy's RetryMiddleware re-queues a failed request at once; a struggling news site then gets
the same request again within milliseconds.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.response import response_status_message

from crawler.middlewares.pacing import pause_host


def retry_after_seconds(value: str | None, *, now: datetime) -> float | None:
    """Seconds from `now` named by a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - now).total_seconds())


def backoff_seconds(attempt: int, *, base: float, cap: float) -> float:
    """base, 2·base, 4·base, ... for attempts 1, 2, 3, ..., never above cap."""
    return float(min(cap, base * 2 ** max(0, attempt - 1)))


class RetryWithBackoff(RetryMiddleware):
    crawler: Crawler
    base: float = 2.0  # seconds before the first retry (TINBAO_BACKOFF_BASE)
    cap: float = 60.0  # the longest wait between two attempts (TINBAO_BACKOFF_MAX)
    retry_after_cap: float = 600.0  # the longest Retry-After honoured (TINBAO_MAX_RETRY_AFTER)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryWithBackoff:
        middleware = cls(crawler.settings)
        middleware.crawler = crawler
        middleware.base = crawler.settings.getfloat("TINBAO_BACKOFF_BASE", cls.base)
        middleware.cap = crawler.settings.getfloat("TINBAO_BACKOFF_MAX", cls.cap)
        middleware.retry_after_cap = crawler.settings.getfloat(
            "TINBAO_MAX_RETRY_AFTER", cls.retry_after_cap
        )
        return middleware

    def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        header = response.headers.get(b"Retry-After")
        asked = None
        if response.status in (429, 503) and header:
            asked = retry_after_seconds(header.decode("latin-1"), now=datetime.now(UTC))
        if asked is not None:
            self._pause(
                request, min(asked, self.retry_after_cap), f"Retry-After on {response.status}"
            )
        else:
            self._pause(request, self._backoff(retry), f"HTTP {response.status}")
        return retry

    def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        retry = super().process_exception(request, exception)
        if isinstance(retry, Request):
            self._pause(request, self._backoff(retry), type(exception).__name__)
        return retry

    def _backoff(self, retry: Request) -> float:
        return backoff_seconds(int(retry.meta.get("retry_times", 1)), base=self.base, cap=self.cap)

    def _pause(self, request: Request, seconds: float, reason: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("tinbao/pacing/pauses")
        netloc = urlparse_cached(request).netloc
        self.crawler.signals.send_catch_log(
            signal=pause_host, netloc=netloc, seconds=seconds, reason=reason
        )
