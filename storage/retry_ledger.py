"""The retry ledger: URLs whose last request failed for a reason that may pass (a timeout, a
reset, a 5xx, a 429), so that the following crawls fetch them again instead of losing them.

An incremental crawl skips what it believes unchanged: a feed or sitemap that answers 304, a
sitemap older than the last complete crawl, a section past a page of known articles. An article
(or a sitemap, or a listing page) that failed once behind such a branch would never be asked for
again. The ledger remembers it, with how many crawls it failed in and when it is next due; a
crawl asks for its due URLs first, and settles (deletes) those it then reached. A URL that
failed in `RetryPolicy.limit` crawls is given up: kept here with state `given_up` and when, for
`tinbao runs` and `tinbao status` to report, and no longer asked for by incremental crawls.

Every decision takes `now`, so the spacing is tested without waiting.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Index, Integer, String, UniqueConstraint, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.models import Base, UTCDateTime
from storage.upsert import insert_ignoring_conflicts

PENDING, GIVEN_UP = "pending", "given_up"
LONGEST_WAIT = timedelta(days=30)  # for a limit set very high: the doubling never overflows


@dataclass(frozen=True)
class RetryPolicy:
    """How often a failed URL is tried again, and for how long: at the next crawl after its
    first failed crawl, then `spacing` after the second, twice that after the third, and so on,
    and not at all after `limit` failed crawls (with the defaults: 8 crawls over at least
    63 hours)."""

    limit: int = 8
    spacing: timedelta = timedelta(hours=1)

    def wait(self, failures: int) -> timedelta:
        """How long after its `failures`-th failed crawl a URL waits before it is due."""
        if failures <= 1:
            return timedelta(0)
        seconds = self.spacing.total_seconds() * 2.0 ** min(failures - 2, 64)
        return timedelta(seconds=min(seconds, LONGEST_WAIT.total_seconds()))


class RetryEntry(Base):
    __tablename__ = "retry_ledger"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(String(2048))
    kind: Mapped[str] = mapped_column(String(16))  # article, feed, sitemap, section, home
    state: Mapped[str] = mapped_column(String(16), default=PENDING)
    failures: Mapped[int] = mapped_column(Integer, default=0)  # crawls it failed in
    last_error: Mapped[str] = mapped_column(String(64))  # the kind: timeout, http_503, ...
    first_failed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None once given up
    given_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("site", "url", name="uq_retry_ledger_site_url"),
        Index("ix_retry_ledger_site_state", "site", "state"),
    )


@dataclass(frozen=True)
class Retry:
    """One ledger row as the crawler reads it."""

    url: str
    kind: str
    state: str
    failures: int
    last_error: str
    due_at: datetime | None
    given_up_at: datetime | None = None

    def is_due(self, now: datetime) -> bool:
        return self.state == PENDING and self.due_at is not None and self.due_at <= now


def _retry(row: RetryEntry) -> Retry:
    return Retry(row.url, row.kind, row.state, row.failures, row.last_error, row.due_at,
                 row.given_up_at)  # fmt: skip


def note_failure(
    session: Session,
    site: str,
    url: str,
    kind: str,
    error: str,
    *,
    now: datetime,
    policy: RetryPolicy,
) -> Retry:
    """Count a crawl in which `url` failed for good with `error`: it is due again after the
    policy's wait, or given up at its limit. A URL given up stays so. The caller commits."""
    row = {"site": site, "url": url, "kind": kind, "state": PENDING, "failures": 0,
           "last_error": error, "first_failed_at": now, "last_failed_at": now,
           "due_at": now}  # fmt: skip
    insert_ignoring_conflicts(session, RetryEntry.__table__, row)  # type: ignore[arg-type]
    entry = session.scalars(
        select(RetryEntry).where(RetryEntry.site == site, RetryEntry.url == url)
    ).one()
    entry.last_error, entry.last_failed_at = error, now
    if entry.state == PENDING:
        entry.failures += 1
        if entry.failures >= policy.limit:
            entry.state, entry.due_at, entry.given_up_at = GIVEN_UP, None, now
        else:
            entry.due_at = now + policy.wait(entry.failures)
    session.flush()
    return _retry(entry)


def load_retries(session: Session, site: str) -> dict[str, Retry]:
    """Every ledger row of `site`, by URL: the failed URLs only, a small table."""
    rows = session.scalars(select(RetryEntry).where(RetryEntry.site == site))
    return {row.url: _retry(row) for row in rows}


def settle_retries(session: Session, site: str, urls: Iterable[str]) -> int:
    """Forget URLs that were reached (or found gone for good); how many rows went."""
    wanted = list(urls)
    if not wanted:
        return 0
    result = session.execute(
        delete(RetryEntry).where(RetryEntry.site == site, RetryEntry.url.in_(wanted))
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def given_up_between(
    session: Session, site: str, start: datetime, end: datetime | None
) -> list[Retry]:
    """The URLs of `site` given up from `start` to `end` (None: until now), by time."""
    query = select(RetryEntry).where(
        RetryEntry.site == site, RetryEntry.state == GIVEN_UP, RetryEntry.given_up_at >= start
    )
    if end is not None:
        query = query.where(RetryEntry.given_up_at <= end)
    return [_retry(row) for row in session.scalars(query.order_by(RetryEntry.given_up_at))]


def retry_counts(session: Session, site: str) -> dict[str, int]:
    """How many URLs of `site` are in each state ({"pending": 2, "given_up": 1})."""
    rows = session.execute(
        select(RetryEntry.state, func.count())
        .where(RetryEntry.site == site)
        .group_by(RetryEntry.state)
    ).all()
    return {state: int(count) for state, count in rows}
