"""Whatever the web throws at a crawl, it completes (exit 0), loses no stored article, and counts
each fault by kind in crawl_runs with the URL in the log.

One crawl of a 30-article replica whose pages misbehave in every way at once."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.replica import CrawlResult, ReplicaServer, ReplicaSite, run_crawl
from tests.replica.faults import Fault, windows_1258

pytestmark = pytest.mark.e2e

SITE = ReplicaSite(articles=30, per_page=10)
SETTINGS = {
    "DOWNLOAD_TIMEOUT": "1",
    "RETRY_TIMES": "2",
    "TINBAO_BACKOFF_BASE": "0.1",
    "DOWNLOAD_MAXSIZE": str(1024 * 1024),
    "DOWNLOAD_WARNSIZE": "0",
}
# article number -> what goes wrong with it (the others are served normally)
LOST = {1: "timeout", 2: "connection_lost", 5: "redirect_loop", 6: "offsite_redirect",
        7: "empty_body", 8: "binary_body", 12: "too_large", 13: "too_large",
        14: "redirect_refused"}  # fmt: skip
SURVIVED = {3: "503 twice, then served", 4: "429 with Retry-After, then served",
            9: "UTF-8 served as ISO-8859-1", 10: "windows-1258 served as UTF-8",
            11: "no charset anywhere"}  # fmt: skip


def faults(base_url: str, elsewhere: str) -> dict[str, Fault]:
    """The faults by path; `elsewhere` is another port of the site's host (a service the crawl
    must never be redirected to)."""
    path = {n: SITE.article(n).path for n in range(SITE.articles)}
    page = {n: SITE.article_html(SITE.article(n), base_url) for n in range(SITE.articles)}
    xxe = (
        '<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{base_url}/&xxe;-a1.html</loc></url></urlset>"
    ).encode()
    return {
        path[1]: Fault("timeout", delay=3),
        path[2]: Fault("reset"),
        path[3]: Fault("status", status=503, times=2),
        path[4]: Fault("status", status=429, headers={"Retry-After": "1"}, times=1),
        path[5]: Fault("redirect", location="{base}" + path[5]),
        path[6]: Fault("redirect", location=base_url.replace("127.0.0.1", "localhost") + path[6]),
        path[7]: Fault("body", body=b""),
        path[8]: Fault("body", body=bytes(range(256)) * 40, headers={"Content-Type": "text/html"}),
        path[9]: Fault("body", body=page[9].encode(),
                       headers={"Content-Type": "text/html; charset=iso-8859-1"}),
        path[10]: Fault("body", body=windows_1258(page[10].replace('<meta charset="utf-8">', "")),
                        headers={"Content-Type": "text/html; charset=utf-8"}),
        path[11]: Fault("body", body=page[11].replace('<meta charset="utf-8">', "").encode(),
                        headers={"Content-Type": "text/html"}),
        path[12]: Fault("body", body=page[12].encode() + b" " * (2 * 1024 * 1024)),
        path[13]: Fault("gzip_bomb"),
        path[14]: Fault("redirect", location=elsewhere + "/internal"),
        "/rss/cate/kinh-te/": Fault("body", body=b"<rss><channel><item><link>broken",
                                    headers={"Content-Type": "application/rss+xml"}),
        "/sitemapnews.xml": Fault("body", body=xxe, headers={"Content-Type": "application/xml"}),
        "/sitemaps/articles-1.xml.gz": Fault("body", body=b"<urlset><url><loc>x</loc></ur",
                                             headers={"Content-Type": "application/xml"}),
    }  # fmt: skip


@dataclass
class Crawled:
    result: CrawlResult
    database: Path
    base_url: str
    paths: list[str]
    elsewhere: list[str]  # requests that reached the other port

    def sql(self, query: str) -> list[tuple[object, ...]]:
        with sqlite3.connect(self.database) as connection:
            return connection.execute(query).fetchall()

    def stats(self) -> dict[str, int]:
        [(stats,)] = self.sql("SELECT stats FROM crawl_runs ORDER BY id LIMIT 1")
        return dict(json.loads(str(stats)))


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    tmp = tmp_path_factory.mktemp("faults")
    with ReplicaServer(SITE) as server, ReplicaServer(ReplicaSite(articles=1)) as other:
        server.faults.update(faults(server.base_url, other.base_url))
        sites = tmp / "sites.toml"
        sites.write_text(SITE.registry_toml(server.base_url), "utf-8")
        database = tmp / "archive.db"
        result = run_crawl("replica", sites_file=sites, database_url=f"sqlite:///{database}",
                           settings=SETTINGS)  # fmt: skip
        yield Crawled(result, database, server.base_url, [r.target for r in server.requests],
                      [r.target for r in other.requests])  # fmt: skip


def test_the_crawl_completes_with_exit_status_0(crawled: Crawled) -> None:
    assert crawled.result.returncode == 0, crawled.result.log[-3000:]
    assert crawled.sql("SELECT status FROM crawl_runs") == [("finished",)]


def test_every_servable_article_is_stored_right(crawled: Crawled) -> None:
    stored = {str(url): str(body) for url, body in crawled.sql("SELECT url, body FROM articles")}
    for number in range(SITE.articles):
        truth = SITE.article(number)
        url = crawled.base_url + truth.path
        if number in LOST:
            assert url not in stored, LOST[number]
        else:
            assert stored.get(url) == truth.body, SURVIVED.get(number, "a plain article")


def test_each_fault_is_counted_by_kind(crawled: Crawled) -> None:
    stats = crawled.stats()
    expected = {"timeout": 1, "connection_lost": 1, "redirect_loop": 1, "offsite_redirect": 1,
                "empty_body": 1, "binary_body": 1, "too_large": 2, "wrong_charset": 2,
                "redirect_refused": 1,
                "feed_malformed": 1, "sitemap_malformed": 1}  # fmt: skip
    for kind, count in expected.items():
        assert stats.get(f"tinbao/errors/{kind}") == count, kind
    errors = sum(v for k, v in stats.items() if k.startswith("tinbao/errors/"))
    assert crawled.sql("SELECT errors FROM crawl_runs") == [(errors,)]


def test_each_error_is_logged_with_its_url(crawled: Crawled) -> None:
    for number, kind in LOST.items():
        line = f"{kind}: {crawled.base_url}{SITE.article(number).path}"
        assert line in crawled.result.log, line


def test_a_redirect_to_another_port_of_the_host_never_reaches_it(crawled: Crawled) -> None:
    assert crawled.elsewhere == []


def test_xml_entities_are_never_resolved(crawled: Crawled) -> None:
    assert not [p for p in crawled.paths if "root:" in p or "/bin/" in p]


def test_a_503_burst_and_a_429_are_retried_until_served(crawled: Crawled) -> None:
    assert crawled.paths.count(SITE.article(3).path) == 3
    assert crawled.paths.count(SITE.article(4).path) == 2


def test_stored_articles_survive_a_refresh_that_meets_only_faults(tmp_path: Path) -> None:
    site = ReplicaSite(articles=6, sections=("thoi-su",))
    with ReplicaServer(site) as server:
        sites = tmp_path / "sites.toml"
        sites.write_text(site.registry_toml(server.base_url), "utf-8")
        url = f"sqlite:///{tmp_path / 'archive.db'}"
        assert run_crawl("replica", sites_file=sites, database_url=url).returncode == 0
        garbage = {"Content-Type": "text/html; charset=utf-8"}
        server.faults.update({site.article(0).path: Fault("status", status=500),
                              site.article(1).path: Fault("body", body=b"", headers=garbage),
                              site.article(2).path: Fault("body", body=b"\x00\xff" * 500),
                              site.article(3).path: Fault("reset"),
                              site.article(4).path: Fault("redirect", location="{base}/"),
                              site.article(5).path: Fault("status", status=404)})  # fmt: skip
        again = run_crawl("replica", sites_file=sites, database_url=url, arguments={"refresh": "1"},
                          settings={"RETRY_TIMES": "0"})  # fmt: skip
    assert again.returncode == 0, again.log[-3000:]
    with sqlite3.connect(tmp_path / "archive.db") as connection:
        rows = dict(connection.execute("SELECT url, body FROM articles").fetchall())
    assert rows == {server.base_url + a.path: a.body for a in site.public_articles()}
