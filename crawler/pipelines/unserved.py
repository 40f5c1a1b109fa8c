"""Pages the site does not serve as articles: mark stored articles gone (keeping their copy),
and remember the other URLs so that the next crawl does not fetch them again."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from sqlalchemy import Engine

from crawler.archive_writes import ArchiveRefused, guard, stop_reason
from crawler.items import GoneArticle, IgnoredPage
from storage import make_sessionmaker, mark_gone, open_archive, remember_ignored

logger = logging.getLogger(__name__)


class RecordUnservedPages:
    def __init__(self, crawler: Crawler, database_url: str):
        self.crawler = crawler
        self.database_url = database_url
        self.engine: Engine | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RecordUnservedPages:
        return cls(crawler, crawler.settings.get("TINBAO_DATABASE_URL"))

    def close_spider(self) -> None:
        if self.engine is not None:
            self.engine.dispose()

    def process_item(self, item: object) -> object:
        if not isinstance(item, GoneArticle | IgnoredPage):
            return item
        assert self.crawler.stats is not None
        if self.engine is None:
            self.engine = open_archive(self.database_url)
        now = datetime.now(UTC)
        if stop_reason(self.crawler) is not None:
            raise DropItem(f"not noted, {stop_reason(self.crawler)}: {item.url}")
        try:
            with guard(self.crawler, f"what became of {item.url}"):
                self._note(item, now)
        except ArchiveRefused as refused:
            raise DropItem(f"not noted, {refused.reason}: {item.url}") from None
        return item

    def _note(self, item: GoneArticle | IgnoredPage, now: datetime) -> None:
        assert self.engine is not None and self.crawler.stats is not None
        with make_sessionmaker(self.engine).begin() as session:
            if isinstance(item, GoneArticle) and mark_gone(session, item.url, now=now):
                self.crawler.stats.inc_value("tinbao/articles/gone")
                logger.info("gone (%s), stored copy kept: %s", item.reason, item.url)
            else:
                remember_ignored(session, item.site, item.url, item.reason, now=now)
                self.crawler.stats.inc_value(f"tinbao/ignored/{item.reason}")
