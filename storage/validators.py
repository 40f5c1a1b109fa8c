"""HTTP validators (ETag, Last-Modified) per URL, for conditional requests on the next crawl.

Feeds, sitemaps and listing pages change rarely between two crawls; asking with
If-None-Match / If-Modified-Since lets the server answer 304 and end that branch at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.models import Base, UTCDateTime


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
    for url, value in validators.items():
        row = session.get(HttpValidator, url)
        if row is None:
            row = HttpValidator(url=url, stored_at=now)
            session.add(row)
        row.etag, row.last_modified, row.stored_at = value.etag, value.last_modified, now
