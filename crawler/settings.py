"""Scrapy settings for tinbao: polite by default. Override per run with `-s NAME=VALUE`.

tinbao's own settings (environment variable in brackets):
  TINBAO_DATABASE_URL   [TINBAO_DATABASE_URL] SQLAlchemy URL of the archive (./data/tinbao.db)
  TINBAO_SITES          [TINBAO_SITES] TOML file of sites merged over the built-in registry
  TINBAO_LISTING_PAGES  pages of each section listing to walk per crawl (default 5)
  TINBAO_USER_AGENT     [TINBAO_USER_AGENT] the User-Agent to send (default names the project)
  TINBAO_WARC_DIR       [TINBAO_WARC_DIR] folder of the raw pages' WARC files (./data/warc)
  TINBAO_KEEP_RAW       keep every article page raw in a WARC file (default True)
  TINBAO_CONDITIONAL_REQUESTS  send If-None-Match/If-Modified-Since for feeds, sitemaps and
                        listings (default True)
  TINBAO_PROGRESS       a live progress line on stderr when it is a terminal (default True)
  TINBAO_CLAIM_LEASE    seconds the site's claim stays live without a heartbeat (default 60;
                        renewed every quarter of it): see docs/daemon.md
  TINBAO_STOP_GRACE     seconds a crawl that must stop may take to close before it exits (15)
  TINBAO_RETRY_LIMIT    crawls a URL may fail in (timeout, reset, 5xx, 429 after RETRY_TIMES)
                        before it is given up (default 8): see docs/crawling.md
  TINBAO_EXTRACT_WORKERS  worker processes that extract article pages (default: one per core;
                        0: in the crawl's own process; at most 4 per core): see docs/crawling.md
  TINBAO_WRITE_BATCH    articles saved per archive transaction, at most (default 50; 1: a
                        commit per article): see docs/crawling.md
  TINBAO_WRITE_INTERVAL  seconds a batch may stay open from its first article (default 0.2)
  TINBAO_FEED_MAX_LINKS  different links followed from one feed (default 5000; 0: all); a
                        longer feed is counted as `feed_too_long`: see docs/crawling.md
  TINBAO_SITEMAP_MAX_DEPTH  sitemap indexes a sitemap may be reached through (default 4); the
                        children of a deeper index are not fetched (`sitemap_too_deep`)
  TINBAO_RETRY_SPACING  seconds a failed URL waits after its second failed crawl, doubled after
                        each next one (default 3600; after the first: none, the next crawl)
  TINBAO_FRONTIER       [TINBAO_FRONTIER] a Redis URL: the crawl's queue and seen set are
                        shared there with every process crawling the site with the same URL
                        (docs/frontier.md)
  TINBAO_FRONTIER_KEY   [TINBAO_FRONTIER_KEY] the shared frontier's key prefix (default
                        tinbao:frontier:<site>)
  TINBAO_FRONTIER_LEASE  seconds a silent process keeps its requests in hand (default 30)
Set by the process that starts a crawl (tinbao daemon/crawl/backfill), not by hand:
  TINBAO_CLAIM_TOKEN    [TINBAO_CLAIM_TOKEN] the crawl's claim holder id is host:pid:<token>
  TINBAO_SUPERVISOR_PID [TINBAO_SUPERVISOR_PID] stop ("failed: supervisor gone") when it dies
  TINBAO_SUPERVISOR_FD  [TINBAO_SUPERVISOR_FD] a pipe that reads as closed once it has died
  TINBAO_TIME_LIMIT     [TINBAO_TIME_LIMIT] seconds; stop ("failed: timeout") after them (0: none)
  TINBAO_CRAWL_LOG      [TINBAO_CRAWL_LOG] the file the crawl's output goes to, noted on its row
"""

from __future__ import annotations

import os

from crawler.pool.extraction import pool_size
from storage import database_url

BOT_NAME = "tinbao"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
SPIDER_LOADER_CLASS = "crawler.spider_loader.RegistrySpiderLoader"
# `scrapy crawl` exits 0 completed, 1 failed, 2 usage error (crawler/outcome.py)
COMMANDS_MODULE = "crawler.commands"

TINBAO_DATABASE_URL = database_url()
TINBAO_SITES = os.environ.get("TINBAO_SITES", "")
TINBAO_LISTING_PAGES = 5
TINBAO_FEED_MAX_LINKS = 5000  # crawler/discovery/feeds.py MAX_FEED_LINKS
TINBAO_SITEMAP_MAX_DEPTH = 4  # crawler/spiders/news.py MAX_SITEMAP_DEPTH
TINBAO_CLAIM_LEASE = 60.0
TINBAO_STOP_GRACE = 15.0
TINBAO_CLAIM_TOKEN = os.environ.get("TINBAO_CLAIM_TOKEN", "")
TINBAO_SUPERVISOR_PID = int(os.environ.get("TINBAO_SUPERVISOR_PID") or 0)
TINBAO_SUPERVISOR_FD = int(os.environ.get("TINBAO_SUPERVISOR_FD") or -1)
TINBAO_TIME_LIMIT = float(os.environ.get("TINBAO_TIME_LIMIT") or 0)
TINBAO_CRAWL_LOG = os.environ.get("TINBAO_CRAWL_LOG", "")

# Politeness: obey robots.txt, say who we are, adapt to the server, never more than 2 at once.
ROBOTSTXT_OBEY = True
# Protego, reading only the first 500 KiB of a robots.txt (robots_too_large past them)
ROBOTSTXT_PARSER = "crawler.robots.BoundedRobotParser"
USER_AGENT = os.environ.get(
    "TINBAO_USER_AGENT",
    "tinbao/0.1 (news archive; +https://github.com/tinbao/tinbao)",
)
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
COOKIES_ENABLED = False
# No listening ports in a crawl process: the telnet console and Scrapy's remote-control server
# (which runs Python code sent to it) are for interactive debugging, not for a daemon's crawls.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
# http_proxy / https_proxy / no_proxy from the environment are honoured (HttpProxyMiddleware).
HTTPPROXY_ENABLED = True

ITEM_PIPELINES = {
    "crawler.pipelines.RequireArticle": 100,
    "crawler.pipelines.ArchiveArticles": 500,
    "crawler.pipelines.RecordUnservedPages": 600,
}
DOWNLOADER_MIDDLEWARES = {
    # a robots.txt may be larger than DOWNLOAD_MAXSIZE: refused, Scrapy would obey no rules
    "crawler.robots.RobotsDownloadSize": 90,
    # Scrapy's robots.txt middleware (100) let requests that waited for robots.txt through
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.robots.RobotsTxtForEveryone": 100,
    # Scrapy's retry (550) replaced by one that honours Retry-After and backs off
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.RetryWithBackoff": 550,
    # sees 3xx answers before Scrapy's redirects (600): loops and off-site targets are errors
    "crawler.middlewares.RedirectGuard": 610,
    # below decompression (590): article pages kept raw in the crawl's WARC file
    "crawler.middlewares.CaptureRawPages": 580,
    # between redirects (600) and retries (550): a 304 ends the branch before any retry
    "crawler.middlewares.ConditionalRequests": 560,
    # sees every response and download error first (just above the downloader's own stats)
    "crawler.middlewares.CircuitBreaker": 840,
    # the host's Crawl-delay and any pause, waited for next to the downloader: the middlewares
    # in between took 0.27 s with a crawl's first page after robots.txt (first use), so the
    # second page reached the server 0.14 s after it against a 0.4 s Crawl-delay
    "crawler.middlewares.HostPacing": 945,
    # last before the downloader: with a shared frontier, the site's concurrency and spacing
    # are kept in Redis for all its processes together (off without TINBAO_FRONTIER)
    "crawler.middlewares.SharedHostPacing": 950,
}
RETRY_TIMES = 3
TINBAO_BACKOFF_BASE = 2.0  # seconds before the first retry; doubled at each next one
TINBAO_BACKOFF_MAX = 60.0
TINBAO_MAX_RETRY_AFTER = 600.0  # the longest Retry-After honoured
TINBAO_MAX_CRAWL_DELAY = 60.0  # the longest robots.txt Crawl-delay honoured
TINBAO_CIRCUIT_BREAKER_FAILURES = 20  # failures in a row that end a crawl (0: never)
TINBAO_RETRY_LIMIT = 8  # crawls a URL may fail in before it is given up (crawler/retries.py)
TINBAO_EXTRACT_WORKERS = pool_size()  # worker processes that extract pages (0: none)
TINBAO_WRITE_BATCH = 50  # articles per archive transaction at most (crawler/archive_writer.py)
TINBAO_WRITE_INTERVAL = 0.2  # seconds a transaction stays open for more articles, at most
TINBAO_RETRY_SPACING = 3600.0  # seconds after its second failed crawl, doubled after each next
# a Redis URL: a frontier shared by several crawl processes (crawler/frontier)
TINBAO_FRONTIER = os.environ.get("TINBAO_FRONTIER", "")
TINBAO_FRONTIER_KEY = os.environ.get("TINBAO_FRONTIER_KEY", "tinbao:frontier:%(spider)s")
TINBAO_FRONTIER_LEASE = 30.0
EXTENSIONS = {
    # before RecordCrawlRun: the site's claim is taken before the crawl's row is written
    "crawler.extensions.SuperviseCrawl": 450,
    "crawler.extensions.RecordCrawlRun": 500,
    # an item the pipelines failed on is an error of the crawl (Scrapy keeps no stat of it)
    "crawler.extensions.CountItemErrors": 510,
    # a live progress line when stderr is a terminal (TINBAO_PROGRESS = False: never)
    "crawler.extensions.CrawlProgress": 900,
}
TINBAO_PROGRESS = True

# Scrapy parses the source of every callback of every response to warn of a generator that
# returns a value (the bound method is new each time, so its cache never hits): 5-8 % of the
# reactor's time in a crawl. tests/test_spider_callbacks.py runs the same check once instead.
WARN_ON_GENERATOR_RETURN_VALUE = False
# Scrapy starts CONCURRENT_ITEMS asyncio tasks for the output of every response (its default
# 100: 100 tasks and queue hand-offs a page, about 2 ms of the crawl's CPU a real page). A
# callback yields one item or a few (an article; a page gone and ignored), and the items of
# different responses are still processed at once, so a few are enough.
CONCURRENT_ITEMS = 4

LOG_LEVEL = "INFO"
LOG_DATEFORMAT = "%Y-%m-%d %H:%M:%S%z"  # the machine's time, with its offset: never ambiguous
LOG_FORMATTER = "crawler.logformatter.ArticleLogFormatter"
DEFAULT_DROPITEM_LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
