"""What the crawl daemon keeps in the archive: the scheduling lock, its schedule as plain data,
and the bookkeeping of crawls it launched.

The lock is a lease: one row per lock name with its holder and an expiry. The holder renews it
every few seconds; another daemon takes it over only once it has expired, so two daemons on one
archive never schedule at once. The same leases are the per-site crawl claims
(storage/claims.py). Every decision takes `now`, so tests need no clock.

The schedule (`daemon_schedule`) is rows of plain values: a site key, the label of the schedule
its next run was computed for, that next run. Nothing read from the archive is ever unpickled
or run (APScheduler's SQLAlchemyJobStore pickled its jobs; migration 0008 retired it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    case,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import Article, CrawlRun, DaemonLock, ScheduledSite, UTCDateTime

SCHEDULER_LOCK = "scheduler"


def acquire_lock(
    session: Session, holder: str, *, now: datetime, lease: timedelta, name: str = SCHEDULER_LOCK
) -> bool:
    """Take or renew the lease `name` for `holder` until `now + lease`; True when it is ours.

    One UPDATE renews our own lease or takes over an expired one (the database serialises two
    daemons racing for it); when there is no row yet, an INSERT that ignores a conflict creates
    it. The caller commits.
    """
    mine = DaemonLock.holder == holder
    taken = session.execute(
        update(DaemonLock)
        .where(DaemonLock.name == name, or_(mine, DaemonLock.expires_at < now))
        .values(
            holder=holder,
            acquired_at=case((mine, DaemonLock.acquired_at), else_=literal(now, UTCDateTime)),
            renewed_at=now,
            expires_at=now + lease,
        )
        .execution_options(synchronize_session=False)
    )
    if _rowcount(taken):
        return True
    row = {"name": name, "holder": holder, "acquired_at": now, "renewed_at": now,
           "expires_at": now + lease}  # fmt: skip
    return _insert_ignoring_conflict(session, row)


def take_over_lock(
    session: Session, name: str, previous: str, holder: str, *, now: datetime, lease: timedelta
) -> bool:
    """Take the lease `name` from `previous` (a holder known to be gone), only if it still
    holds it; True when it is ours now. The caller commits."""
    taken = session.execute(
        update(DaemonLock)
        .where(DaemonLock.name == name, DaemonLock.holder == previous)
        .values(holder=holder, acquired_at=now, renewed_at=now, expires_at=now + lease)
        .execution_options(synchronize_session=False)
    )
    return _rowcount(taken) > 0


def release_lock(session: Session, holder: str, *, name: str = SCHEDULER_LOCK) -> bool:
    """Give the lease up (a daemon that stops cleanly), so another can take over at once."""
    result = session.execute(
        delete(DaemonLock)
        .where(DaemonLock.name == name, DaemonLock.holder == holder)
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result) > 0


@dataclass(frozen=True)
class LockState:
    holder: str
    acquired_at: datetime
    expires_at: datetime

    def is_live(self, now: datetime) -> bool:
        return self.expires_at >= now


def lock_state(session: Session, *, name: str = SCHEDULER_LOCK) -> LockState | None:
    row = session.get(DaemonLock, name)
    if row is None:
        return None
    return LockState(row.holder, row.acquired_at, row.expires_at)


def _rowcount(result: object) -> int:
    """Rows an UPDATE or DELETE touched (a CursorResult's rowcount)."""
    return int(getattr(result, "rowcount", 0))


def _insert_ignoring_conflict(session: Session, row: dict[str, object]) -> bool:
    """INSERT the lock row unless one exists; True when ours went in. RETURNING says so on
    both backends (psycopg reports no rowcount for INSERT ... ON CONFLICT)."""
    table = DaemonLock.__table__
    dialect = session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        module = sqlite if dialect == "sqlite" else postgresql
        statement = module.insert(table).values(row).on_conflict_do_nothing()
        return session.execute(statement.returning(table.c.name)).first() is not None
    try:
        with session.begin_nested():
            session.execute(insert(table).values(row))  # type: ignore[arg-type]
    except IntegrityError:
        return False
    return True


# -- the schedule ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SavedRun:
    """One site's stored schedule: the label it was computed for (None: carried over from the
    old job store) and its next run (None: not known)."""

    label: str | None
    next_run_at: datetime | None


def saved_schedule(session: Session) -> dict[str, SavedRun]:
    """Site key -> its stored schedule."""
    return {
        row.site: SavedRun(row.label, row.next_run_at)
        for row in session.scalars(select(ScheduledSite))
    }


def save_schedule(session: Session, runs: Mapping[str, SavedRun], *, now: datetime) -> None:
    """Make the stored schedule exactly `runs` (only the scheduling lock's holder calls this);
    the caller commits."""
    stored = {row.site: row for row in session.scalars(select(ScheduledSite))}
    for site, gone in stored.items():
        if site not in runs:
            session.delete(gone)
    for site, run in runs.items():
        row = stored.get(site)
        if row is None:
            row = ScheduledSite(site=site)
            session.add(row)
        if (row.label, row.next_run_at) != (run.label, run.next_run_at):
            row.label, row.next_run_at, row.saved_at = run.label, run.next_run_at, now


# -- the crawls the daemon launched ---------------------------------------------------------


def run_of(session: Session, token: str) -> CrawlRun | None:
    """The crawl_runs row written by the crawl whose claim holder id (`host:pid:token`) ends
    with `token`."""
    query = select(CrawlRun).where(CrawlRun.holder.endswith(":" + token, autoescape=True))
    query = query.order_by(CrawlRun.id.desc())
    return session.scalars(query.limit(1)).first()


def settle_run(
    session: Session,
    site: str,
    token: str,
    *,
    launched_at: datetime,
    ended_at: datetime,
    status: str,
    create: bool = True,
    overrule: bool = False,
    log_file: str | None = None,
) -> CrawlRun | None:
    """Make sure the crawl launched with claim token `token` has a closed row; return it.

    The crawl closes its own row when it ends normally. A crawl that was killed leaves it
    `running`: it gets `status` and `ended_at`. A crawl that died before writing any row gets
    a row of its own with `status` when `create` (not after a clean exit: the crawl was told
    not to record itself). `overrule` sets `status` even on a closed row (a crawl stopped for
    its timeout closes as Scrapy's "shutdown", but the timeout is the news). The caller commits.
    """
    run = run_of(session, token)
    if run is None:
        if not create:
            return None
        run = CrawlRun(site=site, started_at=launched_at, finished_at=ended_at, status=status,
                       holder=f"?:?:{token}", log_file=log_file)  # fmt: skip
        session.add(run)
        session.flush()
        return run
    if overrule or run.finished_at is None or run.status == "running":
        run.status = status
    if run.finished_at is None:
        run.finished_at = ended_at
    if log_file is not None:
        run.log_file = log_file
    return run


# -- what `tinbao schedule` and `tinbao status` read ----------------------------------------


def latest_runs(session: Session) -> dict[str, CrawlRun]:
    """Each site's newest crawl_runs row."""
    newest = (
        select(CrawlRun.site, func.max(CrawlRun.id).label("id")).group_by(CrawlRun.site)
    ).subquery()
    rows = session.scalars(select(CrawlRun).join(newest, CrawlRun.id == newest.c.id))
    return {run.site: run for run in rows}


def site_runs(session: Session, site: str, *, limit: int) -> list[CrawlRun]:
    """The newest `limit` runs of `site`, newest first."""
    query = select(CrawlRun).where(CrawlRun.site == site)
    return list(session.scalars(query.order_by(CrawlRun.id.desc()).limit(limit)))


def succeeded(status: str) -> bool:
    """Whether a crawl_runs status is a crawl that ran its course: Scrapy's `finished`, or a
    `closespider_*` limit the user set."""
    return status == "finished" or status.startswith("closespider_")


def last_success(session: Session, site: str) -> datetime | None:
    """When the site's last crawl that ran its course (see `succeeded`) ended."""
    return session.scalar(
        select(func.max(CrawlRun.finished_at)).where(
            CrawlRun.site == site,
            or_(CrawlRun.status == "finished", CrawlRun.status.startswith("closespider_")),
        )
    )


def first_run(session: Session, site: str) -> datetime | None:
    return session.scalar(select(func.min(CrawlRun.started_at)).where(CrawlRun.site == site))


def last_new_article(session: Session, site: str) -> datetime | None:
    """When the site's newest article was first stored."""
    return session.scalar(select(func.max(Article.first_seen_at)).where(Article.site == site))
