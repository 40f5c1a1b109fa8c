"""Conditional requests for feeds, sitemaps and listing pages.

A request whose meta has `tinbao_conditional` goes out with the If-None-Match /
If-Modified-Since of the validators the URL was last served with; a 304 answer ends that branch
(raised as NotModified, an IgnoreRequest: not an error). Validators met during a crawl are
stored only when the crawl finishes on its own: a crawl cut short must not mark pages "seen"
whose links it never followed.
"""

from __future__ import annotations

from datetime import UTC, datetime

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from sqlalchemy import Engine

from crawler.archive_writes import ArchiveRefused, guard
from storage import Validators, load_validators, make_sessionmaker, open_archive, store_validators


class NotModified(IgnoreRequest):
    """The server answered 304: nothing new behind this URL since the last crawl."""


class ConditionalRequests:
    def __init__(self, crawler: Crawler, database_url: str):
        self.crawler = crawler
        self.database_url = database_url
        self.engine: Engine | None = None
        self.seen: dict[str, Validators] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalRequests:
        url = crawler.settings.get("TINBAO_DATABASE_URL")
        if not url or not crawler.settings.getbool("TINBAO_CONDITIONAL_REQUESTS", True):
            raise NotConfigured
        middleware = cls(crawler, url)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def process_request(self, request: Request) -> None:
        if not request.meta.get("tinbao_conditional"):
            return
        if self.engine is None:
            self.engine = open_archive(self.database_url)
        with make_sessionmaker(self.engine)() as session:
            stored = load_validators(session, [request.url]).get(request.url)
        if stored is not None and stored.etag:
            request.headers.setdefault(b"If-None-Match", stored.etag)
        if stored is not None and stored.last_modified:
            request.headers.setdefault(b"If-Modified-Since", stored.last_modified)

    def process_response(self, request: Request, response: Response) -> Response:
        if not request.meta.get("tinbao_conditional"):
            return response
        assert self.crawler.stats is not None
        if response.status == 304:
            kind = request.meta.get("tinbao_kind", "page")
            self.crawler.stats.inc_value(f"tinbao/not_modified/{kind}")
            raise NotModified(f"not modified since the last crawl: {request.url}")
        if response.status == 200:
            etag = response.headers.get(b"ETag")
            modified = response.headers.get(b"Last-Modified")
            if etag or modified:
                self.seen[request.url] = Validators(
                    etag.decode("latin-1") if etag else None,
                    modified.decode("latin-1") if modified else None,
                )
        return response

    def spider_closed(self, spider: Spider, reason: str) -> None:
        try:
            if reason == "finished" and self.seen:
                if self.engine is None:
                    self.engine = open_archive(self.database_url)
                with (
                    guard(self.crawler, "the pages' validators"),
                    make_sessionmaker(self.engine).begin() as session,
                ):
                    store_validators(session, self.seen, now=datetime.now(UTC))
        except ArchiveRefused:
            pass  # said in one line; the next crawl asks for these pages unconditionally
        finally:
            if self.engine is not None:
                self.engine.dispose()
