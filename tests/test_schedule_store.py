"""No code runs from archive data: the daemon's schedule is plain rows (`daemon_schedule`), and
APScheduler's old pickled job store is read for its plain columns only, then dropped, by the
upgrade to 0008. A hostile pickle in that table, or in one put back later, executes nothing."""

from __future__ import annotations

import builtins
import pickle
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text

from scheduler.cli import main
from scheduler.daemon import Daemon
from scheduler.settings import DaemonSettings
from scheduler.store import stored_jobs
from storage import make_engine, make_sessionmaker, upgrade
from storage.daemon import saved_schedule

T = datetime.now(UTC).replace(microsecond=0) + timedelta(days=365)
SITE = """
[sites.replica]
name = "Báo Bản Sao"
home = "http://127.0.0.1:9/"
article_url = '-a\\d+\\.html$'
province = "Cần Thơ"
status = "active"
interval = "30m"
"""
# The table as APScheduler 3's SQLAlchemyJobStore created it.
OLD_JOBS = (
    "CREATE TABLE apscheduler_jobs (id VARCHAR(191) NOT NULL PRIMARY KEY, "
    "next_run_time FLOAT, job_state {blob} NOT NULL)"
)


class Hostile:
    """Unpickling this runs `exec` on code that leaves a file behind."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return builtins.exec, (f"open({str(self.marker)!r}, 'w').write('pwned')",)


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(SITE, "utf-8")
    monkeypatch.setenv("TINBAO_SITES", str(path))
    return path


@pytest.fixture
def old_archive(tmp_path: Path) -> Iterator[str]:
    """An archive at 0007 that an older daemon ran on: its lock table and a job store whose
    one row is a hostile pickle, next run at T + 10 minutes."""
    url = f"sqlite:///{tmp_path / 'a.db'}"
    engine = make_engine(url)
    upgrade(engine, "0007")
    with engine.begin() as connection:
        connection.execute(text(
            "CREATE TABLE daemon_locks (name VARCHAR(64) NOT NULL PRIMARY KEY, holder "
            "VARCHAR(255) NOT NULL, acquired_at DATETIME NOT NULL, renewed_at DATETIME NOT "
            "NULL, expires_at DATETIME NOT NULL)"))  # fmt: skip
    plant(engine, tmp_path / "pwned", next_run=T + timedelta(minutes=10))
    engine.dispose()
    yield url


def plant(engine: Engine, marker: Path, *, next_run: datetime) -> None:
    blob = "BYTEA" if engine.dialect.name == "postgresql" else "BLOB"
    with engine.begin() as connection:
        connection.execute(text(OLD_JOBS.format(blob=blob)))
        connection.execute(
            text("INSERT INTO apscheduler_jobs VALUES ('replica', :next, :state)"),
            {"next": next_run.timestamp(), "state": pickle.dumps(Hostile(marker))},
        )


def test_upgrading_carries_the_plain_schedule_over_and_runs_no_pickle(
    old_archive: str, registry: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    marker = tmp_path / "pwned"
    assert main(["--database-url", old_archive, "db", "upgrade"]) == 0
    engine = make_engine(old_archive)
    try:
        assert "apscheduler_jobs" not in inspect(engine).get_table_names()
        assert stored_jobs(engine) == {"replica": T + timedelta(minutes=10)}
    finally:
        engine.dispose()
    assert main(["--database-url", old_archive, "schedule"]) == 0
    assert (T + timedelta(minutes=10)).strftime("%Y-%m-%d %H:%M:%S") in capsys.readouterr().out
    daemon = Daemon(DaemonSettings(database_url=old_archive, sites=("replica",),
                                   jitter=timedelta(0)), registry_file=registry)  # fmt: skip
    try:
        daemon.tick(T)
        [job] = daemon.scheduler.get_jobs()
        assert job.next_run_time == T + timedelta(minutes=10), "the carried-over run is kept"
        with make_sessionmaker(daemon.engine)() as session:
            assert saved_schedule(session)["replica"].label == job.name
    finally:
        daemon.shutdown()
        daemon.close()
    assert not marker.exists(), "a pickle from the archive was run"


def test_a_job_store_table_put_back_later_is_never_read(
    old_archive: str, registry: Path, tmp_path: Path
) -> None:
    assert main(["--database-url", old_archive, "db", "upgrade"]) == 0
    marker = tmp_path / "pwned-again"
    engine = make_engine(old_archive)
    plant(engine, marker, next_run=T)
    engine.dispose()
    assert main(["--database-url", old_archive, "schedule"]) == 0
    assert main(["--database-url", old_archive, "status"]) in (0, 1)
    daemon = Daemon(DaemonSettings(database_url=old_archive, sites=("replica",)),
                    registry_file=registry)  # fmt: skip
    try:
        daemon.tick(T)
        assert [job.id for job in daemon.scheduler.get_jobs()] == ["replica"]
    finally:
        daemon.shutdown()
        daemon.close()
    assert not marker.exists(), "a pickle from the archive was run"
