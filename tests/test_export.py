"""`tinbao export`: JSON lines, CSV and Parquet that read back to the stored articles, filters,
a progress bar only on a terminal, and memory that does not grow with the number of rows."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import sys
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from scheduler.cli import main
from storage import Article, make_engine, make_sessionmaker, open_archive
from storage.export import (
    BATCH,
    COLUMNS,
    Selection,
    count_articles,
    iter_articles,
    write_jsonl,
)
from tests.search_records import BINH_DUONG, DA_NANG, DA_NANG_STONE, Record, store

MULTILINE = Record(
    "https://baocantho.com.vn/b-9.html", 'Tiêu đề có "ngoặc kép", dấu phẩy',
    "Dòng một.\nDòng hai, có dấu phẩy.", published_at=datetime(2026, 11, 22, tzinfo=UTC),
)  # fmt: skip


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'tinbao.db'}"
    engine = open_archive(url)
    with make_sessionmaker(engine).begin() as session:
        for site, record in [("baodanang", DA_NANG), ("baocantho", DA_NANG_STONE),
                             ("baobinhduong", BINH_DUONG), ("baocantho", MULTILINE)]:  # fmt: skip
            store(session, site, record)
    engine.dispose()
    return url


def export(url: str, *args: str) -> int:
    return main(["--database-url", url, "export", *args])


def test_jsonl_to_stdout(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert export(url, "--format", "jsonl") == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in records] == [1, 2, 3, 4]
    assert list(records[0]) == list(COLUMNS)
    assert records[0]["title"] == DA_NANG.title and records[0]["body"] == DA_NANG.body
    assert records[0]["published_at"] == "2026-11-01T03:00:00+00:00"


def test_csv_to_a_file(url: str, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    assert export(url, "--format", "csv", "--output", str(target), "--site", "baocantho") == 0
    with target.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["url"] for r in rows] == [DA_NANG_STONE.url, MULTILINE.url]
    assert rows[1]["title"] == MULTILINE.title and rows[1]["body"] == MULTILINE.body
    assert rows[0]["lead"] == DA_NANG_STONE.lead and rows[1]["lead"] == ""


def test_parquet(url: str, tmp_path: Path) -> None:
    target = tmp_path / "out.parquet"
    assert export(url, "--format", "parquet", "-o", str(target), "--since", "2026-01-01") == 0
    table = pq.read_table(target)
    assert table.column_names == list(COLUMNS)
    assert table.num_rows == 3
    assert str(table.schema.field("published_at").type) == "timestamp[us, tz=UTC]"
    assert str(table.schema.field("id").type) == "int64"
    assert {str(table.schema.field(c).type) for c in ("title", "body")} == {"string"}
    rows = table.to_pylist()
    assert rows[0]["title"] == DA_NANG.title
    assert rows[0]["published_at"] == datetime(2026, 11, 1, 3, 0, tzinfo=UTC)


def test_filters_and_limit(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    export(url, "--format", "jsonl", "--province", "Cần Thơ", "--until", "2026-11-20")
    assert [json.loads(line)["url"] for line in capsys.readouterr().out.splitlines()] == [
        DA_NANG_STONE.url
    ]
    export(url, "--format", "jsonl", "--limit", "2")
    assert len(capsys.readouterr().out.splitlines()) == 2


def test_parquet_is_not_written_to_a_terminal(
    url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert export(url, "--format", "parquet") == 2
    assert "Parquet is binary: give --output FILE" in capsys.readouterr().err


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_an_interrupted_export_leaves_no_half_file(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """-o FILE is written beside FILE and renamed only when complete: an export stopped half
    way (Ctrl-C here; kill -9 alike) leaves the previous FILE as it was, and no stray part."""
    target = tmp_path / "out.jsonl"
    target.write_text("the export of yesterday\n", "utf-8")

    def half_then_interrupted(rows: Any, out: Any, progress: Any = None) -> int:
        out.write(json.dumps(next(iter(rows)), default=str) + "\n")
        raise KeyboardInterrupt

    monkeypatch.setattr("storage.export.write_jsonl", half_then_interrupted)
    assert export(url, "--format", "jsonl", "-o", str(target)) == 130
    assert target.read_text("utf-8") == "the export of yesterday\n"
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("tinbao.db")] == [
        "out.jsonl"
    ]
    monkeypatch.undo()
    assert export(url, "--format", "jsonl", "-o", str(target)) == 0
    assert len(target.read_text("utf-8").splitlines()) == 4
    assert target.stat().st_mode & 0o777 == 0o666 & ~_umask()  # not mkstemp's private mode


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_progress_bar_only_on_a_terminal(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    export(url, "--format", "jsonl", "-o", str(tmp_path / "a.jsonl"))
    assert capsys.readouterr().err == ""  # stderr is not a terminal
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr("storage.export.BATCH", 2)  # a tick every 2 rows
    export(url, "--format", "csv", "-o", str(tmp_path / "b.csv"))
    drawn = terminal.getvalue()  # tqdm's bar, from 0 to 4 of 4, and the line ended
    assert "  0%|" in drawn and "| 0/4 [" in drawn and "100%|" in drawn and "| 4/4 [" in drawn
    assert drawn.endswith("articles/s]\n"), drawn
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    terminal.truncate(0)
    export(url, "--format", "jsonl")  # the articles themselves go to the terminal: no bar
    assert terminal.getvalue() == ""


def test_streaming_on_both_backends(session: Session) -> None:
    now = datetime(2026, 11, 1, tzinfo=UTC)
    rows = [{"site": "baocantho", "url": f"https://x.vn/{n}", "title": f"Tin {n}", "body": "B.",
             "content_hash": f"h{n}", "first_seen_at": now, "last_seen_at": now}
            for n in range(2500)]  # fmt: skip
    session.execute(insert(Article), rows)
    session.commit()
    wanted = Selection(sites=["baocantho"])
    assert count_articles(session, wanted) == 2500
    streamed = iter_articles(session, wanted)
    first = next(streamed)
    if session.get_bind().dialect.name == "postgresql":  # read through a server-side cursor
        cursors = session.execute(text("SELECT count(*) FROM pg_cursors")).scalar_one()
        assert cursors == 1
    ids = [first["id"], *(row["id"] for row in streamed)]
    assert ids == sorted(ids) and len(ids) == 2500
    newest = list(iter_articles(session, Selection(limit=3), newest_first=True))
    assert len(newest) == 3


FETCHES: list[tuple[str, int]] = []


class CountingCursor(sqlite3.Cursor):
    """Records how many rows each fetch from the database returned."""

    def fetchmany(self, size: int | None = 1) -> list[Any]:
        rows = super().fetchmany(size)
        FETCHES.append(("fetchmany", len(rows)))
        return rows

    def fetchall(self) -> list[Any]:
        rows = super().fetchall()
        FETCHES.append(("fetchall", len(rows)))
        return rows


class CountingConnection(sqlite3.Connection):
    def cursor(self, factory: Any = CountingCursor) -> Any:
        return super().cursor(factory)


def test_rows_are_fetched_in_batches(tmp_path: Path) -> None:
    database = tmp_path / "tinbao.db"
    open_archive(f"sqlite:///{database}").dispose()
    _fill(database, 2 * BATCH + 500)
    engine = make_engine(f"sqlite:///{database}", connect_args={"factory": CountingConnection})
    with make_sessionmaker(engine)() as session:
        FETCHES.clear()
        streamed = iter_articles(session, Selection())
        next(streamed)
        assert sum(n for _, n in FETCHES) <= BATCH  # one batch read for the first row
        assert sum(1 for _ in streamed) == 2 * BATCH + 499
    engine.dispose()
    assert {kind for kind, _ in FETCHES} == {"fetchmany"}  # never everything at once
    assert max(n for _, n in FETCHES) == BATCH and sum(n for _, n in FETCHES) == 2 * BATCH + 500


class Sink(io.StringIO):
    """Counts what it is given and keeps none of it."""

    def write(self, text: str) -> int:
        return len(text)


def _fill(database: Path, count: int) -> None:
    with sqlite3.connect(database) as connection:
        connection.executemany(
            "INSERT INTO articles (site, url, title, body, content_hash, first_seen_at, "
            "last_seen_at) VALUES ('baocantho', ?, ?, ?, ?, '2026-11-01', '2026-11-01')",
            ((f"https://x.vn/{n}", f"Tin {n}", "Thân bài. " * 40, f"h{n}") for n in range(count)),
        )


def test_memory_does_not_grow_with_rows(tmp_path: Path) -> None:
    peaks: dict[int, int] = {}
    for count in (1_500, 7_500):
        database = tmp_path / f"{count}.db"
        engine = open_archive(f"sqlite:///{database}")
        _fill(database, count)
        with make_sessionmaker(engine)() as session:
            tracemalloc.start()
            written = write_jsonl(iter_articles(session, Selection()), Sink())
            peaks[count] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        engine.dispose()
        assert written == count
    assert peaks[7_500] < 1.5 * peaks[1_500], peaks  # about 2.5 MB either way
