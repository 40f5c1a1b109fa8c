"""A real crawl of a site serving every hostile page at once (issue 11, item 7) finishes, stores
the normal articles, and counts each hostile page as its own error (bench/hostile_memory.py
measures the same crawl's memory)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.crawl_replica import read_archive
from bench.hostile_memory import DEEP, GIANT, HostileSite
from tests.replica import ReplicaServer, ReplicaSite, run_crawl

pytestmark = pytest.mark.e2e


# 11 MB: over the 10 MiB download limit, which made Scrapy crawl as if there were no robots.txt
@pytest.mark.parametrize("robots_mb", [9, 11])
def test_every_hostile_page_at_once(tmp_path: Path, robots_mb: int) -> None:
    site = ReplicaSite(articles=20, per_page=20)
    hostile = HostileSite(site, feed_distinct=10, robots_mb=robots_mb)
    database = tmp_path / "hostile.db"
    with ReplicaServer(hostile) as server:
        base = server.base_url
        feeds = [f"{base}/rss/cate/{s}/" for s in site.sections]
        feeds += [f"{base}/rss/dai/", f"{base}/rss/doc/"]
        sitemaps = [f"{base}/sitemap.xml", f"{base}/sitemap-0.xml"]
        sites = tmp_path / "sites.toml"
        sites.write_text(site.registry_toml(base, feeds=feeds, sitemaps=sitemaps), "utf-8")
        result = run_crawl(site.key, sites_file=sites, database_url=f"sqlite:///{database}")
        requests = server.paths()
    assert result.returncode == 0, result.log[-3000:]
    articles, runs = read_archive(database)
    stats = json.loads(str(runs[-1]["stats"]))
    assert articles >= site.articles + 1  # the normal ones and the deep JSON-LD one
    assert requests.count(GIANT) == 1 and requests.count(DEEP) == 1
    assert sum(path.startswith("/sitemap-") for path in requests) <= 5
    for kind in ("too_large", "json_ld_too_deep", "sitemap_too_deep", "robots_too_large"):
        assert stats.get(f"tinbao/errors/{kind}") == 1, kind  # too_large: the giant page
    assert "/robots.txt" in requests and "ERROR" not in result.log
