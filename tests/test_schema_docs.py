"""The example queries of docs/schema.md and docs/search.md give the answers their text promises,
on an archive with a few articles, copies and crawls (tests/test_docs.py checks that every SQL
block runs); the PostgreSQL ones run on PostgreSQL."""

from __future__ import annotations

import re
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from storage import RunCounts, finish_run, make_sessionmaker, open_archive, start_run
from tests.search_records import BINH_DUONG, DA_NANG, DA_NANG_STONE, NOW, Record, store

DOCS = Path(__file__).resolve().parents[1] / "docs"


def blocks(name: str, language: str = "sql") -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", (DOCS / name).read_text("utf-8"), re.DOTALL)


def example(name: str, needle: str, language: str = "sql") -> str:
    [query] = [block for block in blocks(name, language) if needle in block]
    return query


def fill(session: Session) -> None:
    store(session, "baodanang", DA_NANG)
    store(session, "baocantho", DA_NANG_STONE)
    store(session, "baobinhduong", BINH_DUONG)
    rain = Record("https://baodanang.vn/mua-lon-a9.html", "Mưa lớn ở Đà Nẵng", "Ngập sâu.",
                  published_at=NOW - timedelta(days=2))  # fmt: skip
    store(session, "baodanang", rain)
    copy = Record("https://baoquangnam.vn/copy-a1.html", "Bản sao", DA_NANG.body)
    store(session, "baoquangnam", copy)  # the same text on another site: one article, two URLs
    run = start_run(session, "baocantho", started_at=NOW - timedelta(hours=1))
    counts = RunCounts(pages_fetched=5, articles_new=1, errors=2)
    finish_run(session, run.id, finished_at=NOW, status="finished", counts=counts)
    session.commit()


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "tinbao.db"
    engine = open_archive(f"sqlite:///{path}")
    with make_sessionmaker(engine)() as session:
        fill(session)
    engine.dispose()
    return path


def run(archive: Path, query: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(archive) as connection:
        return connection.execute(query).fetchall()


def test_latest_of_a_province(archive: Path) -> None:
    rows = run(archive, example("schema.md", "baosoctrang"))
    assert [row[2] for row in rows] == [DA_NANG_STONE.title]


def test_search_examples(archive: Path) -> None:
    rows = run(archive, example("schema.md", "MATCH 'da nang'"))
    assert {row[2] for row in rows} == {DA_NANG.title, DA_NANG_STONE.title, "Mưa lớn ở Đà Nẵng"}
    rows = run(archive, example("schema.md", "{title} :"))
    assert [row[1] for row in rows] == ["Mưa lớn ở Đà Nẵng", DA_NANG.title]


def test_copies_of_a_story(archive: Path) -> None:
    rows = run(archive, example("schema.md", "HAVING count(*) > 1"))
    assert [(row[2], row[3], row[4]) for row in rows] == [
        (DA_NANG.title, "baodanang", DA_NANG.url),
        (DA_NANG.title, "baoquangnam", "https://baoquangnam.vn/copy-a1.html"),
    ]


def test_crawl_health(archive: Path) -> None:
    rows = run(archive, example("schema.md", "LEFT JOIN crawl_runs"))
    health = {row[0]: row for row in rows}
    assert health["baocantho"][1:2] == (1,) and health["baocantho"][4:] == ("finished", 2)
    assert health["baodanang"][1] == 2 and health["baodanang"][3] is None


def test_the_search_doc_examples_run(archive: Path) -> None:
    search = "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'hai chau'"
    rows = run(archive, example("search.md", "binh duong"))
    assert [row[2] for row in rows] == [BINH_DUONG.title]
    run(archive, example("search.md", "delete-all"))
    assert run(archive, search) == [(0,)]
    run(archive, example("search.md", "SELECT id, replace("))  # the rebuild
    assert run(archive, search) == [(1,)]
    assert blocks("search.md") == [
        example("search.md", n) for n in ("binh", "delete-", "SELECT id")
    ]


def test_postgresql_examples(engine: Engine, session: Session) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("the PostgreSQL examples")
    fill(session)
    queries = blocks("schema.md", "postgresql") + blocks("search.md", "postgresql")
    assert queries
    for query in queries:
        session.execute(text(query.replace(":", r"\:")))
    rows = session.execute(text(example("schema.md", "plainto_tsquery", "postgresql"))).all()
    assert [row.title for row in rows] == ["Mưa lớn ở Đà Nẵng", DA_NANG_STONE.title, DA_NANG.title]
