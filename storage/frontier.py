"""The frontier of a backfill, kept in the archive so that a backfill survives Ctrl-C and kill -9.

A backfill walks a site's whole history: every page of every section, every sitemap. Each page
to visit is a row, `pending` until its links are stored as new rows, then `done` — both in one
transaction, so a crash between two pages loses nothing and repeats at most the page in hand.
Article rows stay pending: an article is done when the archive has it (see known_urls), and one
that failed is fetched again when the backfill resumes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Index, Integer, String, UniqueConstraint, delete, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.models import Base, UTCDateTime
from storage.upsert import insert_ignoring_conflicts

PENDING, DONE = "pending", "done"


class FrontierEntry(Base):
    __tablename__ = "crawl_frontier"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(String(2048))
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default=PENDING)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("site", "url", name="uq_crawl_frontier_site_url"),
        Index("ix_crawl_frontier_site_state", "site", "state"),
    )


def add_pending(
    session: Session, site: str, entries: Iterable[tuple[str, str]], *, now: datetime
) -> list[tuple[str, str]]:
    """Add (url, kind) entries not in the frontier yet; return those that were new."""
    added = []
    for url, kind in dict.fromkeys(entries):
        row = {"site": site, "url": url, "kind": kind, "state": PENDING, "added_at": now}
        if insert_ignoring_conflicts(session, FrontierEntry.__table__, row):  # type: ignore[arg-type]
            added.append((url, kind))
    return added


def mark_done(session: Session, site: str, url: str) -> None:
    session.execute(
        update(FrontierEntry)
        .where(FrontierEntry.site == site, FrontierEntry.url == url)
        .values(state=DONE)
    )


def pending_after(
    session: Session, site: str, after: int, *, limit: int = 1000
) -> list[tuple[int, str, str]]:
    """Up to `limit` pending (id, url, kind) with ids above `after`, in the order found. Read
    a frontier batch by batch, each in a short transaction (bounded memory, no long reads)."""
    rows = session.execute(
        select(FrontierEntry.id, FrontierEntry.url, FrontierEntry.kind)
        .where(FrontierEntry.site == site, FrontierEntry.state == PENDING, FrontierEntry.id > after)
        .order_by(FrontierEntry.id)
        .limit(limit)
    ).all()
    return [(int(i), str(u), str(k)) for i, u, k in rows]


def frontier_size(session: Session, site: str) -> dict[str, int]:
    """How many entries are in each state ({"pending": 12, "done": 340})."""
    rows = session.execute(
        select(FrontierEntry.state, func.count())
        .where(FrontierEntry.site == site)
        .group_by(FrontierEntry.state)
    ).all()
    return {state: int(count) for state, count in rows}


def clear_frontier(session: Session, site: str) -> int:
    """Forget a site's backfill, to walk its history again from the start."""
    result = session.execute(delete(FrontierEntry).where(FrontierEntry.site == site))
    return int(result.rowcount)  # type: ignore[attr-defined]
