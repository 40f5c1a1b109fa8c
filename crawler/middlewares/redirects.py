"""Redirects that lead nowhere or somewhere they must not: a loop, off the site, to another port
of the site's host, or to a private address.

Scrapy drops the first two silently — a loop's second visit is filtered as a duplicate, an
off-site target is filtered when scheduled — so the article is lost without a trace. The last
two Scrapy follows: a site (or whoever answers for it) could point the crawler at a service on
the crawling machine's network (`http://baothu.vn:6379/`, `http://10.0.0.5/`). Each ends the
request with an error its errback sees, counted as `redirect_loop`, `offsite_redirect`,
`redirect_refused` (another port) or `address_refused` (private address).

A port is the request's own or the target scheme's default (80, 443: `http://` to `https://`
upgrades pass). A private, loopback, link-local or reserved address is refused when written as
an IP literal in the target and the request itself was not to such an address (a replica on
127.0.0.1 redirecting within itself passes); a host name that resolves to one is not checked.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import SplitResult, urljoin, urlsplit

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
        source, destination = urlsplit(request.url), urlsplit(target)
        if _port(destination) not in (_port(source), _DEFAULT_PORTS.get(destination.scheme)):
            raise IgnoreRequest(f"redirect_refused: a redirect to another port, {target}")
        if _is_private(destination) and not _is_private(source):
            raise IgnoreRequest(f"address_refused: a redirect to a private address, {target}")
        return response


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _port(url: SplitResult) -> int | None:
    try:
        return url.port or _DEFAULT_PORTS.get(url.scheme)
    except ValueError:  # a port that is not a number, or out of range
        return -1


def _is_private(url: SplitResult) -> bool:
    """Whether `url`'s host is an IP address of a private, loopback, link-local, reserved or
    unspecified network (a host name is never judged here: that would take a DNS lookup)."""
    try:
        address = ipaddress.ip_address((url.hostname or "").strip("[]"))
    except ValueError:
        return False
    return not address.is_global or address.is_multicast


def _is_on(url: str, domains: list[str]) -> bool:
    """Whether `url`'s host is one of `domains` or under one, whatever its port (as Scrapy's
    offsite filter judges; scrapy.utils.url.url_is_from_any_domain would compare the port too)."""
    host = (urlsplit(url).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in map(str.lower, domains))
