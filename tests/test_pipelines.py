"""Item pipelines called directly: drop what is no article, archive what is."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from scrapy import Spider
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler
from sqlalchemy import select

from crawler.extraction import Article
from crawler.items import GoneArticle, IgnoredPage
from crawler.pipelines import ArchiveArticles, RecordUnservedPages, RequireArticle
from storage import Article as Row
from storage import ArticleUrl, ignored_urls, make_sessionmaker, open_archive
from storage.models import ArticleSignature
from storage.similarity import from_bytes
from storage.stories import story_signature
from tests.running_pool import RunningPool

ARTICLE = Article(
    url="https://baocantho.com.vn/mua-lua-moi-a1.html",
    title="Mùa lúa mới",
    lead="(CTO) - Nông dân xuống giống.",
    body="Đoạn một.\nĐoạn hai.",
    authors=("P.Y",),
    published_at=datetime(2026, 1, 8, 18, 21, tzinfo=timezone(timedelta(hours=7))),
    site="baocantho",
)


@pytest.mark.parametrize(("missing", "item"), [("title", Article(url="u", body="b")),
                                               ("body", Article(url="u", title="t"))])  # fmt: skip
def test_pages_without_title_or_body_are_dropped_and_counted(missing: str, item: Article) -> None:
    crawler = get_crawler()
    with pytest.raises(DropItem, match=f"no {missing}"):
        RequireArticle.from_crawler(crawler).process_item(item)
    assert crawler.stats is not None
    assert crawler.stats.get_value(f"tinbao/items/dropped/no_{missing}") == 1


def test_an_article_passes_through() -> None:
    assert RequireArticle.from_crawler(get_crawler()).process_item(ARTICLE) is ARTICLE


def store(pipeline: ArchiveArticles, item: Article) -> object:
    """The archive pipeline's answer for `item`, once its save is committed."""
    return asyncio.run(pipeline.process_item(item))


def test_articles_are_archived_once_and_counted(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    crawler = get_crawler(settings_dict={"TINBAO_DATABASE_URL": url})
    pipeline = ArchiveArticles.from_crawler(crawler)
    pipeline.open_spider()
    try:
        for _ in range(2):
            assert store(pipeline, ARTICLE) is ARTICLE
    finally:
        pipeline.close_spider()
    assert crawler.stats is not None
    assert crawler.stats.get_value("tinbao/articles/new") == 1
    assert crawler.stats.get_value("tinbao/articles/unchanged") == 1
    engine = open_archive(url)
    with make_sessionmaker(engine)() as session:
        [row] = session.scalars(select(Row)).all()
    engine.dispose()
    assert (row.site, row.url, row.authors) == ("baocantho", ARTICLE.url, "P.Y")


def test_with_the_spiders_pool_running_the_story_signature_is_computed_there(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    crawler = get_crawler(Spider, settings_dict={"TINBAO_DATABASE_URL": url})
    crawler.spider = Spider("baocantho")
    pool = RunningPool()
    crawler.spider.extractor = pool  # type: ignore[attr-defined]
    pipeline = ArchiveArticles.from_crawler(crawler)
    pipeline.open_spider()
    try:
        assert store(pipeline, ARTICLE) is ARTICLE
    finally:
        pipeline.close_spider()
    assert pool.given == [story_signature]
    engine = open_archive(url)
    with make_sessionmaker(engine)() as session:
        [stored] = session.scalars(select(ArticleSignature.signature)).all()
    engine.dispose()
    expected = story_signature(ARTICLE)
    assert expected is not None and (from_bytes(stored) == expected).all()


def test_unserved_pages_mark_stored_articles_gone_and_remember_the_rest(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    crawler = get_crawler(settings_dict={"TINBAO_DATABASE_URL": url})
    archive = ArchiveArticles.from_crawler(crawler)
    unserved = RecordUnservedPages.from_crawler(crawler)
    archive.open_spider()
    try:
        store(archive, ARTICLE)
        items = [
            GoneArticle(ARTICLE.url, "baocantho", "http_404"),
            GoneArticle("https://baocantho.com.vn/chua-luu-a2.html", "baocantho", "http_410"),
            IgnoredPage("https://baocantho.com.vn/private/x-a3.html", "baocantho", "robots"),
        ]
        for item in items:
            assert unserved.process_item(item) is item
    finally:
        archive.close_spider()
        unserved.close_spider()
    engine = open_archive(url)
    with make_sessionmaker(engine)() as session:
        assert session.scalars(select(Row)).one().gone_at is not None
        assert ignored_urls(session, "baocantho") == {
            "https://baocantho.com.vn/chua-luu-a2.html",
            "https://baocantho.com.vn/private/x-a3.html",
        }
    engine.dispose()
    assert crawler.stats is not None
    assert crawler.stats.get_value("tinbao/articles/gone") == 1
    assert crawler.stats.get_value("tinbao/ignored/robots") == 1


def test_the_urls_an_article_was_fetched_and_redirected_from_are_its_aliases(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    crawler = get_crawler(settings_dict={"TINBAO_DATABASE_URL": url})
    pipeline = ArchiveArticles.from_crawler(crawler)
    fetched = "https://baocantho.com.vn/mua-lua-moi-a1.html?page=amp"
    item = replace(
        ARTICLE,
        fetched_url=fetched,
        redirected_from=("https://baocantho.com.vn/cu-a1.html", fetched, ARTICLE.url),
    )
    pipeline.open_spider()
    try:
        store(pipeline, item)
    finally:
        pipeline.close_spider()
    engine = open_archive(url)
    with make_sessionmaker(engine)() as session:
        article_id = session.scalars(select(Row.id)).one()
        urls = session.execute(select(ArticleUrl.url, ArticleUrl.article_id)).all()
    engine.dispose()
    assert sorted(urls) == [
        ("https://baocantho.com.vn/cu-a1.html", article_id),
        (ARTICLE.url, article_id),
        (fetched, article_id),
    ]
