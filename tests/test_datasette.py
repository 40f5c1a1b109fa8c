"""Datasette on the archive: `datasette data/tinbao.db` finds `articles_fts` by itself (an FTS
table with content="articles") and its search box folds Vietnamese. Tested by starting Datasette
on 127.0.0.1 and asking its JSON API; skipped when Datasette is not installed."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from storage import make_sessionmaker, open_archive
from tests.search_records import BINH_DUONG, DA_NANG, DA_NANG_STONE, store

pytest.importorskip("datasette", reason="datasette is not installed (pip install -e '.[dev]')")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def datasette(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Datasette serving a small archive `tinbao.db`; its base URL."""
    database = tmp_path_factory.mktemp("datasette") / "tinbao.db"
    engine = open_archive(f"sqlite:///{database}")
    with make_sessionmaker(engine).begin() as session:
        for site, record in [("baodanang", DA_NANG), ("baocantho", DA_NANG_STONE),
                             ("baobinhduong", BINH_DUONG)]:  # fmt: skip
            store(session, site, record)
    engine.dispose()
    port = free_port()
    command = [sys.executable, "-m", "datasette", "serve", str(database), "--host", "127.0.0.1",
               "--port", str(port)]  # fmt: skip
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                get(base, "/-/versions.json")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    error = server.stderr.read().decode() if server.stderr else ""
                    pytest.fail(f"Datasette did not start: {error[-2000:]}")
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def get(base: str, path: str, **params: str) -> Any:
    query = f"?{urllib.parse.urlencode(params)}" if params else ""
    with urllib.request.urlopen(f"{base}{path}{query}", timeout=5) as response:
        return json.load(response)


def titles(rows: list[dict[str, Any]]) -> set[str]:
    return {row["title"] for row in rows}


def test_the_tables_are_there(datasette: str) -> None:
    tables = {table["name"] for table in get(datasette, "/tinbao.json")["tables"]}
    assert {"articles", "article_urls", "crawl_runs", "articles_fts"} <= tables


def test_the_search_box_on_articles_folds(datasette: str) -> None:
    rows = get(datasette, "/tinbao/articles.json", _search="da nang", _shape="array")
    assert titles(rows) == {DA_NANG.title, DA_NANG_STONE.title}
    rows = get(datasette, "/tinbao/articles.json", _search="binh duong", _shape="array")
    assert titles(rows) == {BINH_DUONG.title}
    rows = get(datasette, "/tinbao/articles.json", _search="Bình Dương", _shape="array")
    assert titles(rows) == {BINH_DUONG.title}  # tone marks fold too; only đ must be typed as d


def test_the_fts_table_and_sql(datasette: str) -> None:
    rows = get(datasette, "/tinbao/articles_fts.json", _search="hai chau", _shape="array")
    assert titles(rows) == {DA_NANG.title}
    sql = ("SELECT a.title FROM articles_fts JOIN articles AS a ON a.id = articles_fts.rowid "
           "WHERE articles_fts MATCH :q ORDER BY rank")  # fmt: skip
    rows = get(datasette, "/tinbao.json", sql=sql, q="do trong", _shape="array")
    assert titles(rows) == {BINH_DUONG.title}
