"""Scrapy extensions of tinbao."""

from crawler.extensions.crawl_runs import RecordCrawlRun
from crawler.extensions.item_errors import CountItemErrors
from crawler.extensions.progress import CrawlProgress
from crawler.extensions.supervision import SuperviseCrawl

__all__ = ["CountItemErrors", "CrawlProgress", "RecordCrawlRun", "SuperviseCrawl"]
