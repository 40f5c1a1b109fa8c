"""The generic spider on real pages of the registry's sites ($TINBAO_CORPUS, ../shared/corpus)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import scrapy
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.registry import load_registry
from crawler.spider_loader import spider_class
from crawler.spiders.news import NewsSpider

CORPUS = Path(
    os.environ.get("TINBAO_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus")
)
LISTING = CORPUS / "vn" / "baocantho.com.vn" / "listing-thoi-su.html"

if not LISTING.is_file():
    pytest.skip(f"real pages not found at {CORPUS} (set TINBAO_CORPUS)", allow_module_level=True)


@pytest.fixture
def baocantho(monkeypatch: pytest.MonkeyPatch) -> NewsSpider:
    monkeypatch.delenv("TINBAO_SITES", raising=False)
    cls = spider_class(load_registry()["baocantho"])
    crawler = get_crawler(cls)
    crawler.spider = cls.from_crawler(crawler)
    assert isinstance(crawler.spider, NewsSpider)
    return crawler.spider


def test_the_real_section_page_yields_its_articles_and_pager(baocantho: NewsSpider) -> None:
    url = "https://baocantho.com.vn/thoi-su/"
    response = HtmlResponse(url, body=LISTING.read_bytes(), request=scrapy.Request(url))
    requests = list(baocantho.parse_listing(response))
    articles = [r.url for r in requests if r.callback == baocantho.parse_article]
    pages = [r.url for r in requests if r.callback == baocantho.parse_listing]
    assert len(articles) == 78
    assert all(u.startswith("https://baocantho.com.vn/") and u.endswith(".html") for u in articles)
    assert pages == [f"https://baocantho.com.vn/thoi-su?p={n}" for n in (2, 3, 4, 5)]
