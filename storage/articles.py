"""Saving an article idempotently: one row per canonical URL and per text.

A crawl may meet an article many times (feed, sitemap, section page, the next crawl) and the same
text under a second URL (a tracking parameter, a syndicated copy). `save_article` decides, for one
extracted record, whether it is new, an update of the stored row, unchanged, or a duplicate of
another row's text; it never stores an article twice, also when two crawls race.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.hashing import content_hash
from storage.models import Article, ArticleUrl
from storage.revisions import TEXT_COLUMNS, keep_revision
from storage.similarity import Signature
from storage.stories import (
    STORY_COLUMNS,
    assign_new_story,
    earlier,
    lock_stories,
    note_publication,
    reindex,
    row_signature,
)
from storage.tables import ARTICLE_URLS, ARTICLES
from storage.upsert import insert_returning_key, insert_rows_ignoring_conflicts


class ArticleFields(Protocol):
    """What the archive needs from an extracted article (the crawler's Article satisfies it)."""

    @property
    def url(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def lead(self) -> str: ...
    @property
    def body(self) -> str: ...
    @property
    def authors(self) -> Sequence[str]: ...
    @property
    def published_at(self) -> datetime | None: ...
    @property
    def updated_at(self) -> datetime | None: ...
    @property
    def section(self) -> str: ...
    @property
    def tags(self) -> Sequence[str]: ...
    @property
    def image_url(self) -> str: ...
    @property
    def language(self) -> str: ...
    @property
    def source(self) -> str: ...


class SaveOutcome(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DUPLICATE = "duplicate"


CONTENT_COLUMNS = (
    "title",
    "lead",
    "body",
    "authors",
    "published_at",
    "updated_at",
    "section",
    "tags",
    "image_url",
    "language",
    "source",
)


def article_values(site: str, record: ArticleFields) -> dict[str, Any]:
    """The row for `record`: text in NFC, lists joined by ", ", empty strings as NULL."""

    def text(value: str) -> str | None:
        value = unicodedata.normalize("NFC", value).strip()
        return value or None

    for name in ("published_at", "updated_at"):
        value = getattr(record, name)
        if value is not None and value.tzinfo is None:
            raise ValueError(f"{name} of {record.url} is a naive datetime: give it a time zone")
    body = unicodedata.normalize("NFC", record.body).strip()
    return {
        "site": site,
        "url": record.url,
        "title": unicodedata.normalize("NFC", record.title).strip(),
        "lead": text(record.lead),
        "body": body,
        "authors": text(", ".join(record.authors)),
        "published_at": record.published_at,
        "updated_at": record.updated_at,
        "section": text(record.section),
        "tags": text(", ".join(record.tags)),
        "image_url": record.image_url or None,
        "language": record.language or None,
        "source": text(record.source),
        "content_hash": content_hash(body),
    }


def save_article(
    session: Session,
    site: str,
    record: ArticleFields,
    *,
    now: datetime,
    aliases: Iterable[str] = (),
    warc_file: str | None = None,
    warc_offset: int | None = None,
    extractor_version: str | None = None,
    story_signature: Signature | None = None,
) -> SaveOutcome:
    """Store `record` for `site` as seen at `now`; the caller commits.

    `aliases` are other URLs the article was met under (the URL it was fetched from when that
    differs from its canonical one); they are recorded so that no crawl fetches them again.
    `warc_file` and `warc_offset` point to the raw response the record was extracted from, by
    the extractor `extractor_version`. A new article gets its story (storage/stories.py); a
    changed text keeps the old one as a revision (storage/revisions.py). `story_signature`:
    the record's `storage.stories.story_signature`, when the caller computed it elsewhere
    (an import's extraction worker), so that a new article's story costs the saver less.
    """
    values = article_values(site, record)
    provenance: dict[str, Any] = {"extractor_version": extractor_version}
    if warc_file:
        provenance |= {"warc_file": warc_file, "warc_offset": warc_offset}
    urls = [values["url"], *aliases]
    row = {**values, **provenance, "first_seen_at": now, "last_seen_at": now}
    # Insert first: most saves are of new articles, one statement; only when the URL or the
    # text is stored already (an earlier crawl, or another process in between) look it up.
    # The new article is written in Core statements made once (no ORM object of it): it was
    # most of a crawl's CPU in its archive writer (bench/README.md, `crawl_real`).
    lock_stories(session)
    inserted = insert_returning_key(session, ARTICLES, row)
    if inserted is not None:
        known = story_signature if story_signature is not None else row_signature(values)
        assign_new_story(session, inserted, values["published_at"] or now, known)
        _record_urls(session, inserted, site, urls, now, values["published_at"])
        return SaveOutcome.NEW
    stored = session.scalar(select(Article).where(Article.url == values["url"]))
    if stored is not None:
        outcome = _refresh(session, stored, values, now)
        if outcome is not SaveOutcome.DUPLICATE:
            _set_provenance(stored, provenance)
        _record_urls(session, stored.id, site, urls, now, values["published_at"])
        return outcome
    twin = session.scalar(select(Article).where(Article.content_hash == values["content_hash"]))
    if twin is not None:
        twin.last_seen_at = max(twin.last_seen_at, now)
        _record_urls(session, twin.id, site, urls, now, values["published_at"])
        if earlier(values["published_at"], twin.published_at):
            _adopt(session, twin, values, provenance)
    return SaveOutcome.DUPLICATE


def known_urls(session: Session, site: str) -> set[str]:
    """Every URL under which an article was met on `site`: a crawl need not fetch them."""
    return set(session.scalars(select(ArticleUrl.url).where(ArticleUrl.site == site)))


def mark_gone(session: Session, url: str, *, now: datetime) -> bool:
    """The site answered 404/410 for a stored article: note when, keep the stored copy."""
    article_id = session.scalar(select(ArticleUrl.article_id).where(ArticleUrl.url == url))
    article = session.get(Article, article_id) if article_id is not None else None
    if article is None:
        return False
    if article.gone_at is None:
        article.gone_at = now
    return True


def _record_urls(
    session: Session,
    article_id: int,
    site: str,
    urls: Iterable[str],
    now: datetime,
    published_at: datetime | None,
) -> None:
    rows = [{"url": url, "article_id": article_id, "site": site, "first_seen_at": now,
             "published_at": published_at} for url in dict.fromkeys(urls)]  # fmt: skip
    insert_rows_ignoring_conflicts(session, ARTICLE_URLS, rows)


def _adopt(
    session: Session, stored: Article, values: dict[str, Any], provenance: dict[str, Any]
) -> None:
    """An identical text published earlier elsewhere: the article row becomes that copy (its
    URL, paper, title, date; the later copy stays a URL of the article), as the original of a
    story is its earliest publisher."""
    story_changed = any(getattr(stored, c) != values[c] for c in STORY_COLUMNS)
    for column in ("url", "site", *CONTENT_COLUMNS):
        setattr(stored, column, values[column])
    if not provenance.get("warc_file"):  # the kept raw page is the later copy's: not this row's
        stored.warc_file, stored.warc_offset = None, None
    _set_provenance(stored, provenance)
    if story_changed:
        reindex(session, stored)
    note_publication(session, stored)


class TextClash(Exception):
    """The new text of an article is already stored as another article (two rows cannot hold
    one text); the row was left as it was."""

    def __init__(self, article_id: int, other_id: int) -> None:
        super().__init__(f"its new text is already stored as article {other_id}")
        self.article_id = article_id
        self.other_id = other_id


def content_changes(session: Session, stored: Article, values: dict[str, Any]) -> dict[str, Any]:
    """The content columns (and content_hash) of `values` that differ from `stored`'s; changes
    nothing. TextClash when the new text is already another article's."""
    changed = {c: values[c] for c in CONTENT_COLUMNS if getattr(stored, c) != values[c]}
    if changed and values["content_hash"] != stored.content_hash:
        clash = session.scalar(
            select(Article.id).where(Article.content_hash == values["content_hash"])
        )
        if clash is not None:
            raise TextClash(stored.id, clash)
        changed["content_hash"] = values["content_hash"]
    return changed


def _refresh(
    session: Session, stored: Article, values: dict[str, Any], now: datetime
) -> SaveOutcome:
    stored.last_seen_at = max(stored.last_seen_at, now)  # an imported capture may be older
    if stored.gone_at is not None and stored.gone_at <= now:
        stored.gone_at = None
    try:
        changed = content_changes(session, stored, values)
    except TextClash:  # keep this row as it was
        return SaveOutcome.DUPLICATE
    if not changed:
        return SaveOutcome.UNCHANGED
    if any(column in changed for column in TEXT_COLUMNS):
        keep_revision(session, stored, now=now)
    for column, value in changed.items():
        setattr(stored, column, value)
    if any(column in changed for column in STORY_COLUMNS):
        reindex(session, stored)
    return SaveOutcome.UPDATED


def _set_provenance(stored: Article, provenance: dict[str, Any]) -> None:
    for column, value in provenance.items():
        if value is not None:
            setattr(stored, column, value)
