"""Every place a story was published, for the web reader's story page: the original first.

A story's articles are its texts (the original, copies with a new title, a dateline or edits);
an identical text met on another paper is the same article under one more URL, with that
paper's own publication time in `article_urls`. Both are places a reader can see the story,
each with its paper and time, so both are listed: the story's articles (storage.stories.copies)
and the other papers' URLs of each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Article, ArticleUrl
from storage.stories import copies

MAX_SIGHTINGS = 200  # a story page lists at most this many places


@dataclass(frozen=True)
class Sighting:
    """One place of a story: `article` is the text shown there (for an identical copy, the
    article it repeats) and `identical` says the text is the article's own, word for word."""

    article: Article
    site: str
    url: str
    published_at: datetime | None
    identical: bool


def sightings(session: Session, article: Article) -> list[Sighting]:
    """The places of `article`'s story, the story's original first, then by publication time
    (undated last); at most MAX_SIGHTINGS."""
    members = copies(session, article)[:MAX_SIGHTINGS]
    found = [Sighting(m, m.site, m.url, m.published_at or m.first_seen_at, False) for m in members]
    by_id = {m.id: m for m in members}
    others = (
        select(ArticleUrl.article_id, ArticleUrl.site, ArticleUrl.url, ArticleUrl.published_at)
        .where(ArticleUrl.article_id.in_(list(by_id)))
        .order_by(ArticleUrl.id)
        .limit(MAX_SIGHTINGS)
    )
    seen = {(m.id, m.site) for m in members}
    for row in session.execute(others):
        if (row.article_id, row.site) in seen:  # the article's own URLs on its own paper
            continue
        seen.add((row.article_id, row.site))
        member = by_id[row.article_id]
        found.append(Sighting(member, row.site, row.url, row.published_at, True))
    first, rest = found[:1], found[1:]
    rest.sort(
        key=lambda s: (
            s.published_at is None,
            s.published_at.timestamp() if s.published_at else 0.0,
            s.url,
        )
    )
    return (first + rest)[:MAX_SIGHTINGS]
