"""Each way of finding articles, alone: feeds, sitemaps, paginated sections, the home page.

The replica's home page lists no articles here except in the home-page case, so what is
archived shows exactly what each entry point found.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.replica import ReplicaServer, ReplicaSite, run_crawl
from tests.replica.proxy import ForwardProxy

pytestmark = pytest.mark.e2e


def crawl(
    tmp_path: Path,
    site: ReplicaSite,
    *,
    fields: Mapping[str, object],
    settings: dict[str, str] | None = None,
    env: dict[str, str] | None = None,
    server: ReplicaServer[ReplicaSite],
) -> set[int]:
    """Crawl the replica with the registry fields given; return the archived article numbers."""
    sites = tmp_path / "sites.toml"
    sites.write_text(site.registry_toml(server.base_url, **fields), "utf-8")
    database = tmp_path / "archive.db"
    result = run_crawl(
        site.key, sites_file=sites, database_url=f"sqlite:///{database}", settings=settings, env=env
    )
    assert result.returncode == 0, result.log[-3000:]
    with sqlite3.connect(database) as connection:
        urls = [url for (url,) in connection.execute("SELECT url FROM articles")]
    return {site.number(int(url.rsplit("-a", 1)[1].removesuffix(".html"))) for url in urls}


NONE: list[str] = []


def test_feeds_alone(tmp_path: Path) -> None:
    site = ReplicaSite(articles=30, feed_size=3, home_articles=0)
    with ReplicaServer(site) as server:
        found = crawl(tmp_path, site, fields={"sitemaps": NONE, "sections": NONE}, server=server)
    assert found == {0, 2, 4} | {1, 3, 5}  # the 3 newest of each section's feed


def test_sitemap_index_with_gzipped_sitemaps_alone(tmp_path: Path) -> None:
    site = ReplicaSite(articles=30, sitemap_chunk=8, home_articles=0)
    with ReplicaServer(site) as server:
        fields = {"feeds": NONE, "sections": NONE, "sitemaps": [f"{server.base_url}/sitemap.xml"]}
        found = crawl(tmp_path, site, fields=fields, server=server)
    assert found == set(range(30))


def test_news_sitemap_alone(tmp_path: Path) -> None:
    site = ReplicaSite(articles=30, home_articles=0)
    with ReplicaServer(site) as server:
        news = [f"{server.base_url}/sitemapnews.xml"]
        found = crawl(tmp_path, site, fields={"feeds": NONE, "sections": NONE, "sitemaps": news},
                      server=server)  # fmt: skip
    assert found == set(range(20))  # a news sitemap lists the latest 20


def test_sections_are_walked_page_by_page_up_to_the_limit(tmp_path: Path) -> None:
    site = ReplicaSite(articles=30, per_page=4, home_articles=0)
    with ReplicaServer(site) as server:
        found = crawl(
            tmp_path,
            site,
            fields={"feeds": NONE, "sitemaps": NONE},
            settings={"TINBAO_LISTING_PAGES": "3"},
            server=server,
        )
    # 15 articles per section, 4 a page: pages 1-3 hold the 12 newest of each
    assert found == set(site.in_section("thoi-su")[:12]) | set(site.in_section("kinh-te")[:12])


def test_home_page_alone(tmp_path: Path) -> None:
    site = ReplicaSite(articles=30, home_articles=7)
    with ReplicaServer(site) as server:
        fields = {"feeds": NONE, "sitemaps": NONE, "sections": NONE}
        found = crawl(tmp_path, site, fields=fields, server=server)
    assert found == set(range(7))


def test_a_crawl_goes_through_the_proxy_named_by_http_proxy(tmp_path: Path) -> None:
    site = ReplicaSite(articles=5)
    with ReplicaServer(site) as server, ForwardProxy() as proxy:
        found = crawl(tmp_path, site, fields={}, env={"http_proxy": proxy.url}, server=server)
        assert found == set(range(5))
        assert f"{server.base_url}/robots.txt" in proxy.urls
        assert len(proxy.urls) == len(server.requests)
