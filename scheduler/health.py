"""Is each site still being archived? The rules behind `tinbao status`.

A site is unhealthy when its last crawl failed (exit status 1 of crawler/outcome.py: nothing
reachable, the circuit breaker, killed...), when its last successful crawl is older than three
intervals, when its error rate rises (the last crawls fail or error much more than the ones
before), when no new article has been stored for days although crawls run (how a site
redesign usually shows), or when crawls recently gave up on URLs that kept failing (the retry
ledger: an article that may be lost for good).
The rules are pure functions of the facts, `now` and the thresholds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.orm import Session

from crawler.outcome import COMPLETED, exit_code
from crawler.registry import Site
from scheduler import timing
from storage.daemon import first_run, last_new_article, last_success, site_runs, succeeded
from storage.retry_ledger import PENDING, given_up_between, retry_counts


@dataclass(frozen=True)
class Thresholds:
    stale_intervals: float = 3
    recent_runs: int = 3
    baseline_runs: int = 10
    error_rate: float = 0.25
    error_factor: float = 2.0
    quiet_days: float = 3
    given_up_days: float = 3  # a URL given up within this many days is a problem


class RunLike(Protocol):
    """What the rules read of a crawl_runs row."""

    @property
    def status(self) -> str: ...
    @property
    def pages_fetched(self) -> int: ...
    @property
    def errors(self) -> int: ...


@dataclass(frozen=True)
class SiteFacts:
    key: str
    period: timedelta
    first_run: datetime | None
    last_success: datetime | None
    last_new_article: datetime | None
    runs: Sequence[RunLike]  # newest first
    retrying: int = 0  # URLs in the retry ledger, still to be fetched again
    given_up: int = 0  # URLs given up within `given_up_days`


def error_rate(run: RunLike) -> float:
    """1 for a crawl that did not run its course, else its errors per page fetched (max 1)."""
    if not succeeded(run.status):
        return 1.0
    return min(1.0, run.errors / max(1, run.pages_fetched))


def recent_error_rates(facts: SiteFacts, thresholds: Thresholds) -> tuple[float, float] | None:
    """(mean rate of the last `recent_runs` ended crawls, of the `baseline_runs` before them);
    None while too few crawls have ended."""
    ended = [run for run in facts.runs if run.status != "running"]
    recent = ended[: thresholds.recent_runs]
    before = ended[thresholds.recent_runs : thresholds.recent_runs + thresholds.baseline_runs]
    if len(recent) < thresholds.recent_runs or not recent:
        return None
    now_rate = sum(map(error_rate, recent)) / len(recent)
    before_rate = sum(map(error_rate, before)) / len(before) if before else 0.0
    return now_rate, before_rate


def problems(facts: SiteFacts, now: datetime, thresholds: Thresholds) -> list[str]:
    """What is wrong with the site at `now`, in words; empty when it is healthy."""
    found = []
    stale = facts.period * thresholds.stale_intervals
    if facts.last_success is None:
        if facts.first_run is None:
            found.append("never crawled")
        elif now - facts.first_run > stale:
            found.append("no successful crawl yet")
    elif now - facts.last_success > stale:
        found.append(f"last successful crawl {ago(now - facts.last_success)} ago "
                     f"(interval {ago(facts.period)})")  # fmt: skip
    rates = recent_error_rates(facts, thresholds)
    if rates is not None:
        recent, before = rates
        if recent >= thresholds.error_rate and recent >= before * thresholds.error_factor:
            found.append(f"error rate rising: {recent:.0%} over the last "
                         f"{thresholds.recent_runs} crawls, {before:.0%} before")  # fmt: skip
    quiet = timedelta(days=thresholds.quiet_days)
    if facts.first_run is not None and now - facts.first_run > quiet:
        if facts.last_new_article is None:
            found.append("no article stored yet")
        elif now - facts.last_new_article > quiet:
            found.append(f"no new article for {ago(now - facts.last_new_article)}")
    if facts.given_up:
        urls = "URL" if facts.given_up == 1 else "URLs"
        found.append(f"gave up on {facts.given_up} {urls} in the last "
                     f"{ago(timedelta(days=thresholds.given_up_days))} after failed crawls "
                     "(tinbao runs says which)")  # fmt: skip
    latest = next((run for run in facts.runs if run.status != "running"), None)
    if latest is not None and exit_code(latest.status) != COMPLETED:
        found.append(f"last crawl failed: {latest.status}")
    return found


def gather(
    session: Session, sites: Mapping[str, Site], now: datetime, thresholds: Thresholds
) -> list[SiteFacts]:
    """The facts the rules need, read from crawl_runs and articles."""
    limit = thresholds.recent_runs + thresholds.baseline_runs + 5
    since = now - timedelta(days=thresholds.given_up_days)
    return [
        SiteFacts(
            key=key,
            period=timing.period(site.interval, now),
            first_run=first_run(session, key),
            last_success=last_success(session, key),
            last_new_article=last_new_article(session, key),
            runs=site_runs(session, key, limit=limit),
            retrying=retry_counts(session, key).get(PENDING, 0),
            given_up=len(given_up_between(session, key, since, None)),
        )
        for key, site in sites.items()
    ]


def ago(span: timedelta) -> str:
    """A span in its two largest units: "3d 4h", "5h 10m", "12m", "40s"."""
    seconds = int(span.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    if minutes:
        return f"{minutes}m"
    return f"{seconds}s"
