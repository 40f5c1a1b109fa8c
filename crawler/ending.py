"""Ending a crawl at once, with a reason.

Scrapy's `close_spider_async` lets the downloader finish what it holds before the spider
closes: every request queued in a download slot is still sent, one per download delay (with
AutoThrottle at 1 s, sixteen queued requests are sixteen seconds), and requests waiting out a
host pause (HostPacing: a backoff of 2, 4, 8... seconds) are sent once it expires. For a site
that is down that is time and requests wasted after the verdict. `end_crawl` drops them first:
it tells the components holding requests (the `crawl_ending` signal: HostPacing wakes its
sleepers, which then give up), errs the requests queued in the download slots, then closes
the spider. What is already on the wire finishes (at most the per-domain concurrency, each
within DOWNLOAD_TIMEOUT). The dropped requests fail with IgnoreRequest("the crawl is
ending"), which is no error of the site's (crawler/errors.py).
"""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import _schedule_coro

logger = logging.getLogger(__name__)

ENDING = "the crawl is ending"
DROPPED = "tinbao_dropped_unsent"
"""Request meta: the request was dropped unsent because the crawl is ending (a shared frontier
gives it back to the queue: crawler/frontier/scheduler.py)."""
crawl_ending = object()
"""Signal: crawl_ending(reason: str) — the crawl is ending now; drop held requests."""


def end_crawl(crawler: Crawler, reason: str) -> None:
    """Close the crawl with `reason` without sending anything it still holds."""
    engine = crawler.engine
    if engine is None or engine.spider is None:
        return
    crawler.signals.send_catch_log(signal=crawl_ending, reason=reason)
    dropped = drop_queued_downloads(crawler)
    if dropped:
        logger.info("%d queued requests dropped: %s", dropped, ENDING)
    _schedule_coro(engine.close_spider_async(reason=reason))


def drop_queued_downloads(crawler: Crawler) -> int:
    """Fail every request waiting in a download slot (not yet sent); how many there were."""
    assert crawler.engine is not None
    dropped = 0
    for slot in crawler.engine.downloader.slots.values():
        if slot.latercall is not None:
            slot.latercall.cancel()
            slot.latercall = None
        while slot.queue:
            request, waiting = slot.queue.popleft()
            request.meta[DROPPED] = True
            waiting.errback(IgnoreRequest(ENDING))
            dropped += 1
    return dropped
