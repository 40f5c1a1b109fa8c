"""Shared-frontier crawls of one site run together, an exclusive crawl of it never beside them
(storage/claims.py): the crawls of one frontier share the site's claim, each holds a member
claim of its own, and a run is alive while its member claim is. Time is given, never read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from storage import make_sessionmaker, open_archive, start_run
from storage.claims import (
    release_shared_claim,
    settle_lost_runs,
    take_claim,
    take_shared_claim,
)
from tests.redis_frontier import RedisFrontier
from tests.redis_frontier import frontier as frontier  # a fixture
from tests.replica import ReplicaServer, ReplicaSite, run_crawl

T = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)
LEASE = timedelta(seconds=60)
SITE = "baocantho"
FRONTIER = "tinbao:frontier:baocantho"


def alive(holder: str) -> bool:
    return False


def shared(session: Session, holder: str, *, at: datetime = T, frontier: str = FRONTIER) -> bool:
    answer = take_shared_claim(session, SITE, holder, frontier=frontier, now=at, lease=LEASE,
                               gone=alive)  # fmt: skip
    return answer.taken


def exclusive(session: Session, holder: str, *, at: datetime = T) -> bool:
    return take_claim(session, SITE, holder, now=at, lease=LEASE, gone=alive).taken


def test_crawls_of_one_frontier_run_together_and_keep_an_exclusive_crawl_out(
    session: Session,
) -> None:
    assert shared(session, "node1:10:a")
    assert shared(session, "node2:20:b")
    assert not exclusive(session, "node3:30:c")
    assert shared(session, "node1:10:a", at=T + LEASE / 2), "a heartbeat renews"
    release_shared_claim(session, SITE, "node1:10:a", frontier=FRONTIER, now=T, gone=alive)
    assert not exclusive(session, "node3:30:c"), "node2 still crawls"
    release_shared_claim(session, SITE, "node2:20:b", frontier=FRONTIER, now=T, gone=alive)
    assert exclusive(session, "node3:30:c"), "the last member gave the site back"


def test_a_shared_crawl_is_refused_beside_an_exclusive_one_or_another_frontier(
    session: Session,
) -> None:
    assert exclusive(session, "node3:30:c")
    assert not shared(session, "node1:10:a")
    assert shared(session, "node1:10:a", at=T + 2 * LEASE), "the exclusive claim expired"
    assert not shared(session, "node2:20:b", at=T + 2 * LEASE, frontier="other:prefix")


def test_a_frontier_whose_members_all_died_holds_the_site_no_longer(session: Session) -> None:
    assert shared(session, "node1:10:a")
    later = T + LEASE + timedelta(seconds=1)  # its member claim expired; no one released it
    assert exclusive(session, "node3:30:c", at=later)


def test_a_shared_run_is_lost_only_when_its_own_member_claim_is(session: Session) -> None:
    first = start_run(session, SITE, started_at=T, holder="node1:10:a")
    second = start_run(session, SITE, started_at=T, holder="node2:20:b")
    assert shared(session, "node1:10:a")
    assert shared(session, "node2:20:b")
    assert settle_lost_runs(session, now=T + LEASE / 2, site=SITE, gone=alive) == []
    assert shared(session, "node2:20:b", at=T + LEASE / 2)  # node1 beats no more
    [lost] = settle_lost_runs(session, now=T + LEASE + timedelta(seconds=1), site=SITE,
                              gone=alive)  # fmt: skip
    assert lost.id == first.id and lost.status == "crashed: lost"
    assert second.finished_at is None


@pytest.mark.e2e
def test_a_crawl_beside_a_live_shared_backfill_is_refused_and_a_shared_one_joins(
    tmp_path: Path, frontier: RedisFrontier
) -> None:
    """The claims as `scrapy crawl` takes them: a process of the backfill is alive on another
    machine (its member claim live); an ordinary crawl of the site is refused, a process of
    the same frontier joins and completes it."""
    site = ReplicaSite(articles=5, home_articles=0)
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    engine = open_archive(url)
    now, far = datetime.now(UTC), timedelta(hours=1)
    with make_sessionmaker(engine).begin() as session:
        assert take_shared_claim(session, "replica", "elsewhere:1:x", now=now, lease=far,
                                 frontier=frontier.keys("replica").base).taken  # fmt: skip
    engine.dispose()
    with ReplicaServer(site) as server:
        sites = tmp_path / "sites.toml"
        sites.write_text(site.registry_toml(server.base_url, feeds=[], sitemaps=[]), "utf-8")
        alone = run_crawl("replica", sites_file=sites, database_url=url,
                          arguments={"backfill": "1"})  # fmt: skip
        assert alone.returncode == 1
        assert "replica is being crawled already" in alone.log
        assert [p for p in server.paths() if p != "/robots.txt"] == []
        joined = run_crawl("replica", sites_file=sites, database_url=url,
                           arguments={"backfill": "1"}, settings=frontier.settings())  # fmt: skip
        assert joined.returncode == 0, joined.log[-3000:]
    assert "5 new" in joined.log
