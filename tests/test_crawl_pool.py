"""Extraction off the reactor (crawler/pool): a real crawl of the replica reads its pages in
more than one worker process, and `TINBAO_EXTRACT_WORKERS=0` keeps them in the crawl's own."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.replica import ReplicaServer, ReplicaSite, run_crawl

pytestmark = pytest.mark.e2e

SITE = ReplicaSite(articles=40, per_page=10)


def crawl(tmp_path: Path, workers: int) -> tuple[int, dict[str, int]]:
    """(articles stored, the run's tinbao/ stats) after a crawl with `workers` extractors."""
    with ReplicaServer(SITE) as server:
        sites = tmp_path / "sites.toml"
        sites.write_text(SITE.registry_toml(server.base_url), "utf-8")
        database = tmp_path / "archive.db"
        settings = {"TINBAO_EXTRACT_WORKERS": str(workers), "CONCURRENT_REQUESTS_PER_DOMAIN": "4"}
        result = run_crawl("replica", sites_file=sites, database_url=f"sqlite:///{database}",
                           settings=settings)  # fmt: skip
    assert result.returncode == 0, result.log[-3000:]
    with sqlite3.connect(database) as connection:
        stored = connection.execute("SELECT count(*) FROM articles").fetchone()[0]
        [stats] = connection.execute("SELECT stats FROM crawl_runs").fetchone()
    connection.close()
    return stored, json.loads(stats)


def test_a_crawl_extracts_in_several_worker_processes(tmp_path: Path) -> None:
    stored, stats = crawl(tmp_path, workers=2)
    assert stored == SITE.articles
    assert stats["tinbao/pages/article"] == SITE.articles
    assert stats["tinbao/extract/processes"] == 2


def test_no_workers_means_extraction_in_the_crawls_own_process(tmp_path: Path) -> None:
    stored, stats = crawl(tmp_path, workers=0)
    assert stored == SITE.articles
    assert stats["tinbao/extract/processes"] == 1
