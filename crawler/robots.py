"""robots.txt read to its first 500 KiB, as Google reads it.

A robots.txt of megabytes (10 MB took 5 s to parse, then 117 ms for every URL checked against
its rules) is cut at the last line break before MAX_ROBOTS_BYTES; the rules after it are left
out and the cut is counted as `robots_too_large`. Everything else is Scrapy's Protego parser.

The robots.txt request itself may be up to ROBOTS_MAXSIZE (32 MiB), whatever DOWNLOAD_MAXSIZE
says (10 MiB): Scrapy's robots.txt middleware takes a robots.txt it could not download for no
robots.txt at all, so one just over the download limit switched the site's rules off and its
forbidden pages were crawled. One over 32 MiB still is (and is counted `too_large`).
"""

from __future__ import annotations

import logging
from typing import Self
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.robotstxt import ProtegoRobotParser

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
