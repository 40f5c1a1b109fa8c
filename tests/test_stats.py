"""`tinbao stats`: per site the articles, the newest, the gone ones and how the last crawl went."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from scheduler.cli import main
from storage import RunCounts, finish_run, make_sessionmaker, mark_gone, open_archive, start_run
from storage.stats import SiteStats, site_stats
from tests.search_records import BINH_DUONG, DA_NANG, DA_NANG_STONE, NOW, store


def fill(session: Session) -> None:
    store(session, "baodanang", DA_NANG)
    store(session, "baocantho", DA_NANG_STONE)
    store(session, "baobinhduong", BINH_DUONG)
    mark_gone(session, BINH_DUONG.url, now=NOW)
    for hours, status, errors in [(30, "finished", 0), (5, "circuit_breaker: 20 failures", 20)]:
        run = start_run(session, "baocantho", started_at=NOW - timedelta(hours=hours))
        counts = RunCounts(pages_fetched=40, articles_new=3, errors=errors)
        finish_run(session, run.id, finished_at=NOW, status=status, counts=counts)
    start_run(session, "baolaocai", started_at=NOW)  # still running, nothing stored yet
    session.commit()


def test_site_stats(session: Session) -> None:
    fill(session)
    stats = {s.site: s for s in site_stats(session)}
    assert list(stats) == ["baobinhduong", "baocantho", "baodanang", "baolaocai"]
    assert stats["baocantho"] == SiteStats(
        site="baocantho", articles=1, newest=DA_NANG_STONE.published_at, gone=0,
        last_crawl=NOW - timedelta(hours=5), last_status="circuit_breaker: 20 failures",
        last_errors=20, last_new=3, crawls=2,
    )  # fmt: skip
    assert (stats["baobinhduong"].articles, stats["baobinhduong"].gone) == (1, 1)
    assert stats["baobinhduong"].last_crawl is None and stats["baobinhduong"].crawls == 0
    assert (stats["baolaocai"].articles, stats["baolaocai"].last_status) == (0, "running")


def test_an_empty_archive(session: Session) -> None:
    assert site_stats(session) == []


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'tinbao.db'}"
    engine = open_archive(url)
    with make_sessionmaker(engine)() as session:
        fill(session)
    engine.dispose()
    return url


def test_the_table(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database-url", url, "stats"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["site", "articles", "newest", "(UTC+7)"]
    cantho = next(line for line in lines if line.startswith("baocantho"))
    assert "2026-11-20 08:00" in cantho and "circuit_breaker" in cantho and cantho.endswith("20")
    total = next(line for line in lines if line.startswith("total"))
    assert total.split()[:4] == ["total", "3", "1", "3"]
    assert "last crawl failed or had errors: baocantho\n" in out


def test_json(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database-url", url, "stats", "--json"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    cantho = next(r for r in records if r["site"] == "baocantho")
    assert cantho["articles"] == 1 and cantho["last_errors"] == 20
    assert cantho["newest"] == "2026-11-20T01:00:00+00:00"


def test_an_empty_archive_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    open_archive(f"sqlite:///{tmp_path / 'new.db'}").dispose()
    assert main(["--database-url", f"sqlite:///{tmp_path / 'new.db'}", "stats"]) == 0
    assert capsys.readouterr() == ("", "the archive is empty: no articles, no crawls\n")
