"""Stories: copies of one text across URLs and papers, found by MinHash-LSH with its index in
the archive, so that it survives restarts, works across processes and on PostgreSQL, and costs
the same per article with ten thousand or ten million stored.

Every article belongs to a story (`articles.story_id`); a story's original is its earliest
published copy. A new article's signature is cut into band keys; the articles sharing any key
are its candidates (one indexed look-up per key), and the most similar candidate at or above
THRESHOLD gives it its story. Otherwise it starts one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from storage.models import Article, ArticleSignature, LshBand, Story
from storage.similarity import (
    THRESHOLD,
    Signature,
    band_keys,
    from_bytes,
    signature,
    similarity,
    to_bytes,
)


def story_text(article: Article) -> str:
    """What a story is recognised by: the lead and the body (titles are rewritten by copiers)."""
    return "\n".join(filter(None, [article.lead, article.body]))


def assign_story(session: Session, article: Article) -> int:
    """Index `article`'s text and give it a story (an existing one or its own); its story id."""
    sig = signature(story_text(article))
    keys = band_keys(sig) if sig is not None else []
    best_story, best = None, THRESHOLD
    if sig is not None:
        for story_id, data in _candidates(session, article.id, keys):
            score = similarity(sig, from_bytes(data))
            if score >= best:
                best_story, best = story_id, score
    _index(session, article.id, sig, keys)
    story = session.get(Story, best_story) if best_story is not None else None
    when = _when(article)
    if story is None:
        story = Story(original_id=article.id, first_published_at=when)
        session.add(story)
        session.flush()
    elif when is not None and (story.first_published_at is None or when < story.first_published_at):
        story.original_id, story.first_published_at = article.id, when
    article.story_id = story.id
    return story.id


def copies(session: Session, article: Article) -> list[Article]:
    """Every article of `article`'s story, itself included: the original first, then by
    publication time."""
    if article.story_id is None:
        return [article]
    story = session.get(Story, article.story_id)
    original = story.original_id if story is not None else None
    members = session.scalars(select(Article).where(Article.story_id == article.story_id)).all()
    return sorted(members, key=lambda a: (a.id != original, _when(a) is None, _when(a) or 0, a.id))


def reindex(session: Session, article: Article) -> None:
    """The article's text changed (a revision): index the new text, keep its story."""
    session.execute(delete(LshBand).where(LshBand.article_id == article.id))
    session.execute(delete(ArticleSignature).where(ArticleSignature.article_id == article.id))
    sig = signature(story_text(article))
    _index(session, article.id, sig, band_keys(sig) if sig is not None else [])


def assign_unassigned(
    session: Session, *, batch: int = 500, progress: Callable[[int], None] | None = None
) -> int:
    """Give a story to every article without one (stored before stories existed), oldest
    first so that originals are found as they would have been; commits every `batch`."""
    done = 0
    while True:
        articles = session.scalars(
            select(Article).where(Article.story_id.is_(None)).order_by(Article.id).limit(batch)
        ).all()
        if not articles:
            return done
        for article in articles:
            assign_story(session, article)
        session.commit()
        done += len(articles)
        if progress is not None:
            progress(done)


def _candidates(session: Session, article_id: int, keys: list[int]) -> list[tuple[int, bytes]]:
    if not keys:
        return []
    others = (
        select(LshBand.article_id)
        .where(LshBand.key.in_(keys), LshBand.article_id != article_id)
        .distinct()
    )
    rows = session.execute(
        select(Article.story_id, ArticleSignature.signature)
        .join(ArticleSignature, ArticleSignature.article_id == Article.id)
        .where(Article.id.in_(others), Article.story_id.is_not(None))
    )
    return [(int(story_id or 0), bytes(data)) for story_id, data in rows]


def _index(session: Session, article_id: int, sig: Signature | None, keys: list[int]) -> None:
    if sig is None:
        return
    session.add(ArticleSignature(article_id=article_id, signature=to_bytes(sig)))
    rows = [{"key": key, "article_id": article_id} for key in dict.fromkeys(keys)]
    session.execute(insert(LshBand), rows)


def _when(article: Article) -> datetime | None:
    return article.published_at or article.first_seen_at
