"""`tinbao status`'s rules on literal facts and on literal crawl_runs and articles rows: stale
sites, rising error rates, no new article for days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from crawler.extraction import Article
from crawler.intervals import parse_interval
from crawler.registry import load_registry
from scheduler.health import SiteFacts, Thresholds, ago, gather, problems, recent_error_rates
from storage import RetryPolicy, RunCounts, finish_run, note_failure, save_article, start_run

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
T = Thresholds()


@dataclass(frozen=True)
class Run:
    status: str = "finished"
    pages_fetched: int = 100
    errors: int = 0


def facts(**changes: object) -> SiteFacts:
    healthy: dict[str, object] = {
        "key": "baocantho",
        "period": HOUR,
        "first_run": NOW - timedelta(days=30),
        "last_success": NOW - HOUR,
        "last_new_article": NOW - 2 * HOUR,
        "runs": [Run()] * 13,
    }
    return SiteFacts(**{**healthy, **changes})  # type: ignore[arg-type]


def test_a_site_crawled_on_time_with_news_is_healthy() -> None:
    assert problems(facts(), NOW, T) == []


def test_a_last_success_older_than_three_intervals_is_stale() -> None:
    assert problems(facts(last_success=NOW - 3 * HOUR), NOW, T) == []
    [found] = problems(facts(last_success=NOW - 3 * HOUR - timedelta(minutes=1)), NOW, T)
    assert found == "last successful crawl 3h 1m ago (interval 1h)"
    assert problems(facts(last_success=NOW - 5 * HOUR), NOW, Thresholds(stale_intervals=6)) == []


def test_a_site_never_crawled_or_never_successfully_is_flagged() -> None:
    assert problems(facts(first_run=None, last_success=None, last_new_article=None, runs=[]),
                    NOW, T) == ["never crawled"]  # fmt: skip
    young = facts(first_run=NOW - HOUR, last_success=None, runs=[Run("running")])
    assert problems(young, NOW, T) == []
    old = facts(first_run=NOW - 4 * HOUR, last_success=None, runs=[Run("shutdown")])
    assert problems(old, NOW, T) == ["no successful crawl yet", "last crawl failed: shutdown"]


def test_a_rising_error_rate_is_flagged() -> None:
    bad = [Run(errors=50)] * 3
    good = [Run(errors=2)] * 10
    [found] = problems(facts(runs=[*bad, *good]), NOW, T)
    assert found == "error rate rising: 50% over the last 3 crawls, 2% before"


def test_failed_crawls_count_as_all_errors() -> None:
    runs = [Run("killed: timeout"), Run("crashed: exit 1"), Run(), *[Run()] * 10]
    rates = recent_error_rates(facts(runs=runs), T)
    assert rates == pytest.approx((2 / 3, 0.0))
    assert "error rate rising" in problems(facts(runs=runs), NOW, T)[0]


def test_a_site_whose_last_crawl_failed_is_flagged_at_once() -> None:
    failed = facts(runs=[Run("running"), Run("failed: unreachable"), *[Run()] * 12])
    assert problems(failed, NOW, T)[-1] == "last crawl failed: failed: unreachable"
    assert problems(facts(runs=[Run("closespider_itemcount"), *[Run()] * 12]), NOW, T) == []


def test_steady_errors_and_a_crawl_in_progress_are_not_rising() -> None:
    steady = [Run(errors=40)] * 13
    assert problems(facts(runs=steady), NOW, T) == []
    running_first = [Run("running"), *[Run()] * 12]
    assert problems(facts(runs=running_first), NOW, T) == []
    assert recent_error_rates(facts(runs=[Run(errors=90)] * 2), T) is None


def test_no_new_article_for_days_is_flagged() -> None:
    quiet = facts(last_new_article=NOW - timedelta(days=4, hours=2))
    assert problems(quiet, NOW, T) == ["no new article for 4d 2h"]
    assert problems(quiet, NOW, Thresholds(quiet_days=5)) == []
    never = facts(last_new_article=None)
    assert problems(never, NOW, T) == ["no article stored yet"]
    new_site = facts(first_run=NOW - timedelta(days=1), last_new_article=None)
    assert problems(new_site, NOW, T) == []


def test_spans_read_in_two_units() -> None:
    assert [ago(timedelta(seconds=s)) for s in (40, 720, 18000, 18600, 273600, 259200)] == [
        "40s", "12m", "5h", "5h 10m", "3d 4h", "3d"
    ]  # fmt: skip


def test_facts_are_read_from_crawl_runs_and_articles(session: Session) -> None:
    def crawl(start: datetime, status: str, pages: int, errors: int) -> None:
        run = start_run(session, "baocantho", started_at=start)
        finish_run(session, run.id, finished_at=start + timedelta(minutes=2), status=status,
                   counts=RunCounts(pages_fetched=pages, errors=errors))  # fmt: skip

    for days in range(13, 3, -1):
        crawl(NOW - timedelta(days=days), "finished", 100, 1)
    crawl(NOW - timedelta(days=3), "finished", 100, 60)
    crawl(NOW - timedelta(days=2), "finished", 100, 70)
    crawl(NOW - timedelta(days=1), "closespider_timeout", 100, 80)
    article = Article(url="https://baocantho.com.vn/a-a1.html", title="Mùa lúa mới",
                      body="Đoạn một.", published_at=NOW)  # fmt: skip
    save_article(session, "baocantho", article, now=NOW - timedelta(days=5))
    session.commit()
    sites = {"baocantho": load_registry()["baocantho"]}
    [site] = gather(session, sites, NOW, T)
    assert site.period == parse_interval("30m").every
    assert site.first_run == NOW - timedelta(days=13)
    assert site.last_success == NOW - timedelta(days=1) + timedelta(minutes=2)
    assert site.last_new_article == NOW - timedelta(days=5)
    assert [r.errors for r in site.runs][:3] == [80, 70, 60]
    assert problems(site, NOW, T) == [
        "last successful crawl 23h 58m ago (interval 30m)",
        "error rate rising: 70% over the last 3 crawls, 1% before",
        "no new article for 5d",
    ]


def test_urls_given_up_lately_are_a_problem_read_from_the_retry_ledger(session: Session) -> None:
    policy = RetryPolicy(limit=1)
    for days, url in (
        (1, "https://baocantho.com.vn/b-a2.html"),
        (4, "https://baocantho.com.vn/c-a3.html"),
    ):
        note_failure(session, "baocantho", url, "article", "http_503",
                     now=NOW - timedelta(days=days), policy=policy)  # fmt: skip
    note_failure(session, "baocantho", "https://baocantho.com.vn/d-a4.html", "article", "timeout",
                 now=NOW, policy=RetryPolicy())  # fmt: skip
    session.commit()
    [site] = gather(session, {"baocantho": load_registry()["baocantho"]}, NOW, T)
    assert (site.retrying, site.given_up) == (1, 1)  # the older give-up is past the 3 days
    assert problems(facts(given_up=1), NOW, T) == [
        "gave up on 1 URL in the last 3d after failed crawls (tinbao runs says which)"
    ]
