"""PostgreSQL: an archive in a schema of its own can be queried from a session whose search_path
does not name that schema (planning a query on `articles` inlines the search index's expression),
archives made by the migrations and from the models define the search alike, and a session open
across the migration keeps planning searches with the index."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import Connection, Engine, text

from storage import create_schema, make_engine, upgrade
from storage.schema import alembic_config
from tests.conftest import POSTGRES_URL

pytestmark = pytest.mark.postgres
DEFINITION = (
    "SELECT pg_get_functiondef(p.oid) FROM pg_proc AS p JOIN pg_namespace AS n "
    "ON n.oid = p.pronamespace WHERE p.proname = 'tinbao_search_vector' AND n.nspname = :schema"
)


def in_schema(schema: str) -> Engine:
    return make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})


@pytest.fixture
def schemas(postgres_schema: str) -> Iterator[tuple[str, str]]:
    """Two new schemas: one archive made by the migrations, one from the models."""
    names = (f"{postgres_schema}_migrated", f"{postgres_schema}_models")
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as connection:
        for name in names:
            connection.execute(text(f'CREATE SCHEMA "{name}"'))
    migrated, models = in_schema(names[0]), in_schema(names[1])
    upgrade(migrated)
    create_schema(models)
    migrated.dispose()
    models.dispose()
    yield names
    with admin.begin() as connection:
        for name in names:
            connection.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
    admin.dispose()


def test_the_archive_is_queried_from_another_search_path(schemas: tuple[str, str]) -> None:
    elsewhere = make_engine(POSTGRES_URL, connect_args={"options": "-csearch_path=public"})
    try:
        with elsewhere.connect() as connection:
            for schema in schemas:
                count = f'SELECT count(*) FROM "{schema}".articles WHERE site = :site'
                assert connection.execute(text(count), {"site": "baocantho"}).scalar() == 0
                search = (
                    f'SELECT count(*) FROM "{schema}".articles AS a WHERE '
                    f'"{schema}".tinbao_search_vector(a.title, a.lead, a.body) @@ '
                    f"plainto_tsquery('simple', \"{schema}\".tinbao_fold('Đà Nẵng'))"
                )
                assert connection.execute(text(search)).scalar() == 0
    finally:
        elsewhere.dispose()


def test_migrations_and_models_define_the_search_alike(schemas: tuple[str, str]) -> None:
    admin = make_engine(POSTGRES_URL)
    try:
        with admin.connect() as connection:
            migrated, models = (
                connection.execute(text(DEFINITION), {"schema": schema}).scalar()
                for schema in schemas
            )
    finally:
        admin.dispose()
    assert migrated is not None and models is not None and "search_path" in migrated
    assert migrated.replace(schemas[0], "S") == models.replace(schemas[1], "S")


PLAN = (
    "EXPLAIN SELECT a.id FROM articles AS a WHERE tinbao_search_vector(a.title, a.lead, a.body) "
    "@@ to_tsquery('simple', 'da <-> nang')"
)


def plan(connection: Connection) -> str:
    return "\n".join(connection.execute(text(PLAN)).scalars())


@pytest.mark.parametrize(
    ("start", "end"), [("0006", "0007"), ("0007", "0006")], ids=["upgrade", "downgrade"]
)
def test_a_session_open_across_0007_keeps_using_the_index(
    postgres_schema: str, start: str, end: str
) -> None:
    """Replacing the function changes the index's expression as a query inlines it; a session
    that had cached the old one would plan every search as a sequential scan."""
    schema = f"{postgres_schema}_open"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    migrator, reader = in_schema(schema), in_schema(schema)
    try:
        upgrade(migrator, start)
        with reader.connect() as session:
            session.execute(text("SET enable_seqscan = off"))  # the table is empty
            assert "ix_articles_search" in plan(session)
            session.commit()
            if end > start:
                upgrade(migrator, end)
            else:
                with migrator.begin() as connection:
                    command.downgrade(alembic_config(connection), end)
            assert "ix_articles_search" in plan(session)
    finally:
        migrator.dispose()
        reader.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
