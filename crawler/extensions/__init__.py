"""Scrapy extensions of tinbao."""

from crawler.extensions.crawl_runs import RecordCrawlRun

__all__ = ["RecordCrawlRun"]
