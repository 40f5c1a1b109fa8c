"""RedirectGuard: a redirect is off the site by its host; one to another port of the site's host,
or to a private address, is refused too."""

from __future__ import annotations

import pytest
import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from crawler.errors import error_kind
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
        ("http://baothu.vn/cu-a1.html", "https://baothu.vn/moi-a1.html"),
        ("http://baothu.vn:8080/cu-a1.html", "http://baothu.vn:8080/moi-a1.html"),
        ("http://baothu.vn:8080/cu-a1.html", "https://baothu.vn/moi-a1.html"),
    ],
)
def test_a_redirect_on_the_site_passes_on_its_own_or_a_default_port(
    source: str, location: str
) -> None:
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


@pytest.mark.parametrize(
    ("source", "location", "domains", "error"),
    [
        ("http://127.0.0.1:8080/cu-a1.html", "http://127.0.0.1:6379/", ["127.0.0.1"],
         "redirect_refused"),
        ("https://baothu.vn/cu-a1.html", "http://baothu.vn:6800/listjobs.json", ["baothu.vn"],
         "redirect_refused"),
        ("https://baothu.vn/cu-a1.html", "https://baothu.vn:99999/", ["baothu.vn"],
         "redirect_refused"),
        ("https://1.2.3.4/cu-a1.html", "http://10.0.0.5/", ["1.2.3.4", "10.0.0.5"],
         "address_refused"),
        ("https://1.2.3.4/cu-a1.html", "http://[::1]/", ["1.2.3.4", "::1"], "address_refused"),
        ("https://1.2.3.4/cu-a1.html", "http://169.254.169.254/latest/meta-data/",
         ["1.2.3.4", "169.254.169.254"], "address_refused"),
    ],
)  # fmt: skip
def test_a_redirect_to_another_port_or_a_private_address_is_refused(
    source: str, location: str, domains: list[str], error: str
) -> None:
    request, response = redirect(source, location)
    with pytest.raises(IgnoreRequest, match=error) as refused:
        guard(domains).process_response(request, response)
    assert error_kind(refused.value) == error


def test_a_site_on_a_private_address_redirects_within_it() -> None:
    request, response = redirect("http://10.0.0.5/cu-a1.html", "http://10.0.0.5/moi-a1.html")
    assert guard(["10.0.0.5"]).process_response(request, response) is response
