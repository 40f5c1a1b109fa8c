"""Stories: copies of one text across URLs and papers, found by MinHash-LSH with its index in
the archive, so that it survives restarts, works across processes and on PostgreSQL, and costs
the same per article with ten thousand or ten million stored.

Every article belongs to a story (`articles.story_id`); a story's original is its earliest
published copy. A new article's signature is cut into band keys; the articles sharing any key
are its candidates (one indexed look-up per key), and every candidate at or above THRESHOLD
puts the article in its story. When those are several stories (copies met before the text
they share: a shortened one and an extended one, then the original), they become one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import bindparam, delete, insert, select, text, update
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
from storage.tables import ARTICLES, BANDS, SIGNATURES, STORIES

_LOCK = 0x7469_6E62_616F  # "tinbao": one story assignment at a time on PostgreSQL
# what a story is recognised by: the lead and the body (titles are rewritten by copiers)
STORY_COLUMNS = ("lead", "body")


class StoryFields(Protocol):
    """What a story is recognised by: a stored row, or an extracted record before it is saved."""

    @property
    def lead(self) -> str | None: ...
    @property
    def body(self) -> str: ...


def story_text(article: StoryFields) -> str:
    """The text of `article` that its signature is made of (STORY_COLUMNS)."""
    return "\n".join(filter(None, (getattr(article, column) for column in STORY_COLUMNS)))


def story_signature(article: StoryFields) -> Signature | None:
    """The signature `assign_story` gives `article`. The same for an extracted record as for
    the row it is stored as: storing only NFC-normalises and strips the lead and the body, and
    the signature normalises its text and reads only words (storage/similarity.py). So it can
    be computed where the page was extracted (an import's worker) and passed to the save."""
    return signature(story_text(article))


def row_signature(values: Mapping[str, Any]) -> Signature | None:
    """`story_signature` of an article row's values (storage.articles.article_values)."""
    return signature("\n".join(filter(None, (values[column] for column in STORY_COLUMNS))))


def lock_stories(session: Session) -> None:
    """On PostgreSQL, wait for the story lock until this transaction ends (a no-op when it
    holds it): two crawls saving two copies at once would each miss the other's uncommitted
    rows. A transaction that saves articles takes it before its first INSERT (save_article),
    so that no writer holding it ever waits on another's uncommitted article row: with
    batched transactions that wait would be a deadlock."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK})


def assign_story(session: Session, article: Article, known: Signature | None = None) -> int:
    """Index `article`'s text and give it a story (an existing one or its own); its story id.
    `known`: its `story_signature`, when the caller computed it already (else computed here)."""
    lock_stories(session)
    sig = known if known is not None else story_signature(article)
    keys = band_keys(sig) if sig is not None else []
    matched = _matching_stories(session, article.id, sig, keys)
    _index(session, article.id, sig, keys)
    if matched:
        story = _merged(session, sorted(matched))
    else:
        story = Story(original_id=article.id, first_published_at=_when(article))
        session.add(story)
        session.flush()
    article.story_id = story.id
    note_publication(session, article)
    return story.id


def assign_new_story(
    session: Session, article_id: int, when: datetime | None, sig: Signature | None
) -> int:
    """`assign_story` for an article just inserted with Core (storage.articles.save_article's
    common case: no ORM object of it in the session), `when` its publication time or else
    first sighting, `sig` its story signature; in Core statements made once, the story lock
    already held (save_article takes it). Its story id."""
    keys = band_keys(sig) if sig is not None else []
    matched = _matching_stories(session, article_id, sig, keys)
    _index(session, article_id, sig, keys)
    if matched:
        story = _merged(session, sorted(matched))
        if earlier(when, story.first_published_at):
            story.original_id, story.first_published_at = article_id, when
        story_id = story.id
    else:
        made = session.execute(_NEW_STORY, {"original_id": article_id, "first_published_at": when})
        story_id = int(made.scalar_one())
    session.execute(_SET_STORY, {"article_id": article_id, "story_id": story_id})
    return story_id


def _matching_stories(
    session: Session, article_id: int, sig: Signature | None, keys: list[int]
) -> set[int]:
    """The stories with a copy of the text of `sig` (its band `keys`) at or above THRESHOLD."""
    matched: set[int] = set()
    if sig is not None:
        for story_id, data in _candidates(session, article_id, keys):
            if story_id not in matched and similarity(sig, from_bytes(data)) >= THRESHOLD:
                matched.add(story_id)
    return matched


def note_publication(session: Session, article: Article) -> None:
    """Make `article` its story's original when it was published before the original."""
    story = session.get(Story, article.story_id) if article.story_id is not None else None
    if story is not None and earlier(_when(article), story.first_published_at):
        story.original_id, story.first_published_at = article.id, _when(article)


def reindex(session: Session, article: Article) -> None:
    """The article's text changed (a revision, a re-extraction): index the new text. It keeps
    its story unless the new text is no longer a copy of the old one."""
    old = session.scalar(
        select(ArticleSignature.signature).where(ArticleSignature.article_id == article.id)
    )
    sig = story_signature(article)
    moved = old is None or sig is None or similarity(from_bytes(old), sig) < THRESHOLD
    _unindex(session, article.id)
    if article.story_id is None or moved:
        previous = article.story_id
        article.story_id = None
        session.flush()
        if previous is not None:
            _choose_original(session, previous)
        assign_story(session, article)
    else:
        _index(session, article.id, sig, band_keys(sig) if sig is not None else [])


def copies(session: Session, article: Article) -> list[Article]:
    """Every article of `article`'s story, itself included: the original first, then by
    publication time."""
    if article.story_id is None:
        return [article]
    story = session.get(Story, article.story_id)
    original = story.original_id if story is not None else None
    members = session.scalars(select(Article).where(Article.story_id == article.story_id)).all()
    return sorted(members, key=lambda a: (a.id != original, _when(a) is None, _when(a) or 0, a.id))


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


# The statements of a new article's story, made once (their cache keys computed once).
_OTHERS = (
    select(BANDS.c.article_id)
    .where(
        BANDS.c.key.in_(bindparam("keys", expanding=True)),
        BANDS.c.article_id != bindparam("article_id"),
    )
    .distinct()
)
_CANDIDATES = (
    select(ARTICLES.c.story_id, SIGNATURES.c.signature)
    .join(SIGNATURES, SIGNATURES.c.article_id == ARTICLES.c.id)
    .where(ARTICLES.c.id.in_(_OTHERS), ARTICLES.c.story_id.is_not(None))
)
_NEW_STORY = insert(STORIES).returning(STORIES.c.id)
_SET_STORY = (
    update(ARTICLES)
    .where(ARTICLES.c.id == bindparam("article_id"))
    .values(story_id=bindparam("story_id"))
)
_ADD_SIGNATURE = insert(SIGNATURES)
_ADD_BANDS = insert(BANDS)


def _candidates(session: Session, article_id: int, keys: list[int]) -> list[tuple[int, bytes]]:
    if not keys:
        return []
    rows = session.execute(_CANDIDATES, {"keys": keys, "article_id": article_id})
    return [(int(story_id or 0), bytes(data)) for story_id, data in rows]


def _merged(session: Session, story_ids: list[int]) -> Story:
    """One story out of several (the oldest keeps its id), its original the earliest of theirs."""
    keep = session.get_one(Story, story_ids[0])
    for other_id in story_ids[1:]:
        other = session.get_one(Story, other_id)
        session.execute(
            update(Article).where(Article.story_id == other_id).values(story_id=keep.id)
        )
        if other.original_id is not None and earlier(
            other.first_published_at, keep.first_published_at
        ):
            keep.original_id, keep.first_published_at = other.original_id, other.first_published_at
        session.delete(other)
    session.flush()
    return keep


def _choose_original(session: Session, story_id: int) -> None:
    """The story lost a member: its earliest remaining one is its original (none: it is gone)."""
    story = session.get(Story, story_id)
    if story is None:
        return
    members = session.scalars(select(Article).where(Article.story_id == story_id)).all()
    if not members:
        session.delete(story)
        return
    dated = [m for m in members if _when(m) is not None]
    first = (
        min(dated, key=lambda m: (_when(m), m.id)) if dated else min(members, key=lambda m: m.id)
    )
    story.original_id, story.first_published_at = first.id, _when(first)


def _index(session: Session, article_id: int, sig: Signature | None, keys: list[int]) -> None:
    """The article's signature and band rows (it has none: new, or `_unindex`ed)."""
    if sig is None:
        return
    session.execute(_ADD_SIGNATURE, {"article_id": article_id, "signature": to_bytes(sig)})
    rows = [{"key": key, "article_id": article_id} for key in dict.fromkeys(keys)]
    session.execute(_ADD_BANDS, rows)


def _unindex(session: Session, article_id: int) -> None:
    session.execute(delete(LshBand).where(LshBand.article_id == article_id))
    session.execute(delete(ArticleSignature).where(ArticleSignature.article_id == article_id))


def _when(article: Article) -> datetime | None:
    return article.published_at or article.first_seen_at


def earlier(one: datetime | None, other: datetime | None) -> bool:
    """Whether `one` is a time before `other` (an unknown time is never earlier)."""
    return one is not None and (other is None or one < other)
