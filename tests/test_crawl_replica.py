"""End to end: the real `scrapy crawl` against a replica newspaper on 127.0.0.1, then SQL.

The replica (tests/replica) has robots.txt forbidding /private/, two RSS feeds, a sitemap index
pointing at a gzipped sitemap, a news sitemap, two paginated sections, a home page with a link
to another host and a page that is no article.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

import pytest

from tests.replica import CrawlResult, ReplicaServer, ReplicaSite, RequestLog, run_crawl

pytestmark = pytest.mark.e2e

SITE = ReplicaSite(articles=12, per_page=3)


@dataclass
class Crawled:
    site: ReplicaSite
    result: CrawlResult
    requests: list[RequestLog]
    database: Path
    base_url: str

    def rows(self, sql: str, *args: object) -> list[sqlite3.Row]:
        with sqlite3.connect(self.database) as connection:
            connection.row_factory = sqlite3.Row
            return connection.execute(sql, args).fetchall()


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    """One full crawl of the replica, then a second one of the unchanged site."""
    tmp = tmp_path_factory.mktemp("e2e")
    with ReplicaServer(SITE) as server:
        sites = tmp / "sites.toml"
        sites.write_text(SITE.registry_toml(server.base_url), "utf-8")
        database = tmp / "archive.db"
        first = run_crawl("replica", sites_file=sites, database_url=f"sqlite:///{database}")
        assert first.returncode == 0, first.log[-3000:]
        requests = list(server.requests)
        second = run_crawl("replica", sites_file=sites, database_url=f"sqlite:///{database}")
        assert second.returncode == 0, second.log[-3000:]
        yield Crawled(SITE, first, requests, database, server.base_url)


def test_every_public_article_is_archived_once(crawled: Crawled) -> None:
    urls = [row["url"] for row in crawled.rows("SELECT url FROM articles")]
    expected = {crawled.base_url + a.path for a in crawled.site.public_articles()}
    assert sorted(urls) == sorted(expected)


def test_each_field_is_extracted_right(crawled: Crawled) -> None:
    for truth in crawled.site.public_articles():
        [row] = crawled.rows("SELECT * FROM articles WHERE url = ?", crawled.base_url + truth.path)
        assert row["site"] == "replica"
        assert row["title"] == truth.title
        assert row["lead"] == truth.lead
        assert row["body"] == truth.body, "no caption, byline or share widget in the body"
        assert row["authors"] == ", ".join(truth.authors)
        utc = truth.published_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
        assert row["published_at"].startswith(utc)
        assert row["tags"] == ", ".join(truth.tags)
        assert row["section"] == truth.section.upper()
        assert row["language"] == "vi"
        assert row["image_url"] == f"{crawled.base_url}/image/{truth.id}.webp"


def test_robots_txt_is_read_and_obeyed(crawled: Crawled) -> None:
    paths = [r.path for r in crawled.requests]
    assert paths[0] == "/robots.txt"
    assert not [p for p in paths if p.startswith("/private/")]
    assert not crawled.rows("SELECT url FROM articles WHERE url LIKE '%/private/%'")


def test_the_crawl_stays_on_the_site(crawled: Crawled) -> None:
    hosts = {r.headers.get("Host", "").split(":")[0] for r in crawled.requests}
    assert hosts == {"127.0.0.1"}  # the home page links to localhost, another host


def test_every_entry_point_is_used(crawled: Crawled) -> None:
    paths = {r.target for r in crawled.requests}
    assert {"/rss/cate/thoi-su/", "/rss/cate/kinh-te/", "/sitemap.xml", "/sitemapnews.xml"} <= paths
    assert "/sitemaps/articles-1.xml.gz" in paths
    assert {"/thoi-su/", "/thoi-su?p=2", "/kinh-te?p=2", "/"} <= paths
    assert "/gioi-thieu.html" not in paths  # not an article URL: never fetched


def test_each_page_is_fetched_once(crawled: Crawled) -> None:
    targets = [r.target for r in crawled.requests]
    assert len(targets) == len(set(targets))


def test_requests_say_who_we_are(crawled: Crawled) -> None:
    agents = {r.headers.get("User-Agent", "") for r in crawled.requests}
    assert len(agents) == 1
    [agent] = agents
    assert agent.startswith("tinbao/") and "+https://" in agent
    assert "Scrapy" not in agent


def test_crawl_runs_records_both_crawls(crawled: Crawled) -> None:
    first, second = crawled.rows("SELECT * FROM crawl_runs ORDER BY id")
    assert (first["site"], first["status"]) == ("replica", "finished")
    assert first["articles_new"] == 12
    assert first["pages_fetched"] == len(crawled.requests)
    assert (first["errors"], first["duplicates"], first["articles_updated"]) == (0, 0, 0)
    assert first["finished_at"] >= first["started_at"]
    assert (second["status"], second["articles_new"], second["articles_updated"]) == (
        "finished",
        0,
        0,
    )


def test_a_second_crawl_stores_nothing_twice(crawled: Crawled) -> None:
    [count] = crawled.rows("SELECT count(*) AS n FROM articles")
    assert count["n"] == 12
    [row] = crawled.rows("SELECT count(DISTINCT content_hash) AS n FROM articles")
    assert row["n"] == 12
    assert crawled.result.returncode == 0
