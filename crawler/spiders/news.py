"""The one generic spider: it crawls any registry site from its feeds, sitemaps, sections and
home page, and parses only URLs that match the site's `article_url` pattern.

A repeat crawl costs the site almost nothing: article URLs already in the archive are not
fetched, feeds/sitemaps/listings are asked for conditionally (crawler/middlewares/conditional.py),
a listing whose page shows only known articles is not paged further, and sitemaps older than
the last complete crawl are skipped.

Spider arguments (`-a NAME=VALUE`): listing_pages=N (pages of each section; default the
TINBAO_LISTING_PAGES setting), refresh=1, backfill=1 or backfill=restart (crawler/modes.py).
A backfill's frontier is kept in the archive, so an interrupted one resumes where it stopped;
with TINBAO_FRONTIER (a Redis URL) it is kept in Redis instead and shared by every process
crawling the site with the same setting (crawler/frontier, docs/frontier.md).
URLs that failed for a passing reason (crawler/retries.py) are asked for first, read in full.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import timedelta
from typing import Any, ClassVar

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.archive_state import ArchiveState
from crawler.archive_writes import ArchiveRefused
from crawler.backfill import BackfillFrontier
from crawler.discovery import page_links, read_feed, read_sitemap
from crawler.discovery.feeds import MAX_FEED_LINKS
from crawler.discovery.pagination import page_number
from crawler.discovery.sitemaps import SitemapEntry, changed_since
from crawler.encoding import page_text
from crawler.errors import error_kind, refusal_reason
from crawler.extraction import Article
from crawler.frontier.settings import frontier_url, use_shared_frontier
from crawler.items import GoneArticle, IgnoredPage
from crawler.modes import CrawlMode
from crawler.pages import no_article, unusable
from crawler.pool import ExtractionPool
from crawler.registry import Site, load_registry
from crawler.retries import Retries, retry_policy
from crawler.urls import clean_url

STATS = "tinbao"
DEFAULT_LISTING_PAGES = 5
CONDITIONAL_KINDS = frozenset({"feed", "sitemap", "section", "home"})
LASTMOD_MARGIN = timedelta(days=1)  # sitemaps' dates are often local or date-only
# sitemap indexes a sitemap may be reached through (TINBAO_SITEMAP_MAX_DEPTH); real sites use 1-2
MAX_SITEMAP_DEPTH = 4


class NewsSpider(scrapy.Spider):
    site: ClassVar[Site]
    allowed_domains: list[str]
    mode: CrawlMode = CrawlMode()
    archive: ArchiveState
    frontier: BackfillFrontier | None = None
    retries: Retries
    extractor: ExtractionPool

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        use_shared_frontier(settings, cls.name)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        if not hasattr(cls, "site"):
            cls.site = load_registry(crawler.settings.get("TINBAO_SITES") or None)[cls.name]
        spider.allowed_domains = list(cls.site.domains)
        pages = crawler.settings.getint("TINBAO_LISTING_PAGES", DEFAULT_LISTING_PAGES)
        spider.mode = CrawlMode.from_arguments(kwargs, listing_pages=pages)
        database = crawler.settings.get("TINBAO_DATABASE_URL")
        spider.archive = ArchiveState.load(database, cls.site.key) if database else ArchiveState()
        policy = retry_policy(crawler.settings)
        roots = [url for url, _ in cls.site.entry_points]
        spider.retries = Retries(database or None, cls.site.key, policy, crawler, roots=roots)
        crawler.signals.connect(spider.retries.close, signal=signals.spider_closed)
        spider.extractor = ExtractionPool(crawler.settings.getint("TINBAO_EXTRACT_WORKERS"))
        crawler.signals.connect(spider.extractor.start, signal=signals.spider_opened)
        crawler.signals.connect(spider.extraction_closed, signal=signals.spider_closed)
        if spider.mode.backfill and database and not frontier_url(crawler.settings):
            spider.frontier = BackfillFrontier(database, cls.site.key, crawler)
            crawler.signals.connect(spider.backfill_closed, signal=signals.spider_closed)
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        site = self.site
        mode = self.mode.name
        self.logger.info(
            "crawling %s (%s, %s) %s: %d feeds, %d sitemaps, %d sections, %d known articles",
            site.key, site.name, site.status, mode, len(site.feeds), len(site.sitemaps),
            len(site.sections), len(self.archive.known),
        )  # fmt: skip
        for url, kind in self.retries.first(self.archive.is_known):
            yield self._request(url, self._callbacks[kind], kind, retry=True)
        entry_points: Iterable[tuple[str, str]] = site.entry_points
        if self.frontier is not None:
            entry_points = self.frontier.start(entry_points, restart=self.mode.restart)
        try:
            for request in self._entry_requests(entry_points):
                yield request
        except ArchiveRefused:
            return  # said in one line; the crawl is ending

    def _entry_requests(self, entry_points: Iterable[tuple[str, str]]) -> Iterator[scrapy.Request]:
        for url, kind in entry_points:
            if kind == "article" and self.archive.is_known(url) and not self.mode.refresh:
                continue  # stored before the backfill was interrupted
            yield self._request(url, self._callbacks[kind], kind, follow_pages=kind != "home",
                                retry=self.retries.holds(url))  # fmt: skip

    @property
    def _callbacks(self) -> dict[str, Any]:
        return {
            "feed": self.parse_feed,
            "sitemap": self.parse_sitemap,
            "section": self.parse_listing,
            "home": self.parse_listing,
            "article": self.parse_article,
        }

    def backfill_closed(self, spider: scrapy.Spider, reason: str) -> None:
        if self.frontier is None:
            return
        size = self.frontier.size()
        self.logger.info(
            "backfill of %s %s: %d pages done, %d still pending (resume with -a backfill=1)",
            self.site.key, reason, size.get("done", 0), size.get("pending", 0),
        )  # fmt: skip
        self.frontier.close()

    def extraction_closed(self) -> None:
        self.extractor.close()

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        self.retries.reached(asked_for(response))
        most = self.settings.getint("TINBAO_FEED_MAX_LINKS", MAX_FEED_LINKS)
        feed = read_feed(response.body, response.url, max_links=most)
        if not feed.links:
            self._error("feed_unreadable", response.url)
        elif not feed.well_formed:
            self._error("feed_malformed", response.url, f"{len(feed.links)} links recovered")
        if feed.cut:
            self._error("feed_too_long", response.url, f"only its first {most} links followed")
        yield from self._follow(response, self._articles(feed.links))

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        self.retries.reached(asked_for(response))
        max_size = int(
            response.meta.get("download_maxsize", self.settings.getint("DOWNLOAD_MAXSIZE"))
        )
        sitemap = read_sitemap(response.body, response.url, max_size=max_size)
        if sitemap.kind and not sitemap.well_formed:
            self._error(
                "sitemap_malformed", response.url, f"{len(sitemap.entries)} entries recovered"
            )
        retry = bool(response.meta.get("tinbao_retry"))  # then its children are read in full
        if sitemap.kind == "index":
            depth = int(response.meta.get("tinbao_sitemap_depth", 0)) + 1
            most = self.settings.getint("TINBAO_SITEMAP_MAX_DEPTH", MAX_SITEMAP_DEPTH)
            if depth > most:  # an index under `most` others: a chain built to go on for ever
                self._error("sitemap_too_deep", response.url, f"under {most} sitemap indexes")
                return
            meta = {"tinbao_sitemap_depth": depth}
            children = (
                self._request(entry.url, self.parse_sitemap, "sitemap", retry=retry, meta=meta)
                for entry in self._fresh(sitemap.entries, retry=retry)
                if self.site.is_on_site(entry.url)
            )
            yield from self._follow(response, children)
        elif sitemap.kind == "urlset":
            fresh = self._fresh(sitemap.entries, retry=retry)
            yield from self._follow(response, self._articles([e.url for e in fresh]))
        else:
            self._error("sitemap_unreadable", response.url)

    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        self.retries.reached(asked_for(response))
        if not isinstance(response, TextResponse):
            self._error("not_html", response.url)
            return
        yield from self._follow(response, self._listing_links(response))

    def _listing_links(self, response: TextResponse) -> Iterator[scrapy.Request]:
        hrefs = [response.urljoin(h) for h in response.css("a::attr(href)").getall()]
        found = page_links(response.url, hrefs, self.site.is_article_url)
        yield from self._articles(found.articles)
        if not response.meta.get("follow_pages", True):
            return
        retry = bool(response.meta.get("tinbao_retry"))  # it failed before: walk past known
        if (
            self.mode.incremental
            and not retry
            and found.articles
            and all(map(self.archive.is_known, found.articles))
        ):
            self._count("listings/stopped_at_known")
            return
        for url in found.next_pages:
            within = not self.mode.listing_pages or page_number(url)[1] <= self.mode.listing_pages
            if within and self.site.is_on_site(url):
                # articles first: the queue stays short however deep the pagination goes
                yield self._request(url, self.parse_listing, "section", priority=-1, retry=retry)

    def _follow(
        self, response: Response, requests: Iterable[scrapy.Request]
    ) -> Iterator[scrapy.Request]:
        """The requests a page leads to; in a backfill, only those new to its frontier, noted
        together with the page being done."""
        if self.mode.incremental:  # a URL that failed before waits for its turn
            requests = (r for r in requests if not self.retries.waiting(r.url))
        if self.frontier is None:
            yield from requests
            return
        wanted = {r.url: r for r in requests}
        found = [(url, r.meta["tinbao_kind"]) for url, r in wanted.items()]
        for url, _ in self.frontier.record(asked_for(response), found, also=response.url):
            yield wanted[url]

    async def parse_article(
        self, response: Response
    ) -> AsyncIterator[Article | GoneArticle | IgnoredPage]:
        """The page's article, extracted in a worker process (crawler/pool) while the crawl
        goes on."""
        self.retries.reached(asked_for(response))
        problem = unusable(response)
        if problem is not None:
            self._error(problem, response.url)
            return
        assert isinstance(response, TextResponse)
        text, correction = page_text(response)
        if correction:
            self._error("wrong_charset", response.url, correction)
        article = await self.extractor.extract(text, response.url, self.site.hints)
        self._count("pages/article")
        self.crawler.stats.set_value(f"{STATS}/extract/processes", len(self.extractor.pids))
        for problem in article.problems:
            self._error(problem, response.url)
        for item in self._article_items(response, article):
            yield item

    def _article_items(
        self, response: Response, article: Article
    ) -> Iterator[Article | GoneArticle | IgnoredPage]:
        verdict = no_article(article)
        if verdict == "soft_404":
            self._error("soft_404", response.url)
            yield GoneArticle(response.url, self.site.key, "soft_404")
        elif verdict is not None:
            self.logger.info("no article (%s): %s", verdict, response.url)
            yield IgnoredPage(response.url, self.site.key, verdict)
        else:
            raw = response.meta.get("tinbao_warc")
            yield dataclasses.replace(
                article,
                url=clean_url(article.url),
                site=self.site.key,
                fetched_url=response.url,
                redirected_from=tuple(map(clean_url, response.meta.get("redirect_urls", []))),
                warc_file=raw.file if raw else "",
                warc_offset=raw.offset if raw else -1,
            )

    def on_error(self, failure: Failure) -> Iterator[GoneArticle | IgnoredPage]:
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        meta = request.meta if request is not None else {}
        is_article = meta.get("tinbao_kind") == "article"
        first_url = (meta.get("redirect_urls") or [url])[0]  # before any redirect
        error = failure.value
        kind = error_kind(failure)
        if kind is not None:
            self._error(kind, first_url if first_url != url else url, failure.getErrorMessage())
        if request is not None:
            self.retries.ended(first_url, meta.get("tinbao_kind", "article"), failure, kind)
        refusal = refusal_reason(error)
        if is_article and refusal:
            yield IgnoredPage(first_url, self.site.key, refusal)
        if is_article and isinstance(error, HttpError) and error.response.status in (404, 410):
            yield GoneArticle(url, self.site.key, f"http_{error.response.status}")

    def _fresh(self, entries: Iterable[SitemapEntry], *, retry: bool) -> Iterator[SitemapEntry]:
        """Sitemap entries changed since the last complete crawl (all of them when none, or
        when the sitemap failed before: what changed while it failed is unknown)."""
        since = self.archive.last_success if self.mode.incremental and not retry else None
        for entry, changed in changed_since(entries, since, margin=LASTMOD_MARGIN):
            if changed:
                yield entry
            else:
                self._count("sitemaps/skipped_old")

    def _articles(self, urls: Iterable[str]) -> Iterator[scrapy.Request]:
        for url in map(clean_url, urls):
            if not (self.site.is_on_site(url) and self.site.is_article_url(url)):
                self._count("links/ignored")
            elif self.archive.is_known(url) and not self.mode.refresh:
                self._count("links/known")
            else:
                yield self._request(url, self.parse_article, "article")

    def _request(
        self,
        url: str,
        callback: Any,
        kind: str,
        *,
        follow_pages: bool = True,
        priority: int = 0,
        retry: bool = False,
        meta: dict[str, Any] | None = None,
    ) -> scrapy.Request:
        """`retry`: the URL (or the branch it is part of) failed before: asked for without
        validators and read in full (no lastmod filter, no stop at known articles)."""
        self._count(f"requests/{kind}")
        meta = {
            **(meta or {}),
            "tinbao_kind": kind,
            "follow_pages": follow_pages,
            "tinbao_conditional": self.mode.incremental and kind in CONDITIONAL_KINDS and not retry,
            "tinbao_retry": retry,
        }
        return scrapy.Request(
            url, callback=callback, errback=self.on_error, meta=meta, priority=priority
        )

    def _count(self, name: str) -> None:
        self.crawler.stats.inc_value(f"{STATS}/{name}")

    def _error(self, kind: str, url: str, detail: str = "") -> None:
        self._count(f"errors/{kind}")
        self.logger.warning("%s: %s %s", kind, url, detail)


def asked_for(response: Response) -> str:
    """The URL a response was asked for: the first of its redirects, if it followed any."""
    return str((response.meta.get("redirect_urls") or [response.url])[0])
