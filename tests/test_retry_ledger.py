"""The retry ledger on literal failures and times: when a failed URL is due again, when it is
given up, what reaching it does (storage/retry_ledger.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from storage import (
    RetryPolicy,
    given_up_between,
    load_retries,
    note_failure,
    retry_counts,
    settle_retries,
)

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
URL = "https://baothu.vn/tin-mot-a1.html"


def test_the_spacing_grows_from_the_next_crawl_to_doubling_waits() -> None:
    policy = RetryPolicy(limit=8, spacing=HOUR)
    assert [policy.wait(n) for n in range(1, 8)] == [timedelta(0)] + [HOUR * 2**k for k in range(6)]
    assert sum((policy.wait(n) for n in range(1, 8)), timedelta(0)) == 63 * HOUR
    assert policy.wait(10_000) == timedelta(days=30)  # a very high limit: the wait is capped


def test_a_failed_url_is_due_after_each_wait_then_given_up(session: Session) -> None:
    policy = RetryPolicy(limit=3, spacing=HOUR)
    first = note_failure(session, "baothu", URL, "article", "http_503", now=NOW, policy=policy)
    assert (first.state, first.failures, first.due_at) == ("pending", 1, NOW)
    assert first.is_due(NOW)
    second = note_failure(session, "baothu", URL, "article", "timeout", now=NOW, policy=policy)
    assert (second.failures, second.due_at, second.last_error) == (2, NOW + HOUR, "timeout")
    assert not second.is_due(NOW + HOUR / 2) and second.is_due(NOW + HOUR)
    later = NOW + 2 * HOUR
    third = note_failure(session, "baothu", URL, "article", "http_500", now=later, policy=policy)
    assert (third.state, third.failures, third.due_at) == ("given_up", 3, None)
    assert not third.is_due(later + 100 * HOUR)
    again = note_failure(session, "baothu", URL, "article", "http_502", now=later, policy=policy)
    assert (again.state, again.failures, again.given_up_at) == ("given_up", 3, later)
    assert [r.url for r in given_up_between(session, "baothu", NOW, None)] == [URL]
    assert given_up_between(session, "baothu", NOW, NOW + HOUR) == []
    assert retry_counts(session, "baothu") == {"given_up": 1}


def test_reaching_a_url_settles_it_and_sites_stay_apart(session: Session) -> None:
    policy = RetryPolicy()
    other = "https://baothu.vn/thoi-su?p=3"
    for url, kind in ((URL, "article"), (other, "section")):
        note_failure(session, "baothu", url, kind, "http_503", now=NOW, policy=policy)
    note_failure(session, "baokhac", URL, "article", "timeout", now=NOW, policy=policy)
    assert set(load_retries(session, "baothu")) == {URL, other}
    assert load_retries(session, "baothu")[other].kind == "section"
    assert settle_retries(session, "baothu", [URL]) == 1
    assert set(load_retries(session, "baothu")) == {other}
    assert set(load_retries(session, "baokhac")) == {URL}
    assert settle_retries(session, "baothu", []) == 0
