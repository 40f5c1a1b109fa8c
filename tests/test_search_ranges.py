"""The blocks of ids of PostgreSQL's GIN index (storage/search_ranges.py, revision 0025): a range
is covered by few blocks, every id of it is in one, and SQL's tinbao_id_ranges() says the same
blocks as Python's cover(); an archive of revision 0024 gets the index and can go back."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import Engine, text

from storage import make_engine, make_sessionmaker, search_articles, upgrade
from storage.schema import alembic_config
from storage.search_ranges import PG_ID_RANGES, blocks, cover
from tests.conftest import POSTGRES_URL
from tests.search_records import NOW


def ids_of(found: list[tuple[int, int]]) -> set[int]:
    return {
        i for level, number in found for i in range(number * 10**level, (number + 1) * 10**level)
    }


def test_a_range_is_covered_by_the_largest_aligned_blocks() -> None:
    assert blocks(0, 999) == [(3, 0)]
    assert blocks(1, 1) == [(3, 0)]
    assert blocks(123_000, 123_999) == [(3, 123)]
    assert blocks(990_000, 1_000_999) == [(4, 99), (3, 1000)]
    assert blocks(0, 2_345_678) == [(6, 0), (6, 1), (5, 20), (5, 21), (5, 22), (4, 230),
                                    (4, 231), (4, 232), (4, 233), (3, 2340), (3, 2341),
                                    (3, 2342), (3, 2343), (3, 2344), (3, 2345)]  # fmt: skip
    assert cover(4_500, 10_999) == "'i3:4' | 'i3:5' | 'i3:6' | 'i3:7' | 'i3:8' | 'i3:9' | 'i3:10'"


def test_every_id_of_a_range_is_in_its_blocks_and_few_others() -> None:
    pick = random.Random(3)
    for _ in range(300):
        lo = pick.randrange(0, 3_000_000)
        hi = lo + pick.choice([0, 5, 999, 1_000, 40_000, 700_000, 2_000_000])
        found = blocks(lo, hi)
        assert len(found) <= 2 * 9 * 3 + 9 + 2
        covered = ids_of(found) if hi - lo < 50_000 else None
        if covered is not None:
            assert set(range(lo, hi + 1)) <= covered
            assert len(covered) < hi - lo + 1 + 2_000  # at most a block of 1,000 on each side
        spans = sorted((n * 10**lv, (n + 1) * 10**lv - 1) for lv, n in found)
        assert spans[0][0] <= lo and spans[-1][1] >= hi
        assert all(a[1] + 1 == b[0] for a, b in itertools.pairwise(spans))


@pytest.fixture
def connection(postgres_schema: str) -> Iterator[Engine]:
    engine = make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={postgres_schema}"})
    with engine.begin() as connection:
        connection.execute(text(PG_ID_RANGES))
    yield engine
    engine.dispose()


@pytest.mark.postgres
def test_sql_puts_each_id_in_the_blocks_python_covers(connection: Engine) -> None:
    pick = random.Random(5)
    matching = text(
        "SELECT array_agg(n ORDER BY n) FROM generate_series(CAST(:a AS integer), :b) AS n "
        "WHERE tinbao_id_ranges(n) @@ CAST(:ranges AS tsquery)"
    )
    with connection.connect() as db:
        assert db.scalar(text("SELECT tinbao_id_ranges(1234567)")) == (
            "'i3:1234' 'i4:123' 'i5:12' 'i6:1'"
        )
        for lo, hi in [(1, 1), (999, 1_001), (123_456, 131_000), (5, 2_100)] + [
            (lo, lo + pick.randrange(0, 30_000)) for lo in pick.sample(range(1_200_000), 6)
        ]:
            a, b = max(1, lo - 3_000), hi + 3_000  # ids are positive
            found = db.scalar(matching, {"a": a, "b": b, "ranges": cover(lo, hi)})
            assert set(found) == ids_of(blocks(lo, hi)) & set(range(a, b + 1))


@pytest.mark.postgres
def test_0025_indexes_the_blocks_and_its_downgrade_the_words_alone(empty_postgres_url: str) -> None:
    engine = make_engine(empty_postgres_url)
    definition = (
        "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_articles_search' "
        "AND schemaname = current_schema()"
    )
    try:
        upgrade(engine, "0024")
        with engine.begin() as db:
            db.execute(
                text(
                    "INSERT INTO articles (site, url, title, body, content_hash, first_seen_at, "
                    "last_seen_at) SELECT 'baodanang', 'https://baodanang.vn/a-' || n, "
                    "'Đà Nẵng số ' || n, 'Thân bài', md5(n::text), now(), now() "
                    "FROM generate_series(1, 30) AS n"
                )
            )
        upgrade(engine)
        with engine.connect() as db:
            assert "gin (search_vector, tinbao_id_ranges(id))" in db.scalar(text(definition))
        with make_sessionmaker(engine)() as session:
            hits = search_articles(session, "da nang", now=NOW, limit=50)
            assert len(hits) == 30
        with engine.begin() as db:
            command.downgrade(alembic_config(db), "0024")
        with engine.connect() as db:
            assert db.scalar(text(definition)).endswith("gin (search_vector)")
            assert db.scalar(text("SELECT count(*) FROM pg_proc WHERE proname = "
                                  "'tinbao_id_ranges' AND pronamespace = "
                                  "current_schema()::regnamespace")) == 0  # fmt: skip
    finally:
        engine.dispose()
