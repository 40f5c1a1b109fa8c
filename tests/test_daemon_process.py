"""A crawl is a supervised subprocess: a hung one is killed with all it started, a crashed one
leaves a closed crawl_runs row, and neither reaches the caller. The crawl command is replaced
by small Python programs; the timeouts are real but short (about a second each)."""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path

import pytest

from scheduler import jobs, runner
from scheduler.cli import main
from scheduler.daemon import Daemon
from scheduler.process import group_exists, supervise
from scheduler.runner import CrawlOptions, crawl_site
from scheduler.settings import DaemonSettings
from storage import make_sessionmaker, open_archive, recent_runs

PY = sys.executable
# Starts a grandchild, writes both process ids to argv[1], then sleeps; with argv[2] == "stubborn"
# both ignore SIGTERM.
FAMILY = """
import os, signal, subprocess, sys, time
if sys.argv[2] == "stubborn":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(f"{os.getpid()} {child.pid}")
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(float(sys.argv[3]))
"""
# A crawl as the Scrapy extensions record it: a 'running' row first (under the claim holder id
# its supervisor gave it), then argv[3] seconds of
# work, then exit status argv[4], closing the row as 'finished' first when argv[5] says so.
FAKE_CRAWL = """
import os, socket, sqlite3, sys, time
from datetime import datetime, UTC
def now():
    return datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
db = sqlite3.connect(sys.argv[1])
row = db.execute(
    "INSERT INTO crawl_runs (site, started_at, status, pages_fetched, articles_new, "
    "articles_updated, duplicates, errors, holder) VALUES (?, ?, 'running', 5, 2, 0, 0, 0, ?)",
    (sys.argv[2], now(),
     f"{socket.gethostname()}:{os.getpid()}:{os.environ['TINBAO_CLAIM_TOKEN']}")).lastrowid
db.commit()
time.sleep(float(sys.argv[3]))
if sys.argv[5] == "close":
    db.execute("UPDATE crawl_runs SET status = 'finished', finished_at = ? WHERE id = ?",
               (now(), row))
    db.commit()
sys.exit(int(sys.argv[4]))
"""


def gone(pid: int) -> bool:
    """Whether `pid` has ended (a zombie waiting for its reaper counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state in ("Z", "X")


def family_pids(path: Path) -> tuple[int, int]:
    deadline = time.monotonic() + 10
    while not path.exists():
        assert time.monotonic() < deadline, "the test program did not start"
        time.sleep(0.02)
    leader, child = path.read_text().split()
    return int(leader), int(child)


def wait_gone(pid: int) -> bool:
    deadline = time.monotonic() + 3
    while not gone(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    return gone(pid)


def test_a_process_that_ends_is_reported_as_it_ended() -> None:
    outcome = supervise([PY, "-c", "import sys; sys.exit(3)"], timeout=30)
    assert (outcome.returncode, outcome.timed_out, outcome.cancelled) == (3, False, False)
    assert not group_exists(outcome.pid)


def test_a_hung_process_and_its_children_are_killed_at_the_timeout(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    outcome = supervise([PY, "-c", FAMILY, str(pids), "polite", "60"], timeout=1.0,
                        kill_grace=5)  # fmt: skip
    leader, child = family_pids(pids)
    assert outcome.timed_out and outcome.returncode == -signal.SIGTERM
    assert leader == outcome.pid
    assert outcome.seconds < 4, "SIGTERM was enough: no waiting for the kill grace"
    assert wait_gone(child), "the grandchild was killed with its group"


def test_a_process_ignoring_sigterm_gets_sigkill_after_the_grace(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    outcome = supervise([PY, "-c", FAMILY, str(pids), "stubborn", "60"], timeout=1.0,
                        kill_grace=0.5)  # fmt: skip
    _, child = family_pids(pids)
    assert outcome.timed_out and outcome.returncode == -signal.SIGKILL
    assert 1.4 < outcome.seconds < 5
    assert wait_gone(child)


def test_children_left_behind_by_a_finished_process_are_killed(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    outcome = supervise([PY, "-c", FAMILY, str(pids), "polite", "0"], timeout=30)
    _, child = family_pids(pids)
    assert (outcome.returncode, outcome.timed_out) == (0, False)
    assert wait_gone(child)


def test_a_cancelled_process_is_stopped(tmp_path: Path) -> None:
    cancel = threading.Event()
    threading.Timer(0.5, cancel.set).start()
    outcome = supervise([PY, "-c", "import time; time.sleep(60)"], cancel=cancel, kill_grace=5)
    assert outcome.cancelled and not outcome.timed_out
    assert outcome.seconds < 4


# -- one recorded crawl: the path `tinbao run` and the daemon share --------------------------


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "a.db"
    open_archive(f"sqlite:///{path}").dispose()
    return path


def fake(
    archive: Path, seconds: float, status: int, close: bool = False
) -> Callable[[str], Sequence[str]]:
    ending = "close" if close else "leave"
    return lambda site: [PY, "-c", FAKE_CRAWL, str(archive), site, str(seconds), str(status),
                         ending]  # fmt: skip


def rows(archive: Path) -> list[tuple[str, str, str | None]]:
    with sqlite3.connect(archive) as db:
        return db.execute("SELECT site, status, finished_at FROM crawl_runs ORDER BY id").fetchall()


def test_a_hung_crawl_is_killed_and_its_row_closed(
    archive: Path, caplog: pytest.LogCaptureFixture
) -> None:
    options = CrawlOptions(database_url=f"sqlite:///{archive}", timeout=1.5, kill_grace=1,
                           command=fake(archive, 60, 0))  # fmt: skip
    with caplog.at_level(logging.INFO, logger="tinbao.crawl"):
        report = crawl_site("baocantho", options)
    assert report.outcome.timed_out
    [(site, status, finished)] = rows(archive)
    assert (site, status) == ("baocantho", "killed: timeout") and finished is not None
    assert report.run is not None and report.run.status == "killed: timeout"
    [line] = [r.getMessage() for r in caplog.records]  # one line per crawl
    assert line.startswith("crawl baocantho: killed: timeout in ")
    assert line.endswith("5 pages, 2 new, 0 updated, 0 duplicates, 0 errors (run 1)")


def test_a_crashed_crawl_leaves_a_closed_row(archive: Path) -> None:
    options = CrawlOptions(database_url=f"sqlite:///{archive}", command=fake(archive, 0, 3))
    report = crawl_site("baolaocai", options)
    assert report.returncode == 3
    assert [r[:2] for r in rows(archive)] == [("baolaocai", "crashed: exit 3")]


def test_a_crawl_that_closes_its_row_keeps_it_and_one_that_does_not_is_marked(
    archive: Path,
) -> None:
    closing = CrawlOptions(database_url=f"sqlite:///{archive}", command=fake(archive, 0, 0, True))
    assert crawl_site("baocantho", closing).status == "finished"
    leaving = CrawlOptions(database_url=f"sqlite:///{archive}", command=fake(archive, 0, 0))
    assert crawl_site("baocantho", leaving).status == "unclosed: exit 0"
    assert [r[1] for r in rows(archive)] == ["finished", "unclosed: exit 0"]


def test_a_crawl_that_cannot_start_gets_a_row_of_its_own(archive: Path) -> None:
    options = CrawlOptions(database_url=f"sqlite:///{archive}",
                           command=lambda site: [PY, "-c", "raise SystemExit(1)"])  # fmt: skip
    assert crawl_site("baocantho", options).status == "crashed: exit 1"
    assert [r[:2] for r in rows(archive)] == [("baocantho", "crashed: exit 1")]


def test_a_crawl_job_never_raises(archive: Path, caplog: pytest.LogCaptureFixture) -> None:
    broken = CrawlOptions(database_url=f"sqlite:///{archive}",
                          command=lambda site: ["/nonexistent/scrapy"])  # fmt: skip
    workshop = jobs.Workshop(broken)
    jobs.install(workshop)
    caplog.set_level(logging.INFO, logger="tinbao.daemon")
    try:
        jobs.crawl_job("baocantho")
        assert workshop.crawling() == []
        workshop.closing.set()
        jobs.crawl_job("baocantho")
    finally:
        jobs.install(None)
    jobs.crawl_job("baocantho")
    messages = [r.getMessage() for r in caplog.records]
    assert "crawl baocantho: could not be run" in messages
    assert any("not started (daemon stopping" in m for m in messages)
    assert any("no daemon runs in this process" in m for m in messages)


def test_tinbao_run_takes_the_same_path(
    archive: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def command(site: str, **_: object) -> list[str]:
        return list(fake(archive, 0, 4)(site))

    monkeypatch.setattr(runner, "crawl_command", command)
    monkeypatch.delenv("TINBAO_SITES", raising=False)
    assert main(["--database-url", f"sqlite:///{archive}", "run", "baocantho"]) == 4
    engine = open_archive(f"sqlite:///{archive}")
    with make_sessionmaker(engine)() as session:
        [run] = recent_runs(session)
    engine.dispose()
    assert (run.site, run.status) == ("baocantho", "crashed: exit 4")


def test_the_crawl_gets_the_archive_in_its_environment(archive: Path, tmp_path: Path) -> None:
    seen = tmp_path / "seen"
    script = f"import os; open({str(seen)!r}, 'w').write(os.environ['TINBAO_DATABASE_URL'])"
    options = CrawlOptions(database_url=f"sqlite:///{archive}",
                           command=lambda site: [PY, "-c", script])  # fmt: skip
    assert crawl_site("baocantho", options).returncode == 0
    assert seen.read_text() == f"sqlite:///{archive}"
    assert rows(archive) == [], "a clean exit without a row of its own gets none"
    assert os.environ.get("TINBAO_DATABASE_URL") != f"sqlite:///{archive}"


# -- the daemon stopping ----------------------------------------------------------------------


def start_crawl(daemon: Daemon, archive: Path) -> threading.Thread:
    """A crawl job running in a thread, as APScheduler's pool runs it; returns once its row is
    written."""
    jobs.install(daemon.workshop)
    worker = threading.Thread(target=jobs.crawl_job, args=("baocantho",))
    worker.start()
    deadline = time.monotonic() + 15
    while len(rows(archive)) < 1:
        assert time.monotonic() < deadline, "the fake crawl did not start"
        time.sleep(0.02)
    return worker


def stopping_daemon(archive: Path, stop_grace: float, seconds: float) -> Daemon:
    settings = DaemonSettings(database_url=f"sqlite:///{archive}",
                              stop_grace=timedelta(seconds=stop_grace),
                              kill_grace=timedelta(seconds=1))  # fmt: skip
    return Daemon(settings, command=fake(archive, seconds, 0, close=True))


def test_on_stop_a_running_crawl_may_finish_within_the_grace(archive: Path) -> None:
    daemon = stopping_daemon(archive, stop_grace=30, seconds=1)
    try:
        worker = start_crawl(daemon, archive)
        daemon.shutdown()
        worker.join(timeout=10)
    finally:
        jobs.install(None)
        daemon.close()
    assert [r[1] for r in rows(archive)] == ["finished"]


def test_on_stop_a_crawl_outliving_the_grace_is_stopped(archive: Path) -> None:
    daemon = stopping_daemon(archive, stop_grace=0.3, seconds=60)
    started = time.monotonic()
    try:
        worker = start_crawl(daemon, archive)
        daemon.shutdown()
        worker.join(timeout=10)
    finally:
        jobs.install(None)
        daemon.close()
    assert not worker.is_alive()
    assert time.monotonic() - started < 10
    assert [r[1] for r in rows(archive)] == ["killed: shutdown"]
    assert daemon.workshop.enter("baolaocai") is False, "no new crawl starts once stopping"
