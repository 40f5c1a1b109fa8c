"""`tinbao schedule`, `tinbao status` and `tinbao daemon`'s command line, on literal archives."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from crawler.extraction import Article
from crawler.registry import load_registry
from scheduler.cli import main, parser
from scheduler.commands.daemon import settings_from
from scheduler.logs import configure_logging
from storage import RunCounts, finish_run, make_sessionmaker, open_archive, save_article, start_run
from storage.daemon import SavedRun, acquire_lock, save_schedule

NOW = datetime.now(UTC).replace(microsecond=0)
MOVED = """
[sites.baohaugiang]
name = "Báo Hậu Giang"
home = "https://baohaugiang.com.vn/"
article_url = '-\\d+\\.html$'
province = "Cần Thơ"
status = "moved:baocantho"
"""


@pytest.fixture(autouse=True)
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sites = tmp_path / "sites.toml"
    sites.write_text(MOVED, "utf-8")
    monkeypatch.setenv("TINBAO_SITES", str(sites))


@pytest.fixture
def url(tmp_path: Path) -> str:
    """An archive where baocantho was crawled an hour ago and is scheduled in 20 minutes, and
    a daemon holds the lock."""
    url = f"sqlite:///{tmp_path / 'a.db'}"
    engine = open_archive(url)
    with make_sessionmaker(engine).begin() as session:
        run = start_run(session, "baocantho", started_at=NOW - timedelta(minutes=10))
        finish_run(session, run.id, finished_at=NOW - timedelta(minutes=8), status="finished",
                   counts=RunCounts(40, 3))  # fmt: skip
        article = Article(url="https://baocantho.com.vn/a-a1.html", title="Mùa lúa mới",
                          body="Đoạn một.", published_at=NOW)  # fmt: skip
        save_article(session, "baocantho", article, now=NOW - timedelta(minutes=9))
        acquire_lock(session, "host:42:abcdef", now=NOW, lease=timedelta(days=1))
        label = "crawl baocantho every 30m (jitter 0s, grace 1800s)"
        save_schedule(session, {"baocantho": SavedRun(label, NOW + timedelta(minutes=20))},
                      now=NOW)  # fmt: skip
    engine.dispose()
    return url


def test_schedule_shows_next_and_last_runs(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database-url", url, "schedule"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["site", "status", "interval"]
    [cantho] = [line.split() for line in lines if line.startswith("baocantho ")]
    assert lines[0].split()[3:6] == ["next", "run", "(UTC+7)"]  # Vietnam time, as everywhere
    vietnam = timezone(timedelta(hours=7))
    when = (NOW + timedelta(minutes=20)).astimezone(vietnam).strftime("%Y-%m-%d %H:%M:%S").split()
    last = (NOW - timedelta(minutes=10)).astimezone(vietnam).strftime("%Y-%m-%d %H:%M:%S").split()
    assert cantho == ["baocantho", "active", "30m", *when, *last, "finished"]
    [moved] = [line for line in lines if line.startswith("baohaugiang ")]
    assert "moved:baocantho" in moved and "as baocantho" in moved
    [frozen] = [line for line in lines if line.startswith("baobinhduong ")]
    assert "not scheduled" in frozen
    assert lines[-1].startswith("daemon: host:42:abcdef, scheduling since ")


def test_schedule_speaks_json(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database-url", url, "schedule", "--json"]) == 0
    records = {r["site"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert records["baocantho"]["next_run"] == (NOW + timedelta(minutes=20)).isoformat()
    assert records["baohaugiang"]["scheduled_as"] == "baocantho"
    assert records["baobinhduong"]["scheduled_as"] is None


def test_status_is_0_when_every_site_is_healthy(
    url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    only = tmp_path / "only.toml"
    only.write_text("".join(f"[sites.{key}]\nstatus = \"frozen\"\n" for key in _other_actives()),
                    "utf-8")  # fmt: skip
    monkeypatch.setenv("TINBAO_SITES", str(only))
    assert main(["--database-url", url, "status"]) == 0
    lines = capsys.readouterr().out.splitlines()
    [cantho] = [line for line in lines if line.startswith("baocantho ")]
    assert cantho.endswith("ok") and "0%" not in cantho


def test_status_is_1_and_says_why_when_a_site_is_not(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--database-url", url, "status", "--json"]) == 1
    records = {r["site"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert records["baocantho"]["problems"] == []
    assert records["baolaocai"]["problems"] == ["never crawled"]
    assert "baobinhduong" not in records, "frozen sites are not watched"


def test_status_without_a_daemon_is_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    open_archive(f"sqlite:///{tmp_path / 'new.db'}").dispose()
    assert main(["--database-url", f"sqlite:///{tmp_path / 'new.db'}", "status"]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == (
        "daemon: none is scheduling (no live scheduling lock)"
    )


def _other_actives() -> list[str]:
    return [k for k, s in load_registry().items() if s.is_active and k != "baocantho"]


# -- tinbao daemon's options ----------------------------------------------------------------


def test_daemon_options_become_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TINBAO_DATABASE_URL", "sqlite:///x.db")
    options = parser().parse_args(
        ["daemon", "--sites", "baocantho", "baolaocai", "--max-concurrent", "3", "--timeout",
         "2h", "--jitter", "0", "--crawl-setting", "LOG_LEVEL=WARNING", "--lease", "90s"]
    )  # fmt: skip
    settings = settings_from(options)
    assert settings.database_url == "sqlite:///x.db"
    assert settings.sites == ("baocantho", "baolaocai")
    assert (settings.max_concurrent, settings.timeout) == (3, timedelta(hours=2))
    assert (settings.jitter, settings.misfire_grace) == (timedelta(0), None)
    assert settings.crawl_settings == {"LOG_LEVEL": "WARNING"}
    assert settings.heartbeat == timedelta(seconds=22.5)
    defaults = settings_from(parser().parse_args(["daemon"]))
    assert (defaults.max_concurrent, defaults.sites) == (2, ())


def test_the_database_url_may_follow_the_subcommand() -> None:
    after = parser().parse_args(["daemon", "--database-url", "sqlite:///b.db"])
    before = parser().parse_args(["--database-url", "sqlite:///a.db", "daemon"])
    assert (after.database_url, before.database_url) == ("sqlite:///b.db", "sqlite:///a.db")


@pytest.mark.parametrize(
    ("argv", "message"),
    [(["daemon", "--sites", "baohanoi"], "unknown site 'baohanoi'"),
     (["daemon", "--max-concurrent", "0"], "--max-concurrent must be at least 1"),
     (["daemon", "--crawl-setting", "LOG_LEVEL"], "--crawl-setting takes NAME=VALUE")],
)  # fmt: skip
def test_daemon_usage_errors(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_a_bad_duration_is_refused_by_the_parser(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        parser().parse_args(["daemon", "--timeout", "soon"])
    assert exit_.value.code == 2
    assert "'soon' is not a duration" in capsys.readouterr().err


def test_python_m_scheduler_is_the_daemon() -> None:
    result = subprocess.run([sys.executable, "-m", "scheduler", "--help"], capture_output=True,
                            text=True, check=False)  # fmt: skip
    assert result.returncode == 0
    assert result.stdout.startswith("usage: tinbao daemon")


def test_the_log_file_rotates(tmp_path: Path) -> None:
    logger = logging.getLogger("tinbao.test-rotation")
    logger.propagate = False
    handlers = configure_logging(log_file=tmp_path / "logs" / "daemon.log", max_bytes=200,
                                 backups=2, root=logger)  # fmt: skip
    try:
        for number in range(20):
            logger.info("crawl baocantho: finished, line %d", number)
    finally:
        for handler in handlers:
            logger.removeHandler(handler)
            handler.close()
    names = sorted(p.name for p in (tmp_path / "logs").iterdir())
    assert names == ["daemon.log", "daemon.log.1", "daemon.log.2"]
    assert "line 19" in (tmp_path / "logs" / "daemon.log").read_text("utf-8")
