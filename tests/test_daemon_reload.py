"""Reloading the registry (SIGHUP) can never kill the daemon: whatever the file holds, the
reload is one logged error and the old registry, schedule and snapshot stay. Crawls the daemon
starts read the snapshot it validated, never the file as it is at that moment."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from scheduler import jobs
from scheduler.daemon import Daemon
from scheduler.settings import DaemonSettings

T = datetime.now(UTC).replace(microsecond=0) + timedelta(days=365)
GOOD = """
[sites.replica]
name = "Báo Bản Sao"
home = "http://127.0.0.1:9/"
article_url = '-a\\d+\\.html$'
province = "Cần Thơ"
status = "active"
interval = "{interval}"
"""
HOSTILE = {
    "not UTF-8": "[sites.replica]\nname = 'Báo'\n".encode("cp1258"),
    "nested 100k deep": b"x = " + b"[" * 100_000 + b"]" * 100_000,
    "an interval too large for an integer": GOOD.format(interval="99999999999999999999d").encode(),
    "an interval past year 9999": GOOD.format(interval="3000000d").encode(),
    "a bad regular expression": GOOD.format(interval="30m").replace("-a\\d+", "(").encode(),
    "not TOML": b"[sites.replica\n",
    "a pattern that backtracks catastrophically": GOOD.format(interval="30m")
    .replace("-a\\d+", "(a+)+")
    .encode(),
}


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(GOOD.format(interval="30m"), "utf-8")
    return path


@pytest.fixture
def daemon(tmp_path: Path, registry: Path) -> Iterator[Daemon]:
    seen = tmp_path / "seen.toml"
    copy = f"import os, shutil; shutil.copy(os.environ['TINBAO_SITES'], {str(seen)!r})"
    settings = DaemonSettings(database_url=f"sqlite:///{tmp_path / 'a.db'}", sites=("replica",),
                              jitter=timedelta(0))  # fmt: skip
    made = Daemon(settings, registry_file=registry,
                  command=lambda site: [sys.executable, "-c", copy])  # fmt: skip
    made.tick(T)
    yield made
    made.shutdown()
    made.close()


def crawl_reads(daemon: Daemon, tmp_path: Path) -> str:
    """What the registry file looked like to a crawl the daemon started now."""
    jobs.install(daemon.workshop)
    try:
        jobs.crawl_job("replica")
    finally:
        jobs.install(None)
    return (tmp_path / "seen.toml").read_text("utf-8")


@pytest.mark.parametrize("content", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_registry_on_reload_is_one_error_and_changes_nothing(
    daemon: Daemon, registry: Path, tmp_path: Path, content: bytes,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    before = daemon.registry
    [job] = daemon.scheduler.get_jobs()
    registry.write_bytes(content)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="tinbao.daemon"):
        daemon.reload(T + timedelta(minutes=1))
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is None, caplog.text
    assert errors[0].getMessage().startswith("registry not reloaded, schedule unchanged: ")
    assert "\n" not in errors[0].getMessage()
    assert daemon.registry is before
    assert [(j.id, j.name) for j in daemon.scheduler.get_jobs()] == [(job.id, job.name)]
    assert crawl_reads(daemon, tmp_path) == GOOD.format(interval="30m")


def test_a_missing_registry_file_on_reload_changes_nothing(
    daemon: Daemon, registry: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    registry.unlink()
    daemon.reload(T + timedelta(minutes=1))
    assert "registry not reloaded, schedule unchanged: " in caplog.text
    assert crawl_reads(daemon, tmp_path) == GOOD.format(interval="30m")


def test_a_good_reload_is_what_the_next_crawl_reads(
    daemon: Daemon, registry: Path, tmp_path: Path
) -> None:
    registry.write_text(GOOD.format(interval="10m"), "utf-8")
    daemon.reload(T + timedelta(minutes=1))
    [job] = daemon.scheduler.get_jobs()
    assert job.name.startswith("crawl replica every 10m")
    # The user's file breaks again: crawls still get the registry the daemon checked.
    registry.write_bytes(b"\xff\xfe garbage")
    assert crawl_reads(daemon, tmp_path) == GOOD.format(interval="10m")
