"""Hostile input is bounded (issue 11, item 7): each page built to exhaust the crawler gets a
limit, is counted as an error of its kind, and costs the rest of the crawl nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import scrapy
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.extraction import Article, extract
from crawler.extraction.metadata import MAX_JSON_LD_DEPTH, too_deep
from crawler.registry import load_registry
from crawler.spider_loader import spider_class
from crawler.spiders.news import NewsSpider
from tests.replica.hostile import deep_json_ld_page
from tests.test_spider import parsed

SITE = """
[sites.baothu]
name = "Báo Thử"
home = "https://baothu.vn/"
feeds = ["https://baothu.vn/rss/"]
sitemaps = ["https://baothu.vn/sitemap.xml"]
article_url = '-a\\d+\\.html$'
province = "Cần Thơ"
status = "active"
"""


@pytest.fixture
def spider(tmp_path: Path) -> NewsSpider:
    path = tmp_path / "sites.toml"
    path.write_text(SITE, "utf-8")
    cls = spider_class(load_registry(path)["baothu"])
    crawler = get_crawler(cls)
    crawler.spider = cls.from_crawler(crawler)
    assert isinstance(crawler.spider, NewsSpider)
    return crawler.spider


def errors(spider: NewsSpider, kind: str) -> int:
    assert spider.crawler.stats is not None
    return int(spider.crawler.stats.get_value(f"tinbao/errors/{kind}", 0))


def test_json_ld_nested_100k_deep_is_left_unread_and_the_article_kept() -> None:
    article = extract(deep_json_ld_page(100_000), "https://baothu.vn/tin-a1.html")
    assert article.title == "Mưa lớn ở Cần Thơ"
    assert "ngập" in article.body
    assert article.published_at is not None, "the well-formed JSON-LD block is still read"
    assert article.problems == ("json_ld_too_deep",)


def test_json_ld_depth_is_counted_outside_strings_only() -> None:
    assert not too_deep('{"a": "[[[[[[[[{{{{{{{{"}', 2)
    assert not too_deep('{"a": [{"b": "\\"[["}]}', 3)
    assert too_deep("[" * (MAX_JSON_LD_DEPTH + 1), MAX_JSON_LD_DEPTH)
    assert not too_deep("[" * MAX_JSON_LD_DEPTH + "]" * MAX_JSON_LD_DEPTH, MAX_JSON_LD_DEPTH)
    assert not too_deep('"' + "\\" * 5 + "[[[[", 1), "an unterminated string runs to the end"


def test_the_spider_counts_a_page_with_too_deep_json_ld(spider: NewsSpider) -> None:
    url = "https://baothu.vn/tin-a1.html"
    response = HtmlResponse(
        url, body=deep_json_ld_page(10_000).encode(), encoding="utf-8", request=scrapy.Request(url)
    )
    items = parsed(spider, response)
    assert [type(i) for i in items] == [Article]
    assert errors(spider, "json_ld_too_deep") == 1
