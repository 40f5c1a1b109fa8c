"""One live crawl per site, anywhere on the archive: the site's claim, and the runs whose
process died without closing their row.

A crawl takes the claim `crawl:<site>` (a lease in `daemon_locks`, as the daemon's scheduling
lock) before it writes its crawl_runs row, renews it with a heartbeat, and gives it back when
it ends. Another crawl of the site is refused while the claim is live; a claim not renewed
within its lease (its crawl was killed, its machine lost power) expires and may be taken over.

A holder id is `host:pid:token`, the pid that of the crawl itself. A claim whose holder is a
process of this host that no longer exists is not live either (`holder_gone`): a crawl killed
here is taken over at once rather than a lease later (on another host only the lease tells).

Shared-frontier crawls (one backfill split across processes: docs/frontier.md) may run
together: they hold the site's claim under one holder named after their frontier
(`frontier:<key prefix>`), and each its own member claim `crawl:<site>+<holder>`. The site's
claim of a frontier is live while one of its members is; an exclusive crawl is refused while
any member claim is live, and a shared crawl while an exclusive one (or another frontier)
holds the site.

A `running` row whose holder holds neither its site's live claim nor a live member claim of
it is therefore a crawl that is gone: `settle_lost_runs` closes it as `crashed: lost`, with
what it stored counted from the archive. Every decision takes `now` (and `gone`, the
liveness check, for tests).
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage.daemon import LockState, acquire_lock, lock_state, release_lock, take_over_lock
from storage.models import Article, ArticleUrl, CrawlRun, DaemonLock
from storage.runs import RunCounts

CLAIM_PREFIX = "crawl:"
SHARED_HOLDER = "frontier:"  # the holder of a site claim that shared-frontier crawls share
LOST = "crashed: lost"


def new_token() -> str:
    """The random part of a holder id, unique per crawl."""
    return uuid.uuid4().hex[:12]


def holder_name(token: str | None = None) -> str:
    """This process's holder id: host:pid:token, readable in a refusal or `tinbao runs`."""
    return f"{socket.gethostname()}:{os.getpid()}:{token or new_token()}"


def holder_gone(holder: str) -> bool:
    """Whether `holder` names a process of this host that no longer exists (a pid reused since
    counts as alive: the claim then waits for its lease, the safe side)."""
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit() or int(pid) <= 0:
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


Gone = Callable[[str], bool]


def claim_name(site: str) -> str:
    return CLAIM_PREFIX + site


def member_claim_name(site: str, holder: str) -> str:
    """The claim of one shared-frontier crawl of `site` (its liveness, for settle_lost_runs)."""
    return f"{CLAIM_PREFIX}{site}+{holder}"


def shared_holder(frontier: str) -> str:
    """The holder of the site claim of the crawls sharing `frontier` (its Redis key prefix: no
    server address, no password, in the archive)."""
    return SHARED_HOLDER + frontier


def _live_members(session: Session, site: str, *, now: datetime, gone: Gone) -> list[LockState]:
    rows = session.scalars(
        select(DaemonLock).where(
            DaemonLock.name.startswith(f"{CLAIM_PREFIX}{site}+", autoescape=True)
        )
    )
    states = [LockState(row.holder, row.acquired_at, row.expires_at) for row in rows]
    return [state for state in states if state.expires_at >= now and not gone(state.holder)]


def _holder_gone(session: Session, site: str, holder: str, *, now: datetime, gone: Gone) -> bool:
    """A process that is `gone`; for a frontier's shared holder: none of its members is live."""
    if holder.startswith(SHARED_HOLDER):
        return not _live_members(session, site, now=now, gone=gone)
    return gone(holder)


@dataclass(frozen=True)
class ClaimAnswer:
    """Whether the claim is ours now; if not, who holds it."""

    taken: bool
    current: LockState | None = None


def take_claim(
    session: Session,
    site: str,
    holder: str,
    *,
    now: datetime,
    lease: timedelta,
    gone: Gone = holder_gone,
) -> ClaimAnswer:
    """Take (or renew, for its holder) the claim of `site` until `now + lease`: free, expired,
    or held by a process that is `gone`. An exclusive crawl is refused while a shared-frontier
    crawl of the site is live. The caller commits."""
    if not holder.startswith(SHARED_HOLDER):
        members = _live_members(session, site, now=now, gone=gone)
        if members:
            return ClaimAnswer(False, members[0])
    name = claim_name(site)
    if acquire_lock(session, holder, now=now, lease=lease, name=name):
        return ClaimAnswer(True)
    current = lock_state(session, name=name)
    if (
        current is not None
        and current.holder != holder
        and _holder_gone(session, site, current.holder, now=now, gone=gone)
    ):
        if take_over_lock(session, name, current.holder, holder, now=now, lease=lease):
            return ClaimAnswer(True)
        current = lock_state(session, name=name)
    return ClaimAnswer(False, current)


def release_claim(session: Session, site: str, holder: str) -> bool:
    """Give the claim back (only its holder can); the caller commits."""
    return release_lock(session, holder, name=claim_name(site))


def take_shared_claim(
    session: Session,
    site: str,
    holder: str,
    *,
    frontier: str,
    now: datetime,
    lease: timedelta,
    gone: Gone = holder_gone,
) -> ClaimAnswer:
    """Take (or renew) the site's claim for the crawls sharing `frontier`, and `holder`'s own
    member claim: refused while an exclusive crawl or another frontier holds the site. The
    caller commits."""
    answer = take_claim(session, site, shared_holder(frontier), now=now, lease=lease, gone=gone)
    if answer.taken:
        acquire_lock(session, holder, now=now, lease=lease, name=member_claim_name(site, holder))
    return answer


def release_shared_claim(
    session: Session, site: str, holder: str, *, frontier: str, now: datetime,
    gone: Gone = holder_gone,
) -> None:  # fmt: skip
    """Give `holder`'s member claim back, and the site's claim with it when no other member
    of the frontier is live. The caller commits."""
    release_lock(session, holder, name=member_claim_name(site, holder))
    if not _live_members(session, site, now=now, gone=gone):
        release_lock(session, shared_holder(frontier), name=claim_name(site))


def live_claim(
    session: Session, site: str, *, now: datetime, gone: Gone = holder_gone
) -> LockState | None:
    """The live claim of `site`, if any (unexpired, its holder not `gone`)."""
    state = lock_state(session, name=claim_name(site))
    if state is None or not state.is_live(now):
        return None
    if _holder_gone(session, site, state.holder, now=now, gone=gone):
        return None
    return state


def live_claims(
    session: Session, *, now: datetime, gone: Gone = holder_gone
) -> dict[str, LockState]:
    """Site -> its live claim (unexpired, its holder not `gone`); `site+holder` -> the live
    member claim of a shared-frontier crawl."""
    rows = session.scalars(
        select(DaemonLock).where(DaemonLock.name.startswith(CLAIM_PREFIX, autoescape=True))
    )
    return {
        row.name.removeprefix(CLAIM_PREFIX): LockState(row.holder, row.acquired_at, row.expires_at)
        for row in rows
        if row.expires_at >= now and not gone(row.holder)
    }


def is_lost(run: CrawlRun, claims: Mapping[str, LockState], *, now: datetime) -> bool:
    """Whether an unfinished run's process is gone: neither its site's live claim nor a live
    member claim of the site is its own."""
    mine = (claims.get(run.site), claims.get(f"{run.site}+{run.holder}"))
    alive = any(c is not None and c.is_live(now) and c.holder == run.holder for c in mine)
    return run.finished_at is None and not alive


REFUSED = "failed: already running"  # the status of a crawl refused for a live claim


def settle_lost_runs(
    session: Session, *, now: datetime, site: str | None = None, gone: Gone = holder_gone
) -> list[CrawlRun]:
    """Close every unfinished run (of `site`, or of all sites) whose crawl is gone, as
    `crashed: lost`, with its pages and articles counted from the archive; the runs closed.
    The caller commits."""
    # status is indexed: only `running` rows are candidates (a closed row has its end)
    query = select(CrawlRun).where(CrawlRun.status == "running", CrawlRun.finished_at.is_(None))
    if site is not None:
        query = query.where(CrawlRun.site == site)
    unfinished = list(session.scalars(query.order_by(CrawlRun.id)))
    if not unfinished:
        return []
    claims = live_claims(session, now=now, gone=gone)
    lost = [run for run in unfinished if is_lost(run, claims, now=now)]
    for run in lost:
        _settle(session, run, now=now)
    return lost


def _settle(session: Session, run: CrawlRun, *, now: datetime) -> None:
    """What the archive says the run stored: articles first seen, and text changes made,
    between its start and the next crawl of its site that ran (one crawl of a site at a time;
    a crawl refused because this one held the claim stored nothing and ends nothing)."""
    after = session.scalar(
        select(func.min(CrawlRun.started_at)).where(
            CrawlRun.site == run.site,
            CrawlRun.id != run.id,
            CrawlRun.started_at > run.started_at,
            CrawlRun.status != REFUSED,
        )
    )
    end = min(after, now) if after is not None else now
    new = select(func.count(), func.max(Article.first_seen_at)).where(
        Article.site == run.site,
        Article.first_seen_at >= run.started_at,
        Article.first_seen_at < end,
    )
    articles_new, newest = session.execute(new).one()
    articles_updated = session.scalar(
        select(func.count()).where(
            Article.site == run.site,
            Article.first_seen_at < run.started_at,
            Article.revised_at >= run.started_at,
            Article.revised_at < end,
        )
    )
    urls_met = session.scalar(
        select(func.count()).where(
            ArticleUrl.site == run.site,
            ArticleUrl.first_seen_at >= run.started_at,
            ArticleUrl.first_seen_at < end,
        )
    )
    run.articles_new = max(run.articles_new or 0, int(articles_new or 0))
    run.articles_updated = max(run.articles_updated or 0, int(articles_updated or 0))
    run.pages_fetched = max(run.pages_fetched or 0, int(urls_met or 0))
    known = [t for t in (run.heartbeat_at, newest) if t is not None]
    run.finished_at = max([run.started_at, *known])
    run.status = LOST


# -- what a crawl writes while it runs -----------------------------------------------------


def record_heartbeat(
    session: Session,
    holder: str,
    *,
    now: datetime,
    counts: RunCounts | None = None,
    log_file: str | None = None,
    status: str | None = None,
) -> None:
    """Note on the unfinished row of `holder` that its crawl is alive at `now`, with its counts
    so far (what a lost run is left with); with `status`, close it (a crawl that must exit
    before Scrapy could close it). The caller commits."""
    values: dict[str, object] = {"heartbeat_at": now}
    if counts is not None:
        values.update(vars(counts))
    if log_file is not None:
        values["log_file"] = log_file
    if status is not None:
        values.update(status=status, finished_at=now)
    session.execute(
        update(CrawlRun)
        .where(CrawlRun.holder == holder, CrawlRun.finished_at.is_(None))
        .values(values)
        .execution_options(synchronize_session=False)
    )
