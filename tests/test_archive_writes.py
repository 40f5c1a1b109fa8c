"""A crawl into an archive that refuses writes (issue 12, item 1): it stops at the first
refused write, exits 1 and says why in one line, without a traceback; a bug's error is not
taken for the archive refusing."""

from __future__ import annotations

import asyncio
import errno
import sqlite3
import time
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler
from sqlalchemy import Engine, event, func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from crawler import archive_writes
from crawler.archive_writes import COUNTER, refusal, stop_reason
from crawler.pipelines import ArchiveArticles
from storage import Article, open_archive
from tests.replica import ReplicaServer, ReplicaSite, run_crawl
from tests.replica.crawl import start_crawl
from tests.tcp_relay import TcpRelay
from tests.test_pipelines import ARTICLE

NOISE = ("Traceback", "Error processing")


def test_what_counts_as_the_archive_refusing_a_write() -> None:
    read_only = OperationalError(
        "INSERT", {}, sqlite3.OperationalError("attempt to write a readonly database")
    )
    assert refusal(read_only) == "attempt to write a readonly database"
    assert refusal(OSError(errno.ENOSPC, "No space left on device")) == "No space left on device"
    clash = IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed"))
    assert refusal(clash) is None  # a bug of tinbao's: its traceback is the report
    assert refusal(KeyError("x")) is None


def stored(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(Article)) or 0)


@pytest.mark.e2e
def test_a_crawl_into_a_read_only_archive_fails_in_one_line(tmp_path: Path) -> None:
    site = ReplicaSite(articles=20, key="replica")
    database = tmp_path / "archive.db"
    open_archive(f"sqlite:///{database}").dispose()
    with ReplicaServer(site) as server:
        sites = tmp_path / "sites.toml"
        sites.write_text(site.registry_toml(server.base_url), "utf-8")
        result = run_crawl("replica", sites_file=sites,
                           database_url=f"sqlite:///file:{database}?mode=ro&uri=true")  # fmt: skip
    assert result.returncode == 1, result.log[-3000:]
    assert not [noise for noise in NOISE if noise in result.log], result.log[-3000:]
    last = result.log.strip().splitlines()[-1]
    assert last.startswith("crawl of replica failed: archive not writable: attempt to write a "
                           "readonly database in "), last  # fmt: skip
    assert last.endswith("; exit 1 (failed)")
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT count(*) FROM articles").fetchone() == (0,)


@pytest.mark.e2e
def test_a_crawl_whose_postgresql_goes_away_stops_at_the_first_refused_write(
    tmp_path: Path, empty_postgres_url: str
) -> None:
    direct = empty_postgres_url
    engine = open_archive(direct)
    site = ReplicaSite(articles=400, key="replica")
    with ReplicaServer(site) as server, TcpRelay(("127.0.0.1", 5432)) as relay:
        sites = tmp_path / "sites.toml"
        sites.write_text(site.registry_toml(server.base_url), "utf-8")
        relayed = direct.replace(":5432/", f":{relay.port}/", 1)
        assert relayed != direct, "the test PostgreSQL URL names no port 5432"
        crawl = start_crawl("replica", sites_file=sites, database_url=relayed,
                            settings={"DOWNLOAD_DELAY": "0.02"})  # fmt: skip
        deadline = time.monotonic() + 60
        while stored(engine) < 5 and crawl.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        relay.cut()
        cut_at = stored(engine)
        out, _ = crawl.communicate(timeout=60)
    log = out.decode("utf-8", "replace")
    assert crawl.returncode == 1, log[-3000:]
    assert 5 <= cut_at < 400, log[-3000:]
    assert stored(engine) <= cut_at + 16  # writes under way at the cut, no more
    assert not [noise for noise in NOISE if noise in log], log[-3000:]
    assert log.count("the archive refused to store") == 1, log[-3000:]
    last = log.strip().splitlines()[-1]
    assert last.startswith("crawl of replica failed: archive not writable: "), last
    engine.dispose()


def test_a_refused_batch_commit_drops_every_article_of_the_batch_and_fails_the_crawl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    settings = {"TINBAO_DATABASE_URL": url, "TINBAO_WRITE_BATCH": 3, "TINBAO_WRITE_INTERVAL": 3600}
    crawler = get_crawler(settings_dict=settings)
    crawler.engine = SimpleNamespace(running=True)  # type: ignore[assignment]
    ended: list[str] = []
    monkeypatch.setattr(archive_writes, "end_crawl", lambda _crawler, why: ended.append(why))
    pipeline = ArchiveArticles.from_crawler(crawler)
    pipeline.open_spider()
    assert pipeline.writer is not None

    def disk_full(_connection: object) -> None:
        raise OperationalError("COMMIT", {}, sqlite3.OperationalError("database or disk is full"))

    event.listen(pipeline.writer.engine, "commit", disk_full)
    items = [replace(ARTICLE, url=f"{ARTICLE.url}?n={n}", body=f"{n}\n{ARTICLE.body}")
             for n in range(3)]  # fmt: skip

    async def store_all() -> list[object]:
        return await asyncio.gather(*(pipeline.process_item(i) for i in items),
                                    return_exceptions=True)  # fmt: skip

    try:
        answers = asyncio.run(store_all())
    finally:
        pipeline.close_spider()
    reason = "failed: archive not writable: database or disk is full"
    assert [str(a) for a in answers] == [f"not stored, {reason}: {i.url}" for i in items]
    assert all(isinstance(a, DropItem) for a in answers)
    assert stop_reason(crawler) == reason
    assert ended == [reason]  # the crawl ends "failed: archive not writable: ..."
    assert crawler.stats is not None
    assert crawler.stats.get_value("tinbao/articles/new") is None
    assert crawler.stats.get_value(COUNTER) == 3
    engine = open_archive(url)
    assert stored(engine) == 0
    engine.dispose()
