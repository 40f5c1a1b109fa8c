"""Hostile input is bounded (issue 11, item 7): each page built to exhaust the crawler gets a
limit, is counted as an error of its kind, and costs the rest of the crawl nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import scrapy
from scrapy.http import HtmlResponse, XmlResponse
from scrapy.settings import Settings
from scrapy.utils.misc import load_object
from scrapy.utils.test import get_crawler

from crawler.backtracking import check_backtracking, nested_repeat
from crawler.discovery import read_feed
from crawler.extraction import Article, extract
from crawler.extraction.bounds import MAX_BODY_CHARS, MAX_PAGE_CHARS, bounded_lines, bounded_page
from crawler.extraction.metadata import MAX_JSON_LD_DEPTH, too_deep
from crawler.registry import load_registry
from crawler.robots import bounded
from crawler.spider_loader import spider_class
from crawler.spiders.news import NewsSpider
from tests.replica.hostile import (
    deep_json_ld_page,
    giant_article,
    huge_robots,
    long_feed,
    sitemap_chain,
)
from tests.test_spider import parsed, xml

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


def make_spider(tmp_path: Path, settings: dict[str, object] | None = None) -> NewsSpider:
    path = tmp_path / "sites.toml"
    path.write_text(SITE, "utf-8")
    cls = spider_class(load_registry(path)["baothu"])
    crawler = get_crawler(cls, settings)
    crawler.spider = cls.from_crawler(crawler)
    assert isinstance(crawler.spider, NewsSpider)
    return crawler.spider


@pytest.fixture
def spider(tmp_path: Path) -> NewsSpider:
    return make_spider(tmp_path)


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


def test_a_feed_of_100k_items_gives_its_first_links_up_to_the_cap() -> None:
    feed = read_feed(long_feed(100_000), "https://baothu.vn/rss/", max_links=5000)
    assert len(feed.links) == 5000
    assert feed.links[0] == "https://baothu.vn/tin-a0.html"
    assert feed.links[-1] == "https://baothu.vn/tin-a4999.html"
    assert feed.cut and feed.well_formed


def test_a_feed_of_repeated_links_keeps_each_once_and_is_not_cut() -> None:
    feed = read_feed(long_feed(100_000, distinct=3), "https://baothu.vn/rss/", max_links=3)
    assert feed.links == tuple(f"https://baothu.vn/tin-a{i}.html" for i in range(3))
    assert not feed.cut
    whole = read_feed(long_feed(20, distinct=7), "https://baothu.vn/rss/")
    assert len(whole.links) == 7 and not whole.cut, "max_links=0: no cap"


def test_the_spider_follows_a_long_feed_up_to_tinbao_feed_max_links(tmp_path: Path) -> None:
    spider = make_spider(tmp_path, {"TINBAO_FEED_MAX_LINKS": 50})
    requests = list(spider.parse_feed(xml("https://baothu.vn/rss/", long_feed(1000))))
    assert len(requests) == 50
    assert errors(spider, "feed_too_long") == 1


def test_the_feed_cap_defaults_to_5000(spider: NewsSpider) -> None:
    requests = list(spider.parse_feed(xml("https://baothu.vn/rss/", long_feed(5001))))
    assert len(requests) == 5000
    assert errors(spider, "feed_too_long") == 1


def follow_chain(spider: NewsSpider, limit: int = 400) -> list[str]:
    """The sitemaps the spider asks for down an endless chain of indexes from sitemap-0.xml."""
    request = scrapy.Request("https://baothu.vn/sitemap-0.xml", meta={"tinbao_kind": "sitemap"})
    asked: list[str] = []
    while len(asked) < limit:
        number = int(request.url.rsplit("-", 1)[1].removesuffix(".xml"))
        body = sitemap_chain(number)
        response = XmlResponse(request.url, body=body, request=request)
        children = list(spider.parse_sitemap(response))
        if not children:
            break
        [request] = children
        asked.append(request.url)
    return asked


def test_a_chain_of_sitemap_indexes_is_followed_four_deep(spider: NewsSpider) -> None:
    asked = follow_chain(spider)
    assert asked == [f"https://baothu.vn/sitemap-{n}.xml" for n in range(1, 5)]
    assert errors(spider, "sitemap_too_deep") == 1


def test_the_sitemap_depth_is_a_setting(tmp_path: Path) -> None:
    assert len(follow_chain(make_spider(tmp_path, {"TINBAO_SITEMAP_MAX_DEPTH": 1}))) == 1


def robots_parser(body: bytes) -> tuple[object, dict[str, object]]:
    """The robots.txt parser of tinbao's settings over `body`, and the crawl's stats."""
    settings = Settings()
    settings.setmodule("crawler.settings")
    crawler = get_crawler(scrapy.Spider, {"ROBOTSTXT_PARSER": settings["ROBOTSTXT_PARSER"]})
    assert crawler.stats is not None
    parser = load_object(crawler.settings["ROBOTSTXT_PARSER"]).from_crawler(crawler, body)
    return parser, crawler.stats.get_stats()


def test_a_10_mb_robots_txt_is_read_to_its_first_500_kib_only() -> None:
    parser, stats = robots_parser(huge_robots(10 * 2**20))
    assert not parser.allowed("https://baothu.vn/admin/", "tinbao")  # type: ignore[attr-defined]
    assert parser.allowed("https://baothu.vn/tin-a1.html", "tinbao"), (  # type: ignore[attr-defined]
        "the rule past 500 KiB is left out, as Google leaves it"
    )
    assert stats["tinbao/errors/robots_too_large"] == 1


def test_a_robots_txt_under_500_kib_is_read_whole() -> None:
    parser, stats = robots_parser(huge_robots(400 * 1024))
    assert not parser.allowed("https://baothu.vn/tin-a1.html", "tinbao")  # type: ignore[attr-defined]
    assert "tinbao/errors/robots_too_large" not in stats


def test_robots_txt_is_cut_at_a_line_break() -> None:
    assert bounded(b"Disallow: /a\nDisallow: /bcdef\n", 20) == b"Disallow: /a\n"
    assert bounded(b"Disallow: /a\r\nDisallow: /bcdef", 20) == b"Disallow: /a\r\n"
    assert bounded(b"x" * 30, 20) == b"x" * 20
    assert bounded(b"Disallow: /a\n", 20) == b"Disallow: /a\n"


@pytest.mark.parametrize(
    "pattern",
    [r"(a+)+$", r"(\d*-)*x", r"(?:x{1,9}){2,}", r"(?:(a|b+))*", r"((?=a+)b)+", r"(a+){3}"],
)
def test_a_repeat_of_a_repeat_is_found_in_the_parse_tree(pattern: str) -> None:
    assert nested_repeat(pattern) is not None
    with pytest.raises(ValueError, match="may backtrack catastrophically"):
        check_backtracking(pattern)


@pytest.mark.parametrize(
    "pattern", [r"-a\d+\.html$", r"-(?:post)?\d+\.tpo$", r"(?>(a+))+", r"(a++)+", r"(ab)+c+"]
)
def test_patterns_without_nested_repeats_pass(pattern: str) -> None:
    assert nested_repeat(pattern) is None


def test_no_built_in_article_url_nests_repeats() -> None:
    assert [s.key for s in load_registry("").values() if nested_repeat(s.article_url.pattern)] == []


def test_a_page_of_megabytes_of_text_gives_its_first_500k_characters() -> None:
    article = extract(giant_article(1_500_000), "https://baothu.vn/tin-a1.html")
    assert article.title == "Mưa lớn ở Cần Thơ"
    assert MAX_BODY_CHARS - 200 < len(article.body) <= MAX_BODY_CHARS
    assert article.body.startswith("Đoạn 0: Mưa lớn")
    assert article.body.endswith(".") and "Đoạn 1000:" in article.body, "cut between paragraphs"
    assert article.problems == ("body_too_long",)


def test_an_article_under_the_cap_is_whole() -> None:
    article = extract(giant_article(20_000), "https://baothu.vn/tin-a1.html")
    assert article.problems == ()
    assert article.body.endswith(".")


def test_the_body_is_cut_between_lines_or_at_a_space() -> None:
    assert bounded_lines(["abc", "def", "ghi"], 7) == (["abc", "def"], True)
    assert bounded_lines(["abc", "def"], 7) == (["abc", "def"], False)
    assert bounded_lines(["một hai ba bốn"], 10) == (["một hai"], True)
    assert bounded_lines(["x" * 20], 10) == (["x" * 10], True)
    assert bounded_lines([], 10) == ([], False)


def test_the_spider_counts_a_body_cut_to_the_cap(spider: NewsSpider) -> None:
    url = "https://baothu.vn/tin-a1.html"
    body = giant_article(1_000_000).encode()
    response = HtmlResponse(url, body=body, encoding="utf-8", request=scrapy.Request(url))
    [article] = parsed(spider, response)
    assert isinstance(article, Article) and len(article.body) <= MAX_BODY_CHARS
    assert errors(spider, "body_too_long") == 1


def test_a_page_is_parsed_only_up_to_its_first_4m_characters() -> None:
    page = giant_article(9_000_000)
    article = extract(page, "https://baothu.vn/tin-a1.html")
    assert article.title == "Mưa lớn ở Cần Thơ"
    assert article.problems == ("page_too_large", "body_too_long")
    assert article.body.startswith("Đoạn 0: Mưa lớn")
    assert bounded_page(page) == (page[:MAX_PAGE_CHARS], True)
    assert bounded_page(b"<p>x</p>", 5) == (b"<p>x<", True)
    assert bounded_page("<p>x</p>") == ("<p>x</p>", False)
