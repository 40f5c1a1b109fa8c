"""No crawl outlives its supervisor, and no site is crawled twice at once, with the real
commands: kill -9 of `tinbao daemon`, `tinbao crawl` or `tinbao backfill` leaves no `scrapy
crawl` behind; a standby daemon taking over from a stalled one never starts a site whose crawl
still runs. Real processes and real time, short leases; a few seconds each."""

from __future__ import annotations

import itertools
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest

from tests.replica import ReplicaServer, ReplicaSite
from tests.replica.crawl import FAST, ROOT, run_crawl, start_crawl
from tests.replica.faults import Fault

pytestmark = pytest.mark.e2e

_PROXY_VARIABLES = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}
CRAWL_SETTINGS = {**FAST, "TINBAO_STOP_GRACE": "2", "TINBAO_CLAIM_LEASE": "4"}


def environment(sites: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.lower() not in _PROXY_VARIABLES}
    env.update({"TINBAO_SITES": str(sites), "PYTHONPATH": str(ROOT),
                "TINBAO_WARC_DIR": str(sites.parent / "warc")})  # fmt: skip
    return env


def tinbao(url: str, *arguments: str) -> list[str]:
    return [sys.executable, "-m", "scheduler.cli", "--database-url", url, *arguments]


def daemon_command(url: str, *extra: str) -> list[str]:
    settings = [a for n, v in CRAWL_SETTINGS.items() for a in ("--crawl-setting", f"{n}={v}")]
    return tinbao(url, "daemon", "--sites", "replica", "--jitter", "0", "--max-concurrent", "1",
                  *settings, *extra)  # fmt: skip


def crawl_command(url: str, command: str) -> list[str]:
    settings = [a for n, v in CRAWL_SETTINGS.items() for a in ("-s", f"{n}={v}")]
    return tinbao(url, command, "replica", *settings)


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError):
                continue
            if int(stat[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie waiting for its reaper has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


def rows(database: Path) -> list[tuple[int, str, str | None, str]]:
    if not database.exists():
        return []
    with sqlite3.connect(database) as db:
        try:
            return db.execute("SELECT id, started_at, finished_at, status FROM crawl_runs "
                              "WHERE site = 'replica' ORDER BY id").fetchall()  # fmt: skip
        except sqlite3.OperationalError:  # not created yet
            return []


def wait_for(condition: object, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"{what} within {seconds:g}s"
        time.sleep(0.1)


@contextmanager
def started(
    command: list[str], cwd: Path, env: dict[str, str]
) -> Iterator[subprocess.Popen[bytes]]:
    with (cwd / f"output-{len(list(cwd.glob('output-*')))}.log").open("wb") as output:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=output,
                                   stderr=subprocess.STDOUT)  # fmt: skip
        try:
            yield process
        finally:
            if process.poll() is None:
                os.kill(process.pid, signal.SIGCONT)
                process.kill()
            process.wait()


@pytest.mark.parametrize("supervisor", ["daemon", "crawl", "backfill"])
def test_kill_9_of_the_supervisor_leaves_no_crawl(supervisor: str, tmp_path: Path) -> None:
    site = ReplicaSite(articles=3)
    database = tmp_path / "a.db"
    url = f"sqlite:///{database}"
    # robots.txt hangs for a minute: the crawl would go on long after its supervisor died
    with ReplicaServer(site, faults={"/robots.txt": Fault("timeout", delay=60)}) as server:
        sites = tmp_path / "sites.toml"
        sites.write_text(site.registry_toml(server.base_url, interval="1h"), "utf-8")
        command = daemon_command(url) if supervisor == "daemon" else crawl_command(url, supervisor)
        crawl = 0
        with started(command, tmp_path, environment(sites)) as parent:
            wait_for(lambda: any(status == "running" for *_, status in rows(database)),
                     "the crawl writes its row")  # fmt: skip
            [crawl] = children(parent.pid)
            os.kill(parent.pid, signal.SIGKILL)
            parent.wait()
            deadline = time.monotonic() + 20
            while alive(crawl) and time.monotonic() < deadline:
                time.sleep(0.1)
            orphaned = alive(crawl)
            if orphaned:
                os.kill(crawl, signal.SIGKILL)
        assert not orphaned, f"the crawl outlived `tinbao {supervisor}` by 20 s"
    [(_, _, finished, status)] = rows(database)
    assert finished is not None and status == "failed: supervisor gone"
    with sqlite3.connect(database) as db:
        claims = db.execute("SELECT count(*) FROM daemon_locks WHERE name LIKE 'crawl:%'")
        assert claims.fetchone() == (0,), "the claim was given back"


def test_a_standby_daemon_never_starts_a_site_whose_crawl_still_runs(tmp_path: Path) -> None:
    site = ReplicaSite(articles=4)
    slow = {site.article(n).path: Fault("timeout", delay=1.5) for n in range(site.articles)}
    database = tmp_path / "a.db"
    url = f"sqlite:///{database}"
    with ReplicaServer(site, faults=slow) as server:
        sites = tmp_path / "sites.toml"
        sites.write_text(site.registry_toml(server.base_url, interval="2s"), "utf-8")
        env = environment(sites)
        lease = ("--lease", "2s")
        with started(daemon_command(url, *lease), tmp_path, env) as first:
            wait_for(lambda: any(status == "running" for *_, status in rows(database)),
                     "the first daemon starts a crawl")  # fmt: skip
            # The first daemon stalls (its lease runs out); its crawl goes on.
            os.kill(first.pid, signal.SIGSTOP)
            with started(daemon_command(url, *lease), tmp_path, env) as second:
                # The second one takes over, and must wait for the first one's crawl to end.
                wait_for(lambda: len([r for r in rows(database) if r[3] == "finished"]) >= 2,
                         "two crawls finish", seconds=90)  # fmt: skip
                second.send_signal(signal.SIGTERM)
                assert second.wait(timeout=45) == 0
            os.kill(first.pid, signal.SIGCONT)
            first.send_signal(signal.SIGTERM)
            first.wait(timeout=45)
    crawls = [r for r in rows(database) if r[3] != "failed: already running"]
    assert all(finished is not None for _, _, finished, _ in crawls), crawls
    spans = sorted((datetime.fromisoformat(s), datetime.fromisoformat(f)) for _, s, f, _ in crawls)  # type: ignore[arg-type]
    for (_, previous_end), (start, _) in itertools.pairwise(spans):
        assert start >= previous_end, f"two crawls of one site at once: {crawls}"


def count(database: Path, query: str) -> int:
    """The number `query` gives; 0 before the crawl has created the archive."""
    if not database.exists():
        return 0
    with sqlite3.connect(database) as db:
        try:
            return int(db.execute(query).fetchone()[0])
        except sqlite3.OperationalError:
            return 0


def test_a_second_crawl_is_refused_and_a_killed_one_settled_by_the_next(tmp_path: Path) -> None:
    site = ReplicaSite(articles=8)
    slow = {site.article(n).path: Fault("timeout", delay=3) for n in range(site.articles)}
    database = tmp_path / "a.db"
    url = f"sqlite:///{database}"
    settings = {"TINBAO_CLAIM_LEASE": "3"}
    with ReplicaServer(site, faults=slow) as server:
        sites = tmp_path / "sites.toml"
        sites.write_text(site.registry_toml(server.base_url), "utf-8")
        first = start_crawl("replica", sites_file=sites, database_url=url, settings=settings)
        try:
            wait_for(lambda: count(database, "SELECT count(*) FROM articles") >= 1,
                     "an article stored")  # fmt: skip
            # While it runs, a second crawl of the site is refused, in one line, not a success.
            twin = run_crawl("replica", sites_file=sites, database_url=url, settings=settings)
            assert first.poll() is None, "the first crawl was still running"
        finally:
            first.kill()  # as a power loss would: nothing is closed
            first.wait()
        stored = count(database, "SELECT count(*) FROM articles")
        refusals = [line for line in twin.log.splitlines() if "is being crawled already" in line]
        assert len(refusals) == 1 and "not crawled twice at once" in refusals[0], twin.log[-3000:]
        assert [status for *_, status in rows(database)] == ["running", "failed: already running"]
        # Once the claim has expired (no heartbeat for its lease), the next crawl takes it and
        # settles the dead one with what it stored.
        expired = ("SELECT count(*) FROM daemon_locks WHERE name = 'crawl:replica' AND "
                   "expires_at < strftime('%Y-%m-%d %H:%M:%f', 'now')")  # fmt: skip
        wait_for(lambda: count(database, expired) == 1, "the claim expires")
        server.faults.clear()
        after = run_crawl("replica", sites_file=sites, database_url=url, settings=settings)
        assert after.returncode == 0, after.log[-3000:]
    statuses = [status for *_, status in rows(database)]
    assert statuses == ["crashed: lost", "failed: already running", "finished"]
    with sqlite3.connect(database) as db:
        query = "SELECT articles_new, pages_fetched, finished_at FROM crawl_runs WHERE id = 1"
        [(articles_new, pages, finished)] = db.execute(query)
    assert articles_new == stored and pages >= stored and finished is not None
    assert "had lost its process: crashed: lost" in after.log
