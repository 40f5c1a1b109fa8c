"""Schema migrations: a new archive is created at the newest revision, an old one is upgraded
with its data, and an archive behind the code is refused with the command that fixes it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from scheduler.cli import main
from storage import ArchiveBehind, Base, head_revision, make_engine, open_archive, upgrade
from storage.schema import current_revision, ensure_current
from storage.search_index import include_name
from tests.conftest import POSTGRES_URL


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'archive.db'}")
    else:
        schema = request.getfixturevalue("postgres_schema")
        engine = make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
        with engine.begin() as connection:
            for table in inspect(connection).get_table_names():
                connection.execute(text(f'DROP TABLE IF EXISTS "{table}" CASCADE'))
    yield engine
    engine.dispose()


def foundation_archive(engine: Engine) -> None:
    """An archive as tinbao 0.1 left it: revision 0001's tables, no version table, one article."""
    upgrade(engine, "0001")
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))
        connection.execute(
            text(
                "INSERT INTO articles (site, url, title, body, content_hash, first_seen_at, "
                "last_seen_at) VALUES ('baocantho', 'https://baocantho.com.vn/a-a1.html', "
                "'Tiêu đề', 'Thân bài', 'abc', :now, :now)"
            ),
            {"now": datetime(2026, 11, 1, tzinfo=UTC).replace(tzinfo=None)},
        )


def test_migrations_build_exactly_the_models(empty: Engine) -> None:
    upgrade(empty)
    with empty.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": include_name})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_a_new_archive_is_created_at_the_newest_revision(tmp_path: Path) -> None:
    engine = open_archive(f"sqlite:///{tmp_path / 'new.db'}")
    with engine.connect() as connection:
        assert current_revision(connection) == head_revision()
        assert {"articles", "article_urls", "crawl_runs"} <= set(
            inspect(connection).get_table_names()
        )
    engine.dispose()


def test_an_archive_behind_the_code_is_refused_with_the_fix(empty: Engine) -> None:
    foundation_archive(empty)
    with pytest.raises(ArchiveBehind, match=r"revision 0001, .* run `tinbao db upgrade`"):
        ensure_current(empty)


def test_upgrading_the_foundation_archive_keeps_its_articles(empty: Engine) -> None:
    foundation_archive(empty)
    assert upgrade(empty) == ("0001", head_revision())
    with empty.connect() as connection:
        [row] = connection.execute(text("SELECT url, site FROM article_urls")).all()
        assert tuple(row) == ("https://baocantho.com.vn/a-a1.html", "baocantho")
        assert connection.execute(text("SELECT gone_at FROM articles")).scalar_one() is None
    assert upgrade(empty) == (head_revision(), head_revision())


def test_tinbao_db_upgrade_and_status(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    foundation_archive(engine)
    engine.dispose()
    assert main(["--database-url", url, "runs"]) == 2
    assert "run `tinbao db upgrade`" in capsys.readouterr().err
    assert main(["--database-url", url, "db", "status"]) == 1
    assert "schema revision 0001" in capsys.readouterr().out
    assert main(["--database-url", url, "db", "upgrade"]) == 0
    assert f"from schema revision 0001 to {head_revision()}" in capsys.readouterr().out
    assert main(["--database-url", url, "db", "status"]) == 0
    assert main(["--database-url", url, "runs"]) == 0
