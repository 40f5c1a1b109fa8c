"""Revisions: when a stored article's text changes at the same URL, the old text is kept with
the time it was current; `articles` always shows the latest."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Article, ArticleRevision

TEXT_COLUMNS = ("title", "lead", "body")


def keep_revision(session: Session, article: Article, *, now: datetime) -> ArticleRevision:
    """Keep the text `article` has now, which is about to be replaced; the caller commits."""
    revision = ArticleRevision(
        article_id=article.id,
        title=article.title,
        lead=article.lead,
        body=article.body,
        content_hash=article.content_hash,
        first_seen_at=article.revised_at or article.first_seen_at,
        replaced_at=now,
    )
    session.add(revision)
    article.revised_at = now
    return revision


def revisions(session: Session, article_id: int) -> list[ArticleRevision]:
    """The earlier texts of an article, oldest first."""
    query = select(ArticleRevision).where(ArticleRevision.article_id == article_id)
    return list(session.scalars(query.order_by(ArticleRevision.replaced_at, ArticleRevision.id)))
