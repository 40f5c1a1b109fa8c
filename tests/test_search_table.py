"""PostgreSQL's `articles_search` (revision 0024): an archive of revision 0019, whose vectors are
a column of `articles`, is upgraded with its vectors moved, not recomputed, and stays searchable;
the downgrade gives the column back; the trigger follows every write but a sighting."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text

from storage import make_engine, make_sessionmaker, search_articles, upgrade
from storage.schema import alembic_config
from tests.conftest import POSTGRES_URL
from tests.search_records import NOW

pytestmark = pytest.mark.postgres
STAMP = datetime(2026, 11, 1, tzinfo=UTC)
# what the trigger computes for an article, beside the row it holds
DIFFERENT = (
    "SELECT count(*) FROM articles AS a FULL JOIN articles_search AS s ON s.id = a.id WHERE "
    "s.id IS NULL OR a.id IS NULL OR s.published_at IS DISTINCT FROM a.published_at "
    "OR s.first_seen_at <> a.first_seen_at "
    "OR s.title_vector <> to_tsvector('simple', coalesce(tinbao_fold(a.title), '')) "
    "OR s.lead_vector <> to_tsvector('simple', coalesce(tinbao_fold(a.lead), '')) "
    "OR s.search_vector <> tinbao_search_vector(a.title, a.lead, a.body) "
    "|| array_to_tsvector(ARRAY['site:' || a.site])"
)


@pytest.fixture
def archive(postgres_schema: str) -> Iterator[Engine]:
    """An empty schema of this test's own."""
    schema = f"{postgres_schema}_table"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    yield engine
    engine.dispose()
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def store(engine: Engine, number: int, title: str, lead: str | None, body: str) -> None:
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO articles (site, url, title, lead, body, content_hash, published_at, "
                "first_seen_at, last_seen_at) VALUES ('baodanang', :url, :title, :lead, :body, "
                ":digest, :at, :at, :at)"
            ),
            {"url": f"https://baodanang.vn/a-{number}.html", "title": title, "lead": lead,
             "body": body, "digest": f"h{number}", "at": STAMP},
        )  # fmt: skip


def titles(engine: Engine, query: str) -> list[str]:
    with make_sessionmaker(engine)() as session:
        return [hit.title for hit in search_articles(session, query, now=NOW)]


def scalar(engine: Engine, statement: str) -> object:
    with engine.connect() as connection:
        return connection.execute(text(statement)).scalar()


def test_an_archive_at_0019_is_upgraded_with_its_vectors_moved(archive: Engine) -> None:
    upgrade(archive, "0019")
    store(archive, 1, "Đà Nẵng đón khách", "Du lịch biển.", "Thân bài về Hải Châu.")
    store(archive, 2, "Tin vắn", None, "Khách đến Đà Nẵng đông.")
    upgrade(archive)
    assert "search_vector" not in {c["name"] for c in inspect(archive).get_columns("articles")}
    assert scalar(archive, DIFFERENT) == 0
    assert titles(archive, "da nang") == ["Đà Nẵng đón khách", "Tin vắn"]  # title +3
    assert titles(archive, "hai chau") == ["Đà Nẵng đón khách"]
    store(archive, 3, "Bình Dương", None, "Khu công nghiệp.")  # the trigger indexes it
    assert titles(archive, "binh duong") == ["Bình Dương"]


def test_the_downgrade_gives_the_column_back(archive: Engine) -> None:
    upgrade(archive, "0019")
    store(archive, 1, "Đà Nẵng đón khách", "Du lịch biển.", "Thân bài.")
    upgrade(archive)
    with archive.begin() as connection:
        command.downgrade(alembic_config(connection), "0019")
    assert not inspect(archive).has_table("articles_search")
    found = "SELECT count(*) FROM articles WHERE search_vector @@ to_tsquery('simple', 'da & nang')"
    assert scalar(archive, found) == 1
    upgrade(archive)
    assert scalar(archive, DIFFERENT) == 0


def test_the_trigger_follows_writes_but_not_sightings(archive: Engine) -> None:
    upgrade(archive)
    store(archive, 1, "Đà Nẵng đón khách", "Du lịch biển.", "Thân bài.")
    store(archive, 2, "Tin vắn", None, "Khách đông.")
    version = "SELECT xmin::text FROM articles_search WHERE id = 1"
    before = scalar(archive, version)
    with archive.begin() as connection:
        connection.execute(text("UPDATE articles SET last_seen_at = now(), title = title"))
    assert scalar(archive, version) == before  # nothing indexed changed: the row is untouched
    with archive.begin() as connection:
        connection.execute(text("UPDATE articles SET lead = 'Mưa lớn.', published_at = NULL "
                                "WHERE id = 2"))  # fmt: skip
        connection.execute(text("UPDATE articles SET id = 10 WHERE id = 1"))
    assert scalar(archive, DIFFERENT) == 0
    assert titles(archive, "mua lon") == ["Tin vắn"]
    with archive.begin() as connection:
        connection.execute(text("DELETE FROM articles WHERE id = 10"))
    assert scalar(archive, "SELECT array_agg(id) FROM articles_search") == [2]
