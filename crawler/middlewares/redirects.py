"""Redirects that lead nowhere: a loop, or off the site.

Scrapy drops both silently — a loop's second visit is filtered as a duplicate, an off-site
target is filtered when scheduled — so the article is lost without a trace. Here both end the
request with an error its errback sees, counted as `redirect_loop` / `offsite_redirect`.
"""

from __future__ import annotations

from urllib.parse import urljoin

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.url import url_is_from_any_domain


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
        if domains and not url_is_from_any_domain(target, domains):
            raise IgnoreRequest(f"offsite redirect to {target}")
        return response
