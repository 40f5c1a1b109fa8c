"""robots.txt read to its first 500 KiB, as Google reads it.

A robots.txt of megabytes (10 MB took 5 s to parse, then 117 ms for every URL checked against
its rules) is cut at the last line break before MAX_ROBOTS_BYTES; the rules after it are left
out and the cut is counted as `robots_too_large`. Everything else is Scrapy's Protego parser.

The robots.txt request itself may be up to ROBOTS_MAXSIZE (32 MiB), whatever DOWNLOAD_MAXSIZE
says (10 MiB): Scrapy's robots.txt middleware takes a robots.txt it could not download for no
robots.txt at all, so one just over the download limit switched the site's rules off and its
forbidden pages were crawled. One over 32 MiB still is (and is counted `too_large`).

`RobotsTxtForEveryone` replaces Scrapy's robots.txt middleware: in Scrapy 2.19 the requests that
arrive while a host's robots.txt is on its way all await one Deferred, and the first await
(Twisted's `asFuture`) replaces its result with None for the next ones, which Scrapy takes for
"no robots.txt": every request but one that waited went out unchecked. A shared frontier makes
that common (a process joining a backfill starts with sixteen requests of a queue in hand).
"""

from __future__ import annotations

import logging
from typing import Self
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.robotstxt import ProtegoRobotParser, RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

logger = logging.getLogger(__name__)

# Google's limit (developers.google.com/search/docs/crawling-indexing/robots/robots_txt)
MAX_ROBOTS_BYTES = 500 * 1024
ROBOTS_MAXSIZE = 32 * 1024 * 1024


class RobotsDownloadSize:
    """A downloader middleware: the robots.txt request Scrapy makes for a host (marked
    `dont_obey_robotstxt`, path /robots.txt) may download up to ROBOTS_MAXSIZE."""

    def process_request(self, request: Request) -> None:
        if request.meta.get("dont_obey_robotstxt") and urlsplit(request.url).path == "/robots.txt":
            request.meta.setdefault("download_maxsize", ROBOTS_MAXSIZE)


class RobotsTxtForEveryone(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, every waiting request given the host's rules."""

    async def robot_parser(self, request: Request) -> RobotParser | None:
        netloc = urlparse_cached(request).netloc
        pending = self._parsers.get(netloc)
        if not isinstance(pending, Deferred):
            return await super().robot_parser(request)  # known, or this request fetches it
        # Scrapy sets the parser (or None after an error) before firing the Deferred: wait for
        # it to fire without taking its result from the other waiters, then read the parser.
        fired: Deferred[None] = Deferred()
        pending.addBoth(_passing_on, fired)
        await maybe_deferred_to_future(fired)
        parser = self._parsers.get(netloc)
        return None if isinstance(parser, Deferred) else parser


def _passing_on(result: object, fired: Deferred[None]) -> object:
    fired.callback(None)
    return result


class BoundedRobotParser(ProtegoRobotParser):
    @classmethod
    def from_crawler(cls, crawler: Crawler, robotstxt_body: bytes) -> Self:
        spider = crawler.spider if crawler else None
        if len(robotstxt_body) > MAX_ROBOTS_BYTES:
            size = len(robotstxt_body)
            robotstxt_body = bounded(robotstxt_body)
            if crawler.stats is not None:
                crawler.stats.inc_value("tinbao/errors/robots_too_large")
            logger.warning(
                "robots_too_large: a robots.txt of %d bytes, only its first %d read",
                size, len(robotstxt_body),
            )  # fmt: skip
        return cls(robotstxt_body, spider)


def bounded(body: bytes, limit: int = MAX_ROBOTS_BYTES) -> bytes:
    """`body` cut at the last line break within its first `limit` bytes (at `limit` when there
    is none), so that no rule is read half."""
    if len(body) <= limit:
        return body
    head = body[:limit]
    end = max(head.rfind(b"\n"), head.rfind(b"\r"))
    return head[: end + 1] if end >= 0 else head
