"""Drop pages that matched the article pattern but hold no article (no title or no body)."""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.extraction import Article


class RequireArticle:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RequireArticle:
        return cls(crawler)

    def process_item(self, item: object) -> object:
        if not isinstance(item, Article):
            return item
        missing = "title" if not item.title else "body" if not item.body else ""
        if missing:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value(f"tinbao/items/dropped/no_{missing}")
            raise DropItem(f"no {missing} extracted from {item.url}")
        return item
