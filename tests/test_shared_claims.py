"""Shared-frontier crawls of one site run together, an exclusive crawl of it never beside them
(storage/claims.py): the crawls of one frontier share the site's claim, each holds a member
claim of its own, and a run is alive while its member claim is. Time is given, never read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from storage import start_run
from storage.claims import (
    release_shared_claim,
    settle_lost_runs,
    take_claim,
    take_shared_claim,
)

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
