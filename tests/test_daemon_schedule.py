"""The daemon's schedule in the archive's job store, driven by `tick(now)` with an injected clock:
a restart keeps every next run, SIGHUP's reload adds, removes and reschedules sites, and of two
daemons on one archive only one schedules. The clock is a year ahead, so APScheduler's own
thread (which reads the real clock) never finds a job due during a test."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.registry import RegistryError, Site, load_registry
from scheduler.daemon import Daemon
from scheduler.settings import DaemonSettings
from scheduler.signals import SignalInbox
from scheduler.store import stored_jobs
from storage import make_engine, make_sessionmaker, start_run

T = datetime.now(UTC).replace(microsecond=0) + timedelta(days=365)
LEASE = timedelta(seconds=60)
SITE = """
[sites.replica]
name = "Báo Bản Sao"
home = "http://127.0.0.1:9/"
article_url = '-a\\d+\\.html$'
province = "Cần Thơ"
status = "{status}"
interval = "{interval}"
"""


class Registry:
    """The registry file a test edits between reloads, as an operator would."""

    def __init__(self, path: Path):
        self.path = path
        self.write()

    def write(self, interval: str = "30m", status: str = "active", extra: str = "") -> None:
        self.path.write_text(SITE.format(interval=interval, status=status) + extra, "utf-8")

    def load(self) -> dict[str, Site]:
        return load_registry(self.path)


@pytest.fixture
def registry(tmp_path: Path) -> Registry:
    return Registry(tmp_path / "sites.toml")


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'a.db'}"


@pytest.fixture
def daemons(url: str, registry: Registry) -> Iterator[list[Daemon]]:
    """Make daemons with `make(...)`; every one still running is shut down at the end."""
    made: list[Daemon] = []
    yield made
    for daemon in made:
        if daemon.scheduler.running:
            daemon.shutdown()
        daemon.close()


def make(
    made: list[Daemon], url: str, registry: Registry, *, sites: tuple[str, ...] = ("replica",)
) -> Daemon:
    settings = DaemonSettings(database_url=url, sites=sites, jitter=timedelta(0), lease=LEASE)
    daemon = Daemon(settings, registry_file=registry.path)
    made.append(daemon)
    return daemon


def next_runs(url: str) -> dict[str, datetime | None]:
    engine = make_engine(url)
    try:
        return stored_jobs(engine)
    finally:
        engine.dispose()


def test_a_new_site_is_scheduled_at_once_and_frozen_ones_not_at_all(
    daemons: list[Daemon], url: str, registry: Registry
) -> None:
    daemon = make(daemons, url, registry, sites=())
    daemon.tick(T)
    assert daemon.active
    jobs = {job.id: job for job in daemon.scheduler.get_jobs()}
    active = {key for key, site in registry.load().items() if site.is_active}
    assert set(jobs) == active
    assert {"baocantho", "replica"} <= active and "baobinhduong" not in active
    replica = jobs["replica"]
    assert replica.next_run_time == T
    assert (replica.coalesce, replica.max_instances, replica.misfire_grace_time) == (True, 1, 1800)
    assert replica.args == ("replica",) and replica.name == (
        "crawl replica every 30m (jitter 0s, grace 1800s)"
    )


def test_a_site_crawled_recently_waits_one_interval(
    daemons: list[Daemon], url: str, registry: Registry
) -> None:
    daemon = make(daemons, url, registry)
    with make_sessionmaker(daemon.engine).begin() as session:
        start_run(session, "replica", started_at=T - timedelta(minutes=10))
    daemon.tick(T)
    assert next_runs(url) == {"replica": T + timedelta(minutes=20)}


def test_a_restart_keeps_the_schedule(daemons: list[Daemon], url: str, registry: Registry) -> None:
    first = make(daemons, url, registry)
    first.tick(T)
    # As after a run: APScheduler moved the next run on.
    first.scheduler.modify_job("replica", next_run_time=T + timedelta(minutes=30))
    first.shutdown()
    assert next_runs(url) == {"replica": T + timedelta(minutes=30)}
    second = make(daemons, url, registry)
    second.tick(T + timedelta(minutes=5))
    assert second.active
    assert next_runs(url) == {"replica": T + timedelta(minutes=30)}, "not reset to 'now'"


def test_sighup_reload_reschedules_a_changed_interval(
    daemons: list[Daemon], url: str, registry: Registry
) -> None:
    daemon = make(daemons, url, registry)
    daemon.tick(T)
    registry.write(interval="10m")
    daemon.reload(T + timedelta(minutes=1))
    [job] = daemon.scheduler.get_jobs()
    assert job.name.startswith("crawl replica every 10m")
    assert job.trigger.interval == timedelta(minutes=10)
    assert job.next_run_time == T + timedelta(minutes=1)


def test_sighup_reload_adds_and_removes_sites(
    daemons: list[Daemon], url: str, registry: Registry
) -> None:
    daemon = make(daemons, url, registry, sites=("replica", "ban_sao_hai", "baocantho"))
    daemon.tick(T)
    assert sorted(job.id for job in daemon.scheduler.get_jobs()) == ["baocantho", "replica"]
    extra = SITE.replace("[sites.replica]", "[sites.ban_sao_hai]").format(
        interval="1h", status="active"
    )
    registry.write(status="frozen", extra=extra)
    daemon.reload(T + timedelta(minutes=1))
    assert sorted(job.id for job in daemon.scheduler.get_jobs()) == ["ban_sao_hai", "baocantho"]


def test_a_moved_site_schedules_its_successor(
    daemons: list[Daemon], url: str, registry: Registry
) -> None:
    registry.write(status="moved:baocantho")
    daemon = make(daemons, url, registry)
    daemon.tick(T)
    assert [job.id for job in daemon.scheduler.get_jobs()] == ["baocantho"]


def test_a_bad_registry_on_reload_keeps_the_schedule(
    daemons: list[Daemon], url: str, registry: Registry, caplog: pytest.LogCaptureFixture
) -> None:
    daemon = make(daemons, url, registry)
    daemon.tick(T)
    registry.path.write_text('[sites.replica]\ninterval = "often"\n', "utf-8")
    with pytest.raises(RegistryError):
        registry.load()
    daemon.reload(T + timedelta(minutes=1))
    assert [job.id for job in daemon.scheduler.get_jobs()] == ["replica"]
    assert "registry not reloaded, schedule unchanged" in caplog.text


def test_of_two_daemons_only_one_schedules_and_the_other_takes_over(
    daemons: list[Daemon], url: str, registry: Registry
) -> None:
    a = make(daemons, url, registry)
    b = make(daemons, url, registry)
    a.tick(T)
    b.tick(T + timedelta(seconds=1))
    assert (a.active, b.active) == (True, False)
    assert not b.scheduler.running, "the standby does not even open the job store"
    a.tick(T + timedelta(seconds=15))
    b.tick(T + timedelta(seconds=30))
    assert (a.active, b.active) == (True, False)
    # a stalls (no heartbeat) for longer than the lease: b takes over, a stands down.
    later = T + timedelta(seconds=15) + LEASE + timedelta(seconds=1)
    b.tick(later)
    a.tick(later + timedelta(seconds=1))
    assert (a.active, b.active) == (False, True)
    assert [job.id for job in b.scheduler.get_jobs()] == ["replica"]
    # b stops cleanly and gives the lock back: a resumes at its next heartbeat.
    b.shutdown()
    a.tick(later + timedelta(seconds=2))
    assert a.active


def test_signals_reach_the_main_loop_as_messages() -> None:
    with SignalInbox() as inbox:
        assert inbox.wait(0) == []
        os.kill(os.getpid(), signal.SIGHUP)
        os.kill(os.getpid(), signal.SIGTERM)
        assert inbox.wait(5) == [signal.SIGHUP, signal.SIGTERM]
        assert inbox.wait(0) == []
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
