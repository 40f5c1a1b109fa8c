"""`tinbao import`: WARC files and CC-NEWS into the archive, with the crawl's dedup, resumable,
and `tinbao backfill --wayback` (docs/import.md). Every archive here is a replica on 127.0.0.1
or a file made in the test."""

from __future__ import annotations

import gzip
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from crawler.registry import load_registry
from crawler.warc import WarcRef, read_page
from scheduler.cli import main
from storage import make_sessionmaker, open_archive, remember_ignored
from tests.replica import ReplicaServer, ReplicaSite, run_crawl
from tests.replica.crawl import ROOT
from tests.replica.warcs import WarcBuilder, other_host_pages, replica_pages
from tests.replica.web_archive import FileServer, Wayback, WaybackServer

BASE = "https://baobansao.vn"
CAPTURED = datetime(2025, 3, 1, 1, 0, tzinfo=UTC)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with the replica's registry entry (at BASE) in $TINBAO_SITES."""
    sites = tmp_path / "sites.toml"
    sites.write_text(ReplicaSite().registry_toml(BASE), "utf-8")
    monkeypatch.setenv("TINBAO_SITES", str(sites))
    monkeypatch.setenv("TINBAO_WARC_DIR", str(tmp_path / "warc"))
    return tmp_path


def rows(database: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(database) as connection:
        return connection.execute(sql).fetchall()


def replica_warc(path: Path, site: ReplicaSite, base: str = BASE) -> list[str]:
    """A WARC as another tool made it: the site's articles among other hosts' pages, request
    and revisit records, one broken record; the article URLs in it."""
    warc = WarcBuilder(path)
    pages = replica_pages(site, base, at=CAPTURED)
    for n, (mine, other) in enumerate(zip(pages, other_host_pages(len(pages)), strict=True)):
        warc.request(mine.url)
        warc.response(mine)
        warc.response(other)
        if n == 3:
            warc.raw(b"not a record at all")
            warc.revisit(mine.url)
    warc.close()
    return [p.url for p in pages]


def import_(database: Path, *args: str) -> int:
    return main(["--database-url", f"sqlite:///{database}", "import", "--workers", "2", *args])


def test_every_article_is_stored_once_with_its_capture_time(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = ReplicaSite(articles=8)
    warc, database = home / "capture.warc.gz", home / "archive.db"
    urls = replica_warc(warc, site)
    assert import_(database, str(home)) == 0
    summary = capsys.readouterr().out
    assert "8 new" in summary and "1 broken" in summary and "1 revisits" in summary
    stored = rows(database, "SELECT url, title, first_seen_at, warc_file FROM articles")
    assert sorted(url for url, *_ in stored) == sorted(urls)
    titles = {BASE + a.path: a.title for a in site.public_articles()}
    assert all(title == titles[url] for url, title, *_ in stored)
    assert {warc_file for *_, warc_file in stored} == {str(warc.resolve())}
    first_seen = dict(rows(database, "SELECT url, first_seen_at FROM article_urls"))
    assert first_seen[urls[0]].startswith("2025-03-01 01:00:00")
    assert {o for (o,) in rows(database, "SELECT origin FROM article_urls")} == {"warc"}
    # the raw record is referenced: re-extraction reads it back from the imported file
    file, offset = rows(database, "SELECT warc_file, warc_offset FROM articles LIMIT 1")[0]
    page = read_page(home, WarcRef(str(file), int(offset)))
    assert page.url in urls and page.status == 200
    # a second import of the same file reads nothing again
    assert import_(database, str(warc)) == 0
    assert "1 already imported" in capsys.readouterr().out
    assert rows(database, "SELECT count(*) FROM articles") == [(8,)]


@pytest.mark.e2e
def test_a_crawled_and_an_imported_article_are_one(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = ReplicaSite(articles=6)
    database = home / "archive.db"
    with ReplicaServer(site) as server:
        sites = home / "sites.toml"
        sites.write_text(site.registry_toml(server.base_url), "utf-8")
        crawl = run_crawl("replica", sites_file=sites, database_url=f"sqlite:///{database}")
        assert crawl.returncode == 0, crawl.log[-2000:]
        replica_warc(home / "old.warc.gz", site, server.base_url)
    crawled = dict(rows(database, "SELECT url, first_seen_at FROM articles"))
    assert import_(database, str(home / "old.warc.gz")) == 0
    assert "0 new" in capsys.readouterr().out
    after = dict(rows(database, "SELECT url, first_seen_at FROM articles"))
    assert sorted(after) == sorted(crawled)  # one article each, whatever the source
    # the capture (2025) is older than the crawl: the article was seen first then
    assert all(str(when).startswith("2025-03-01") for when in after.values())


def test_an_import_killed_with_sigkill_resumes_and_loses_nothing(home: Path) -> None:
    site = ReplicaSite(articles=120)
    warc, database = home / "big.warc.gz", home / "archive.db"
    urls = replica_warc(warc, site)
    command = [sys.executable, "-c", "import sys; from scheduler.cli import main; sys.exit(main())",
               "--database-url", f"sqlite:///{database}", "import", "--workers", "1",
               "--batch", "5", str(warc)]  # fmt: skip
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(command, env=environment, cwd=ROOT, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and _stored(database) < 10:
            time.sleep(0.05)
        assert _stored(database) >= 10, "the import stored nothing in time"
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    partly = _stored(database)
    assert partly < len(urls), "the import finished before it could be killed"
    finished = subprocess.run(command, env=environment, cwd=ROOT, capture_output=True,
                              text=True, timeout=300)  # fmt: skip
    assert finished.returncode == 0, finished.stderr[-2000:]
    stored = [url for (url,) in rows(database, "SELECT url FROM articles")]
    assert sorted(stored) == sorted(urls)
    offset = rows(database, "SELECT state FROM import_files")
    assert offset == [("done",)]


def _stored(database: Path) -> int:
    try:
        return int(rows(database, "SELECT count(*) FROM articles")[0][0])
    except sqlite3.Error:
        return 0


@pytest.fixture
def cc_news(home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[FileServer, list[str]]]:
    """A replica of data.commoncrawl.org with a month of two CC-NEWS files."""
    root = home / "commoncrawl"
    month = root / "crawl-data" / "CC-NEWS" / "2025" / "06"
    month.mkdir(parents=True)
    names = ["CC-NEWS-20250601000000-00001.warc.gz", "CC-NEWS-20250602000000-00002.warc.gz"]
    urls = replica_warc(month / names[0], ReplicaSite(articles=5))
    urls += replica_warc(month / names[1], ReplicaSite(articles=5, first_id=200_000))
    listing = "".join(f"crawl-data/CC-NEWS/2025/06/{name}\n" for name in names)
    (month / "warc.paths.gz").write_bytes(gzip.compress(listing.encode()))
    with FileServer(root) as server:
        monkeypatch.setenv("TINBAO_CC_NEWS_URL", server.url + "/")
        yield server, urls


def test_cc_news_month_is_streamed_kept_and_resumable(
    home: Path, cc_news: tuple[FileServer, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    server, urls = cc_news
    database = home / "archive.db"
    assert import_(database, "--cc-news", "2025-06", "--site", "replica") == 0
    assert "10 new" in capsys.readouterr().out
    stored = rows(database, "SELECT url, warc_file, warc_offset FROM articles")
    assert sorted(url for url, *_ in stored) == sorted(urls)
    # the remote file is not kept; the records of its articles are, in the WARC folder
    url, file, offset = stored[0]
    assert str(file).startswith("cc-news/")
    assert read_page(home / "warc", WarcRef(str(file), int(offset))).url == url
    assert {o for (o,) in rows(database, "SELECT origin FROM article_urls")} == {"cc-news"}
    fetched = len(server.requests)
    assert import_(database, "--cc-news", "2025-06") == 0
    assert "2 already imported" in capsys.readouterr().out
    assert [path for path, _ in server.requests[fetched:]] == [
        "/crawl-data/CC-NEWS/2025/06/warc.paths.gz"
    ]


def test_cc_news_month_without_listing_is_one_line_and_exit_1(
    home: Path, cc_news: tuple[FileServer, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert import_(home / "archive.db", "--cc-news", "2019-01") == 1
    error = capsys.readouterr().err
    assert "no CC-NEWS listing for 2019-01" in error and "Traceback" not in error


def test_usage_mistakes_exit_2(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    database = home / "archive.db"
    assert import_(database, str(home / "missing.warc.gz")) == 2
    assert import_(database, "--cc-news", "2025-13") == 2
    assert import_(database, str(home), "--site", "replicaa") == 2
    errors = capsys.readouterr().err
    assert "no such file" in errors and "YYYY-MM" in errors and "unknown site" in errors


def test_wayback_backfill_stores_what_the_archive_lacks(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = ReplicaSite(articles=6)
    articles = list(site.public_articles())
    wayback = Wayback(page_size=3)
    for n, article in enumerate(articles):
        html = site.article_html(article, BASE).encode()
        later = (CAPTURED + timedelta(days=30)).strftime("%Y%m%d%H%M%S")
        first = (CAPTURED + timedelta(hours=n)).strftime("%Y%m%d%H%M%S")
        wayback.captures[BASE + article.path] = [(later, html), (first, html)]
    wayback.captures[BASE + "/gioi-thieu.html"] = [("20250101000000", b"<html></html>")]
    wayback.fail_first = {BASE + articles[1].path}  # answers 503 + Retry-After once
    database = home / "archive.db"
    engine = open_archive(f"sqlite:///{database}")
    with make_sessionmaker(engine).begin() as session:  # gone before it could be stored
        remember_ignored(session, "replica", BASE + articles[2].path, "http_404",
                         now=datetime.now(UTC))  # fmt: skip
    engine.dispose()
    with WaybackServer(wayback) as server:
        monkeypatch.setenv("TINBAO_WAYBACK_CDX_URL", server.cdx_url)
        monkeypatch.setenv("TINBAO_WAYBACK_URL", server.web_url)
        monkeypatch.setenv("TINBAO_WAYBACK_DELAY", "0")
        backfill = ["--database-url", f"sqlite:///{database}", "backfill", "replica", "--wayback"]
        assert main(backfill) == 0
        assert "6 new articles" in capsys.readouterr().out
        stored = dict(rows(database, "SELECT url, first_seen_at FROM articles"))
        assert sorted(stored) == sorted(BASE + a.path for a in articles)
        # the capture closest to publication (the earliest) was the one fetched
        assert all(str(when).startswith("2025-03-01") for when in stored.values())
        assert len(wayback.fetched) == 7  # six captures, one of them twice (its 503)
        # resumed or run again: nothing is fetched again
        assert main(backfill) == 0
        assert len(wayback.fetched) == 7
    assert "pending 0" in capsys.readouterr().out
    assert load_registry()["replica"].key == "replica"
