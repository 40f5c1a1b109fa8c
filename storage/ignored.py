"""URLs that matched a site's article pattern but hold no article to keep: forbidden by
robots.txt, no title or body, answered 404/410 before they were ever stored. Remembered so that
the next crawl neither fetches them again nor mistakes them for news."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.models import Base, UTCDateTime
from storage.upsert import insert_or_update


class IgnoredUrl(Base):
    __tablename__ = "ignored_urls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    reason: Mapped[str] = mapped_column(String(64))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_ignored_urls_site", "site"),)


def remember_ignored(session: Session, site: str, url: str, reason: str, *, now: datetime) -> None:
    """Note (or refresh) why `url` holds no article; the caller commits. One upsert: two crawls
    meeting the page at once (a crawl and a refresh of its site) both note it."""
    row = {"site": site, "url": url, "reason": reason, "first_seen_at": now, "last_seen_at": now}
    insert_or_update(session, IgnoredUrl.__table__, row, key=["url"],  # type: ignore[arg-type]
                     update_only=["reason", "last_seen_at"])  # fmt: skip


def ignored_urls(session: Session, site: str) -> set[str]:
    return set(session.scalars(select(IgnoredUrl.url).where(IgnoredUrl.site == site)))
