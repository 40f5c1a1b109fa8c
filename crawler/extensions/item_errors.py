"""Count an item the pipelines failed on (an exception other than DropItem) as an error of the
crawl, of kind `pipeline_error`.

Scrapy logs "Error processing <item>" and sends `item_error`, but keeps no stat of it, so a crawl
whose every save raised (a bug of tinbao's, an archive refusing a row) ended "0 errors; exit 0
(completed)": its summary line, its `crawl_runs.errors` and `tinbao status` said nothing of
articles that were never stored.
"""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler

from crawler.extensions.crawl_runs import ERRORS

KIND = "pipeline_error"


class CountItemErrors:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CountItemErrors:
        extension = cls(crawler)
        crawler.signals.connect(extension.item_error, signal=signals.item_error)
        return extension

    def item_error(self, *_: Any, **__: Any) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"{ERRORS}{KIND}")
