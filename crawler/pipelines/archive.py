"""Store each article in the archive (storage.save_article decides new/updated/duplicate),
with where its raw page is kept and which extractor read it, so `tinbao reextract` can redo it,
and the other URLs it was met under, so that no crawl fetches them again.

The saves run on the archive writer's thread (crawler/archive_writer.py), in transactions of
up to `TINBAO_WRITE_BATCH` articles or `TINBAO_WRITE_INTERVAL` seconds; `process_item` awaits
the commit, and only then counts the article, logs "stored <url>" (DEBUG) and passes it on.
The article's story signature (its MinHash, a quarter of a new article's save) is computed
first in one of the spider's extraction workers when its pool runs, as `tinbao import` does,
so that the crawl's own process, which bounds the crawl, spends its CPU on less."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from crawler.archive_writer import ArchiveWriter
from crawler.archive_writes import ArchiveRefused, guard, stop_reason
from crawler.extraction import EXTRACTOR_VERSION, Article
from crawler.pool import ExtractionPool
from crawler.pool.awaiting import result_of
from storage import SaveOutcome, make_batch_engine, open_archive, save_article
from storage.similarity import Signature
from storage.stories import story_signature

Signed = tuple[Article, Signature | None]

logger = logging.getLogger(__name__)


class ArchiveArticles:
    def __init__(self, crawler: Crawler, database_url: str, *, batch: int, interval: float):
        self.crawler = crawler
        self.database_url = database_url
        self.batch = batch
        self.interval = interval
        self.writer: ArchiveWriter[Signed, SaveOutcome] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveArticles:
        settings = crawler.settings
        return cls(
            crawler,
            settings.get("TINBAO_DATABASE_URL"),
            batch=settings.getint("TINBAO_WRITE_BATCH", 50),
            interval=settings.getfloat("TINBAO_WRITE_INTERVAL", 0.2),
        )

    def open_spider(self) -> None:
        open_archive(self.database_url).dispose()  # created or checked current, on the reactor
        engine: Engine = make_batch_engine(self.database_url)
        self.writer = ArchiveWriter(engine, _save, batch=self.batch, interval=self.interval)

    def close_spider(self) -> None:
        """Commit what the writer holds and stop it."""
        if self.writer is not None:
            self.writer.close()
            self.writer.engine.dispose()
            if self.crawler.stats is not None:
                self.crawler.stats.set_value("tinbao/archive/commits", self.writer.commits)

    async def process_item(self, item: object) -> object:
        if not isinstance(item, Article):
            return item
        assert self.writer is not None and self.crawler.stats is not None
        stopped = stop_reason(self.crawler)
        if stopped is not None:  # the archive refused an earlier write: no more tries
            raise DropItem(f"not stored, {stopped}: {item.url}")
        committed = self.writer.submit((item, await self._signature(item)))
        try:
            with guard(self.crawler, f"the article {item.url}"):
                outcome = await result_of(committed)
        except ArchiveRefused as refused:
            raise DropItem(f"not stored, {refused.reason}: {item.url}") from None
        self.crawler.stats.inc_value(f"tinbao/articles/{outcome.value}")
        logger.debug("stored %s (%s)", item.url, outcome.value)
        return item

    async def _signature(self, item: Article) -> Signature | None:
        """The item's story signature from a worker; None (the save computes it) without a
        running pool or when the worker failed."""
        pool = getattr(self.crawler.spider, "extractor", None)
        if not isinstance(pool, ExtractionPool) or not pool.running:
            return None
        try:
            return await result_of(pool.submit(story_signature, item))
        except Exception:  # a pool shutting down, a worker gone: the writer computes it
            return None


def _save(session: Session, signed: Signed) -> SaveOutcome:
    item, signature = signed
    return save_article(
        session,
        item.site,
        item,
        now=datetime.now(UTC),
        aliases=aliases(item),
        warc_file=item.warc_file or None,
        warc_offset=item.warc_offset if item.warc_file else None,
        extractor_version=EXTRACTOR_VERSION,
        story_signature=signature,
    )


def aliases(item: Article) -> list[str]:
    """The URLs the article was met under besides its canonical one: the URL it was fetched
    from, and those that redirected to it."""
    met = [item.fetched_url, *item.redirected_from]
    return [url for url in dict.fromkeys(met) if url and url != item.url]
