"""A crawl killed with -9 mid-batch loses no article it reported stored (issue 14 item 2):
the archive writer resolves an article only after its batch committed, and the pipeline logs
"stored <url>" only then. The next crawl stores the rest, each article once."""

from __future__ import annotations

import re
import signal
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from tests.replica import ReplicaServer, ReplicaSite, run_crawl
from tests.replica.crawl import start_crawl

pytestmark = pytest.mark.e2e

ARTICLES = 300
STORED = re.compile(r"\[crawler\.pipelines\.archive\] DEBUG: stored (\S+) \((\w+)\)")
# batches that fill slowly: a kill finds one open, holding articles not yet reported
BATCHED = {"TINBAO_WRITE_BATCH": "25", "TINBAO_WRITE_INTERVAL": "2", "LOG_LEVEL": "DEBUG"}


def rows(database: Path, query: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(database, timeout=30) as connection:
        return connection.execute(query).fetchall()


def reported(log: str) -> list[str]:
    """The URLs the crawl's log says it stored."""
    return [match.group(1) for match in STORED.finditer(log)]


def test_a_crawl_killed_mid_batch_keeps_every_article_it_reported_stored(tmp_path: Path) -> None:
    site = ReplicaSite(articles=ARTICLES, per_page=10)
    database = tmp_path / "archive.db"
    url = f"sqlite:///{database}"
    with ReplicaServer(site) as server:
        sites = tmp_path / "sites.toml"
        sites.write_text(site.registry_toml(server.base_url), "utf-8")
        settings = {**BATCHED, "DOWNLOAD_DELAY": "0.01"}
        process = start_crawl("replica", sites_file=sites, database_url=url, settings=settings)
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.extend(
            line.decode("utf-8", "replace") for line in iter(process.stdout.readline, b"")))  # type: ignore[union-attr]  # fmt: skip
        reader.start()
        deadline = time.monotonic() + 120
        while len(reported("".join(lines))) < 60:
            assert process.poll() is None, "".join(lines)[-3000:]
            assert time.monotonic() < deadline, "".join(lines)[-3000:]
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        reader.join()
        before = reported("".join(lines))
        kept = {u for (u,) in rows(database, "SELECT url FROM article_urls")}
        assert set(before) <= kept, sorted(set(before) - kept)
        assert len(kept) < ARTICLES, "the crawl ended before the kill"

        again = run_crawl("replica", sites_file=sites, database_url=url, settings=BATCHED)
    assert again.returncode == 0, again.log[-3000:]
    stored_now = [(u,) for (u,) in rows(database, "SELECT url FROM articles")]
    assert len(stored_now) == ARTICLES
    second = reported(again.log)
    assert not set(second) & set(before)  # what the first crawl stored is not stored again
    assert len(second) == len(set(second)) == ARTICLES - len(kept)
    commits = re.search(r"'tinbao/archive/commits': (\d+)", again.log)
    assert commits is not None, again.log[-3000:]
    assert 0 < int(commits.group(1)) < len(second)  # batched: fewer commits than articles
