"""Scrapy extensions of tinbao."""

from crawler.extensions.crawl_runs import RecordCrawlRun
from crawler.extensions.progress import CrawlProgress

__all__ = ["CrawlProgress", "RecordCrawlRun"]
