"""Revision 0005: an archive made by an earlier tinbao (revision 0004) with articles in it is
upgraded and its articles become searchable; migrations and create_all build the same index."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, Engine, inspect, text

from scheduler.cli import main
from storage import (
    ArchiveBehind,
    Base,
    create_schema,
    head_revision,
    make_engine,
    make_sessionmaker,
    search_articles,
    upgrade,
)
from storage.schema import alembic_config, ensure_current
from tests.conftest import POSTGRES_URL
from tests.search_records import NOW


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'archive.db'}")
    else:
        schema = request.getfixturevalue("postgres_schema")
        engine = make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
        _drop_everything(engine)
    yield engine
    if request.param == "postgresql":
        _drop_everything(engine)
    engine.dispose()


def _drop_everything(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in inspect(connection).get_table_names():
            connection.execute(text(f'DROP TABLE IF EXISTS "{table}" CASCADE'))
        connection.execute(text("DROP FUNCTION IF EXISTS tinbao_search_vector(text, text, text)"))
        connection.execute(text("DROP FUNCTION IF EXISTS tinbao_fold(text)"))


def archive_at_0004(engine: Engine) -> None:
    """An archive as tinbao left it before search existed, with two articles."""
    upgrade(engine, "0004")
    rows = [
        ("baodanang", "https://baodanang.vn/a-1.html", "Đà Nẵng đón khách quốc tế", "h1"),
        ("baobinhduong", "https://baobinhduong.vn/a-2.html", "Bình Dương mở đường mới", "h2"),
    ]
    stamp = datetime(2026, 11, 1, tzinfo=UTC).replace(tzinfo=None)
    with engine.begin() as connection:
        for site, url, title, digest in rows:
            connection.execute(
                text(
                    "INSERT INTO articles (site, url, title, lead, body, content_hash, "
                    "published_at, first_seen_at, last_seen_at) VALUES (:site, :url, :title, "
                    "'Sapo.', 'Thân bài.', :digest, :at, :at, :at)"
                ),
                {"site": site, "url": url, "title": title, "digest": digest, "at": stamp},
            )


def titles(engine: Engine, query: str) -> list[str]:
    with make_sessionmaker(engine)() as session:
        return [hit.title for hit in search_articles(session, query, now=NOW)]


def test_an_archive_at_0004_is_refused_then_upgraded_and_searchable(empty: Engine) -> None:
    archive_at_0004(empty)
    with pytest.raises(ArchiveBehind, match="revision 0004"):
        ensure_current(empty)
    assert upgrade(empty) == ("0004", head_revision())
    assert titles(empty, "da nang") == ["Đà Nẵng đón khách quốc tế"]
    assert titles(empty, "binh duong") == ["Bình Dương mở đường mới"]
    with empty.begin() as connection:  # and articles written after the upgrade are indexed
        connection.execute(
            text(
                "INSERT INTO articles (site, url, title, body, content_hash, first_seen_at, "
                "last_seen_at) VALUES ('baocantho', 'https://baocantho.com.vn/a-3.html', "
                "'Cần Thơ mùa nước nổi', 'Thân bài.', 'h3', :at, :at)"
            ),
            {"at": datetime(2026, 11, 2)},
        )
    assert titles(empty, "can tho") == ["Cần Thơ mùa nước nổi"]


def test_downgrading_0005_removes_the_index(empty: Engine) -> None:
    archive_at_0004(empty)
    upgrade(empty)
    with empty.begin() as connection:
        command.downgrade(alembic_config(connection), "0004")
    assert _search_objects(empty) == {}
    upgrade(empty)
    assert titles(empty, "da nang") == ["Đà Nẵng đón khách quốc tế"]


def test_migrations_and_create_all_build_the_same_index(empty: Engine, tmp_path: Path) -> None:
    upgrade(empty)
    migrated = _search_objects(empty)
    if empty.dialect.name == "sqlite":
        other = make_engine(f"sqlite:///{tmp_path / 'created.db'}")
    else:
        _drop_everything(empty)
        other = empty
    create_schema(other)
    assert _search_objects(other) == migrated
    assert migrated  # not two empty sets
    Base.metadata.drop_all(other)
    functions = {k: v for k, v in migrated.items() if k.startswith("tinbao_")}
    left = {} if other.dialect.name == "sqlite" else functions
    assert _search_objects(other) == left  # on PostgreSQL the functions outlive the tables
    if other is not empty:
        other.dispose()


def _search_objects(engine: Engine) -> dict[str, str]:
    """The search index's objects and their definitions."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            return _sqlite_objects(connection)
        return _pg_objects(connection)


def _sqlite_objects(connection: Connection) -> dict[str, str]:
    rows = connection.execute(
        text(
            "SELECT name, sql FROM sqlite_master WHERE name LIKE 'articles_fts%' "
            "OR type = 'trigger' OR name = 'ix_articles_fts_time'"
        )
    )
    found = {name: sql or "" for name, sql in rows}
    config = connection.execute(text("SELECT k, v FROM articles_fts_config")).all() if found else []
    return found | {f"config {k}": str(v) for k, v in config}


def _pg_objects(connection: Connection) -> dict[str, str]:
    index = connection.execute(
        text("SELECT indexname, indexdef FROM pg_indexes WHERE indexname = 'ix_articles_search' "
             "AND schemaname = current_schema()")
    ).all()  # fmt: skip
    function = connection.execute(
        text("SELECT proname, prosrc FROM pg_proc WHERE proname LIKE 'tinbao%' "
             "AND pronamespace = current_schema()::regnamespace")
    ).all()  # fmt: skip
    column = connection.execute(
        text("SELECT column_name, generation_expression FROM information_schema.columns "
             "WHERE table_name = 'articles' AND table_schema = current_schema() "
             "AND is_generated = 'ALWAYS'")
    ).all()  # fmt: skip
    table = connection.execute(
        text("SELECT 'articles_search.' || column_name, data_type || ' ' || is_nullable "
             "FROM information_schema.columns WHERE table_name = 'articles_search' "
             "AND table_schema = current_schema()")
    ).all()  # fmt: skip
    triggers = connection.execute(
        text("SELECT tgname, pg_get_triggerdef(t.oid) FROM pg_trigger AS t JOIN pg_class AS c "
             "ON c.oid = t.tgrelid WHERE c.relname = 'articles' AND NOT t.tgisinternal "
             "AND c.relnamespace = current_schema()::regnamespace")
    ).all()  # fmt: skip
    objects = [*index, *function, *column, *table, *triggers]
    return {name: definition for name, definition in objects}


def test_tinbao_db_upgrade_makes_an_old_archive_searchable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    archive_at_0004(engine)
    engine.dispose()
    assert main(["--database-url", url, "search", "da", "nang"]) == 2
    assert "run `tinbao db upgrade`" in capsys.readouterr().err
    assert main(["--database-url", url, "db", "upgrade"]) == 0
    assert f"from schema revision 0004 to {head_revision()}" in capsys.readouterr().out
    assert main(["--database-url", url, "search", "da", "nang"]) == 0
    assert "Đà Nẵng đón khách quốc tế" in capsys.readouterr().out
