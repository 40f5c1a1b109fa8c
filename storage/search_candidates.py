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

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Float, Integer, TextClause, bindparam, column, text
from sqlalchemy.orm import Session

from storage.models import UTCDateTime
from storage.search_query import Query
from storage.search_table import PG_COLUMN, PG_MONTH, PG_SITE_LEXEME, PG_TABLE, pg_vector

WINDOW = 500
CHUNK = 50_000  # PostgreSQL: the ids of the first range read (see _postgresql)
RECENT_DAYS = 90
TITLE, LEAD, PHRASE = 3.0, 1.0, 2.0
_TYPED = (column("id", Integer), column("age", Float), column("relevance", Float))
_PG_DATES = text("SELECT min(published_at), max(published_at) FROM articles").columns(
    column("first", UTCDateTime()), column("last", UTCDateTime())
)
_PG_MONTH = PG_MONTH.format(row="")
_PG_IDS = text("SELECT min(id), max(id) FROM articles")
_CUSTOM_PLANS = text("SET LOCAL plan_cache_mode = force_custom_plan")
_PG_MONTHS = text(
    "SELECT min(b.lo), max(b.hi) FROM generate_series(CAST(:first AS timestamp), "
    "CAST(:last AS timestamp), interval '1 month') AS m(month) CROSS JOIN LATERAL (SELECT "
    f"(SELECT id FROM articles WHERE {_PG_MONTH} = m.month ORDER BY id LIMIT 1) AS lo, "
    f"(SELECT id FROM articles WHERE {_PG_MONTH} = m.month ORDER BY id DESC LIMIT 1) AS hi"
    ") AS b"
)
_MONTHS = text(
    "SELECT min(first_id), max(last_id) FROM articles_fts_months "
    "WHERE month BETWEEN :first AND :last"
)


@dataclass(frozen=True)
class Filters:
    """Which articles a search may return: of these sites (None: any), published in
    [since, until)."""

    sites: Sequence[str] | None = None
    since: datetime | None = None
    until: datetime | None = None

    def sql(self, alias: str = "a.", *, sites: bool = True) -> str:
        """The filters as SQL conditions; `sites=False` leaves the site to the index query."""
        clauses = [
            f"AND {alias}site IN :sites" if self.sites is not None and sites else "",
            f"AND {alias}published_at >= :since" if self.since is not None else "",
            f"AND {alias}published_at < :until" if self.until is not None else "",
        ]
        return " ".join(c for c in clauses if c)

    def bind(
        self, statement: TextClause, now: datetime | None = None
    ) -> tuple[TextClause, dict[str, object]]:
        """`statement` with the filters' parameters (and `now`), times typed as the archive
        stores them."""
        params: dict[str, object] = {}
        if self.sites is not None and ":sites" in statement.text:
            statement = statement.bindparams(bindparam("sites", expanding=True))
            params["sites"] = list(self.sites)
        for name, value in (("since", self.since), ("until", self.until), ("now", now)):
            if value is not None:
                statement = statement.bindparams(bindparam(name, type_=UTCDateTime()))
                params[name] = value
        return statement, params


@dataclass(frozen=True)
class Candidate:
    id: int
    relevance: float
    age_days: float


def find_candidates(
    session: Session, query: Query, filters: Filters, now: datetime
) -> list[Candidate]:
    """The newest WINDOW matches; when they include articles older than RECENT_DAYS (a
    backfill stores old articles last), also the newest WINDOW published in the last
    RECENT_DAYS, so that recent articles are never crowded out of the ranking."""
    dialect = session.get_bind().dialect.name
    if dialect not in ("sqlite", "postgresql"):
        raise NotImplementedError(f"full-text search needs SQLite or PostgreSQL, not {dialect}")
    window = _sqlite if dialect == "sqlite" else _postgresql
    found = window(session, query, filters, now)
    undated = filters.since is None and filters.until is None
    if undated and len(found) == WINDOW and max(c.age_days for c in found) > RECENT_DAYS:
        since = now - timedelta(days=RECENT_DAYS)
        first = _first_id_since(session, dialect, since)
        if first is not None and first < min(c.id for c in found):  # else nothing to add
            more = window(session, query, Filters(filters.sites, since=since), now)
            return list(({c.id: c for c in found} | {c.id: c for c in more}).values())
    return found


def _first_id_since(session: Session, dialect: str, since: datetime) -> int | None:
    """The lowest id of an article published since `since` (of its month)."""
    if dialect == "sqlite":
        month = since.astimezone(UTC).strftime("%Y-%m")
        first = session.execute(_MONTHS, {"first": month, "last": "9999-99"}).one()[0]
        return int(first) if first is not None else None
    bounds = _pg_id_bounds(session, since, None)
    return bounds[0] if bounds else None


def _pg_id_bounds(
    session: Session, since: datetime | None, until: datetime | None
) -> tuple[int, int] | None:
    """The lowest and highest id of the articles published in the months of [since, until):
    two probes of `ix_articles_search_month` a month. None when no article is in them."""
    first, last = session.execute(_PG_DATES).one()
    if first is None:
        return None
    if since is not None:
        first = since
    if until is not None:
        last = until - timedelta(microseconds=1)
    months = {"first": _month(first), "last": _month(last)}
    lo, hi = session.execute(_PG_MONTHS, months).one()
    return (int(lo), int(hi)) if lo is not None else None


def _month(moment: datetime) -> datetime:
    """The first instant of `moment`'s month in UTC, naive, as the month index has it."""
    utc = moment.astimezone(UTC) if moment.tzinfo else moment
    return utc.replace(day=1, hour=0, minute=0, second=0, microsecond=0, tzinfo=None)


def _sqlite(session: Session, query: Query, filters: Filters, now: datetime) -> list[Candidate]:
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
            return []
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
    rows = session.execute(statement.columns(*_TYPED), params).all()
    if not rows:
        return []
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
    return [Candidate(id_, relevance[id_], age) for id_, age, _ in rows]


def _postgresql(session: Session, query: Query, filters: Filters, now: datetime) -> list[Candidate]:
    """The newest WINDOW matches, read in id ranges from the newest down (CHUNK ids, then four
    times more each time) until WINDOW are found: the GIN index gives the matches in no useful
    order, and sorting them by id means reading the row of every match in the archive (17,000
    rows of a town's name, 0.2 s on a million articles); within a range, only those of the
    range, and a common word is found within the first few hundred rows of the first one."""
    # psycopg prepares a statement run five times, and PostgreSQL may then plan it once for any
    # parameters: one plan for every word, blind to how common it is (seconds for a date filter
    # on a million articles). A search is planned for its own words, for this transaction.
    session.execute(_CUSTOM_PLANS)
    if filters.since is not None or filters.until is not None:
        bounds = _pg_id_bounds(session, filters.since, filters.until)
    else:
        bounds = session.execute(_PG_IDS).one()
    if bounds is None or bounds[0] is None:
        return []
    lo, hi = int(bounds[0]), int(bounds[1])
    dated = filters.since is not None or filters.until is not None
    found: list[Candidate] = []
    size = CHUNK
    while hi >= lo and len(found) < WINDOW:
        floor = max(lo, hi - size + 1)
        whole = floor == lo and not found and not dated  # the archive is smaller than a range
        statement, params = postgresql_statement(query, filters, now, bounded=not whole)
        params |= {"lo": floor, "hi": hi, "window": WINDOW - len(found)}
        rows = session.execute(statement.columns(*_TYPED), params)
        found += [Candidate(row.id, float(row.relevance), float(row.age)) for row in rows]
        hi, size = floor - 1, size * 4
    return found


def postgresql_statement(
    query: Query, filters: Filters, now: datetime, *, bounded: bool = True, explain: str = ""
) -> tuple[TextClause, dict[str, object]]:
    """The candidates' query on PostgreSQL and its parameters, but :lo and :hi, the range of
    ids it reads (`bounded`; else any), and :window, how many it may still return; `explain`
    ("EXPLAIN ...") prefixes it, for a test to read its plan.

    It reads `articles_search` only (storage/search_table.py): the GIN index, then the narrow
    rows of the matches. Relevance is SQLite's, from the title and lead vectors in the row;
    only the phrase bonus reads a full vector (from TOAST), when neither title nor lead has
    the phrase.

    The dates are checked inside coalesce(), where the planner neither uses an index for them
    nor multiplies their selectivity with the id range's: the two say the same thing (the
    range is that of the months asked for), and taken as independent they made it expect a few
    hundred rows, then read and sort every row of the period instead of the newest ones."""
    conditions = ["s.id BETWEEN :lo AND :hi" if bounded else "true"]
    if filters.since is not None:
        conditions.append("coalesce(s.published_at >= :since, false)")
    if filters.until is not None:
        conditions.append("coalesce(s.published_at < :until, false)")
    terms = "to_tsquery('simple', :query)"
    match = terms if filters.sites is None else f"{terms} && CAST(:site_lexemes AS tsquery)"
    conditions.append(f"{pg_vector('s')} @@ ({match})")
    relevance = (
        f"1.0 + CASE WHEN w.title_vector @@ {terms} THEN {TITLE} ELSE 0 END "
        f"+ CASE WHEN w.lead_vector @@ {terms} THEN {LEAD} ELSE 0 END"
    )
    params: dict[str, object] = {"query": query.tsquery(), "window": WINDOW}
    carried = "s.title_vector, s.lead_vector"
    phrase = query.phrase()
    if phrase is not None:  # OR stops at the first true: the title's and lead's are in the row
        written = "to_tsquery('simple', :phrase)"
        relevance += (
            f" + CASE WHEN w.title_vector @@ {written} OR w.lead_vector @@ {written} "
            f"OR w.{PG_COLUMN} @@ {written} THEN {PHRASE} ELSE 0 END"
        )
        carried += f", {pg_vector('s')}"
        params["phrase"] = phrase.tsquery()
    statement, bound = filters.bind(
        text(
            f"{explain} SELECT w.id, w.age, {relevance} AS relevance FROM (SELECT s.id, "
            "extract(epoch FROM :now - coalesce(s.published_at, s.first_seen_at)) / 86400 AS age, "
            f"{carried} FROM {PG_TABLE} AS s WHERE {' AND '.join(conditions)} "
            "ORDER BY s.id DESC LIMIT :window) AS w"
        ),
        now,
    )
    params |= bound
    if filters.sites is not None:
        params["site_lexemes"] = " | ".join(
            "'" + (PG_SITE_LEXEME + site).replace("\\", "\\\\").replace("'", "''") + "'"
            for site in filters.sites
        )
    return statement, params
