"""Store each article in the archive (storage.save_article decides new/updated/duplicate),
with where its raw page is kept and which extractor read it, so `tinbao reextract` can redo it,
and the other URLs it was met under, so that no crawl fetches them again."""

from __future__ import annotations

from datetime import UTC, datetime

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from crawler.archive_writes import ArchiveRefused, guard, stop_reason
from crawler.extraction import EXTRACTOR_VERSION, Article
from storage import SaveOutcome, make_sessionmaker, open_archive, save_article


class ArchiveArticles:
    def __init__(self, crawler: Crawler, database_url: str):
        self.crawler = crawler
        self.database_url = database_url
        self.engine: Engine | None = None
        self.sessions: sessionmaker[Session] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveArticles:
        return cls(crawler, crawler.settings.get("TINBAO_DATABASE_URL"))

    def open_spider(self) -> None:
        self.engine = open_archive(self.database_url)
        self.sessions = make_sessionmaker(self.engine)

    def close_spider(self) -> None:
        if self.engine is not None:
            self.engine.dispose()

    def process_item(self, item: object) -> object:
        if not isinstance(item, Article):
            return item
        assert self.sessions is not None and self.crawler.stats is not None
        stopped = stop_reason(self.crawler)
        if stopped is not None:  # the archive refused an earlier write: no more tries
            raise DropItem(f"not stored, {stopped}: {item.url}")
        try:
            with guard(self.crawler, f"the article {item.url}"), self.sessions.begin() as session:
                outcome = self._save(session, item)
        except ArchiveRefused as refused:
            raise DropItem(f"not stored, {refused.reason}: {item.url}") from None
        self.crawler.stats.inc_value(f"tinbao/articles/{outcome.value}")
        return item

    def _save(self, session: Session, item: Article) -> SaveOutcome:
        return save_article(
            session,
            item.site,
            item,
            now=datetime.now(UTC),
            aliases=aliases(item),
            warc_file=item.warc_file or None,
            warc_offset=item.warc_offset if item.warc_file else None,
            extractor_version=EXTRACTOR_VERSION,
        )


def aliases(item: Article) -> list[str]:
    """The URLs the article was met under besides its canonical one: the URL it was fetched
    from, and those that redirected to it."""
    met = [item.fetched_url, *item.redirected_from]
    return [url for url in dict.fromkeys(met) if url and url != item.url]
