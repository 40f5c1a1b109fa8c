"""Politeness for a site as a whole when several processes crawl it from one shared frontier:
its concurrency and its spacing kept in Redis, not multiplied by the number of processes.

Each process alone keeps CONCURRENT_REQUESTS_PER_DOMAIN, DOWNLOAD_DELAY, AutoThrottle and
Crawl-delay (HostPacing) for itself; N processes would be N times as hard on the site. So,
before a download, this middleware (last before the downloader) takes one of the host's slots
in Redis — a sorted set of holders scored by their expiry, at most CONCURRENT_REQUESTS_PER_DOMAIN
of them — and only when the host's next-start time has passed, which it then pushes on by the
host's spacing (the larger of DOWNLOAD_DELAY and its robots.txt Crawl-delay). It gives the
slot back at the response or the error. Both steps are one Lua script on Redis's clock, so the
processes' clocks need not agree; a process killed mid-download leaves a slot that expires
after DOWNLOAD_TIMEOUT. A pause asked for locally (`pause_host`: Retry-After, backoff) is
pushed to the shared next-start time, so every process honours it.

Off unless the crawl uses a shared frontier (TINBAO_FRONTIER).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached

from crawler.ending import DROPPED, ENDING, crawl_ending
from crawler.frontier.keys import FrontierKeys
from crawler.frontier.settings import frontier_url
from crawler.middlewares.pacing import pause_host
from crawler.supervised import holder_for

logger = logging.getLogger(__name__)
SLOT = "tinbao_shared_slot"  # request meta: (slots key, holder) while it holds a slot
FULL_POLL = 0.05  # seconds between two tries for a slot while all are taken
SLOT_MARGIN = 5.0  # seconds a killed process's slot outlives the download timeout

_NOW = "local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000) "
# KEYS: slots, next start. ARGV: holder, slots, spacing ms, slot expiry ms.
# 0: taken; -1: every slot taken; n > 0: wait n ms for the spacing.
ACQUIRE = (
    _NOW
    + """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return -1 end
local start = tonumber(redis.call('GET', KEYS[2]) or '0')
if start > now then return start - now end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[1])
redis.call('SET', KEYS[2], now + tonumber(ARGV[3]), 'PX', tonumber(ARGV[3]) + 60000)
return 0
"""
)
# KEYS: next start. ARGV: pause ms. The next start no earlier than now + pause.
PAUSE = (
    _NOW
    + """
local until_ = now + tonumber(ARGV[1])
if until_ > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], until_, 'PX', tonumber(ARGV[1]) + 60000)
end
return 0
"""
)


class SharedHostPacing:
    def __init__(self, crawler: Crawler, site: str):
        # imported here: scrapy-redis is the optional [frontier] extra
        from scrapy_redis.connection import get_redis_from_settings

        settings = crawler.settings
        self.crawler = crawler
        self.keys = FrontierKeys.for_site(site, settings.get("TINBAO_FRONTIER_KEY", ""))
        self.server = get_redis_from_settings(settings)
        self.size = max(1, settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN", 2))
        self.delay = settings.getfloat("DOWNLOAD_DELAY", 0.0)
        self.max_delay = settings.getfloat("TINBAO_MAX_CRAWL_DELAY", 60.0)
        self.expiry = settings.getfloat("DOWNLOAD_TIMEOUT", 30.0) + SLOT_MARGIN
        self.user_agent = str(settings.get("USER_AGENT", "tinbao"))
        self.node = holder_for(crawler, settings.get("TINBAO_CLAIM_TOKEN"))
        self.spacing: dict[str, float] = {}
        self.counter = itertools.count()
        self.ending = False
        self._acquire = self.server.register_script(ACQUIRE)
        self._pause = self.server.register_script(PAUSE)
        crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(self.pause, signal=pause_host)
        crawler.signals.connect(self.crawl_ending, signal=crawl_ending)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedHostPacing:
        if not frontier_url(crawler.settings) or crawler.spidercls is None:
            raise NotConfigured
        return cls(crawler, str(crawler.spidercls.name))

    def robots_parsed(self, robotparser: Any, request: Request) -> None:
        crawl_delay = getattr(robotparser, "crawl_delay", None)
        delay = crawl_delay(self.user_agent) if callable(crawl_delay) else None
        if delay:
            self.spacing[urlparse_cached(request).netloc] = min(float(delay), self.max_delay)

    def pause(self, netloc: str, seconds: float, reason: str) -> None:
        self._pause(keys=[self.keys.next_start(netloc)], args=[int(seconds * 1000)])

    def crawl_ending(self, reason: str) -> None:
        self.ending = True

    async def process_request(self, request: Request) -> None:
        netloc = urlparse_cached(request).netloc
        slots = self.keys.slots(netloc)
        holder = f"{self.node}:{next(self.counter)}"
        spacing = max(self.delay, self.spacing.get(netloc, 0.0))
        args = [holder, self.size, int(spacing * 1000), int(self.expiry * 1000)]
        while not self.ending:
            wait = int(self._acquire(keys=[slots, self.keys.next_start(netloc)], args=args))
            if wait == 0:
                request.meta[SLOT] = (slots, holder)
                return
            self._count("waits")
            await asyncio.sleep(FULL_POLL if wait < 0 else wait / 1000)
        request.meta[DROPPED] = True
        raise IgnoreRequest(ENDING)

    def process_response(self, request: Request, response: Response) -> Response:
        self._release(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._release(request)

    def _release(self, request: Request) -> None:
        held = request.meta.pop(SLOT, None)
        if held is not None:
            slots, holder = held
            self.server.zrem(slots, holder)

    def _count(self, name: str) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"tinbao/frontier/pacing/{name}")
