"""PostgreSQL's search reads the stored vector through its GIN index (the planner used to scan
the table and compute `tinbao_search_vector` row by row: seconds on a few thousand articles),
filters sites inside the index query and bounds dates by the ids of their months."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from storage import create_schema, make_engine, make_sessionmaker, parse_query, search_articles
from storage.search_candidates import find_candidates
from storage.search_filters import Filters, score
from storage.search_postgresql import _MONTHS, month_bounds, postgresql_statement
from storage.search_ranges import cover
from tests.conftest import POSTGRES_URL

pytestmark = pytest.mark.postgres
NOW = datetime(2026, 11, 23, tzinfo=UTC)
ARTICLES = 1500


@pytest.fixture(scope="module")
def archive(postgres_schema: str) -> Iterator[Session]:
    """ARTICLES articles, one a day back from NOW, five sites; "hiếm" only in article 7; in a
    schema of their own, filled once for the module."""
    schema = f"{postgres_schema}_plans"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    create_schema(engine)
    try:
        with make_sessionmaker(engine)() as session:
            session.execute(
                text(
                    "INSERT INTO articles (site, url, title, lead, body, published_at, "
                    "content_hash, first_seen_at, last_seen_at) SELECT 'bao' || (n % 5), "
                    "'https://bao.vn/a-' || n, 'Tin tỉnh số ' || n, 'Phát triển kinh tế địa "
                    "phương', repeat('Người dân đón mùa lúa mới ở đồng bằng. ', 40) || CASE "
                    "WHEN n = 7 THEN ' chuyện hiếm' ELSE '' END, :now - n * interval '1 day', "
                    "md5(n::text), :now, :now FROM generate_series(1, :count) AS n"
                ),
                {"now": NOW, "count": ARTICLES},
            )
            session.commit()
            session.execute(text("ANALYZE articles"))
            yield session
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def plan(session: Session, query: str, filters: Filters, *, bitmaps: bool = False) -> str:
    """The candidates' plan; a table this small is read whole when the planner may, and read in
    id order for a rare word (1,500 rows cost it less than the GIN index's setup): `bitmaps`
    leaves it the index scans it can match with the search's conditions."""
    session.execute(text("SET LOCAL enable_seqscan = off"))
    session.execute(text(f"SET LOCAL enable_indexscan = {'off' if bitmaps else 'on'}"))
    dated = filters.since is not None or filters.until is not None
    statement, params = postgresql_statement(
        parse_query(query), filters, NOW, bounded=dated, explain="EXPLAIN"
    )  # an archive smaller than one range of ids is read without bounds, unless dated
    params |= {"lo": 1, "hi": ARTICLES, "ranges": cover(1, ARTICLES), "window": 500}
    return "\n".join(session.execute(statement, params).scalars())


def test_a_rare_word_is_found_through_the_index(archive: Session) -> None:
    shown = plan(archive, "hiem", Filters(), bitmaps=True)
    assert "Bitmap Index Scan on ix_articles_search" in shown, shown
    assert "tinbao_search_vector" not in shown, shown
    [hit] = search_articles(archive, "hiếm", now=NOW)
    assert hit.url == "https://bao.vn/a-7"


def test_each_search_is_planned_for_its_own_words(archive: Session) -> None:
    """psycopg prepares a statement run five times; PostgreSQL's generic plan for it would be
    blind to how common the words are."""
    for word in ("tinh", "hiem", "lua", "dong", "bang", "moi", "tinh"):
        search_articles(archive, word, now=NOW)
    assert archive.scalar(text("SHOW plan_cache_mode")) == "force_custom_plan"


def test_no_plan_computes_the_vector(archive: Session) -> None:
    since = Filters(since=NOW - timedelta(days=30))
    for query, filters in [("tinh", Filters()), ("lua moi", Filters(sites=["bao2"])),
                           ('"dong bang"', since), ("kinh te", Filters(until=NOW))]:  # fmt: skip
        shown = plan(archive, query, filters)
        assert "search_vector @@" in shown and "tinbao_search_vector" not in shown, shown


def test_a_site_filter_is_part_of_the_index_query(archive: Session) -> None:
    shown = plan(archive, "hiem", Filters(sites=["bao2", "bao3"]), bitmaps=True)
    index = "Index Cond: (search_vector @@ '''hiem'' & ( ''site:bao2'' | ''site:bao3'' )'"
    assert index in shown and "Bitmap Index Scan on ix_articles_search" in shown, shown
    assert search_articles(archive, "hiem", now=NOW, sites=["bao2"])[0].url.endswith("a-7")
    assert search_articles(archive, "hiem", now=NOW, sites=["bao1"]) == []


def test_a_date_filter_is_bounded_by_the_ids_of_its_months(archive: Session) -> None:
    shown = plan(archive, "tinh", Filters(since=NOW - timedelta(days=10)))
    assert "id >= " in shown, shown
    hits = search_articles(archive, "tinh", now=NOW, since=NOW - timedelta(days=10), limit=50)
    assert sorted(hit.url for hit in hits) == sorted(f"https://bao.vn/a-{n}" for n in range(1, 11))
    old = search_articles(archive, "tinh", now=NOW, until=NOW - timedelta(days=ARTICLES - 2))
    assert sorted(hit.url for hit in old) == sorted(
        f"https://bao.vn/a-{n}" for n in (ARTICLES, ARTICLES - 1)
    )


def test_ranges_of_ids_find_the_same_newest_matches(
    archive: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read 70 ids first (then ranges sized by the share of matches seen, or 16 then 2 times
    larger after none), the newest 50 matches are those one read of the whole archive finds."""
    monkeypatch.setattr("storage.search_candidates.WINDOW", 50)
    searches = [("tinh", {}), ("hiem", {}), ("lua moi", {"sites": ["bao1", "bao4"]}),
                ("kinh te", {"since": NOW - timedelta(days=400)})]  # fmt: skip
    whole = [search_articles(archive, q, now=NOW, limit=50, **f) for q, f in searches]  # type: ignore[arg-type]
    monkeypatch.setattr("storage.search_candidates.FIRST", 70)
    ranged = [search_articles(archive, q, now=NOW, limit=50, **f) for q, f in searches]  # type: ignore[arg-type]
    assert ranged == whole
    monkeypatch.setattr("storage.search_candidates.GROWTH", 2)
    grown = [search_articles(archive, q, now=NOW, limit=50, **f) for q, f in searches]  # type: ignore[arg-type]
    assert grown == whole
    assert [len(hits) for hits in whole] == [50, 1, 50, 50]


def test_the_months_are_never_looked_for_in_id_order(archive: Session) -> None:
    """Asked for the first id of a month in id order, the planner may read the primary key from
    one end until a row of the month comes, when it takes a month for common (on an archive of
    few months: 2 s for twelve months of 100,000 articles, most of them empty). The statement
    orders by both columns of `ix_articles_search_month`, which the primary key cannot give,
    even with that index gone (dropped here in a transaction rolled back)."""
    archive.execute(text("DROP INDEX ix_articles_search_month"))
    try:
        shown = "\n".join(
            archive.execute(
                text("EXPLAIN " + _MONTHS.text), {"since": None, "until": NOW}
            ).scalars()
        )
        assert "articles_pkey" not in shown, shown
    finally:
        archive.rollback()
    assert month_bounds(archive, NOW - timedelta(days=40), None) is not None


def test_the_phrase_is_read_only_for_candidates_that_can_rank(empty_postgres_url: str) -> None:
    """A third of the bodies have "lúa đồng" written together, a seventh of the titles too: the
    best `keep` by score (and their order) are those of reading every body's phrase, and the
    bodies of candidates too old to rank were not read."""
    engine = make_engine(empty_postgres_url)
    create_schema(engine)
    body = "CASE WHEN n % 3 = 0 THEN 'Mùa lúa đồng bằng.' ELSE 'Lúa chín trên cánh đồng.' END"
    title = "CASE WHEN n % 7 = 0 THEN 'Lúa đồng quê số ' ELSE 'Tin số ' END || n"
    try:
        with make_sessionmaker(engine)() as session:
            session.execute(
                text(
                    "INSERT INTO articles (site, url, title, body, published_at, content_hash, "
                    "first_seen_at, last_seen_at) SELECT 'bao', 'https://bao.vn/a-' || n, "
                    f"{title}, {body}, :now - (400 - n) * interval '1 day', md5(n::text), :now, "
                    ":now FROM generate_series(1, 400) AS n"
                ),
                {"now": NOW},
            )
            session.commit()
            query = parse_query("lua dong")
            every = find_candidates(session, query, Filters(), NOW, keep=10_000)
            for keep in (1, 10, 60):
                some = find_candidates(session, query, Filters(), NOW, keep=keep)
                best = sorted(every, key=lambda c: (score(c.relevance, c.age_days), c.id))
                lazily = sorted(some, key=lambda c: (score(c.relevance, c.age_days), c.id))
                assert lazily[-keep:] == best[-keep:]
                assert sum(a != b for a, b in zip(sorted(every, key=lambda c: c.id),
                                                  sorted(some, key=lambda c: c.id),
                                                  strict=True)) > 40  # fmt: skip
            assert [h.title for h in search_articles(session, "lua dong", now=NOW, limit=3)] == [
                "Lúa đồng quê số 399", "Lúa đồng quê số 392", "Lúa đồng quê số 385"]  # fmt: skip
    finally:
        engine.dispose()
