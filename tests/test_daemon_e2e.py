"""End to end: `python -m scheduler` crawls a replica newspaper every 2 seconds with the real
`scrapy crawl`, never two crawls of it at once, and exits 0 on SIGTERM. Real time, generous
bounds; about ten seconds."""

from __future__ import annotations

import itertools
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from scheduler.cli import main
from tests.replica import ReplicaServer, ReplicaSite
from tests.replica.crawl import FAST, ROOT

pytestmark = pytest.mark.e2e

_PROXY_VARIABLES = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}


def finished_runs(database: Path) -> list[tuple[str, str, str]]:
    if not database.exists():
        return []
    with sqlite3.connect(database) as db:
        try:
            return db.execute(
                "SELECT started_at, finished_at, status FROM crawl_runs "
                "WHERE site = 'replica' AND finished_at IS NOT NULL ORDER BY started_at"
            ).fetchall()
        except sqlite3.OperationalError:  # the daemon has not created the tables yet
            return []


def test_the_daemon_crawls_on_schedule_and_stops_on_sigterm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = ReplicaSite(articles=3)
    database = tmp_path / "a.db"
    url = f"sqlite:///{database}"
    log_file = tmp_path / "logs" / "daemon.log"
    with ReplicaServer(site) as server:
        sites = tmp_path / "sites.toml"
        sites.write_text(site.registry_toml(server.base_url, interval="2s"), "utf-8")
        environment = {k: v for k, v in os.environ.items() if k.lower() not in _PROXY_VARIABLES}
        environment.update({"TINBAO_SITES": str(sites), "PYTHONPATH": str(ROOT)})
        settings = [a for n, v in FAST.items() for a in ("--crawl-setting", f"{n}={v}")]
        command = [sys.executable, "-m", "scheduler", "--database-url", url, "--sites", "replica",
                   "--jitter", "0", "--stop-grace", "30s", "--log-file", str(log_file),
                   *settings]  # fmt: skip
        with (tmp_path / "output.log").open("wb") as output:
            daemon = subprocess.Popen(command, cwd=tmp_path, env=environment, stdout=output,
                                      stderr=subprocess.STDOUT)  # fmt: skip
            try:
                deadline = time.monotonic() + 90
                while len(finished_runs(database)) < 2:
                    assert daemon.poll() is None, (tmp_path / "output.log").read_text()[-3000:]
                    assert time.monotonic() < deadline, "no two crawls within 90 s"
                    time.sleep(0.2)
                daemon.send_signal(signal.SIGTERM)
                stopped = time.monotonic()
                assert daemon.wait(timeout=45) == 0
                assert time.monotonic() - stopped < 45
            finally:
                if daemon.poll() is None:
                    daemon.kill()
                    daemon.wait()
    runs = finished_runs(database)
    assert len(runs) >= 2
    assert {status for _, _, status in runs} == {"finished"}, runs
    for (_, previous_end, _), (start, _, _) in itertools.pairwise(runs):
        assert datetime.fromisoformat(start) >= datetime.fromisoformat(previous_end), runs

    log = log_file.read_text("utf-8")
    lines = [line for line in log.splitlines() if "tinbao.crawl: crawl replica:" in line]
    assert len(lines) == len(runs), "one line per crawl"
    assert all("finished in " in line and " log data/logs/replica/" in line for line in lines)
    assert "3 new" in log and "scheduling lock released" in log and "stopped" in log
    # Each crawl's full output is in a file of its own, named on its row; none in the daemon's.
    with sqlite3.connect(database) as db:
        logs = [row[0] for row in db.execute(
            "SELECT log_file FROM crawl_runs WHERE site = 'replica' ORDER BY id")]  # fmt: skip
    assert len(set(logs)) == len(logs) >= len(runs)
    for name in logs:
        assert "Spider closed (finished)" in (tmp_path / name).read_text("utf-8")
    assert "Spider closed" not in (tmp_path / "output.log").read_text("utf-8")

    # The schedule outlives the daemon; the lock does not.
    monkeypatch.setenv("TINBAO_SITES", str(sites))
    capsys.readouterr()
    assert main(["--database-url", url, "schedule", "--json"]) == 0
    [record] = [r for r in map(json.loads, capsys.readouterr().out.splitlines())
                if r["site"] == "replica"]  # fmt: skip
    assert record["next_run"] is not None and record["last_status"] == "finished"
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM daemon_locks").fetchone() == (0,)
