"""No run stays `running` for ever: a run whose process is gone (its site's claim is not live
under its holder) is settled `crashed: lost`, with what it stored counted from the archive, by
`settle_lost_runs` (the next crawl of the site, the daemon's heartbeat, `tinbao status`); a run
whose crawl still holds the claim is left alone. Time is given, never read."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from scheduler.cli import main
from scheduler.daemon import Daemon
from scheduler.settings import DaemonSettings
from storage import (
    RunCounts,
    finish_run,
    make_sessionmaker,
    open_archive,
    recent_runs,
    start_run,
)
from storage.claims import (
    holder_gone,
    holder_name,
    record_heartbeat,
    settle_lost_runs,
    take_claim,
)
from tests.search_records import Record, store

T = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
LEASE = timedelta(seconds=60)


def article(n: int) -> Record:
    return Record(f"https://baocantho.com.vn/bai-{n}-a{n}.html", f"Tin số {n}",
                  f"Nội dung riêng của tin số {n}, khác mọi tin khác.")  # fmt: skip


def killed_run(session: Session, *, stored: int, holder: str = "host:1:dead") -> int:
    """A crawl started at T that stored `stored` articles, noted 9 pages at its last heartbeat
    (T + 4 min), then died: its row is still `running`."""
    run = start_run(session, "baocantho", started_at=T, holder=holder)
    for n in range(stored):
        store(session, "baocantho", article(n), now=T + timedelta(minutes=1 + n / 10))
    record_heartbeat(session, holder, now=T + 4 * MINUTE, counts=RunCounts(pages_fetched=9))
    session.commit()
    return run.id


def test_a_dead_crawls_run_is_settled_with_what_it_stored(session: Session) -> None:
    store(session, "baocantho", article(99), now=T - MINUTE)  # an earlier crawl's article
    run_id = killed_run(session, stored=3)
    later = start_run(session, "baocantho", started_at=T + 10 * MINUTE, holder="host:2:next")
    store(session, "baocantho", article(50), now=T + 11 * MINUTE)  # the next crawl's
    session.commit()
    settled = settle_lost_runs(session, now=T + 20 * MINUTE, site="baocantho")
    assert [run.id for run in settled] == [run_id, later.id], "the next one has no claim either"
    run = settled[0]
    assert run.status == "crashed: lost"
    assert (run.articles_new, run.pages_fetched) == (3, 9)
    assert run.finished_at == T + 4 * MINUTE, "when it was last known alive"


def test_a_run_whose_crawl_holds_its_claim_is_left_alone(session: Session) -> None:
    run_id = killed_run(session, stored=2, holder="host:1:alive")
    beat = T + 4 * MINUTE
    take_claim(session, "baocantho", "host:1:alive", now=beat, lease=LEASE)
    assert settle_lost_runs(session, now=beat + LEASE / 2) == []
    # ... until its claim expires without a heartbeat
    [run] = settle_lost_runs(session, now=beat + LEASE + timedelta(seconds=1))
    assert (run.id, run.status, run.articles_new) == (run_id, "crashed: lost", 2)


def test_a_claim_held_by_another_crawl_does_not_keep_a_run_alive(session: Session) -> None:
    run_id = killed_run(session, stored=1, holder="host:1:dead")
    take_claim(session, "baocantho", "host:2:new", now=T + 5 * MINUTE, lease=LEASE)
    [run] = settle_lost_runs(session, now=T + 5 * MINUTE)
    assert run.id == run_id


def test_a_claim_of_a_dead_process_on_this_host_is_taken_over_at_once(session: Session) -> None:
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)  # fmt: skip
    dead = f"{socket.gethostname()}:{int(finished.stdout)}:old"
    assert holder_gone(dead) and not holder_gone(holder_name())
    assert not holder_gone("elsewhere:1:x"), "another host: only the lease tells"
    run_id = killed_run(session, stored=1, holder=dead)
    take_claim(session, "baocantho", dead, now=T + 4 * MINUTE, lease=LEASE)
    at = T + 4 * MINUTE + timedelta(seconds=1)  # the lease is far from expired
    assert take_claim(session, "baocantho", "host:9:new", now=at, lease=LEASE).taken
    [run] = settle_lost_runs(session, now=at)
    assert run.id == run_id
    gone_never = take_claim(session, "baocantho", "host:10:third", now=at, lease=LEASE,
                            gone=lambda holder: False)  # fmt: skip
    assert not gone_never.taken and gone_never.current is not None
    assert gone_never.current.holder == "host:9:new"


def test_finished_runs_are_never_touched(session: Session) -> None:
    run = start_run(session, "baocantho", started_at=T, holder="h")
    finish_run(session, run.id, finished_at=T + MINUTE, status="finished", counts=RunCounts(4))
    session.commit()
    assert settle_lost_runs(session, now=T + 60 * MINUTE) == []
    assert run.status == "finished"


@pytest.fixture
def archive(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    engine = open_archive(url)
    with make_sessionmaker(engine)() as session:
        killed_run(session, stored=3)
    engine.dispose()
    return url


def statuses(url: str) -> list[tuple[str, int]]:
    engine = open_archive(url)
    with make_sessionmaker(engine)() as session:
        found = [(run.status, run.articles_new) for run in recent_runs(session)]
    engine.dispose()
    return found


def test_tinbao_status_settles_lost_runs(archive: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TINBAO_SITES", raising=False)
    main(["--database-url", archive, "status"])
    assert statuses(archive) == [("crashed: lost", 3)]


def test_the_daemon_settles_lost_runs_at_its_heartbeat(
    archive: str, caplog: pytest.LogCaptureFixture
) -> None:
    daemon = Daemon(DaemonSettings(database_url=archive, sites=("baocantho",)), registry_file="")
    try:
        daemon.tick(datetime.now(UTC) + timedelta(days=365))  # never due during the test
    finally:
        daemon.shutdown()
        daemon.close()
    assert statuses(archive) == [("crashed: lost", 3)]
    assert "crawl baocantho: run 1 had lost its process: crashed: lost, 3 articles stored" in (
        caplog.text
    )
