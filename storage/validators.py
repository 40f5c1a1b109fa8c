"""HTTP validators (ETag, Last-Modified) per URL, for conditional requests on the next crawl.

Feeds, sitemaps and listing pages change rarely between two crawls; asking with
If-None-Match / If-Modified-Since lets the server answer 304 and end that branch at once.

Two crawls may store validators of the same URL at once (a crawl and a backfill, two sites
sharing a feed), so a row is written with one upsert (storage/upsert.py), never "read, then
insert": the second writer waits for the first and replaces its values instead of failing on
the primary key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, Text, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.models import Base, UTCDateTime
from storage.upsert import insert_or_update


class HttpValidator(Base):
    __tablename__ = "http_validators"

    url: Mapped[str] = mapped_column(String(2048), primary_key=True)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime)


@dataclass(frozen=True)
class Validators:
    etag: str | None = None
    last_modified: str | None = None

    def __bool__(self) -> bool:
        return bool(self.etag or self.last_modified)


def load_validators(session: Session, urls: Iterable[str]) -> dict[str, Validators]:
    """The stored validators of those of `urls` that have any."""
    wanted = list(urls)
    found: dict[str, Validators] = {}
    for start in range(0, len(wanted), 500):
        rows = session.scalars(
            select(HttpValidator).where(HttpValidator.url.in_(wanted[start : start + 500]))
        )
        for row in rows:
            found[row.url] = Validators(row.etag, row.last_modified)
    return found


def store_validators(
    session: Session, validators: Mapping[str, Validators], *, now: datetime
) -> None:
    """Remember validators (replacing older ones); the caller commits."""
    table = HttpValidator.__table__
    for url, value in sorted(validators.items()):  # one order everywhere: no lock cycles
        row = {"url": url, "etag": value.etag, "last_modified": value.last_modified,
               "stored_at": now}  # fmt: skip
        insert_or_update(session, table, row, key=["url"])  # type: ignore[arg-type]


def forget_validators(session: Session, urls: Iterable[str]) -> None:
    """Drop the validators of pages whose last request failed: the next crawl asks for them
    without If-None-Match, and a failed branch is never taken for an unchanged one."""
    wanted = list(urls)
    for start in range(0, len(wanted), 500):
        session.execute(
            delete(HttpValidator).where(HttpValidator.url.in_(wanted[start : start + 500]))
        )
