"""Opening the archive: the default SQLite file is created on first use, in WAL mode."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from storage import DEFAULT_DATABASE_URL, database_url, open_archive


def test_the_default_archive_is_data_tinbao_db(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TINBAO_DATABASE_URL", raising=False)
    assert database_url() == DEFAULT_DATABASE_URL == "sqlite:///data/tinbao.db"


def test_the_environment_names_the_archive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TINBAO_DATABASE_URL", "postgresql+psycopg://archive@db/tinbao")
    assert database_url() == "postgresql+psycopg://archive@db/tinbao"
    assert database_url("sqlite:///other.db") == "sqlite:///other.db"


def test_first_use_creates_the_folder_the_tables_and_wal(tmp_path: Path) -> None:
    path = tmp_path / "new" / "folder" / "tinbao.db"
    engine = open_archive(f"sqlite:///{path}")
    try:
        assert path.is_file()
        assert {"articles", "crawl_runs"} <= set(inspect(engine).get_table_names())
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
    finally:
        engine.dispose()


def test_opening_twice_keeps_the_data(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tinbao.db'}"
    first = open_archive(url)
    with first.begin() as connection:
        connection.execute(
            text("INSERT INTO crawl_runs (site, started_at, status, pages_fetched, articles_new, "
                 "articles_updated, duplicates, errors) "
                 "VALUES ('baocantho', '2026-11-23 03:00:00', 'running', 0, 0, 0, 0, 0)")
        )  # fmt: skip
    first.dispose()
    second = open_archive(url)
    with second.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM crawl_runs")).scalar_one() == 1
    second.dispose()
