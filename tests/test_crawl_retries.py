"""A transient failure is never final: an article, a sitemap or a listing page that failed with
a 5xx, a 429, a timeout or a reset after its retries is fetched again by the next incremental
crawls (which would otherwise skip it: 304s, the lastmod filter, the known-listing stop), at a
growing spacing, until the retry ledger gives it up; `tinbao runs` and `tinbao status` tell.

Crawls of a small replica on 127.0.0.1; the spacing is set to 0 so that no test waits."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from scheduler.cli import main
from tests.replica import CrawlResult, ReplicaServer, ReplicaSite, run_crawl
from tests.replica.faults import Fault

pytestmark = pytest.mark.e2e

QUICK = {"TINBAO_BACKOFF_BASE": "0.05", "TINBAO_BACKOFF_MAX": "0.2"}  # RETRY_TIMES stays 3


class Crawls:
    """A replica, an archive, and as many crawls of it as a test likes."""

    def __init__(self, tmp_path: Path, server: ReplicaServer[ReplicaSite], **fields: object):
        self.server = server
        self.sites = tmp_path / "sites.toml"
        self.sites.write_text(server.site.registry_toml(server.base_url, **fields), "utf-8")
        self.database = tmp_path / "archive.db"
        self.url = f"sqlite:///{self.database}"

    def crawl(self, **settings: str) -> tuple[CrawlResult, list[str]]:
        before = len(self.server.requests)
        result = run_crawl("replica", sites_file=self.sites, database_url=self.url,
                           settings={**QUICK, **settings})  # fmt: skip
        assert result.returncode == 0, result.log[-3000:]
        return result, [r.target for r in self.server.requests[before:]]

    def sql(self, query: str) -> list[tuple[object, ...]]:
        with sqlite3.connect(self.database) as connection:
            return connection.execute(query).fetchall()

    def stored(self, path: str) -> bool:
        return bool(self.sql(f"SELECT 1 FROM articles WHERE url = '{self.server.base_url}{path}'"))


def test_an_article_that_answered_503_four_times_is_stored_by_the_next_crawl(
    tmp_path: Path,
) -> None:
    site = ReplicaSite(articles=12)
    flaky = site.article(4)
    with ReplicaServer(site) as server:
        server.faults[flaky.path] = Fault("status", status=503, times=4)  # 1 try + 3 retries
        crawls = Crawls(tmp_path, server)
        crawls.crawl()
        assert not crawls.stored(flaky.path)
        result, second = crawls.crawl()
    assert second.count(flaky.path) == 1
    assert crawls.stored(flaky.path), result.log[-3000:]
    assert crawls.sql("SELECT count(*) FROM retry_ledger") == [(0,)]  # settled
    [(stats,)] = crawls.sql("SELECT stats FROM crawl_runs WHERE id = 2")
    assert json.loads(str(stats))["tinbao/retries/recovered"] == 1


def test_an_article_that_keeps_failing_is_given_up_after_the_limit_and_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = ReplicaSite(articles=12)
    broken = site.article(2)
    limit = {"TINBAO_RETRY_LIMIT": "3", "TINBAO_RETRY_SPACING": "0"}
    with ReplicaServer(site) as server:
        server.faults[broken.path] = Fault("status", status=500)
        crawls = Crawls(tmp_path, server)
        asked = [crawls.crawl(**limit)[1].count(broken.path) for _ in range(4)]
    assert asked == [4, 4, 4, 0]  # three crawls of four attempts each, then given up
    [(state, failures, error)] = crawls.sql("SELECT state, failures, last_error FROM retry_ledger")
    assert (state, failures, error) == ("given_up", 3, "http_500")
    monkeypatch.setenv("TINBAO_SITES", str(crawls.sites))
    assert main(["--database-url", crawls.url, "runs"]) == 0
    out = capsys.readouterr().out
    assert f"run 3 (replica) gave up on {server.base_url}{broken.path} after 3 failed crawls" in out
    assert main(["--database-url", crawls.url, "runs", "--json"]) == 0
    records = {r["id"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert [records[n]["given_up"] for n in (1, 2, 3, 4)] == [0, 0, 1, 0]
    assert main(["--database-url", crawls.url, "status", "--json"]) == 1
    [record] = [r for r in map(json.loads, capsys.readouterr().out.splitlines())
                if r["site"] == "replica"]  # fmt: skip
    assert record["given_up"] == 1
    assert "gave up on 1 URL" in " ".join(record["problems"])


def test_a_sitemap_that_failed_is_read_in_full_by_the_next_crawl(tmp_path: Path) -> None:
    # 60 articles, 25 listed per section: the 10 oldest are only in sitemap chunk 1
    site = ReplicaSite(articles=60, sitemap_chunk=20)
    oldest = [site.article(n).path for n in range(50, 60)]
    with ReplicaServer(site) as server:
        server.faults["/sitemaps/articles-1.xml"] = Fault("status", status=502, times=4)
        crawls = Crawls(tmp_path, server)
        crawls.crawl()
        assert not any(map(crawls.stored, oldest))
        _, second = crawls.crawl()
    assert "/sitemaps/articles-1.xml" in second  # though older than the last complete crawl
    assert all(map(crawls.stored, oldest))


def test_a_listing_page_that_failed_is_fetched_again_by_the_next_crawl(tmp_path: Path) -> None:
    site = ReplicaSite(articles=80, per_page=4, home_articles=0)
    none: list[str] = []
    with ReplicaServer(site) as server:
        server.faults["/thoi-su?p=3"] = Fault("status", status=504, times=4)
        crawls = Crawls(tmp_path, server, feeds=none, sitemaps=none)
        crawls.crawl()
        missing = [site.article(n).path for n in site.in_section("thoi-su")[8:12]]
        assert not any(map(crawls.stored, missing))  # page 3 of the section
        _, second = crawls.crawl()
    assert "/thoi-su?p=3" in second  # though page 1 answered 304
    assert all(map(crawls.stored, missing))


def test_a_feed_that_failed_is_asked_for_without_its_old_validators(tmp_path: Path) -> None:
    site = ReplicaSite(articles=12)
    feed = "/rss/cate/kinh-te/"
    with ReplicaServer(site) as server:
        crawls = Crawls(tmp_path, server)
        crawls.crawl()
        server.faults[feed] = Fault("status", status=503, times=4)
        crawls.crawl()
        before = len(server.requests)
        crawls.crawl()
        asked = [r for r in server.requests[before:] if r.target == feed]
    assert len(asked) == 1 and "If-None-Match" not in asked[0].headers
