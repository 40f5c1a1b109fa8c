"""The crawl_runs table: a row opened when a crawl starts, closed with its counts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from crawler.extensions.crawl_runs import run_counts
from storage import RunCounts, finish_run, recent_runs, start_run

T0 = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


def test_a_run_is_opened_then_closed_with_its_counts(session: Session) -> None:
    run = start_run(session, "baocantho", started_at=T0)
    session.commit()
    assert (run.status, run.finished_at) == ("running", None)
    counts = RunCounts(
        pages_fetched=40, articles_new=12, articles_updated=1, duplicates=2, errors=3
    )
    finish_run(
        session,
        run.id,
        finished_at=T0 + timedelta(minutes=2),
        status="finished",
        counts=counts,
        stats={"tinbao/errors/http_404": 3},
    )
    session.commit()
    [stored] = recent_runs(session)
    assert stored.status == "finished"
    assert stored.finished_at == T0 + timedelta(minutes=2)
    assert (stored.pages_fetched, stored.articles_new, stored.articles_updated) == (40, 12, 1)
    assert (stored.duplicates, stored.errors) == (2, 3)
    assert json.loads(stored.stats or "") == {"tinbao/errors/http_404": 3}


def test_recent_runs_are_newest_first_and_filter_by_site(session: Session) -> None:
    for minutes, site in [(0, "baocantho"), (5, "baolaocai"), (10, "baocantho")]:
        start_run(session, site, started_at=T0 + timedelta(minutes=minutes))
    session.commit()
    assert [r.site for r in recent_runs(session)] == ["baocantho", "baolaocai", "baocantho"]
    only = recent_runs(session, site="baocantho", limit=1)
    assert [r.started_at for r in only] == [T0 + timedelta(minutes=10)]


def test_finishing_an_unknown_run_fails_loudly(session: Session) -> None:
    with pytest.raises(LookupError):
        finish_run(session, 999, finished_at=T0, status="finished", counts=RunCounts())


def test_counts_come_from_scrapy_stats() -> None:
    stats = {
        "downloader/response_count": 25,
        "tinbao/articles/new": 10,
        "tinbao/articles/updated": 2,
        "tinbao/articles/duplicate": 1,
        "tinbao/articles/unchanged": 7,
        "tinbao/errors/http_500": 2,
        "tinbao/errors/timeout": 1,
        "spider_exceptions/count": 1,
    }
    assert run_counts(stats) == RunCounts(
        pages_fetched=25, articles_new=10, articles_updated=2, duplicates=1, errors=4
    )
