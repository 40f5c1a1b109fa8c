"""The captures a Wayback backfill chose, one per article URL (the earliest), kept in the
archive so that a backfill interrupted after hours of polite fetching resumes where it was."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Integer, String, Text, UniqueConstraint, delete, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.models import Base
from storage.upsert import insert_ignoring_conflicts

PENDING, DONE, FAILED = "pending", "done", "failed"
MAX_ATTEMPTS = 3


class WaybackCapture(Base):
    __tablename__ = "wayback_captures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(String(2048))
    timestamp: Mapped[str] = mapped_column(String(14))  # the CDX timestamp, UTC
    state: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("site", "url", name="uq_wayback_captures_site_url"),)


def choose_captures(session: Session, site: str, found: Iterable[tuple[str, str]]) -> int:
    """Note (timestamp, url) captures: a new URL is added, a pending one moves to an earlier
    capture. How many URLs were new."""
    new = 0
    for timestamp, url in found:
        row = {"site": site, "url": url, "timestamp": timestamp, "state": PENDING, "attempts": 0}
        if insert_ignoring_conflicts(session, WaybackCapture.__table__, row):  # type: ignore[arg-type]
            new += 1
            continue
        session.execute(
            update(WaybackCapture)
            .where(
                WaybackCapture.site == site,
                WaybackCapture.url == url,
                WaybackCapture.state == PENDING,
                WaybackCapture.timestamp > timestamp,
            )
            .values(timestamp=timestamp)
            .execution_options(synchronize_session=False)
        )
    return new


def pending_captures(
    session: Session, site: str, after: int, *, limit: int = 100
) -> list[tuple[int, str, str]]:
    """(id, timestamp, url) of pending captures after id `after`, in the order chosen."""
    rows = session.execute(
        select(WaybackCapture.id, WaybackCapture.timestamp, WaybackCapture.url)
        .where(
            WaybackCapture.site == site, WaybackCapture.state == PENDING, WaybackCapture.id > after
        )
        .order_by(WaybackCapture.id)
        .limit(limit)
    ).all()
    return [(int(i), str(t), str(u)) for i, t, u in rows]


def settle_capture(session: Session, capture_id: int, *, ok: bool, note: str = "") -> None:
    """Done, or one more failed attempt (given up as `failed` after MAX_ATTEMPTS)."""
    row = session.get(WaybackCapture, capture_id)
    if row is None:
        return
    if ok:
        row.state, row.note = DONE, note or None
        return
    row.attempts += 1
    row.note = note
    if row.attempts >= MAX_ATTEMPTS:
        row.state = FAILED


def capture_counts(session: Session, site: str) -> dict[str, int]:
    rows = session.execute(
        select(WaybackCapture.state, func.count())
        .where(WaybackCapture.site == site)
        .group_by(WaybackCapture.state)
    ).all()
    return {str(state): int(count) for state, count in rows}


def forget_captures(session: Session, site: str) -> None:
    session.execute(delete(WaybackCapture).where(WaybackCapture.site == site))
