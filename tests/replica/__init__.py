"""A replica newspaper served on 127.0.0.1: the harness for crawl tests and benchmarks.

`ReplicaSite` renders a whole site (robots.txt, RSS, sitemaps, sections with a pager, articles)
in the style of the `div#newscontents` CMS family of baocantho.com.vn / baobinhduong.vn, lazily
and deterministically, so that a site of 20,000 articles costs no memory until pages are asked
for. `ReplicaServer` serves it and logs every request. `run_crawl` runs the real `scrapy crawl`
against it in a subprocess, as a user would.
"""

from tests.replica.crawl import CrawlResult, run_crawl
from tests.replica.pages import Reply
from tests.replica.server import ReplicaServer, RequestLog
from tests.replica.site import ReplicaSite

__all__ = ["CrawlResult", "ReplicaServer", "ReplicaSite", "Reply", "RequestLog", "run_crawl"]
