"""Re-extraction: the current extractor run again over the raw pages kept in WARC files
(crawler/warc.py), without fetching anything; the articles whose reading changed are corrected
in place (storage/reextraction.py). `tinbao reextract` is its command.

A page is read as the spider reads it: the response class and charset from the stored headers
and body (crawler/encoding.py corrects a wrong charset), the site's current registry hints, the
same checks for HTML, empty and binary bodies. Articles are taken by id, a batch at a time, each
batch in a transaction of its own, so memory stays constant and an interrupted run keeps what it
did. An article that cannot be re-extracted (no WARC file, an unreadable record, a record of
another page, an extractor error, a page that no longer reads as an article, a text another
article already has) is counted as failed and logged with its id and URL; the run goes on.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapy.http import Headers, TextResponse
from scrapy.responsetypes import responsetypes
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

import crawler.extraction as extraction
from crawler.encoding import page_text
from crawler.extraction import Article as Record
from crawler.extraction import Hints
from crawler.pages import NO_ARTICLE, UNUSABLE, no_article, unusable
from crawler.registry import Site
from crawler.warc import RawPage, WarcRef, read_page
from storage.articles import article_values
from storage.export import Selection
from storage.models import Article
from storage.reextraction import TextClash, apply_extraction, is_page_of

BATCH = 200
log = logging.getLogger(__name__)


class Unreadable(Exception):
    """Why one article's raw page gave no article record."""


@dataclass
class Counts:
    """What a run did: `read` articles with a raw page, each `changed`, `unchanged` or
    `failed`; `without_raw` selected articles had none (stored before pages were kept)."""

    read: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    without_raw: int = 0

    def summary(self) -> str:
        return (
            f"read {self.read}, changed {self.changed}, unchanged {self.unchanged}, "
            f"failed {self.failed}"
        )


def reextract(
    sessions: sessionmaker[Session],
    folder: Path,
    registry: Mapping[str, Site],
    selection: Selection | None = None,
    *,
    progress: Callable[[int], None] | None = None,
    dry_run: bool = False,
    batch: int = BATCH,
) -> Counts:
    """Re-extract the selected articles (by site and publication time; any `limit` is ignored)
    whose raw page is in `folder`. `progress` is told how many selected articles were gone
    through after each batch. A dry run counts what would change and rolls every batch back."""
    selection = selection or Selection()
    version = extraction.EXTRACTOR_VERSION
    counts = Counts()
    after, done = 0, 0
    while True:
        with sessions() as session:
            rows = session.execute(
                selection.where(select(Article.id, Article.warc_file))
                .where(Article.id > after)
                .order_by(Article.id)
                .limit(batch)
            ).all()
            if not rows:
                return counts
            after = rows[-1].id
            kept = [row.id for row in rows if row.warc_file]
            counts.without_raw += len(rows) - len(kept)
            if kept:
                query = select(Article).where(Article.id.in_(kept)).order_by(Article.id)
                for article in session.scalars(query).all():
                    _count(counts, _reextract_one(session, article, folder, registry, version))
            if dry_run:
                session.rollback()
            else:
                session.commit()
        done += len(rows)
        if progress is not None:
            progress(done)


def _reextract_one(
    session: Session, article: Article, folder: Path, registry: Mapping[str, Site], version: str
) -> bool | None:
    """Whether the article changed; None when it failed (logged)."""
    try:
        url, values = _new_values(article, folder, registry)
    except Unreadable as exc:
        reason = str(exc)
    except Exception as exc:  # an extractor bug must not end the run
        reason = f"extraction failed: {type(exc).__name__}: {exc}"
    else:
        if not is_page_of(session, article, url):
            reason = f"the record at {article.warc_file}:{article.warc_offset} is of {url}"
        else:
            try:
                return apply_extraction(session, article, values, version)
            except TextClash as exc:
                reason = str(exc)
    log.warning("article %d not re-extracted (%s): %s", article.id, article.url, reason)
    return None


def _new_values(
    article: Article, folder: Path, registry: Mapping[str, Site]
) -> tuple[str, dict[str, Any]]:
    """(the URL the raw page was fetched from, the row's values as the extractor reads it now)."""
    site = registry.get(article.site)
    if site is None:
        raise Unreadable(f"site {article.site!r} is not in the registry")
    page = _raw_page(folder, WarcRef(article.warc_file or "", article.warc_offset or 0))
    record = read_article(page, site.hints)
    # the URL is the row's identity: a canonical link the page now declares does not move it
    return page.url, article_values(article.site, dataclasses.replace(record, url=article.url))


def _count(counts: Counts, changed: bool | None) -> None:
    counts.read += 1
    if changed is None:
        counts.failed += 1
    elif changed:
        counts.changed += 1
    else:
        counts.unchanged += 1


def _raw_page(folder: Path, ref: WarcRef) -> RawPage:
    path = folder / ref.file
    if not path.is_file():
        raise Unreadable(f"WARC file {path} is missing")
    try:
        return read_page(folder, ref)
    except Exception as exc:
        raise Unreadable(
            f"no readable record at {ref.file}:{ref.offset}: {type(exc).__name__}: {exc}"
        ) from exc


def read_article(page: RawPage, hints: Hints) -> Record:
    """The article record of a stored page, read as the spider reads a fetched one."""
    headers = Headers()
    for name, value in page.headers:
        headers.appendlist(name, value)
    kind = responsetypes.from_args(headers=headers, url=page.url, body=page.body)
    response = kind(url=page.url, status=page.status, headers=headers, body=page.body)
    problem = unusable(response)
    if problem is not None:
        raise Unreadable(UNUSABLE[problem])
    assert isinstance(response, TextResponse)
    text, _ = page_text(response)
    record = extraction.extract(text, page.url, hints)
    verdict = no_article(record)
    if verdict is not None:
        raise Unreadable(NO_ARTICLE[verdict])
    return record
