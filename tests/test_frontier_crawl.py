"""One backfill split across two crawl processes through a shared frontier in Redis
(crawler/frontier, docs/frontier.md): every article stored once, no page fetched twice, the
site's concurrency (measured at the replica) never above its limit and its Crawl-delay kept
for both processes together; a process killed with -9 mid-way loses nothing: the survivor gets
back the requests it had in hand and finishes, and only those are fetched twice."""

from __future__ import annotations

import pickle
import re
import signal
import socket
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar, cast

import pytest

from tests.redis_frontier import RedisFrontier
from tests.redis_frontier import frontier as frontier  # a fixture
from tests.replica import ReplicaServer, ReplicaSite
from tests.replica.crawl import start_crawl

pytestmark = pytest.mark.e2e

ARTICLES = 48
CRAWL_DELAY = 0.1  # robots.txt: at most 10 requests a second, for both processes together
LATENCY = 0.15  # each reply takes this long: two processes could have four requests open
LIMIT = 2  # CONCURRENT_REQUESTS_PER_DOMAIN


def replica() -> ReplicaSite:
    return ReplicaSite(articles=ARTICLES, per_page=5, home_articles=0, crawl_delay=CRAWL_DELAY)


def registry(tmp_path: Path, site: ReplicaSite, server: ReplicaServer[ReplicaSite]) -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(site.registry_toml(server.base_url, feeds=[], sitemaps=[]), "utf-8")
    return path


def stored(database: Path) -> list[str]:
    if not database.exists():
        return []
    try:
        with sqlite3.connect(database, timeout=5) as connection:
            return [row[0] for row in connection.execute("SELECT url FROM articles")]
    except sqlite3.OperationalError:  # not created yet
        return []


class Backfill:
    """One crawl process of the backfill, its output read as it comes (a full pipe would
    stop it: a process that stops for longer than its lease loses its requests in hand)."""

    started: ClassVar[list[Backfill]] = []

    def __init__(self, sites: Path, url: str, frontier: RedisFrontier, token: str,
                 **settings: str) -> None:  # fmt: skip
        self.process = start_crawl("replica", sites_file=sites, database_url=url,
                                   arguments={"backfill": "1"},
                                   settings={**frontier.settings(), **settings},
                                   env={"TINBAO_CLAIM_TOKEN": token})  # fmt: skip
        self.node = f"{socket.gethostname()}:{self.process.pid}:{token}"
        self.chunks: list[bytes] = []
        self.reader = threading.Thread(target=self._read)
        self.reader.start()
        Backfill.started.append(self)

    def _read(self) -> None:
        assert self.process.stdout is not None
        self.chunks.extend(iter(self.process.stdout.readline, b""))

    def finish(self) -> str:
        """Its log, once it has ended with exit status 0."""
        self.process.wait(timeout=120)
        self.reader.join()
        log = b"".join(self.chunks).decode("utf-8", "replace")
        assert self.process.returncode == 0, log[-3000:]
        return log

    def log(self) -> str:
        """Its output so far (all of it once it has ended)."""
        if self.process.poll() is not None:
            self.reader.join()
        return b"".join(self.chunks).decode("utf-8", "replace")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        self.reader.join()


@pytest.fixture(autouse=True)
def no_process_left(frontier: RedisFrontier) -> Iterator[None]:
    """A test that failed half-way leaves no crawl running (it would write to the Redis keys
    `frontier` deletes after it, and hold the machine): killed before they are deleted."""
    yield
    for backfill in Backfill.started:
        if backfill.process.poll() is None:
            backfill.kill()
    Backfill.started.clear()


def test_two_processes_split_one_backfill_politely(tmp_path: Path, frontier: RedisFrontier) -> None:
    site = replica()
    database = tmp_path / "archive.db"
    with ReplicaServer(site, latency=LATENCY) as server:
        sites = registry(tmp_path, site, server)
        url = f"sqlite:///{database}"
        processes = [Backfill(sites, url, frontier, token) for token in ("node-a", "node-b")]
        logs = [process.finish() for process in processes]
        requests = list(server.requests)
        peak = server.peak_in_flight
    articles = stored(database)
    assert len(articles) == len(set(articles)) == ARTICLES
    fetched = Counter(r.target for r in requests)
    twice = [t for t, n in fetched.items() if n > 1 and t != "/robots.txt"]
    assert twice == [], twice
    assert sum(1 for t in fetched if t.endswith(".html")) == ARTICLES
    pages = [int(m[1]) for m in (re.search(r"finished in \S+: (\d+) pages", g) for g in logs) if m]
    assert len(pages) == 2 and min(pages) > 0, f"both processes took part: {pages} pages"
    assert 1 <= peak <= LIMIT, f"{peak} requests open on the site at once"
    arrivals = sorted(r.at for r in requests)
    # The starts are CRAWL_DELAY apart for both together (one process alone keeps it too; two
    # without the shared pacing would go twice as fast); a second's slack for the ends.
    assert arrivals[-1] - arrivals[0] >= (len(arrivals) - 1) * CRAWL_DELAY - 1.0
    print(f"\nshared: {len(requests)} requests ({pages} per process), peak {peak} open, "
          f"{arrivals[-1] - arrivals[0]:.1f}s")  # fmt: skip


def in_hand(frontier: RedisFrontier, node: str) -> set[str]:
    """The paths of the requests `node` holds in hand now."""
    members = frontier.server.zrange(frontier.keys("replica").in_hand(node), 0, -1)
    return {"/" + pickle.loads(cast(bytes, m))["url"].split("/", 3)[3] for m in members}


def test_a_process_killed_mid_way_loses_nothing(tmp_path: Path, frontier: RedisFrontier) -> None:
    site = replica()
    database = tmp_path / "archive.db"
    quick = {"TINBAO_FRONTIER_LEASE": "2", "DOWNLOAD_TIMEOUT": "3"}
    with ReplicaServer(site, latency=LATENCY) as server:
        sites = registry(tmp_path, site, server)
        url = f"sqlite:///{database}"
        survivor = Backfill(sites, url, frontier, "node-a", **quick)
        victim = Backfill(sites, url, frontier, "node-b", **quick)
        deadline = time.monotonic() + 60
        while len(stored(database)) < ARTICLES // 3 or not in_hand(frontier, victim.node):
            assert victim.process.poll() is None, victim.log()[-3000:]
            assert time.monotonic() < deadline
            time.sleep(0.05)
        victim.kill()
        # what it held when it died: still in Redis until its lease (2 s) runs out
        held = in_hand(frontier, victim.node)
        at_kill = len(stored(database))
        log = survivor.finish()
        fetched = Counter(r.target for r in server.requests)
    articles = stored(database)
    assert at_kill < ARTICLES
    assert len(articles) == len(set(articles)) == ARTICLES
    assert "requests of a lost node returned to the frontier" in log
    twice = {t for t, n in fetched.items() if n > 1 and t != "/robots.txt"}
    assert twice <= held, f"fetched twice but not in hand at the kill: {twice - held}"
    print(f"\nkill -9: {sum(fetched.values())} requests, {len(held)} in hand at the kill "
          f"({at_kill} articles stored), {len(twice)} fetched twice")  # fmt: skip
