"""The replica of real pages (tests/replica/real.py) that bench/crawl_real.py crawls: its copies
of one page are distinct articles, and the generic spider finds and stores every one of them.
Skipped without the shared corpus ($TINBAO_CORPUS)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bench.gold import corpus_dir
from crawler.extraction import extract
from storage.hashing import content_hash
from storage.similarity import THRESHOLD, signature, similarity
from tests.replica import ReplicaServer, run_crawl
from tests.replica.real import RealPagesSite, article_path, vary

PAGES = [p.read_bytes() for p in sorted((corpus_dir() / "vn").glob("*/article*.html"))]
pytestmark = pytest.mark.skipif(not PAGES, reason=f"no corpus pages under {corpus_dir()}/vn")


def test_copies_of_one_page_are_distinct_articles_of_its_size() -> None:
    page = PAGES[0]
    one, other = vary(page, 1), vary(page, 2)
    assert vary(page, 1) == one  # deterministic: a rerun serves the same site
    assert abs(len(one) - len(page)) < len(page) // 100
    first = extract(one.decode(), f"http://x{article_path(1)}")
    second = extract(other.decode(), f"http://x{article_path(2)}")
    assert first.title == second.title and first.body != second.body
    assert content_hash(first.body) != content_hash(second.body)
    one_signature, other_signature = signature(first.body), signature(second.body)
    assert one_signature is not None and other_signature is not None
    assert similarity(one_signature, other_signature) < THRESHOLD


def test_the_spider_stores_every_article_of_the_site(tmp_path: Path) -> None:
    site = RealPagesSite(PAGES, articles=2 * len(PAGES) + 1)
    with ReplicaServer(site) as server:
        sites = tmp_path / "sites.toml"
        sites.write_text(site.registry_toml(server.base_url), "utf-8")
        database = tmp_path / "archive.db"
        result = run_crawl(site.key, sites_file=sites, database_url=f"sqlite:///{database}",
                           settings={"TINBAO_EXTRACT_WORKERS": "2"})  # fmt: skip
        fetched = [p for p in server.paths() if p.endswith(".html")]
    assert result.returncode == 0, result.log[-3000:]
    assert sorted(fetched) == sorted(article_path(n) for n in range(site.articles))
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT url, content_hash FROM articles").fetchall()
    connection.close()
    assert sorted(url for url, _ in rows) == sorted(site.urls(server.base_url))
    assert len({digest for _, digest in rows}) == site.articles
