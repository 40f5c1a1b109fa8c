"""A dropped or failed article is logged by its URL, never with its whole text."""

from __future__ import annotations

from scrapy import Spider
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from crawler.extraction import Article
from crawler.logformatter import ArticleLogFormatter

ITEM = Article(url="https://baocantho.com.vn/a-a1.html", title="Tiêu đề", body="Thân bài " * 500)


def spider() -> Spider:
    crawler = get_crawler(Spider, {"DEFAULT_DROPITEM_LOG_LEVEL": "INFO"})
    return Spider.from_crawler(crawler, name="baocantho")


def test_a_dropped_article_is_logged_by_its_reason() -> None:
    result = ArticleLogFormatter().dropped(ITEM, DropItem("no title"), None, spider())
    assert result["msg"] % result["args"] == "Dropped: no title"
    assert result["level"] == 20


def test_a_failed_article_is_logged_by_its_url() -> None:
    result = ArticleLogFormatter().item_error(ITEM, ValueError("boom"), None, spider())
    assert result["msg"] % result["args"] == "Error processing https://baocantho.com.vn/a-a1.html"
