"""A crawl says what it did (issue 12, item 6): on a terminal a live progress line (tqdm), at the
end one summary line that stands with LOG_LEVEL=WARNING, and none of the libraries' noise."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from tests.replica import ReplicaServer, ReplicaSite
from tests.replica.crawl import ROOT, run_crawl


def crawl_on_a_terminal(command: list[str], env: dict[str, str], timeout: float = 240) -> str:
    """Run `command` with its stderr on a pseudo-terminal; what the terminal received."""
    terminal, child_end = pty.openpty()
    termios.tcsetwinsize(child_end, (24, 100))  # rows, columns: a terminal of known size
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=child_end)  # fmt: skip
    os.close(child_end)
    received = b""
    try:
        while True:
            ready, _, _ = select.select([terminal], [], [], timeout)
            if not ready:
                raise AssertionError(f"no output for {timeout}s:\n{received[-2000:]!r}")
            try:
                chunk = os.read(terminal, 65536)
            except OSError:  # the child closed its end
                break
            if not chunk:
                break
            received += chunk
    finally:
        process.wait(timeout=30)
        os.close(terminal)
    assert process.returncode == 0, received[-3000:]
    return received.decode("utf-8", "replace")


@pytest.mark.e2e
def test_progress_on_a_terminal_and_a_summary_at_warning_level(tmp_path: Path) -> None:
    site = ReplicaSite(articles=12)
    with ReplicaServer(site) as server:
        sites = tmp_path / "sites.toml"
        sites.write_text(site.registry_toml(server.base_url), "utf-8")
        environment = {**os.environ, "TINBAO_SITES": str(sites), "PYTHONPATH": str(ROOT),
                       "TINBAO_DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}",
                       "TINBAO_WARC_DIR": str(tmp_path / "warc"),
                       "SCRAPY_SETTINGS_MODULE": "crawler.settings"}  # fmt: skip
        command = [sys.executable, "-m", "scrapy", "crawl", "replica", "-s", "LOG_LEVEL=WARNING",
                   "-s", "DOWNLOAD_DELAY=0.1", "-s", "AUTOTHROTTLE_START_DELAY=0",
                   "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]  # fmt: skip
        shown = crawl_on_a_terminal(command, environment)
        piped = run_crawl(
            "replica", sites_file=sites, database_url=f"sqlite:///{tmp_path / 'b.db'}"
        )
    frames = [frame for frame in shown.split("\r") if frame.startswith("replica: ")]
    assert len(frames) >= 2, shown  # drawn at the start, redrawn as pages come
    assert frames[-1].split(" [")[0].endswith(" updated, 0 errors")
    assert "pages/s]" in frames[-1]
    lines = [line.strip("\r ") for line in shown.split("\n") if line.strip("\r ")]
    assert lines[-1].split("\r")[-1].startswith("crawl of replica finished in ")
    assert lines[-1].endswith("12 new, 0 updated, 0 duplicates, 0 errors; exit 0 (completed)")
    assert "Traceback" not in shown and "WARNING" not in shown
    # not a terminal (a pipe, a daemon's log file): no progress line; the log at INFO is clean
    assert "pages/s]" not in piped.log and "replica: 0 pages" not in piped.log
    assert "Context impl" not in piped.log and "Will assume" not in piped.log
    assert piped.log.rstrip().splitlines()[-1].startswith("crawl of replica finished in ")
