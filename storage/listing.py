"""The newest articles of the archive, page by page, for lists a reader scrolls (the web
reader's home, province and paper pages and their feeds).

Pages are cut by position, not by number: the next page starts after the last article shown
(its publication time and id), so page 500 costs what page 1 does at a million articles. A list
of several sites is read site by site on `ix_articles_site_published_at` and merged: one
`site IN (...) ORDER BY published_at` would read every article of those sites to sort them, and
the time index alone walks past every other paper to find a small one's. Only dated articles
are listed (an undated one has no place in a timeline). `originals=True` keeps one article per
story, its original: the home page's "one card per story" (read in growing batches and
filtered, see `_originals`). The SQL is parameterised.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, not_, select, union
from sqlalchemy.orm import Session

from storage.models import Article, ArticleUrl, Story

MAX_PAGE = 100  # the most articles one call returns, whatever it is asked


@dataclass(frozen=True)
class Listed:
    """One article of a list: what a card shows, and its story to count the papers."""

    id: int
    site: str
    url: str
    title: str
    lead: str | None
    published_at: datetime
    story_id: int | None


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: after the article published at `published_at` with id `id`."""

    published_at: datetime
    id: int


def cursor_after(session: Session, article_id: int) -> Cursor | None:
    """The cursor after article `article_id` (None when it is missing or undated)."""
    row = session.execute(
        select(Article.published_at).where(Article.id == article_id)
    ).one_or_none()
    if row is None or row.published_at is None:
        return None
    return Cursor(row.published_at, article_id)


def latest(
    session: Session,
    *,
    sites: Sequence[str] | None = None,
    after: Cursor | None = None,
    limit: int = 20,
    originals: bool = False,
) -> list[Listed]:
    """The newest `limit` (at most MAX_PAGE) dated articles of `sites` (None: all) after
    `after`, newest first; `originals`: only the original of each story."""
    limit = max(1, min(limit, MAX_PAGE))
    if not originals:
        return _merged(session, sites, after, limit)
    found: list[Listed] = []
    batch = 2 * limit
    while len(found) < limit:
        items = _merged(session, sites, after, batch)
        found += _originals(session, items)
        if len(items) < batch:
            break
        after, batch = Cursor(items[-1].published_at, items[-1].id), batch * 4
    return found[:limit]


def _merged(
    session: Session, sites: Sequence[str] | None, after: Cursor | None, limit: int
) -> list[Listed]:
    if sites is None:
        return _page(session, None, after, limit)
    found = [_page(session, site, after, limit) for site in dict.fromkeys(sites)]
    merged = heapq.merge(*found, key=lambda a: (a.published_at, a.id), reverse=True)
    return list(merged)[:limit]


def _originals(session: Session, items: Sequence[Listed]) -> list[Listed]:
    """Those of `items` that are their story's original (or have no story). Filtered here,
    not in the list's SQL: joined there, PostgreSQL takes the condition for a rare one and
    sorts the whole archive instead of reading the time index from the newest."""
    stories = {i.story_id for i in items if i.story_id is not None}
    original: dict[int, int | None] = {}
    if stories:
        rows = session.execute(select(Story.id, Story.original_id).where(Story.id.in_(stories)))
        original = {story_id: original_id for story_id, original_id in rows}
    return [i for i in items if i.story_id is None or original.get(i.story_id) in (i.id, None)]


def _page(session: Session, site: str | None, after: Cursor | None, limit: int) -> list[Listed]:
    query: Select[int, str, str, str, str | None, datetime | None, int | None] = select(
        Article.id, Article.site, Article.url, Article.title, Article.lead,
        Article.published_at, Article.story_id,
    ).where(Article.published_at.is_not(None))  # fmt: skip
    if site is not None:
        query = query.where(Article.site == site)
    if after is not None:
        # "<=" gives the index its range; the same instant is then cut by id
        query = query.where(
            Article.published_at <= after.published_at,
            not_(and_(Article.published_at == after.published_at, Article.id >= after.id)),
        )
    query = query.order_by(Article.published_at.desc(), Article.id.desc()).limit(limit)
    return [
        Listed(row.id, row.site, row.url, row.title, row.lead, row.published_at, row.story_id)
        for row in session.execute(query)
        if row.published_at is not None
    ]


def story_papers(session: Session, story_ids: Sequence[int]) -> dict[int, list[str]]:
    """The sites that carried each story: its articles' and the URLs they were met under
    (an identical copy on another paper is one article with one more URL), by site key."""
    wanted = sorted({i for i in story_ids if i is not None})
    if not wanted:
        return {}
    own = select(Article.story_id, Article.site).where(Article.story_id.in_(wanted))
    met = (
        select(Article.story_id, ArticleUrl.site)
        .join(ArticleUrl, ArticleUrl.article_id == Article.id)
        .where(Article.story_id.in_(wanted))
    )
    found: dict[int, set[str]] = {}
    for story_id, site in session.execute(union(own, met)):
        if story_id is not None:
            found.setdefault(int(story_id), set()).add(site)
    return {story_id: sorted(sites) for story_id, sites in found.items()}
