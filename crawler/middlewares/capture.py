"""Keep every fetched article page raw, in one WARC file per crawl (crawler/warc.py), and tell
the spider where its record is (`response.meta["tinbao_warc"]`), so that the archive can point
each article at the page it was extracted from and `tinbao reextract` can run again over it.

The record (warcio's headers and digests, then zlib) is built in one of the spider's
extraction workers (crawler/pool), awaited: compressing a real page (100-500 KB) takes about a
fifth of extracting it, and on the reactor it held up every download and save (a third of the
reactor's time in a crawl of real pages, bench/README.md `crawl_real`), in a thread of this
process it was still 5 ms of its CPU a page. Without a running pool (TINBAO_EXTRACT_WORKERS=0,
a spider of another kind) it is built in a thread of its own. The member is appended here, on
the reactor (one write and a flush), so records are appended one at a time, and the article is
saved only once its page is on disk, as before.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from crawler.pool import ExtractionPool, result_of
from crawler.warc import RawPage, WarcFile, http_headers, warc_member

DEFAULT_FOLDER = "data/warc"


def warc_folder(setting: str | None) -> Path:
    return Path(setting or os.environ.get("TINBAO_WARC_DIR") or DEFAULT_FOLDER)


class CaptureRawPages:
    def __init__(self, crawler: Crawler, folder: Path):
        self.crawler = crawler
        self.folder = folder
        self.file: WarcFile | None = None
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="warc-writer")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CaptureRawPages:
        if not crawler.settings.getbool("TINBAO_KEEP_RAW", True):
            raise NotConfigured
        middleware = cls(crawler, warc_folder(crawler.settings.get("TINBAO_WARC_DIR")))
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    async def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get("tinbao_kind") != "article" or response.status != 200:
            return response
        if self.file is None:
            assert self.crawler.spider is not None
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            name = f"{self.crawler.spider.name}-{stamp}-{os.getpid()}.warc.gz"
            self.file = WarcFile(self.folder, name)
        page = RawPage(response.url, response.status, http_headers(dict(response.headers)),
                       response.body, datetime.now(UTC))  # fmt: skip
        pool = getattr(self.crawler.spider, "extractor", None)
        if isinstance(pool, ExtractionPool) and pool.running:
            built = pool.submit(warc_member, page)
        else:
            built = self._writer.submit(warc_member, page)
        member = await result_of(built)
        request.meta["tinbao_warc"] = self.file.append(member)
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("tinbao/warc/records")
        return response

    def spider_closed(self, spider: Spider) -> None:
        self._writer.shutdown(wait=True)
        if self.file is not None:
            self.file.close()
