"""RedirectGuard: a redirect is off the site by its host, not by its port."""

from __future__ import annotations

import pytest
import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from crawler.middlewares import RedirectGuard


def guard(domains: list[str]) -> RedirectGuard:
    crawler = get_crawler(scrapy.Spider)
    crawler.spider = scrapy.Spider("test")
    crawler.spider.allowed_domains = domains  # type: ignore[attr-defined]
    return RedirectGuard.from_crawler(crawler)


def redirect(source: str, location: str) -> tuple[scrapy.Request, Response]:
    request = scrapy.Request(source)
    return request, Response(source, status=301, headers={"Location": location}, request=request)


@pytest.mark.parametrize(
    ("source", "location"),
    [
        ("http://127.0.0.1:8080/cu-a1.html", "/moi-a1.html"),
        ("https://baothu.vn/cu-a1.html", "https://baothu.vn:443/moi-a1.html"),
        ("https://baothu.vn/cu-a1.html", "https://M.BAOTHU.VN/moi-a1.html"),
    ],
)
def test_a_redirect_on_the_site_passes_whatever_its_port(source: str, location: str) -> None:
    domains = ["127.0.0.1"] if "127.0.0.1" in source else ["baothu.vn"]
    request, response = redirect(source, location)
    assert guard(domains).process_response(request, response) is response


@pytest.mark.parametrize(
    ("location", "error"),
    [
        ("http://localhost:8080/moi-a1.html", "offsite redirect to http://localhost:8080/"),
        ("https://baothu.vn.evil.example/moi-a1.html", "offsite redirect"),
        ("http://127.0.0.1:8080/cu-a1.html", "redirect loop"),
    ],
)
def test_a_redirect_off_the_site_or_in_a_loop_is_refused(location: str, error: str) -> None:
    request, response = redirect("http://127.0.0.1:8080/cu-a1.html", location)
    with pytest.raises(IgnoreRequest, match=error):
        guard(["127.0.0.1"]).process_response(request, response)
