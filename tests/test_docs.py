"""Docs that cannot drift: the schema's SQL examples run, the registry doc's example loads, and
every `tinbao` command is documented in the README."""

from __future__ import annotations

import argparse
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.extraction import Article
from crawler.registry import load_registry
from scheduler.cli import parser
from storage import RunCounts, finish_run, make_sessionmaker, open_archive, save_article, start_run

DOCS = Path(__file__).resolve().parents[1] / "docs"
README = DOCS.parent / "README.md"


def blocks(path: Path, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", path.read_text("utf-8"), re.DOTALL)


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "tinbao.db"
    engine = open_archive(f"sqlite:///{path}")
    now = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
    with make_sessionmaker(engine).begin() as session:
        article = Article(url="https://baocantho.com.vn/a-a1.html", title="Mùa lúa mới",
                          body="Đoạn một.", authors=("P.Y",), published_at=now)  # fmt: skip
        save_article(session, "baocantho", article, now=now)
        run = start_run(session, "baocantho", started_at=now)
        finish_run(session, run.id, finished_at=now, status="finished", counts=RunCounts(3, 1))
    engine.dispose()
    return path


@pytest.mark.parametrize("number", range(len(blocks(DOCS / "schema.md", "sql"))))
def test_schema_examples_run(archive: Path, number: int) -> None:
    query = blocks(DOCS / "schema.md", "sql")[number]
    with sqlite3.connect(archive) as connection:
        connection.execute(query).fetchall()


def test_schema_documents_every_column(archive: Path) -> None:
    text = (DOCS / "schema.md").read_text("utf-8")
    with sqlite3.connect(archive) as connection:
        tables = [
            n for (n,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        for table in tables:
            for column in connection.execute(f"PRAGMA table_info({table})"):
                assert f"`{column[1]}`" in text, f"{table}.{column[1]} is not in docs/schema.md"
            assert f"## `{table}`" in text, f"table {table} is not in docs/schema.md"


def test_the_registry_doc_example_loads(tmp_path: Path) -> None:
    [example] = blocks(DOCS / "registry.md", "toml")
    path = tmp_path / "mysites.toml"
    path.write_text(example, "utf-8")
    sites = load_registry(path)
    assert sites["nhandan"].is_article_url("https://nhandan.vn/tin-moi-post123456.html")
    assert sites["baocantho"].interval.text == "10m"


def test_every_command_is_in_the_readme() -> None:
    readme = README.read_text("utf-8")
    root = parser()
    [commands] = [a for a in root._actions if isinstance(a, argparse._SubParsersAction)]
    for name in commands.choices:
        assert f"tinbao {name}" in readme, f"`tinbao {name}` is not in the README"
