"""Downloader middlewares of tinbao: conditional requests, per-host pacing (Crawl-delay,
Retry-After, backoff), retries with backoff, a circuit breaker, and the politeness of a site
crawled by several processes from one shared frontier."""

from crawler.middlewares.breaker import CircuitBreaker
from crawler.middlewares.capture import CaptureRawPages
from crawler.middlewares.conditional import ConditionalRequests, NotModified
from crawler.middlewares.pacing import HostPacing, pause_host
from crawler.middlewares.redirects import RedirectGuard
from crawler.middlewares.retry import RetryWithBackoff
from crawler.middlewares.shared_pacing import SharedHostPacing

__all__ = [
    "CaptureRawPages",
    "CircuitBreaker",
    "ConditionalRequests",
    "HostPacing",
    "NotModified",
    "RedirectGuard",
    "RetryWithBackoff",
    "SharedHostPacing",
    "pause_host",
]
