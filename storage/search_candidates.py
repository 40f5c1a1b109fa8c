"""The first step of a search: the candidates, with their relevance and age, per backend.

Candidates are the newest WINDOW articles matching every term and the filters, found in the
index's own order (rowid, id), so that a word found in most articles costs about as much as a
rare one: the index stops after WINDOW hits instead of ranking them all. Ids grow with the time
an article was stored, not published: when a backfill has put old articles last, the newest
WINDOW published in the last RECENT_DAYS are added.

SQLite: relevance is where the terms are, read from the index over the candidates' id range (all
terms in the title +3, in the lead +1, the words written together as a phrase +2, on top of 1).
FTS5's bm25() is not used: its statistics count every article holding each term, a scan of the
whole posting list, and folded syllables ("da", "duong", "tinh") are in most articles. The site
filter is part of the FTS query (the site key is indexed); the date filter bounds the id range
by the months asked for (`articles_fts_months`) and is then checked exactly. PostgreSQL: the
same relevance, from the title and lead vectors of `articles_search` and, for the phrase, the
full vector.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from storage.search_filters import LEAD, PHRASE, TITLE, Candidate, Filters
from storage.search_phrase import settle_phrases
from storage.search_postgresql import (
    CUSTOM_PLANS,
    IDS,
    PG_TYPED,
    TYPED,
    month_bounds,
    postgresql_statement,
)
from storage.search_query import Query
from storage.search_ranges import cover

WINDOW = 500
FIRST = 1_000  # PostgreSQL: the ids of the first range read (see _postgresql)
GROWTH = 16  # PostgreSQL: how much larger the next range is when one had no match
_GIN_ONLY = text(
    "SELECT set_config('enable_indexscan', 'off', true), set_config('enable_seqscan', 'off', true)"
)
_ANY_PLAN = text(
    "SELECT set_config(name, reset_val, true) FROM pg_settings "
    "WHERE name IN ('enable_indexscan', 'enable_seqscan')"
)
RECENT_DAYS = 90
_MONTHS = text(
    "SELECT min(first_id), max(last_id) FROM articles_fts_months "
    "WHERE month BETWEEN :first AND :last"
)


def find_candidates(
    session: Session, query: Query, filters: Filters, now: datetime, *, keep: int = 2 * WINDOW
) -> list[Candidate]:
    """The newest WINDOW matches; when they include articles older than RECENT_DAYS (a
    backfill stores old articles last), also the newest WINDOW published in the last
    RECENT_DAYS, so that recent articles are never crowded out of the ranking. The relevance
    of the best `keep` by score is exact; below them it may lack the phrase bonus
    (PostgreSQL, storage/search_phrase.py)."""
    found = _windows(session, query, filters, now)
    phrase = query.phrase()
    if phrase is not None and any(c.open for c in found):
        found = settle_phrases(session, found, phrase.tsquery(), keep)
    return found


def _windows(session: Session, query: Query, filters: Filters, now: datetime) -> list[Candidate]:
    """The candidates of find_candidates, the phrase bonus of open ones not yet read."""
    dialect = session.get_bind().dialect.name
    if dialect not in ("sqlite", "postgresql"):
        raise NotImplementedError(f"full-text search needs SQLite or PostgreSQL, not {dialect}")
    window = _sqlite if dialect == "sqlite" else _postgresql
    if dialect == "postgresql":
        session.execute(CUSTOM_PLANS)  # for the transaction: every statement of this search
    found, share = window(session, query, filters, now, None)
    undated = filters.since is None and filters.until is None
    if undated and len(found) == WINDOW and max(c.age_days for c in found) > RECENT_DAYS:
        since = now - timedelta(days=RECENT_DAYS)
        first = _first_id_since(session, dialect, since)
        if first is not None and first < min(c.id for c in found):  # else nothing to add
            more, _ = window(session, query, Filters(filters.sites, since=since), now, share)
            return list(({c.id: c for c in found} | {c.id: c for c in more}).values())
    return found


def _first_id_since(session: Session, dialect: str, since: datetime) -> int | None:
    """The lowest id of an article published since `since` (of its month)."""
    if dialect == "sqlite":
        month = since.astimezone(UTC).strftime("%Y-%m")
        first = session.execute(_MONTHS, {"first": month, "last": "9999-99"}).one()[0]
        return int(first) if first is not None else None
    bounds = month_bounds(session, since, None)
    return bounds[0] if bounds else None


def _sqlite(
    session: Session, query: Query, filters: Filters, now: datetime, share: float | None
) -> tuple[list[Candidate], float | None]:
    """The newest WINDOW matches and their relevance (`share` is PostgreSQL's)."""
    bounds, span = "", {}
    if filters.since is not None or filters.until is not None:
        # ids grow with crawl time, not publication time: the ids of the months asked for bound
        # the index scan, the join then checks the dates exactly
        months = {"first": "0000-00", "last": "9999-99"}
        if filters.since is not None:
            months["first"] = filters.since.astimezone(UTC).strftime("%Y-%m")
        if filters.until is not None:
            last = filters.until.astimezone(UTC) - timedelta(microseconds=1)
            months["last"] = last.strftime("%Y-%m")
        lo, hi = session.execute(_MONTHS, months).one()
        if lo is None:
            return [], None
        bounds, span = "AND articles_fts.rowid BETWEEN :lo AND :hi", {"lo": lo, "hi": hi}
    restrict = ""
    if filters.sites is not None:
        keys = " OR ".join('"' + key.replace('"', '""') + '"' for key in filters.sites)
        restrict = " AND {site} : (" + keys + ")"
    statement, params = filters.bind(
        text(
            "SELECT a.id, julianday(:now) - julianday(coalesce(a.published_at, a.first_seen_at)) "
            "AS age, 1.0 AS relevance FROM articles_fts "
            "JOIN articles AS a INDEXED BY ix_articles_fts_time "
            f"ON a.id = articles_fts.rowid WHERE articles_fts MATCH :match {bounds} "
            f"{filters.sql()} ORDER BY articles_fts.rowid DESC LIMIT :window"
        ),
        now,
    )
    terms = query.fts5()
    params |= {**span, "window": WINDOW}
    params["match"] = "{title lead body} : (" + terms + ")" + restrict
    rows = session.execute(statement.columns(*TYPED), params).all()
    if not rows:
        return [], None
    relevance = {id_: 1.0 for id_, _, _ in rows}
    features = [(TITLE, "{title} : (" + terms + ")"), (LEAD, "{lead} : (" + terms + ")")]
    phrase = query.phrase()
    if phrase is not None:
        features.append((PHRASE, "{title lead body} : " + phrase.fts5()))
    probe = text(
        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH :match "
        "AND rowid BETWEEN :lo AND :hi"
    )
    span = {"lo": min(relevance), "hi": max(relevance)}
    for weight, expression in features:
        for (rowid,) in session.execute(probe, {**span, "match": expression + restrict}):
            if rowid in relevance:
                relevance[rowid] += weight
    return [Candidate(id_, relevance[id_], age) for id_, age, _ in rows], None


def _postgresql(
    session: Session, query: Query, filters: Filters, now: datetime, share: float | None
) -> tuple[list[Candidate], float | None]:
    """The newest WINDOW matches, read in id ranges from the newest down until WINDOW are
    found, and the share of the ids read that match (`share`: that of an earlier window of the
    same terms, which then sizes the first range). The GIN index gives the matches in no useful
    order, and sorting them by id means reading the row of every match in the archive (17,000
    rows of a town's name, 0.2 s on a million articles); within a range, only those of the
    range.

    Each range is read through the GIN index only, its words ANDed with the blocks of ids of
    the range (storage/search_ranges.py), then the rows of its matches: never backwards by id
    checking each row's vector, which reads it from TOAST (4-5 buffers a row), a cost the
    planner does not count. The first range is FIRST ids (enough for a word in most articles);
    the next is sized by the share of matches seen (1.5 times what should hold the rest), at
    most GROWTH times larger than the last."""
    if filters.since is not None or filters.until is not None:
        bounds = month_bounds(session, filters.since, filters.until)
    else:
        bounds = session.execute(IDS).one()
    if bounds is None or bounds[0] is None:
        return [], share
    lo, hi = int(bounds[0]), int(bounds[1])
    dated = filters.since is not None or filters.until is not None
    found: list[Candidate] = []
    size, read = (_size(WINDOW, share, 1 << 62) if share else FIRST), 0
    session.execute(_GIN_ONLY)
    while hi >= lo and len(found) < WINDOW:
        floor = max(lo, hi - size + 1)
        whole = floor == lo and not found and not dated  # the archive is smaller than a range
        statement, params = postgresql_statement(query, filters, now, bounded=not whole)
        params |= {"lo": floor, "hi": hi, "ranges": cover(floor, hi), "window": WINDOW - len(found)}
        # float8 from the server, fetched at once: 500 rows a range, one by one, cost 2 ms
        rows = session.execute(statement.columns(*PG_TYPED), params).all()
        got = [Candidate(id_, relevance, age, open_) for id_, age, relevance, open_ in rows]
        found += got
        needed = WINDOW - len(found)
        # the ids read: the whole range, or down to the last match when the window filled up
        read += hi - (min(c.id for c in got) if got and not needed else floor) + 1
        share = len(found) / read
        size = _size(needed, share, size * GROWTH)
        hi = floor - 1
    session.execute(_ANY_PLAN)
    return found, share


def _size(needed: int, share: float | None, most: int) -> int:
    """How many ids should hold `needed` more matches, at `share` of matches an id: 1.5 times
    that, at least FIRST, at most `most` (GROWTH times the last range: a share seen in a few
    matches is a rough guess, and a range too large reads every row of its matches: 3,000 for
    the 500 of a site's word on a million articles, after 3 matches in the first 1,000 ids);
    `most` when no match was seen yet."""
    return max(FIRST, min(most, int(needed / share * 1.5))) if share else most
