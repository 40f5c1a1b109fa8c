"""Scrapy extensions of tinbao."""

from crawler.extensions.crawl_runs import RecordCrawlRun
from crawler.extensions.progress import CrawlProgress
from crawler.extensions.supervision import SuperviseCrawl

__all__ = ["CrawlProgress", "RecordCrawlRun", "SuperviseCrawl"]
