"""Politeness with a server that asks for it: Crawl-delay, Retry-After, backoff after failures,
and a circuit breaker that ends a crawl of a site that keeps failing."""

from __future__ import annotations

import itertools
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.middlewares.retry import backoff_seconds, retry_after_seconds
from tests.replica import ReplicaServer, ReplicaSite, RequestLog, run_crawl
from tests.replica.faults import Fault

NOW = datetime(2026, 11, 23, 3, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("120", 120.0), (" 5 ", 5.0), ("Mon, 23 Nov 2026 03:01:30 GMT", 90.0),
     ("Mon, 23 Nov 2026 02:00:00 GMT", 0.0), ("soon", None), ("", None), (None, None)],
)  # fmt: skip
def test_retry_after_is_seconds_or_an_http_date(header: str | None, seconds: float | None) -> None:
    assert retry_after_seconds(header, now=NOW) == seconds


def test_backoff_doubles_up_to_its_cap() -> None:
    assert [backoff_seconds(n, base=2, cap=10) for n in (1, 2, 3, 4, 5)] == [2, 4, 8, 10, 10]


def crawl(
    tmp_path: Path, server: ReplicaServer[ReplicaSite], *, exit_status: int = 0, **settings: str
) -> tuple[int, list[RequestLog]]:
    sites = tmp_path / "sites.toml"
    sites.write_text(server.site.registry_toml(server.base_url), "utf-8")
    database = tmp_path / "archive.db"
    result = run_crawl("replica", sites_file=sites, database_url=f"sqlite:///{database}",
                       settings={"AUTOTHROTTLE_ENABLED": "0", **settings})  # fmt: skip
    assert result.returncode == exit_status, result.log[-3000:]
    with sqlite3.connect(database) as connection:
        stored = connection.execute("SELECT count(*) FROM articles").fetchone()[0]
    return int(stored), list(server.requests)


@pytest.mark.e2e
def test_robots_crawl_delay_spaces_every_request(tmp_path: Path) -> None:
    site = ReplicaSite(articles=3, sections=("thoi-su",), crawl_delay=0.4)
    with ReplicaServer(site) as server:
        stored, requests = crawl(tmp_path, server)
    assert stored == 3
    starts = [r.at for r in requests[1:]]  # after robots.txt itself
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert len(gaps) >= 6
    assert min(gaps) >= 0.3, gaps  # each start is 0.4 s after the last, give or take the network
    assert starts[-1] - starts[0] >= 0.4 * len(gaps) - 0.1


@pytest.mark.e2e
def test_retry_after_pauses_the_whole_host(tmp_path: Path) -> None:
    site = ReplicaSite(articles=8, sections=("thoi-su",))
    target = site.article(0).path
    fault = Fault("status", status=429, headers={"Retry-After": "2"}, times=1)
    with ReplicaServer(site, faults={target: fault}) as server:
        stored, requests = crawl(tmp_path, server)
    assert stored == 8
    refused = next(r.at for r in requests if r.target == target)
    retried = [r.at for r in requests if r.target == target][1]
    assert retried - refused >= 1.9
    # nothing is sent during the pause but what Scrapy's downloader started in the moment the
    # 429 freed its slot, before the response reached the middleware that pauses the host
    assert not [r for r in requests if refused + 0.3 < r.at < refused + 1.9]


@pytest.mark.e2e
def test_failures_back_off_exponentially(tmp_path: Path) -> None:
    site = ReplicaSite(articles=2, sections=("thoi-su",))
    target = site.article(0).path
    with ReplicaServer(site, faults={target: Fault("status", status=503, times=2)}) as server:
        stored, requests = crawl(tmp_path, server, TINBAO_BACKOFF_BASE="0.5")
    assert stored == 2
    attempts = [r.at for r in requests if r.target == target]
    assert len(attempts) == 3
    assert attempts[1] - attempts[0] >= 0.45
    assert attempts[2] - attempts[1] >= 0.95


@pytest.mark.e2e
def test_the_circuit_breaker_ends_a_crawl_of_a_failing_site_at_once(tmp_path: Path) -> None:
    """The crawl closes right after the breaker opens, exit status 1. It used to linger: the
    requests queued in the download slot went out one per download delay, and retries waiting
    out their backoff (5 s here) were sent once it expired; now both are dropped."""
    site = ReplicaSite(articles=100, sections=("thoi-su",))
    failing = {site.article(n).path: Fault("status", status=500) for n in range(100)}
    with ReplicaServer(site, faults=failing) as server:
        stored, requests = crawl(tmp_path, server, exit_status=1, DOWNLOAD_DELAY="0.3",
                                 TINBAO_BACKOFF_BASE="5",
                                 TINBAO_CIRCUIT_BREAKER_FAILURES="5")  # fmt: skip
    assert stored == 0
    # the five failures, and what was on the wire when the fifth came back
    assert sum(1 for r in requests if r.target in failing) <= 5 + 2
    with sqlite3.connect(tmp_path / "archive.db") as connection:
        [(status, errors, finished, stats)] = connection.execute(
            "SELECT status, errors, finished_at, stats FROM crawl_runs"
        ).fetchall()
    assert status == "circuit_breaker: 5 failures in a row"
    assert errors >= 5  # each failed article, its pending retry dropped, is counted as http_500
    opened = datetime.fromisoformat(json.loads(stats)["tinbao/breaker/opened_at"])
    closed = datetime.fromisoformat(finished).replace(tzinfo=UTC)
    assert closed - opened < timedelta(seconds=3), (opened, closed)  # a pause would be 5 s


@pytest.mark.e2e
def test_every_request_that_waited_for_robots_txt_is_checked_against_it(tmp_path: Path) -> None:
    """Scrapy 2.19's robots.txt middleware gave the parsed rules to the first request that
    waited for robots.txt only (the others awaited the same Deferred, whose result the first
    await had consumed, and got None: no rules), so forbidden pages asked for while robots.txt
    was on its way were fetched."""
    site = ReplicaSite(articles=3, sections=("thoi-su",))
    with ReplicaServer(site, faults={"/robots.txt": Fault("timeout", delay=0.5)}) as server:
        base = server.base_url
        sites = tmp_path / "sites.toml"
        forbidden = [f"{base}/private/", f"{base}/private/cu/", f"{base}/private/moi/"]
        sites.write_text(site.registry_toml(base, sections=[f"{base}/thoi-su/", *forbidden]),
                         "utf-8")  # fmt: skip
        result = run_crawl(
            "replica", sites_file=sites, database_url=f"sqlite:///{tmp_path / 'a.db'}"
        )
        assert result.returncode == 0, result.log[-3000:]
        paths = server.paths()
    assert "/thoi-su/" in paths
    assert [p for p in paths if p.startswith("/private/")] == []
