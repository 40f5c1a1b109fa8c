"""Redirects that lead nowhere: a loop, or off the site.

Scrapy drops both silently — a loop's second visit is filtered as a duplicate, an off-site
target is filtered when scheduled — so the article is lost without a trace. Here both end the
request with an error its errback sees, counted as `redirect_loop` / `offsite_redirect`.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response


class RedirectGuard:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectGuard:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get(b"Location")
        if not 300 <= response.status < 400 or not location:
            return response
        target = urljoin(request.url, location.decode("latin-1"))
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target in chain:
            raise IgnoreRequest(f"redirect loop: {' -> '.join([*chain, target])}")
        domains = getattr(self.crawler.spider, "allowed_domains", None)
        if domains and not _is_on(target, domains):
            raise IgnoreRequest(f"offsite redirect to {target}")
        return response


def _is_on(url: str, domains: list[str]) -> bool:
    """Whether `url`'s host is one of `domains` or under one, whatever its port (as Scrapy's
    offsite filter judges; scrapy.utils.url.url_is_from_any_domain would compare the port too)."""
    host = (urlsplit(url).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in map(str.lower, domains))
