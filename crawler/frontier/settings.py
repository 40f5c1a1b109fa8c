"""Switch a crawl to the shared frontier when TINBAO_FRONTIER names a Redis server.

Called from the spider's `update_settings` (before Scrapy freezes the settings and builds the
scheduler): scrapy-redis's settings, pointed at the site's keys, with SCHEDULER_PERSIST on, so
that a process that ends (or all of them) leaves the queue and the seen set for the others
and for a resume. CONCURRENT_REQUESTS becomes twice the site's concurrency: Scrapy takes that
many requests from the scheduler into its downloader at once, and with the default 16 the first
process would hoard the queue (the site only takes 2 at a time from all of them together) and a
kill would give back 16 requests where 4 will do. Settings given with `-s` still win (they
have a higher priority).
"""

from __future__ import annotations

from scrapy.settings import BaseSettings

from crawler.frontier.keys import FrontierKeys

SCHEDULER = "crawler.frontier.scheduler.SharedFrontierScheduler"


def frontier_url(settings: BaseSettings) -> str:
    """The Redis URL of the shared frontier; empty: this crawl has its own."""
    return str(settings.get("TINBAO_FRONTIER") or "")


def use_shared_frontier(settings: BaseSettings, site: str) -> None:
    url = frontier_url(settings)
    if not url:
        return
    keys = FrontierKeys.for_site(site, settings.get("TINBAO_FRONTIER_KEY", ""))
    values = {
        "SCHEDULER": SCHEDULER,
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "SCHEDULER_QUEUE_KEY": keys.requests,
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_DUPEFILTER_KEY": keys.seen,
        "SCHEDULER_PERSIST": True,  # never flushed on close: RFPDupeFilter.close() is not called
        "SCHEDULER_FLUSH_ON_START": False,
        "REDIS_URL": url,
        "CONCURRENT_REQUESTS": 2 * max(1, settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN", 2)),
    }
    for name, value in values.items():
        settings.set(name, value, priority="spider")
