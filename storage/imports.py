"""Articles from web archives (WARC files, CC-NEWS, the Wayback Machine) into the same archive.

An imported article goes through the same save as a crawled one (storage/articles.py), so the
same article from a crawl and from an import is one article. What differs is time: a capture
was made when the archive captured it, maybe years before tinbao first crawled the page. So the
capture time is the sighting time (`article_urls.first_seen_at`, `origin` naming the source),
an article's `first_seen_at` moves back to the earliest capture, and a capture older than the
archive's own reading never replaces that reading.

Each file (or remote file) imported has a row in `import_files` with how far it got: an
interrupted import resumes there, and a file done is not read again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.articles import ArticleFields, SaveOutcome, save_article
from storage.models import Article, ArticleUrl, Base, UTCDateTime
from storage.similarity import Signature
from storage.upsert import insert_ignoring_conflicts

RUNNING, DONE = "running", "done"


class ImportedFile(Base):
    """One archive file (a path, or the URL of a remote file) and how far its import got:
    every wanted record before `offset` is stored."""

    __tablename__ = "import_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(2048), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # warc, cc-news, wayback
    size: Mapped[int | None] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(16), default=RUNNING)
    offset: Mapped[int] = mapped_column(BigInteger, default=0)
    records: Mapped[int] = mapped_column(Integer, default=0)
    articles_new: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    broken: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)


def imported_file(session: Session, source: str) -> ImportedFile | None:
    return session.scalar(select(ImportedFile).where(ImportedFile.source == source))


def begin_file(
    session: Session, source: str, *, kind: str, size: int | None, now: datetime
) -> ImportedFile:
    """The file's row, created when new; a file whose size changed is imported again from the
    start (a file that grew keeps its offset: the records before it did not change)."""
    row = imported_file(session, source)
    if row is None:
        row = ImportedFile(source=source, kind=kind, size=size, state=RUNNING, offset=0,
                           records=0, articles_new=0, duplicates=0, broken=0,
                           started_at=now)  # fmt: skip
        session.add(row)
    elif size is not None and row.size is not None and size < row.size:
        row.offset, row.state, row.finished_at = 0, RUNNING, None
    if size is not None and row.size != size:
        if row.state == DONE and row.size is not None and size > row.size:
            row.state, row.finished_at = RUNNING, None
        row.size = size
    session.flush()
    return row


def advance_file(
    session: Session,
    source: str,
    *,
    offset: int,
    records: int = 0,
    new: int = 0,
    duplicates: int = 0,
    broken: int = 0,
    done_at: datetime | None = None,
) -> None:
    """Note progress (in the transaction that stored the records before `offset`)."""
    row = imported_file(session, source)
    if row is None:
        raise LookupError(f"no import of {source}")
    row.offset = max(row.offset, offset)
    row.records += records
    row.articles_new += new
    row.duplicates += duplicates
    row.broken += broken
    if done_at is not None:
        row.state, row.finished_at = DONE, done_at


def save_capture(
    session: Session,
    site: str,
    record: ArticleFields,
    *,
    captured_at: datetime,
    origin: str,
    aliases: Iterable[str] = (),
    warc_file: str | None = None,
    warc_offset: int | None = None,
    extractor_version: str | None = None,
    story_signature: Signature | None = None,
    stored: set[str] | None = None,
) -> SaveOutcome:
    """Store an article read from a capture made at `captured_at`; the caller commits.

    When the archive already read the article at a later time, the capture is only a sighting:
    its URLs are recorded, the article's `first_seen_at` moves back to the capture if it is
    earlier, and its text stays (UNCHANGED). Otherwise it is saved as a crawl at that time
    would have saved it (`story_signature`: see `save_article`).

    `stored`: the URLs the archive holds among those of the caller's batch (`stored_urls`, one
    query for the batch), kept current here: an article none of whose URLs is in it is new,
    and is not looked up (most of an import). None: looked up."""
    urls = list(dict.fromkeys([record.url, *aliases]))
    found = None
    if stored is None or not stored.isdisjoint(urls):
        found = session.scalar(
            select(ArticleUrl.article_id).where(ArticleUrl.url.in_(urls)).limit(1)
        )
    if stored is not None:
        stored.update(urls)
    known = session.get(Article, found) if found is not None else None
    if known is not None and known.last_seen_at >= captured_at:
        _sighting(session, known.id, site, urls, captured_at, record.published_at, origin)
        known.first_seen_at = min(known.first_seen_at, captured_at)
        return SaveOutcome.UNCHANGED
    outcome = save_article(session, site, record, now=captured_at, aliases=urls[1:],
                           warc_file=warc_file, warc_offset=warc_offset,
                           extractor_version=extractor_version,
                           story_signature=story_signature)  # fmt: skip
    session.execute(
        update(ArticleUrl)
        .where(
            ArticleUrl.url.in_(urls),
            ArticleUrl.first_seen_at == captured_at,
            ArticleUrl.origin.is_(None),
        )
        .values(origin=origin)
        .execution_options(synchronize_session=False)
    )
    return outcome


def stored_urls(session: Session, urls: Iterable[str], *, chunk: int = 500) -> set[str]:
    """Which of `urls` the archive holds (as any article's URL): for `save_capture`'s `stored`."""
    wanted, found = list(dict.fromkeys(urls)), set[str]()
    for start in range(0, len(wanted), chunk):
        part = wanted[start : start + chunk]
        found.update(session.scalars(select(ArticleUrl.url).where(ArticleUrl.url.in_(part))))
    return found


def _sighting(
    session: Session,
    article_id: int,
    site: str,
    urls: Iterable[str],
    captured_at: datetime,
    published_at: datetime | None,
    origin: str,
) -> None:
    for url in urls:
        row = {"url": url, "article_id": article_id, "site": site, "first_seen_at": captured_at,
               "published_at": published_at, "origin": origin}  # fmt: skip
        if not insert_ignoring_conflicts(session, ArticleUrl.__table__, row):  # type: ignore[arg-type]
            session.execute(
                update(ArticleUrl)
                .where(ArticleUrl.url == url, ArticleUrl.first_seen_at > captured_at)
                .values(first_seen_at=captured_at)
                .execution_options(synchronize_session=False)
            )
