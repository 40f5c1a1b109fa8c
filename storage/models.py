"""The archive's tables. `articles` and `crawl_runs` are a public contract: see docs/schema.md."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on every backend.

    PostgreSQL stores `timestamptz`; SQLite has no time zones, so the value is stored as UTC text
    ("2026-01-08 11:21:00.000000"), which sorts and compares correctly in plain SQL.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the archive stores aware times only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class Article(Base):
    """One article, stored once: unique by canonical URL and by the hash of its text."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    title: Mapped[str] = mapped_column(Text)
    lead: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    authors: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    section: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[str | None] = mapped_column(Text)
    image_url: Mapped[str | None] = mapped_column(String(2048))
    language: Mapped[str | None] = mapped_column(String(16))
    source: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    gone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The story (stories.id) this text belongs to; no foreign key, as stories.original_id points
    # back here and SQLite cannot add one to a table without copying it.
    story_id: Mapped[int | None] = mapped_column(Integer)
    revised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The raw response in the WARC files (crawler/warc.py), for re-extraction.
    warc_file: Mapped[str | None] = mapped_column(String(512))
    warc_offset: Mapped[int | None] = mapped_column(BigInteger)
    extractor_version: Mapped[str | None] = mapped_column(String(32))

    __table_args__ = (
        Index("ix_articles_site_published_at", "site", "published_at"),
        Index("ix_articles_site_first_seen_at", "site", "first_seen_at", "id"),
        Index("ix_articles_published_at", "published_at"),
        Index("ix_articles_story_id", "story_id"),
    )

    def __repr__(self) -> str:
        return f"Article(id={self.id!r}, site={self.site!r}, url={self.url!r})"


class ArticleUrl(Base):
    """Every URL under which an article was met: its canonical URL, the URL it was fetched
    from, and the URLs of copies recognised by their text. A crawl skips them all."""

    __tablename__ = "article_urls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    site: Mapped[str] = mapped_column(String(64))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # when the page at this URL says it was published: an identical copy on another paper keeps
    # its own date here (the article row has the earliest publisher's)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # where this sighting came from when not from a crawl: "warc", "cc-news", "wayback"
    origin: Mapped[str | None] = mapped_column(String(16))

    __table_args__ = (
        Index("ix_article_urls_article_id", "article_id"),
        Index("ix_article_urls_site", "site"),
    )


class CrawlRun(Base):
    """One crawl of one site: when, how it ended, and what it found."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(64), default="running")
    pages_fetched: Mapped[int] = mapped_column(Integer, default=0)
    articles_new: Mapped[int] = mapped_column(Integer, default=0)
    articles_updated: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    stats: Mapped[str | None] = mapped_column(Text)
    # Who ran it (the holder of the site's claim, storage/claims.py), when it last said it was
    # alive, and the file its full log went to (crawls the daemon starts).
    holder: Mapped[str | None] = mapped_column(String(255))
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    log_file: Mapped[str | None] = mapped_column(String(1024))
    # The Scrapyd node (its URL) and job id of a crawl the daemon dispatched (scheduler/scrapyd.py).
    node: Mapped[str | None] = mapped_column(String(255))
    job_id: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_crawl_runs_site_started_at", "site", "started_at"),
        Index("ix_crawl_runs_holder", "holder"),
        Index("ix_crawl_runs_status", "status"),
    )

    def __repr__(self) -> str:
        return f"CrawlRun(id={self.id!r}, site={self.site!r}, status={self.status!r})"


class Story(Base):
    """Copies of one text across URLs and papers; its original is the earliest published."""

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    original_id: Mapped[int | None] = mapped_column(Integer)
    first_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ArticleSignature(Base):
    """An article's MinHash signature (storage/similarity.py), to score its candidates."""

    __tablename__ = "article_signatures"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    signature: Mapped[bytes] = mapped_column(LargeBinary)


class LshBand(Base):
    """One row per article and band key: the index that finds an article's near duplicates."""

    __tablename__ = "lsh_bands"

    key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )

    __table_args__ = (
        Index("ix_lsh_bands_article_id", "article_id"),
        {"sqlite_with_rowid": False},
    )


class ArticleRevision(Base):
    """A text an article had before it changed at the same URL, and when it was current."""

    __tablename__ = "article_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(Text)
    lead: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_article_revisions_article_id", "article_id"),)


class DaemonLock(Base):
    """A named lease: who holds it and until when. "scheduler" is the daemon's scheduling lock;
    "crawl:<site>" is the claim of the one crawl of that site allowed to run (storage/claims.py)."""

    __tablename__ = "daemon_locks"

    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    holder: Mapped[str] = mapped_column(String(255))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    renewed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ScheduledSite(Base):
    """The daemon's schedule as plain data: each scheduled site's next run and the schedule it
    was computed for (`label`; NULL for a row carried over from APScheduler's old job store)."""

    __tablename__ = "daemon_schedule"

    site: Mapped[str] = mapped_column(String(128), primary_key=True)
    label: Mapped[str | None] = mapped_column(Text)
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
