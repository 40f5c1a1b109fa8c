"""Per-host pacing on top of AutoThrottle: robots.txt `Crawl-delay` as the least spacing between
two requests to a host, and pauses of the whole host — asked for by the server (Retry-After) or
chosen after a failure (exponential backoff; see retry.py).

Other components ask for a pause by sending the `pause_host` signal, so none of them needs a
reference to this middleware. When the crawl is ending (crawler/ending.py), requests waiting
out a pause stop waiting and are dropped, and no new one starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached

from crawler.ending import DROPPED, ENDING, crawl_ending

logger = logging.getLogger(__name__)

pause_host = object()
"""Signal: pause_host(netloc: str, seconds: float, reason: str) — no request to `netloc` starts
for `seconds` from now."""


class HostPacing:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.user_agent = str(crawler.settings.get("USER_AGENT", "tinbao"))
        self.max_delay = crawler.settings.getfloat("TINBAO_MAX_CRAWL_DELAY", 60.0)
        self.spacing: dict[str, float] = {}
        self.next_start: dict[str, float] = {}
        self.turns: dict[str, asyncio.Lock] = {}
        self.ending: asyncio.Event | None = None  # made in the event loop, on first use
        crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(self.pause, signal=pause_host)
        crawler.signals.connect(self.crawl_ending, signal=crawl_ending)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostPacing:
        return cls(crawler)

    def robots_parsed(self, robotparser: Any, request: Request) -> None:
        crawl_delay = getattr(robotparser, "crawl_delay", None)
        delay = crawl_delay(self.user_agent) if callable(crawl_delay) else None
        if delay:
            netloc = urlparse_cached(request).netloc
            self.spacing[netloc] = min(float(delay), self.max_delay)
            self._count("crawl_delay", int(self.spacing[netloc]))
            logger.info("robots.txt of %s asks for %.1fs between requests", netloc, delay)

    def pause(self, netloc: str, seconds: float, reason: str) -> None:
        until = time.monotonic() + seconds
        if until > self.next_start.get(netloc, 0.0):
            self.next_start[netloc] = until
            logger.info("pausing %s for %.1fs (%s)", netloc, seconds, reason)

    def crawl_ending(self, reason: str) -> None:
        self._ending().set()

    async def process_request(self, request: Request) -> None:
        if request.meta.get("dont_obey_robotstxt"):
            return  # robots.txt itself, fetched before anything else
        ending = self._ending()
        netloc = urlparse_cached(request).netloc
        # One request of a host waits at a time, in the order they came (the lock is fair), and
        # its turn is taken when it leaves, not booked when it came: a waiter woken late (the
        # reactor busy, e.g. while the extraction workers start) would otherwise let the next
        # one go less than Crawl-delay after it.
        async with self.turns.setdefault(netloc, asyncio.Lock()):
            while not ending.is_set():
                now = time.monotonic()
                start = self.next_start.get(netloc, 0.0)
                if start <= now:
                    self.next_start[netloc] = now + self.spacing.get(netloc, 0.0)
                    return
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(ending.wait(), start - now)
        request.meta[DROPPED] = True
        raise IgnoreRequest(ENDING)

    def _ending(self) -> asyncio.Event:
        if self.ending is None:
            self.ending = asyncio.Event()
        return self.ending

    def _count(self, name: str, value: int) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.set_value(f"tinbao/pacing/{name}", value)
