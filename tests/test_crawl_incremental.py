"""A repeat crawl costs the site almost nothing: known articles are not fetched again, feeds,
sitemaps and listings are asked for conditionally, old sitemaps and known listing pages are
skipped; and a refresh finds what the site edited or deleted."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from pathlib import Path

import pytest

from tests.replica import CrawlResult, ReplicaServer, ReplicaSite, run_crawl

pytestmark = pytest.mark.e2e


class Archive:
    """A replica served on 127.0.0.1 and an archive; crawl it as often as a test likes."""

    def __init__(self, tmp_path: Path, server: ReplicaServer[ReplicaSite]) -> None:
        self.server = server
        self.sites = tmp_path / "sites.toml"
        self.sites.write_text(server.site.registry_toml(server.base_url), "utf-8")
        self.database = tmp_path / "archive.db"

    def crawl(self, **options: str) -> tuple[CrawlResult, list[str]]:
        """Crawl once; the result and the request targets the server saw during this crawl."""
        settings = {k: v for k, v in options.items() if k.isupper()}
        arguments = {k: v for k, v in options.items() if not k.isupper()}
        before = len(self.server.requests)
        database = f"sqlite:///{self.database}"
        result = run_crawl("replica", sites_file=self.sites, settings=settings,
                           arguments=arguments, database_url=database)  # fmt: skip
        assert result.returncode == 0, result.log[-3000:]
        return result, [r.target for r in self.server.requests[before:]]

    def sql(self, query: str) -> list[tuple[object, ...]]:
        with sqlite3.connect(self.database) as connection:
            return connection.execute(query).fetchall()

    def last_stats(self) -> dict[str, int]:
        [(stats,)] = self.sql("SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1")
        return dict(json.loads(str(stats)))


def is_article(target: str) -> bool:
    return target.endswith(".html") and "-a" in target


def test_a_second_crawl_of_an_unchanged_site_asks_almost_nothing(tmp_path: Path) -> None:
    site = ReplicaSite(articles=500, per_page=20, sitemap_chunk=100)
    with ReplicaServer(site) as server:
        archive = Archive(tmp_path, server)
        _, first = archive.crawl()
        _, second = archive.crawl()
    assert sum(map(is_article, first)) == 500
    assert not [t for t in second if is_article(t)]
    assert len(second) <= 0.02 * len(first), second
    [(new, status)] = archive.sql("SELECT articles_new, status FROM crawl_runs WHERE id = 2")
    assert (new, status) == (0, "finished")
    stats = archive.last_stats()
    assert stats["tinbao/not_modified/feed"] == 2
    assert stats["tinbao/not_modified/section"] == 2
    assert stats.get("tinbao/errors/http_304", 0) == 0


def test_a_new_article_is_all_a_repeat_crawl_fetches(tmp_path: Path) -> None:
    site = ReplicaSite(articles=60, per_page=10, sitemap_chunk=20)
    with ReplicaServer(site) as server:
        archive = Archive(tmp_path, server)
        archive.crawl()
        later = dataclasses.replace(site, articles=61)  # one more article, newest
        server.site = later
        _, second = archive.crawl()
    new = later.article(0)
    assert [t for t in second if is_article(t)] == [new.path]
    assert archive.sql(f"SELECT count(*) FROM articles WHERE url LIKE '%{new.path}'") == [(1,)]
    # old sitemap chunks were not fetched again: only the index and the newest chunk changed
    assert "/sitemaps/articles-1.xml" not in second


def test_listing_pages_stop_where_only_known_articles_show(tmp_path: Path) -> None:
    site = ReplicaSite(articles=60, per_page=5)
    with ReplicaServer(site) as server:
        archive = Archive(tmp_path, server)
        archive.crawl()
        _, second = archive.crawl(TINBAO_CONDITIONAL_REQUESTS="0")
    assert "/thoi-su/" in second and "/thoi-su?p=2" not in second
    assert archive.last_stats()["tinbao/listings/stopped_at_known"] == 2


def test_sitemaps_older_than_the_last_crawl_are_skipped(tmp_path: Path) -> None:
    site = ReplicaSite(articles=60, sitemap_chunk=20)
    with ReplicaServer(site) as server:
        archive = Archive(tmp_path, server)
        archive.crawl()
        _, second = archive.crawl(TINBAO_CONDITIONAL_REQUESTS="0")
    assert "/sitemap.xml" in second
    assert not [t for t in second if t.startswith("/sitemaps/")]
    assert archive.last_stats()["tinbao/sitemaps/skipped_old"] >= 3


def test_refresh_fetches_known_articles_again_and_finds_deletions(tmp_path: Path) -> None:
    site = ReplicaSite(articles=12)
    with ReplicaServer(site) as server:
        archive = Archive(tmp_path, server)
        archive.crawl()
        gone, soft = site.article(3), site.article(5)
        server.site = dataclasses.replace(site, deleted=frozenset({gone.id}),
                                          soft_deleted=frozenset({soft.id}))  # fmt: skip
        result, second = archive.crawl(refresh="1")
    assert sum(map(is_article, second)) == 12
    rows = {
        str(url): bool(gone)
        for url, gone in archive.sql("SELECT url, gone_at IS NOT NULL FROM articles")
    }
    assert len(rows) == 12, "deleted articles keep their stored copy"
    assert {url.split(":", 2)[2].split("/", 1)[1] for url, is_gone in rows.items() if is_gone} == {
        gone.path.lstrip("/"),
        soft.path.lstrip("/"),
    }
    [(new, updated, errors)] = archive.sql(
        "SELECT articles_new, articles_updated, errors FROM crawl_runs WHERE id = 2"
    )
    assert (new, updated) == (0, 0)
    assert errors == 2  # the 404 and the soft 404, each counted by kind
    stats = archive.last_stats()
    assert (stats["tinbao/errors/http_404"], stats["tinbao/errors/soft_404"]) == (1, 1)
    assert stats["tinbao/articles/gone"] == 2
    assert result.returncode == 0


def test_an_address_that_redirected_to_an_article_is_not_fetched_again(tmp_path: Path) -> None:
    site = ReplicaSite(articles=12)
    moved = site.article(2)
    site = dataclasses.replace(site, moved=frozenset({moved.id}))
    old = site.listed_path(moved)
    assert old != moved.path
    with ReplicaServer(site) as server:
        archive = Archive(tmp_path, server)
        _, first = archive.crawl()
        _, second = archive.crawl(TINBAO_CONDITIONAL_REQUESTS="0")  # the feeds are read again
        base_url = server.base_url
    assert first.count(old) == 1 and first.count(moved.path) == 1  # 301, then the article
    [(article_id,)] = archive.sql(f"SELECT id FROM articles WHERE url = '{base_url}{moved.path}'")
    urls = archive.sql(f"SELECT url FROM article_urls WHERE article_id = {article_id}")
    assert sorted(str(url) for (url,) in urls) == [f"{base_url}{moved.path}", f"{base_url}{old}"]
    assert f"/rss/cate/{moved.section}/" in second  # which links to the old address
    assert old not in second and moved.path not in second
