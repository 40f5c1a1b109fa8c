"""The generic spider's callbacks, on literal responses: which URLs it follows and parses."""

from __future__ import annotations

import asyncio
import gzip
from pathlib import Path

import pytest
import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response, XmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from crawler.extraction import Article
from crawler.items import GoneArticle, IgnoredPage
from crawler.modes import CrawlMode
from crawler.registry import load_registry
from crawler.spider_loader import spider_class
from crawler.spiders.news import NewsSpider

SITE = """
[sites.baothu]
name = "Báo Thử"
home = "https://baothu.vn/"
feeds = ["https://baothu.vn/rss/cate/thoi-su/"]
sitemaps = ["https://baothu.vn/sitemap.xml"]
sections = ["https://baothu.vn/thoi-su/"]
article_url = '-a\\d+\\.html$'
province = "Cần Thơ"
status = "active"
"""


@pytest.fixture
def spider(tmp_path: Path) -> NewsSpider:
    path = tmp_path / "sites.toml"
    path.write_text(SITE, "utf-8")
    cls = spider_class(load_registry(path)["baothu"])
    crawler = get_crawler(cls, {"TINBAO_LISTING_PAGES": 3})
    crawler.spider = cls.from_crawler(crawler)
    assert isinstance(crawler.spider, NewsSpider)
    return crawler.spider


def urls(requests: object) -> list[str]:
    return [r.url for r in requests if isinstance(r, scrapy.Request)]  # type: ignore[attr-defined]


def html(url: str, body: str, **meta: object) -> HtmlResponse:
    request = scrapy.Request(url, meta=meta)
    return HtmlResponse(url, body=body.encode("utf-8"), encoding="utf-8", request=request)


def parsed(spider: NewsSpider, response: Response) -> list[object]:
    """What the (asynchronous) article callback yields, extracted inline: no pool started."""

    async def collect() -> list[object]:
        return [item async for item in spider.parse_article(response)]

    return asyncio.run(collect())


def xml(url: str, body: bytes) -> Response:
    return XmlResponse(url, body=body, request=scrapy.Request(url))


def test_start_asks_for_feeds_sitemaps_sections_and_home(spider: NewsSpider) -> None:
    async def collect() -> list[scrapy.Request]:
        return [r async for r in spider.start()]

    requests = asyncio.run(collect())
    assert urls(requests) == [
        "https://baothu.vn/rss/cate/thoi-su/",
        "https://baothu.vn/sitemap.xml",
        "https://baothu.vn/thoi-su/",
        "https://baothu.vn/",
    ]
    assert spider.allowed_domains == ["baothu.vn"]


def test_a_listing_yields_its_articles_and_next_pages(spider: NewsSpider) -> None:
    page = html(
        "https://baothu.vn/thoi-su/",
        """<a href="/tin-mot-a1.html">1</a> <a href="https://baothu.vn/tin-hai-a2.html#top">2</a>
        <a href="https://other.vn/tin-ba-a3.html">off site</a> <a href="/gioi-thieu.html">about</a>
        <a href="/thoi-su?p=2">2</a> <a href="/thoi-su?p=3">3</a> <a href="/thoi-su?p=9">last</a>
        <a href="/kinh-te/">another section</a>""",
    )
    assert urls(spider.parse_listing(page)) == [
        "https://baothu.vn/tin-mot-a1.html",
        "https://baothu.vn/tin-hai-a2.html",
        "https://baothu.vn/thoi-su?p=2",
        "https://baothu.vn/thoi-su?p=3",
    ]


def test_the_home_page_yields_articles_but_no_pages(spider: NewsSpider) -> None:
    body = '<a href="/a-a1.html">1</a><a href="/?p=2">2</a>'
    page = html("https://baothu.vn/", body, follow_pages=False)
    assert urls(spider.parse_listing(page)) == ["https://baothu.vn/a-a1.html"]


def test_a_feed_yields_its_article_links(spider: NewsSpider) -> None:
    feed = xml(
        "https://baothu.vn/rss/cate/thoi-su/",
        b"""<?xml version="1.0"?><rss version="2.0"><channel>
        <item><link>https://baothu.vn/tin-mot-a1.html</link></item>
        <item><link>https://baothu.vn/video/clip-v7.html</link></item></channel></rss>""",
    )
    assert urls(spider.parse_feed(feed)) == ["https://baothu.vn/tin-mot-a1.html"]


def test_a_sitemap_index_yields_its_sitemaps_on_site(spider: NewsSpider) -> None:
    index = xml(
        "https://baothu.vn/sitemap.xml",
        b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <sitemap><loc>https://baothu.vn/sitemaps/1.xml.gz</loc></sitemap>
        <sitemap><loc>https://evil.example/sitemap.xml</loc></sitemap></sitemapindex>""",
    )
    assert urls(spider.parse_sitemap(index)) == ["https://baothu.vn/sitemaps/1.xml.gz"]


def test_a_gzipped_urlset_yields_its_articles(spider: NewsSpider) -> None:
    document = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <url><loc>https://baothu.vn/tin-mot-a1.html</loc></url>
        <url><loc>https://baothu.vn/thoi-su/</loc></url></urlset>"""
    url = "https://baothu.vn/sitemaps/1.xml.gz"
    response = Response(url, body=gzip.compress(document), request=scrapy.Request(url))
    assert urls(spider.parse_sitemap(response)) == ["https://baothu.vn/tin-mot-a1.html"]


def test_an_unreadable_sitemap_is_counted_as_an_error(spider: NewsSpider) -> None:
    response = xml("https://baothu.vn/sitemap.xml", b"\x00\x01 not xml")
    assert urls(spider.parse_sitemap(response)) == []
    assert spider.crawler.stats.get_value("tinbao/errors/sitemap_unreadable") == 1


def test_an_article_page_becomes_an_article_of_the_site(spider: NewsSpider) -> None:
    paragraphs = "".join(
        f"<p>Đoạn văn thứ {n} của bài viết kể chuyện người dân Cần Thơ chuẩn bị mùa lúa mới, "
        f"với nhiều chi tiết về thời tiết, giá phân bón và kế hoạch thu hoạch năm {2020 + n}.</p>"
        for n in range(1, 6)
    )
    page = html(
        "https://baothu.vn/tin-mot-a1.html",
        f"""<html lang="vi"><head><title>Mùa lúa mới - Báo Thử</title></head><body>
        <h1>Mùa lúa mới</h1><span class="pubdate">08/01/2026 - 18:21</span>
        <article>{paragraphs}</article></body></html>""",
    )
    [article] = parsed(spider, page)
    assert isinstance(article, Article)
    assert (article.site, article.title) == ("baothu", "Mùa lúa mới")
    assert article.body.startswith("Đoạn văn thứ 1")


def test_an_article_reached_by_redirects_names_the_urls_that_redirected(
    spider: NewsSpider,
) -> None:
    body = "".join(
        f"<p>Đoạn văn thứ {n} kể chuyện người dân Cần Thơ chuẩn bị mùa lúa mới, với nhiều chi "
        f"tiết về thời tiết, giá phân bón và kế hoạch thu hoạch năm {2020 + n}.</p>"
        for n in range(1, 6)
    )
    redirects = ["http://baothu.vn/tin-cu-a1.html?utm_source=zalo", "https://baothu.vn/tin-a1.html"]
    page = html(
        "https://baothu.vn/tin-mot-a1.html",
        f"<html><head><title>Mùa lúa mới</title></head><body><h1>Mùa lúa mới</h1>"
        f"<article>{body}</article></body></html>",
        redirect_urls=redirects,
    )
    [article] = parsed(spider, page)
    assert isinstance(article, Article)
    assert article.fetched_url == "https://baothu.vn/tin-mot-a1.html"
    assert article.redirected_from == (
        "http://baothu.vn/tin-cu-a1.html",
        "https://baothu.vn/tin-a1.html",
    )


def test_an_article_refused_by_robots_txt_is_remembered(spider: NewsSpider) -> None:
    request = scrapy.Request(
        "https://baothu.vn/private/tin-a9.html", meta={"tinbao_kind": "article"}
    )
    failure = Failure(IgnoreRequest("Forbidden by robots.txt"))  # type: ignore[no-untyped-call]
    failure.request = request  # type: ignore[attr-defined]
    assert list(spider.on_error(failure)) == [IgnoredPage(request.url, "baothu", "robots")]
    assert spider.crawler.stats.get_value("tinbao/errors/robots") is None


def test_a_missing_article_is_an_error_and_gone(spider: NewsSpider) -> None:
    url = "https://baothu.vn/da-xoa-a8.html"
    request = scrapy.Request(url, meta={"tinbao_kind": "article"})
    failure = Failure(HttpError(Response(url, status=410, request=request)))  # type: ignore[no-untyped-call]
    failure.request = request  # type: ignore[attr-defined]
    assert list(spider.on_error(failure)) == [GoneArticle(url, "baothu", "http_410")]
    assert spider.crawler.stats.get_value("tinbao/errors/http_410") == 1


def test_known_articles_are_not_requested_again(spider: NewsSpider) -> None:
    spider.archive.add("https://www.baothu.vn/tin-mot-a1.html?utm_source=zalo")
    page = html(
        "https://baothu.vn/", '<a href="/tin-mot-a1.html">1</a><a href="/tin-hai-a2.html">2</a>'
    )
    assert urls(spider.parse_listing(page)) == ["https://baothu.vn/tin-hai-a2.html"]
    spider.mode = CrawlMode(refresh=True)
    assert len(urls(spider.parse_listing(page))) == 2
