"""A cluster on one machine: two real Scrapyd nodes (two slots each, folders of their own) with
the egg deployed, `tinbao daemon --scrapyd A --scrapyd B` scheduling four replica sites. Each
node gets two crawls; one node is killed with SIGKILL mid-crawl, its two crawls are settled
`crashed: node lost` and dispatched again to the other node, where they complete: every article
of every site stored once, never two crawls of a site at once. On SQLite, and on PostgreSQL
when the test server answers; about 30 seconds each."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from scheduler.scrapyd import NODE_LOST
from storage import make_engine, make_sessionmaker
from storage.models import CrawlRun
from tests.conftest import POSTGRES_URL
from tests.replica import ReplicaServer, ReplicaSite
from tests.replica.crawl import FAST, ROOT
from tests.scrapyd_node import PROJECT, ScrapydNode, clean_environment, require_scrapyd
from tests.scrapyd_node import tinbao_egg as tinbao_egg  # a fixture

pytestmark = pytest.mark.e2e

# Crawl-delay 0.2 s: a crawl of 14 articles lasts a few seconds, long enough to be cut short.
SITES = (
    ReplicaSite(articles=14, key="alpha", name="Báo Alpha", seed=1, first_id=200_000,
                crawl_delay=0.2),
    ReplicaSite(articles=14, key="beta", name="Báo Beta", seed=2, first_id=300_000,
                crawl_delay=0.2),
    ReplicaSite(articles=14, key="gamma", name="Báo Gamma", seed=3, first_id=400_000,
                crawl_delay=0.2),
    ReplicaSite(articles=14, key="delta", name="Báo Delta", seed=4, first_id=500_000,
                crawl_delay=0.2),
)  # fmt: skip
SLOTS = 2  # per node: the four sites start at once, two on each node


def setup_module() -> None:
    require_scrapyd()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def archive(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of the archive the daemon and both nodes share: an SQLite file, or a PostgreSQL
    schema of its own (the cluster's shape, where the test server answers)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'archive.db'}"
        return
    schema = f"{request.getfixturevalue('postgres_schema')}_{uuid.uuid4().hex[:6]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


Row = tuple[str, str, datetime, datetime | None, str, str]


def rows(url: str) -> list[Row]:
    """(site, status, started, finished, node, job) of every crawl_runs row, oldest first."""
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            runs = session.scalars(select(CrawlRun).order_by(CrawlRun.id)).all()
            return [(r.site, r.status, r.started_at, r.finished_at, r.node or "", r.job_id or "")
                    for r in runs]  # fmt: skip
    except DBAPIError:  # the daemon has not created the tables yet
        return []
    finally:
        engine.dispose()


def wait_for(what: str, done: Callable[[], bool], daemon: subprocess.Popen[bytes], log: Path,
             timeout: float = 60) -> None:  # fmt: skip
    deadline = time.monotonic() + timeout
    while not done():
        assert daemon.poll() is None, log.read_text("utf-8", "replace")[-4000:]
        assert time.monotonic() < deadline, (
            f"{what}: not within {timeout} s\n" + log.read_text("utf-8", "replace")[-4000:]
        )
        time.sleep(0.1)


def running_spiders(node: ScrapydNode) -> set[str]:
    jobs = node.get("listjobs.json", project=PROJECT)
    return {job["spider"] for job in jobs["running"]}


def test_a_node_killed_mid_crawl_has_its_crawl_dispatched_again_and_completed(
    tmp_path: Path, tinbao_egg: Path, archive: str
) -> None:
    url = archive
    sites_file = tmp_path / "sites.toml"
    daemon_log = tmp_path / "daemon.log"
    started = time.monotonic()
    with ExitStack() as stack:
        servers = {s.key: stack.enter_context(ReplicaServer(s)) for s in SITES}
        sites_file.write_text(
            "\n".join(s.registry_toml(servers[s.key].base_url) for s in SITES), "utf-8"
        )
        nodes = [
            stack.enter_context(ScrapydNode(tmp_path / name, max_proc=SLOTS,
                                            env={"TINBAO_SITES": str(sites_file)}))
            for name in ("node1", "node2")
        ]  # fmt: skip
        for node in nodes:
            node.deploy(tinbao_egg)
        settings = {**FAST, "TINBAO_WARC_DIR": str(tmp_path / "warc")}
        command = [sys.executable, "-m", "scheduler.cli", "daemon", "--database-url", url,
                   "--sites", *(s.key for s in SITES), "--jitter", "0",
                   "--max-concurrent", str(len(SITES)),
                   "--scrapyd-poll", "0.2s", "--scrapyd-lost-after", "2s", "--lease", "8s",
                   "--timeout", "120s", "--stop-grace", "20s",
                   "--log-file", str(daemon_log)]  # fmt: skip
        command += [a for node in nodes for a in ("--scrapyd", f"{node.url}#{SLOTS}")]
        command += [a for n, v in settings.items() for a in ("--crawl-setting", f"{n}={v}")]
        environment = clean_environment(TINBAO_SITES=str(sites_file), PYTHONPATH=str(ROOT))
        output = stack.enter_context((tmp_path / "daemon.out").open("wb"))
        daemon = subprocess.Popen(command, cwd=tmp_path, env=environment, stdout=output,
                                  stderr=subprocess.STDOUT)  # fmt: skip
        try:
            # Both nodes crawl, two sites each; node2 is killed once one of its sites has
            # served some article pages (mid-crawl, its rows written and tagged).
            wait_for("two crawls on each node",
                     lambda: all(len(running_spiders(n)) == SLOTS for n in nodes),
                     daemon, daemon_log)  # fmt: skip
            doomed = running_spiders(nodes[1])
            assert not doomed & running_spiders(nodes[0])
            wait_for(
                f"{sorted(doomed)} half crawled",
                lambda: any(sum(p.endswith(".html") for p in servers[key].paths()) >= 4
                            for key in doomed),
                daemon, daemon_log,
            )  # fmt: skip
            nodes[1].kill()
            killed_at = time.monotonic()

            def settled() -> bool:
                finished = [site for site, status, *_ in rows(url) if status == "finished"]
                return sorted(finished) == sorted(s.key for s in SITES)

            wait_for("the lost crawl completed elsewhere", settled, daemon, daemon_log)
            completed = time.monotonic()
            daemon.send_signal(signal.SIGTERM)
            assert daemon.wait(timeout=30) == 0, daemon_log.read_text("utf-8")[-3000:]
        finally:
            if daemon.poll() is None:
                daemon.kill()
                daemon.wait()
        requests = {key: server.paths() for key, server in servers.items()}

    log = daemon_log.read_text("utf-8")
    found = rows(url)
    by_site = {s.key: [r for r in found if r[0] == s.key] for s in SITES}
    node1, node2 = (n.url for n in nodes)
    # the survivors: one crawl on node1; the doomed sites: lost on node2, then finished on node1
    for key, site_rows in by_site.items():
        expected_runs = [(NODE_LOST, node2), ("finished", node1)] if key in doomed else [
            ("finished", node1)]  # fmt: skip
        assert [(r[1], r[4]) for r in site_rows] == expected_runs, (key, found)
    assert all(r[5] for r in found), "every row names its Scrapyd job"
    assert len({r[5] for r in found}) == len(found)
    # never two crawls of a site at once: each of its rows ended before the next began
    for site_rows in by_site.values():
        for previous, following in itertools.pairwise(site_rows):
            assert previous[3] is not None and following[2] >= previous[3], site_rows
    for key in doomed:
        assert f"crawl {key}: node {node2} lost it; dispatching it again" in log, log[-3000:]
    # every article of every site stored exactly once
    engine = make_engine(url)
    with engine.connect() as connection:
        stored = list(connection.scalars(text("SELECT url FROM articles")))
    engine.dispose()
    expected = [servers[s.key].base_url + a.path for s in SITES for a in s.public_articles()]
    assert sorted(stored) == sorted(expected)
    # figures for the report (-s shows them)
    fetched = sum(p.endswith(".html") for paths in requests.values() for p in paths)
    print(f"\ncluster: {len(stored)} articles, {sum(map(len, requests.values()))} requests "
          f"({fetched} article pages) over {len(SITES)} sites; kill at "
          f"{killed_at - started:.1f} s, re-dispatched crawls done at {completed - started:.1f} s;"
          f" rows: {[(r[0], r[1]) for r in found]}; pid {os.getpid()}")  # fmt: skip
