"""Finding one article the way a reader names it: by its id, or by any URL it was met under."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Article, ArticleUrl


def find_article(session: Session, reference: str) -> Article | None:
    """The article with id `reference` (digits), else the one stored or met at that URL
    (its canonical URL, the URL it was fetched from, or a copy's: see `article_urls`)."""
    reference = reference.strip()
    if reference.isdigit():
        return session.get(Article, int(reference))
    article = session.scalar(select(Article).where(Article.url == reference))
    if article is not None:
        return article
    found = select(ArticleUrl.article_id).where(ArticleUrl.url == reference)
    return session.scalar(select(Article).where(Article.id.in_(found)))
