"""`tinbao import`'s extraction workers end with the importer: an import killed with -9 (or
by the OOM killer) left them behind, each holding its memory, for good."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.process_tree import descendants

pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc")
ROOT = Path(__file__).resolve().parents[1]
IMPORTER = """
import sys, time
from datetime import UTC, datetime
from crawler.importing.extract import ExtractionPool
from crawler.warc import RawPage

page = RawPage("https://baocantho.com.vn/a-a1.html", 200,
               [("Content-Type", "text/html; charset=utf-8")],
               b"<html><body><p>Tin</p></body></html>", datetime.now(UTC))
pool = ExtractionPool(2)
list(pool.map([(n, page, None) for n in range(8)]))
print("ready", flush=True)
time.sleep(120)
"""


def workers(pid: int) -> set[int]:
    found = set()
    for child in descendants(pid):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in command:
            found.add(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_killed_import_leaves_no_worker() -> None:
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    importer = subprocess.Popen([sys.executable, "-c", IMPORTER], cwd=ROOT, text=True,
                                stdout=subprocess.PIPE, env=environment)  # fmt: skip
    try:
        assert importer.stdout is not None
        assert importer.stdout.readline().strip() == "ready"
        started = workers(importer.pid)
        assert started
        os.kill(importer.pid, signal.SIGKILL)
        importer.wait()
        deadline = time.monotonic() + 30
        while any(alive(pid) for pid in started) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(alive(pid) for pid in started)
    finally:
        if importer.poll() is None:
            importer.kill()
            importer.wait()
