"""Run the real `scrapy crawl <key>` in a subprocess, as a user or the daemon would."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Politeness stays on (robots.txt, AutoThrottle, 2 per domain); only the waits go, on loopback.
FAST = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_START_DELAY": "0", "LOG_LEVEL": "INFO"}


# A crawl goes through a proxy only when the test says so.
_PROXY_VARIABLES = {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}


@dataclass(frozen=True)
class CrawlResult:
    returncode: int
    seconds: float
    log: str
    max_rss_kb: int


def start_crawl(
    key: str,
    *,
    sites_file: Path,
    database_url: str,
    settings: dict[str, str] | None = None,
    arguments: dict[str, str] | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """Start `scrapy crawl <key>` with the registry file and archive given; its output piped."""
    command = [sys.executable, "-m", "scrapy", "crawl", key]
    for name, value in {**FAST, **(settings or {})}.items():
        command += ["-s", f"{name}={value}"]
    for name, value in (arguments or {}).items():
        command += ["-a", f"{name}={value}"]
    environment = {k: v for k, v in os.environ.items() if k.lower() not in _PROXY_VARIABLES}
    environment.update(
        {
            "TINBAO_SITES": str(sites_file),
            "TINBAO_DATABASE_URL": database_url,
            "TINBAO_WARC_DIR": str(sites_file.parent / "warc"),  # raw pages beside the test's files
            "SCRAPY_SETTINGS_MODULE": "crawler.settings",
            "PYTHONPATH": str(ROOT),
            **(env or {}),
        }
    )
    return subprocess.Popen(
        command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )


def run_crawl(
    key: str,
    *,
    sites_file: Path,
    database_url: str,
    settings: dict[str, str] | None = None,
    arguments: dict[str, str] | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 300,
) -> CrawlResult:
    """Crawl `key` to the end; its exit status, time, log and peak RSS."""
    started = time.perf_counter()
    process = start_crawl(key, sites_file=sites_file, database_url=database_url,
                          settings=settings, arguments=arguments, env=env)  # fmt: skip
    chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: chunks.extend(iter(process.stdout.readline, b"")))  # type: ignore[union-attr]
    reader.start()
    # wait4 rather than wait: it reports the child's own peak RSS.
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() - started > timeout:
            process.kill()
            process.wait()
            reader.join()
            log = b"".join(chunks).decode("utf-8", "replace")
            raise AssertionError(f"crawl of {key} timed out after {timeout}s:\n{log[-4000:]}")
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    reader.join()
    log = b"".join(chunks).decode("utf-8", "replace")
    return CrawlResult(process.returncode, seconds, log, usage.ru_maxrss)
