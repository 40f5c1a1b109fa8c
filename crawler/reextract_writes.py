"""The writes of a re-extraction (crawler/reextract.py): each article's new reading applied to
its row, a group of articles a transaction, and no write at all where nothing changed.

Why: a re-extraction of 100,000 kept pages reads most of them as they were stored. Written one
transaction an article (a session, the write lock, the row read again, a commit), the command's
own process spent 2-3.5 ms a page on it, a tenth of what the extraction costs, on the same two
cores as the workers. So:

- an article whose new reading equals the row as it was read, under the current extractor
  version and from the page at the row's URL, needs nothing written: it is only checked, with
  the other such articles of its group in one query, that no crawl changed the row meanwhile
  (then it is `skipped`, as before);
- the other articles are written together, `GROUP` at most a transaction (the write lock held
  for a few milliseconds an article, so a crawl is not kept waiting long), each row read again
  under the lock and written only when it still points to the record that was read and holds
  the text that was read. When the group's transaction fails (a database error: SQLite busy),
  it is rolled back and each of its articles is written alone, so the error costs only the
  articles it is about.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from storage.articles import CONTENT_COLUMNS
from storage.models import Article
from storage.reextraction import TextClash, apply_extraction, is_page_of

GROUP = 50  # articles a write transaction at most
log = logging.getLogger("crawler.reextract")


class Unreadable(Exception):
    """Why one article's raw page gave no article record."""


class Outcome(Enum):
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Read:
    """An article as the batch read it: what its record is read from, and what it then held
    (`stored`: its content columns and extractor version, kept in the command's process)."""

    id: int
    url: str
    site: str
    warc_file: str
    warc_offset: int | None
    content_hash: str
    stored: tuple[Any, ...] = field(default=(), compare=False)

    @property
    def identity(self) -> tuple[str, int | None, str]:
        return self.warc_file, self.warc_offset, self.content_hash


@dataclass(frozen=True)
class Extracted:
    """What a worker made of one article's record: the URL it was fetched from and the row's
    new values, or why there are none; and which process read it."""

    url: str = ""
    values: dict[str, Any] | None = None
    failure: str = ""
    pid: int = 0


def stored_columns() -> tuple[Any, ...]:
    """The columns `Read.stored` holds, in its order."""
    return (*(getattr(Article, name) for name in CONTENT_COLUMNS), Article.extractor_version)


@dataclass
class Writes:
    """Gathers settled articles (`add`) and writes them (`flush`), telling `counted` each
    article's outcome once its transaction ended. `group` 1 writes each article as it comes."""

    sessions: sessionmaker[Session]
    version: str
    dry_run: bool
    counted: Callable[[Outcome], None]
    group: int = GROUP
    _unchanged: list[Read] = field(default_factory=list)
    _writes: list[tuple[Read, str, dict[str, Any]]] = field(default_factory=list)

    def add(self, read: Read, extracted: Extracted) -> None:
        if extracted.values is None:
            self._failed(read, extracted.failure)
        elif self._same(read, extracted):
            self._unchanged.append(read)
        else:
            self._writes.append((read, extracted.url, extracted.values))
        if len(self._writes) + len(self._unchanged) >= self.group:
            self.flush()

    def flush(self) -> None:
        unchanged, writes = self._unchanged, self._writes
        self._unchanged, self._writes = [], []
        if unchanged:
            self._check(unchanged)
        if writes:
            self._write_group(writes)

    def _same(self, read: Read, extracted: Extracted) -> bool:
        """Whether the new reading is the row as read, from the row's own URL, with the
        current extractor's version: then nothing is to be written."""
        values = extracted.values
        if values is None or extracted.url != read.url or not read.stored:
            return False
        *content, version = read.stored
        return version == self.version and all(
            values[name] == old for name, old in zip(CONTENT_COLUMNS, content, strict=True)
        )

    def _check(self, reads: Sequence[Read]) -> None:
        """Unchanged articles: still as read (no crawl wrote them meanwhile) or skipped."""
        columns = (Article.id, Article.warc_file, Article.warc_offset, Article.content_hash)
        try:
            with self.sessions() as session:
                now = {
                    row.id: (row.warc_file, row.warc_offset, row.content_hash)
                    for row in session.execute(
                        select(*columns).where(Article.id.in_([read.id for read in reads]))
                    )
                }
        except SQLAlchemyError as exc:
            for read in reads:
                self._failed(read, f"database error: {database_error(exc)}")
            return
        for read in reads:
            if now.get(read.id) == read.identity:
                self.counted(Outcome.UNCHANGED)
            else:
                _skipped(read)
                self.counted(Outcome.SKIPPED)

    def _write_group(self, writes: Sequence[tuple[Read, str, dict[str, Any]]]) -> None:
        if len(writes) > 1:
            outcomes: list[tuple[Read, Outcome, str]] = []
            try:
                with self.sessions() as session:
                    begin_write(session)
                    ids = [read.id for read, _, _ in writes]
                    rows = session.scalars(
                        select(Article).where(Article.id.in_(ids)).with_for_update()
                    )
                    articles = {article.id: article for article in rows}
                    for read, url, values in writes:
                        outcomes.append(self._apply(session, articles.get(read.id), read, url,
                                                    values))  # fmt: skip
                    session.rollback() if self.dry_run else session.commit()
            except SQLAlchemyError:  # each alone, so that the error costs only its articles
                pass
            else:
                for read, outcome, reason in outcomes:
                    self._tell(read, outcome, reason)
                return
        for read, url, values in writes:
            try:
                with self.sessions() as session:
                    begin_write(session)
                    article = session.scalar(
                        select(Article).where(Article.id == read.id).with_for_update()
                    )
                    outcome, reason = self._apply(session, article, read, url, values)[1:]
                    session.rollback() if self.dry_run else session.commit()
            except SQLAlchemyError as exc:  # e.g. SQLite busy: this article only
                outcome, reason = Outcome.FAILED, f"database error: {database_error(exc)}"
            self._tell(read, outcome, reason)

    def _apply(
        self, session: Session, article: Article | None, read: Read, url: str,
        values: dict[str, Any],
    ) -> tuple[Read, Outcome, str]:  # fmt: skip
        """Apply the new reading of `read`'s record when the row still holds what was read."""
        if article is None or (article.warc_file, article.warc_offset,
                               article.content_hash) != read.identity:  # fmt: skip
            return read, Outcome.SKIPPED, ""
        try:
            if not is_page_of(session, article, url):
                raise Unreadable(f"the record at {read.warc_file}:{read.warc_offset} is of {url}")
            changed = apply_extraction(session, article, values, self.version)
        except (Unreadable, TextClash) as exc:  # nothing of this article was changed
            return read, Outcome.FAILED, str(exc)
        return read, Outcome.CHANGED if changed else Outcome.UNCHANGED, ""

    def _tell(self, read: Read, outcome: Outcome, reason: str) -> None:
        if outcome is Outcome.FAILED:
            self._failed(read, reason)
            return
        if outcome is Outcome.SKIPPED:
            _skipped(read)
        self.counted(outcome)

    def _failed(self, read: Read, reason: str) -> None:
        log.warning("article %d not re-extracted (%s): %s", read.id, read.url, reason)
        self.counted(Outcome.FAILED)


def _skipped(read: Read) -> None:
    log.info("article %d skipped (%s): changed by a crawl while it was re-extracted", read.id,
             read.url)  # fmt: skip


def begin_write(session: Session) -> None:
    """On SQLite, take the write lock before the rows are read again (waiting for a crawl's
    write as long as the busy timeout lets it), so that nothing is written between that read
    and this write; on PostgreSQL the row lock (SELECT ... FOR UPDATE) does it."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def database_error(exc: SQLAlchemyError) -> str:
    """The driver's message without the SQL statement SQLAlchemy adds."""
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    return f"{type(cause).__name__}: {str(cause).strip()}"
