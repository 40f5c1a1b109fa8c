"""A crawl enforces its own limits: `Watch.verdict` (pure, given `now` and the parent's pid)
says when it must stop, and a real `scrapy crawl` given a time limit stops itself with
"failed: timeout" even when a request hangs (after TINBAO_STOP_GRACE it exits)."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.supervised import SUPERVISOR_GONE, TIMEOUT, Watch
from tests.replica import ReplicaServer, ReplicaSite
from tests.replica.crawl import run_crawl
from tests.replica.faults import Fault

T = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


def test_an_unsupervised_crawl_without_a_limit_goes_on() -> None:
    assert Watch().verdict(now=T + timedelta(days=30), parent=1) is None


def test_a_crawl_whose_supervisor_died_must_stop() -> None:
    watch = Watch(supervisor=4242)
    assert watch.verdict(now=T, parent=4242) is None
    assert watch.verdict(now=T, parent=1) == SUPERVISOR_GONE, "re-parented to init"
    # its pipe reads as closed before the system has re-parented the crawl
    assert watch.verdict(now=T, parent=4242, hung_up=True) == SUPERVISOR_GONE


def test_a_crawl_past_its_time_limit_must_stop() -> None:
    watch = Watch(supervisor=4242, deadline=T + timedelta(hours=6))
    assert watch.verdict(now=T + timedelta(hours=5, minutes=59), parent=4242) is None
    assert watch.verdict(now=T + timedelta(hours=6), parent=4242) == TIMEOUT


@pytest.mark.e2e
def test_a_crawl_stops_itself_at_its_time_limit(tmp_path: Path) -> None:
    site = ReplicaSite(articles=3)
    database = tmp_path / "a.db"
    with ReplicaServer(site, faults={"/robots.txt": Fault("timeout", delay=60)}) as server:
        sites = tmp_path / "sites.toml"
        sites.write_text(site.registry_toml(server.base_url), "utf-8")
        started = time.monotonic()
        result = run_crawl("replica", sites_file=sites, database_url=f"sqlite:///{database}",
                           settings={"TINBAO_STOP_GRACE": "2"},
                           env={"TINBAO_TIME_LIMIT": "2"}, timeout=60)  # fmt: skip
        took = time.monotonic() - started
    assert "stopping the crawl: failed: timeout" in result.log, result.log[-3000:]
    assert took < 30, "a hanging request does not keep the crawl past its limit"
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT status FROM crawl_runs").fetchall() == [("failed: timeout",)]
        assert db.execute("SELECT count(*) FROM daemon_locks").fetchone() == (0,)
