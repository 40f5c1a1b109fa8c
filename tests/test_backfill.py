"""Backfill: a site's whole history, every page of every section; resumable after Ctrl-C or
kill -9 without fetching again what it has."""

from __future__ import annotations

import signal
import sqlite3
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.replica import ReplicaServer, ReplicaSite, run_crawl
from tests.replica.crawl import start_crawl
from tests.replica.faults import Fault

pytestmark = pytest.mark.e2e

NONE: list[str] = []
BATCH = 10


def registry(tmp_path: Path, site: ReplicaSite, server: ReplicaServer[ReplicaSite]) -> Path:
    """Sections only: what a backfill finds comes from walking their whole pagination."""
    path = tmp_path / "sites.toml"
    path.write_text(site.registry_toml(server.base_url, feeds=NONE, sitemaps=NONE), "utf-8")
    return path


def count(database: Path, query: str) -> int:
    if not database.exists():
        return 0
    try:
        with sqlite3.connect(database, timeout=5) as connection:
            return int(connection.execute(query).fetchone()[0])
    except sqlite3.OperationalError:  # the crawl has not created the table yet
        return 0


def test_a_backfill_walks_every_page_of_every_section(tmp_path: Path) -> None:
    site = ReplicaSite(articles=120, per_page=5, home_articles=0)
    with ReplicaServer(site) as server:
        sites = registry(tmp_path, site, server)
        url = f"sqlite:///{tmp_path / 'archive.db'}"
        result = run_crawl("replica", sites_file=sites, database_url=url,
                           arguments={"backfill": "1"})  # fmt: skip
        assert result.returncode == 0, result.log[-3000:]
        pages = [r.target for r in server.requests if "?p=" in r.target]
    database = tmp_path / "archive.db"
    assert count(database, "SELECT count(*) FROM articles") == 120
    assert len(pages) == len(set(pages)) == 2 * (60 // 5 - 1)  # pages 2..12 of both sections
    assert count(database, "SELECT count(*) FROM crawl_frontier WHERE state = 'pending' "
                           "AND kind <> 'article'") == 0  # fmt: skip


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill-9"])
def test_an_interrupted_backfill_resumes_without_fetching_again(
    tmp_path: Path, stop: signal.Signals
) -> None:
    site = ReplicaSite(articles=240, per_page=10, home_articles=0)
    database = tmp_path / "archive.db"
    url = f"sqlite:///{database}"
    with ReplicaServer(site) as server:
        sites = registry(tmp_path, site, server)
        # the archive writer's batches of up to 10 articles (crawler/archive_writer.py)
        slower = {"DOWNLOAD_DELAY": "0.01", "TINBAO_WRITE_BATCH": str(BATCH)}
        process = start_crawl("replica", sites_file=sites, database_url=url,
                              arguments={"backfill": "1"}, settings=slower)  # fmt: skip
        deadline = time.monotonic() + 60
        while count(database, "SELECT count(*) FROM articles") < 80:
            assert process.poll() is None, "the backfill ended before it could be interrupted"
            assert time.monotonic() < deadline
            time.sleep(0.1)
        process.send_signal(stop)
        process.communicate(timeout=60)
        stored_before = count(database, "SELECT count(*) FROM articles")
        assert stored_before < 240
        with sqlite3.connect(database) as connection:
            stored = {u.split("/", 3)[3] for (u,) in connection.execute("SELECT url FROM articles")}
        result = run_crawl("replica", sites_file=sites, database_url=url,
                           arguments={"backfill": "1"})  # fmt: skip
        assert result.returncode == 0, result.log[-3000:]
        fetched = Counter(r.target for r in server.requests)
    assert count(database, "SELECT count(*) FROM articles") == 240
    articles = {t: n for t, n in fetched.items() if t.endswith(".html")}
    assert len(articles) == 240
    fetched_twice = [t for t, n in articles.items() if n > 1]
    assert not {t.lstrip("/") for t in fetched_twice} & stored  # nothing stored is fetched again
    # at most those in flight at the interruption: downloads, and the writer's uncommitted batch
    assert len(fetched_twice) <= 4 + BATCH, fetched_twice
    listing_twice = [t for t, n in fetched.items() if "?p=" in t and n > 1]
    assert len(listing_twice) <= 2, listing_twice


def test_pages_reached_through_a_redirect_are_done_under_the_url_asked_for(
    tmp_path: Path,
) -> None:
    site = ReplicaSite(articles=40, per_page=5, home_articles=0)
    with ReplicaServer(site) as server:
        server.faults.update({
            "/tin-cu/": Fault("redirect", status=301, location="{base}/thoi-su/"),
            "/kinh-te-cu/": Fault("redirect", status=302, location="{base}/kinh-te/"),
        })  # fmt: skip
        sections = [f"{server.base_url}/tin-cu/", f"{server.base_url}/kinh-te-cu/"]
        sites = tmp_path / "sites.toml"
        sites.write_text(site.registry_toml(server.base_url, feeds=NONE, sitemaps=NONE,
                                            sections=sections), "utf-8")  # fmt: skip
        url = f"sqlite:///{tmp_path / 'archive.db'}"
        first = run_crawl("replica", sites_file=sites, database_url=url,
                          arguments={"backfill": "1"})  # fmt: skip
        assert first.returncode == 0, first.log[-3000:]
        before = len(server.requests)
        again = run_crawl("replica", sites_file=sites, database_url=url,
                          arguments={"backfill": "1"})  # fmt: skip
        assert again.returncode == 0, again.log[-3000:]
        resumed = [r.target for r in server.requests[before:]]
    database = tmp_path / "archive.db"
    assert count(database, "SELECT count(*) FROM articles") == 40
    assert count(database, "SELECT count(*) FROM crawl_frontier WHERE state = 'pending' "
                           "AND kind <> 'article'") == 0  # fmt: skip
    assert resumed == [], resumed  # the backfill was complete: nothing left to fetch
