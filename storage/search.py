"""Full-text search of the archive, folding Vietnamese, ranked by relevance and recency.

1. Candidates (storage/search_candidates.py): the newest WINDOW articles matching every term
   and the filters, each with a relevance from the index and its age.
2. Score = relevance / (1 + age in years): a week-old article counts almost fully, a two-year-old
   one a third.
3. A query typed with diacritics puts exact matches first: among the best SHORTLIST (or 3 x
   limit) candidates, those holding more of its marked words as typed ("Đà", not "đá") rank
   first, then by score.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from storage.models import Article
from storage.search_candidates import WINDOW, find_candidates
from storage.search_filters import YEAR_DAYS, Filters, score
from storage.search_query import Query, QueryError, parse_query

SHORTLIST = 60


@dataclass(frozen=True)
class SearchHit:
    id: int
    site: str
    url: str
    title: str
    lead: str | None
    published_at: datetime | None
    score: float
    exact: int  # how many of the query's words with diacritics the article has as typed


def search_articles(
    session: Session,
    query: str | Query,
    *,
    now: datetime,
    sites: Sequence[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 20,
) -> list[SearchHit]:
    """The best `limit` articles for `query` as of `now`; `sites` (None: all), `since`
    (inclusive) and `until` (exclusive) filter on site and publication time. QueryError for a
    query that cannot be understood; the SQL is parameterised."""
    parsed = parse_query(query) if isinstance(query, str) else query
    if sites is not None and not sites:
        return []
    try:
        shortlist = max(SHORTLIST, 3 * limit)
        candidates = find_candidates(
            session, parsed, Filters(sites, since, until), now, keep=shortlist
        )
    except NotImplementedError as exc:
        raise QueryError(str(exc)) from exc
    scores = {c.id: score(c.relevance, c.age_days) for c in candidates}
    ranked = sorted(scores, key=lambda i: (-scores[i], -i))[:shortlist]
    # one read of the shortlist gives both the text to count exact words in and the hits
    rows = _rows(session, ranked if parsed.exact else ranked[:limit], texts=bool(parsed.exact))
    exact = {i: exact_count(row, parsed.exact) for i, row in rows.items()} if parsed.exact else {}
    ranked.sort(key=lambda i: (-exact.get(i, 0), -scores[i], -i))
    return [
        SearchHit(
            id=i, site=rows[i].site, url=rows[i].url, title=rows[i].title, lead=rows[i].lead,
            published_at=rows[i].published_at, score=round(scores[i], 6), exact=exact.get(i, 0),
        )
        for i in ranked[:limit]
        if i in rows
    ]  # fmt: skip


def exact_count(row: Row[Any], marked: Sequence[str]) -> int:
    """How many of the `marked` words (lowercase, with their diacritics) the article of `row`
    (its title, lead and body) holds as whole words, in any case."""
    content = unicodedata.normalize("NFC", f"{row.title}\n{row.lead or ''}\n{row.body}").lower()
    return sum(1 for word in marked if has_word(content, word))


def has_word(content: str, word: str) -> bool:
    """`word` in `content` with no letter or digit right before or after it ("đà" is in
    "Đà Nẵng" lowercased, not in "đào")."""
    start = content.find(word)
    while start >= 0:
        end = start + len(word)
        before = content[start - 1] if start else " "
        after = content[end] if end < len(content) else " "
        if not before.isalnum() and not after.isalnum():
            return True
        start = content.find(word, start + 1)
    return False


def _rows(session: Session, ids: Sequence[int], *, texts: bool) -> dict[int, Row[Any]]:
    """The articles `ids` with what a hit shows, and their bodies too when `texts`."""
    columns: list[Any] = [Article.id, Article.site, Article.url, Article.title, Article.lead,
                          Article.published_at, *([Article.body] if texts else [])]  # fmt: skip
    return {row.id: row for row in session.execute(select(*columns).where(Article.id.in_(ids)))}


__all__ = ["SHORTLIST", "WINDOW", "YEAR_DAYS", "QueryError", "SearchHit", "search_articles"]
