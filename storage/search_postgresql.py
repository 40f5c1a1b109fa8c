"""The statements of a PostgreSQL search (storage/search_candidates.py runs them): the id
bounds of the archive or of the months asked for, and the candidates of one range of ids."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, Integer, TextClause, bindparam, column, text
from sqlalchemy.orm import Session

from storage.models import UTCDateTime
from storage.search_filters import LEAD, PHRASE, TITLE, Filters
from storage.search_query import Query
from storage.search_ranges import ranges_condition
from storage.search_table import PG_MONTH, PG_SITE_LEXEME, PG_TABLE, pg_vector

TYPED = (column("id", Integer), column("age", Float), column("relevance", Float))
PG_TYPED = (*TYPED, column("open", Boolean))
IDS = text("SELECT min(id), max(id) FROM articles")
# psycopg prepares a statement run five times, and PostgreSQL may then plan it once for any
# parameters: one plan for every word, blind to how common it is (seconds for a date filter
# on a million articles). A search is planned for its own words, for its transaction, with at
# least 32 MB for a bitmap: in 4 MB that of two common words was lossy, and every row of a
# lossy page had its vector read from TOAST to be checked again.
CUSTOM_PLANS = text(
    "SELECT set_config('plan_cache_mode', 'force_custom_plan', true), set_config('work_mem', "
    "CASE WHEN pg_size_bytes(current_setting('work_mem')) < 33554432 THEN '32MB' "
    "ELSE current_setting('work_mem') END, true)"
)
_MONTH = PG_MONTH.format(row="")
_IN_MONTH = f"{_MONTH} >= m.month AND {_MONTH} < m.month + interval '1 month'"
# The months from that of :since (else the first article's) to that of :until (exclusive; else
# the last article's), two probes of `ix_articles_search_month` each: one statement. The month
# is a range and the order both columns of that index, which no other index gives: with
# `= m.month`, the planner dropped the month from the order and read the primary key from one
# end until a row of the month came (on an archive of few months, a month looks common: 2 s
# for twelve months of 100,000 articles).
_MONTHS = text(
    "SELECT min(b.lo), max(b.hi) FROM (SELECT "
    "coalesce(CAST(:since AS timestamptz), (SELECT min(published_at) FROM articles)) AS first, "
    "coalesce(CAST(:until AS timestamptz) - interval '1 microsecond', "
    "(SELECT max(published_at) FROM articles)) AS last) AS d "
    "CROSS JOIN generate_series(date_trunc('month', d.first AT TIME ZONE 'UTC'), "
    "date_trunc('month', d.last AT TIME ZONE 'UTC'), interval '1 month') AS m(month) "
    "CROSS JOIN LATERAL (SELECT "
    f"(SELECT id FROM articles WHERE {_IN_MONTH} ORDER BY {_MONTH}, id LIMIT 1) AS lo, "
    f"(SELECT id FROM articles WHERE {_IN_MONTH} ORDER BY {_MONTH} DESC, id DESC LIMIT 1) AS hi"
    ") AS b"
).bindparams(bindparam("since", type_=UTCDateTime()), bindparam("until", type_=UTCDateTime()))


def month_bounds(
    session: Session, since: datetime | None, until: datetime | None
) -> tuple[int, int] | None:
    """The lowest and highest id of the articles published in the months of [since, until).
    None when no article is in them."""
    lo, hi = session.execute(_MONTHS, {"since": since, "until": until}).one()
    return (int(lo), int(hi)) if lo is not None else None


def postgresql_statement(
    query: Query, filters: Filters, now: datetime, *, bounded: bool = True, explain: str = ""
) -> tuple[TextClause, dict[str, object]]:
    """The candidates' query on PostgreSQL and its parameters, but :lo and :hi, the range of
    ids it reads (`bounded`; else any), :ranges, the blocks of ids holding that range
    (storage/search_ranges.py), and :window, how many it may still return; `explain`
    ("EXPLAIN ...") prefixes it, for a test to read its plan.

    It reads `articles_search` only (storage/search_table.py): the GIN index, for the words and
    the blocks of the range in one scan, then the narrow rows of the matches. Relevance is
    SQLite's, from the title and lead vectors in the row; a candidate whose title and lead lack
    the phrase is `open` (its body may have it: storage/search_phrase.py reads that, from the
    full vector in TOAST, only for those that can rank).

    The dates are checked inside coalesce(), where the planner neither uses an index for them
    nor multiplies their selectivity with the id range's: the two say the same thing (the
    range is that of the months asked for), and taken as independent they made it expect a few
    hundred rows, then read and sort every row of the period instead of the newest ones."""
    conditions = [f"s.id BETWEEN :lo AND :hi AND {ranges_condition('s')}" if bounded else "true"]
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
    params: dict[str, object] = {"query": query.tsquery()}
    carried = "s.title_vector, s.lead_vector"
    phrase, still_open = query.phrase(), "false"
    if phrase is not None:  # the body's phrase is read later, for the few that need it
        written = "to_tsquery('simple', :phrase)"
        in_row = f"(w.title_vector @@ {written} OR w.lead_vector @@ {written})"
        relevance += f" + CASE WHEN {in_row} THEN {PHRASE} ELSE 0 END"
        still_open = f"NOT {in_row}"
        params["phrase"] = phrase.tsquery()
    statement, bound = filters.bind(
        text(
            f"{explain} SELECT w.id, w.age, CAST({relevance} AS float8) AS relevance, "
            f"{still_open} AS open FROM (SELECT "
            "s.id, CAST(extract(epoch FROM :now - coalesce(s.published_at, s.first_seen_at)) "
            "AS float8) / 86400 AS age, "
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
