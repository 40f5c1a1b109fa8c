"""The scheduling lock and the daemon's crawl_runs bookkeeping, on SQLite and PostgreSQL: only
one daemon holds the lock; another takes over once the lease expired; killed crawls get a
closed row."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from scheduler.lease import Lease
from storage import (
    RunCounts,
    create_schema,
    finish_run,
    make_engine,
    make_sessionmaker,
    start_run,
)
from storage.daemon import (
    acquire_lock,
    latest_runs,
    lock_state,
    release_lock,
    settle_run,
)
from storage.models import DaemonLock

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
LEASE = timedelta(seconds=60)
HOUR = timedelta(hours=1)


@pytest.fixture
def archive(engine: Engine) -> Iterator[Engine]:
    """The conftest archive with no lock held (the PostgreSQL schema is shared by the whole
    session)."""
    with make_sessionmaker(engine).begin() as session:
        session.query(DaemonLock).delete()
    yield engine


def take(engine: Engine, holder: str, now: datetime) -> bool:
    with make_sessionmaker(engine).begin() as session:
        return acquire_lock(session, holder, now=now, lease=LEASE)


def test_the_first_daemon_takes_the_lock_and_a_second_waits(archive: Engine) -> None:
    assert take(archive, "a", NOW)
    assert not take(archive, "b", NOW + timedelta(seconds=1))
    with make_sessionmaker(archive)() as session:
        state = lock_state(session)
    assert state is not None
    assert (state.holder, state.acquired_at, state.expires_at) == ("a", NOW, NOW + LEASE)
    assert state.is_live(NOW + LEASE) and not state.is_live(NOW + LEASE + timedelta(seconds=1))


def test_the_holder_renews_and_keeps_its_acquisition_time(archive: Engine) -> None:
    assert take(archive, "a", NOW)
    assert take(archive, "a", NOW + timedelta(seconds=50))
    assert not take(archive, "b", NOW + timedelta(seconds=100))  # renewed until NOW + 110 s
    with make_sessionmaker(archive)() as session:
        state = lock_state(session)
    assert state is not None
    assert (state.acquired_at, state.expires_at) == (NOW, NOW + timedelta(seconds=110))


def test_an_expired_lease_is_taken_over(archive: Engine) -> None:
    assert take(archive, "a", NOW)
    later = NOW + LEASE + timedelta(seconds=1)
    assert take(archive, "b", later)
    assert not take(archive, "a", later + timedelta(seconds=1))
    with make_sessionmaker(archive)() as session:
        state = lock_state(session)
    assert state is not None and (state.holder, state.acquired_at) == ("b", later)


def test_a_released_lock_is_free_at_once(archive: Engine) -> None:
    assert take(archive, "a", NOW)
    with make_sessionmaker(archive).begin() as session:
        assert not release_lock(session, "b")
        assert release_lock(session, "a")
    assert take(archive, "b", NOW + timedelta(seconds=1))


def test_the_lease_survives_a_database_outage_only_until_it_expires(archive: Engine) -> None:
    lease = Lease(make_sessionmaker(archive), LEASE, holder="a")
    assert lease.renew(NOW) and lease.held
    unreachable = make_engine("sqlite:////nonexistent-folder-for-tinbao-tests/x.db")
    lease.sessions = make_sessionmaker(unreachable)
    assert lease.renew(NOW + timedelta(seconds=30)), "still within the lease it had"
    assert not lease.renew(NOW + LEASE + timedelta(seconds=1))
    lease.sessions = make_sessionmaker(archive)
    assert lease.renew(NOW + LEASE + timedelta(seconds=2)), "expired: anyone may take it again"


def test_a_standing_by_daemon_reports_the_holder(
    archive: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    assert Lease(make_sessionmaker(archive), LEASE, holder="host:1:aa").renew(NOW)
    standby = Lease(make_sessionmaker(archive), LEASE, holder="host:2:bb")
    with caplog.at_level("INFO", logger="tinbao.daemon"):
        assert not standby.renew(NOW)
        assert not standby.renew(NOW + timedelta(seconds=15))
    told = [r.getMessage() for r in caplog.records if "standing by" in r.getMessage()]
    assert told == ["scheduling lock held by host:1:aa: standing by until it expires"]


# -- crawl_runs bookkeeping ---------------------------------------------------------------


def test_the_row_of_a_killed_crawl_is_closed(session: Session) -> None:
    start_run(session, "baocantho", started_at=NOW, holder="h:1:other")
    mine = start_run(session, "baocantho", started_at=NOW, holder="h:2:mine")
    session.commit()
    end = NOW + timedelta(minutes=5)
    run = settle_run(session, "baocantho", "mine", launched_at=NOW, ended_at=end,
                     status="killed: timeout")  # fmt: skip
    session.commit()
    assert run is not None and run.id == mine.id
    assert (run.status, run.finished_at) == ("killed: timeout", end)


def test_a_closed_row_is_kept_unless_overruled(session: Session) -> None:
    run = start_run(session, "baocantho", started_at=NOW, holder="h:2:mine")
    closed = NOW + timedelta(minutes=1)
    finish_run(session, run.id, finished_at=closed, status="shutdown", counts=RunCounts(7))
    session.commit()
    kept = settle_run(session, "baocantho", "mine", launched_at=NOW, ended_at=NOW + HOUR,
                      status="killed: shutdown")  # fmt: skip
    assert kept is not None and (kept.status, kept.finished_at) == ("shutdown", closed)
    overruled = settle_run(session, "baocantho", "mine", launched_at=NOW, ended_at=NOW + HOUR,
                           status="killed: timeout", overrule=True)  # fmt: skip
    assert overruled is not None
    assert (overruled.status, overruled.finished_at, overruled.pages_fetched) == (
        "killed: timeout", closed, 7)  # fmt: skip


def test_a_crawl_that_died_before_its_row_gets_one(session: Session) -> None:
    start_run(session, "baocantho", started_at=NOW, holder="h:1:someone-else")
    assert settle_run(session, "baocantho", "mine", launched_at=NOW, ended_at=NOW,
                      status="unclosed: exit 0", create=False) is None  # fmt: skip
    run = settle_run(session, "baocantho", "mine", launched_at=NOW,
                     ended_at=NOW + timedelta(seconds=2), status="crashed: exit 1",
                     log_file="logs/x.log")  # fmt: skip
    session.commit()
    assert run is not None
    assert (run.site, run.started_at, run.status, run.holder, run.log_file) == (
        "baocantho", NOW, "crashed: exit 1", "?:?:mine", "logs/x.log")  # fmt: skip


def test_latest_runs_is_each_sites_newest(session: Session) -> None:
    for minutes, site in [(0, "baocantho"), (5, "baolaocai"), (10, "baocantho")]:
        start_run(session, site, started_at=NOW + timedelta(minutes=minutes))
    session.commit()
    latest = latest_runs(session)
    assert {k: r.started_at for k, r in latest.items()} == {
        "baocantho": NOW + timedelta(minutes=10),
        "baolaocai": NOW + timedelta(minutes=5),
    }


def test_a_new_archive_has_no_runs(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    create_schema(engine)
    with make_sessionmaker(engine)() as session:
        assert latest_runs(session) == {}
    engine.dispose()
