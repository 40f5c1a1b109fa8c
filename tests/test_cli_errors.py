"""The `tinbao` command's mistakes and failures (issue 12): read-only commands never create an
archive (item 2); a user's mistake is one line on stderr with exit status 2, never a traceback,
and output cut short by `| head` ends quietly (item 3); every command shows Vietnam time
(item 8). Most checks call `main` in-process; the real process is run where only it can show
the behaviour (the default archive path, a closed pipe)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.pool import pool_size
from scheduler.cli import main
from storage import RunCounts, finish_run, make_engine, make_sessionmaker, open_archive, start_run
from storage.engine import parse_database_url
from storage.export import COLUMNS, write_csv
from tests.conftest import POSTGRES_URL
from tests.search_records import DA_NANG, store

ROOT = Path(__file__).resolve().parents[1]
READ_ONLY = [["search", "da", "nang"], ["show", "1"], ["stats"], ["runs"],
             ["export", "--format", "jsonl"], ["schedule"], ["status"],
             ["db", "status"]]  # fmt: skip


@pytest.fixture(autouse=True)
def built_in_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TINBAO_SITES", raising=False)


@pytest.fixture
def url(tmp_path: Path) -> str:
    """An archive with one article and one finished crawl of baocantho."""
    url = f"sqlite:///{tmp_path / 'tinbao.db'}"
    engine = open_archive(url)
    with make_sessionmaker(engine).begin() as session:
        store(session, "baodanang", DA_NANG)
        run = start_run(session, "baocantho", started_at=datetime(2026, 11, 23, 3, 0, tzinfo=UTC))
        finish_run(session, run.id, finished_at=datetime(2026, 11, 23, 3, 5, tzinfo=UTC),
                   status="finished", counts=RunCounts(40, 12, 1, 2, 3))  # fmt: skip
    engine.dispose()
    return url


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("command", READ_ONLY, ids=" ".join)
def test_a_read_only_command_creates_no_archive(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    missing = tmp_path / "nowhere" / "data" / "tinbao.db"
    status, out, err = run(capsys, "--database-url", f"sqlite:///{missing}", *command)
    assert (status, out) == (1, "")
    assert err == (f"tinbao: no archive at {missing}: crawl first (scrapy crawl <site>), or give "
                   "--database-url / TINBAO_DATABASE_URL\n")  # fmt: skip
    assert not (tmp_path / "nowhere").exists()


def test_db_status_of_an_empty_file_is_no_archive(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    zeroed = tmp_path / "tinbao.db"
    zeroed.write_bytes(b"")
    assert run(capsys, "--database-url", f"sqlite:///{zeroed}", "db", "status") == (
        1, "", f"tinbao: {zeroed} is an empty file, not an archive\n"
    )  # fmt: skip
    assert zeroed.stat().st_size == 0
    empty = tmp_path / "empty.db"
    make_engine(f"sqlite:///{empty}").connect().close()  # an SQLite database, no tables
    status, _, err = run(capsys, "--database-url", f"sqlite:///{empty}", "db", "status")
    assert (status, err) == (1, f"tinbao: {empty} holds no tinbao archive (no articles table)\n")


def test_search_in_a_folder_without_an_archive_creates_none(tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TINBAO_")}
    done = subprocess.run([sys.executable, "-m", "scheduler.cli", "search", "x"], cwd=tmp_path,
                          env={**environment, "PYTHONPATH": str(ROOT)}, capture_output=True,
                          text=True, check=False)  # fmt: skip
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.splitlines() == [
        "tinbao: no archive at data/tinbao.db: crawl first (scrapy crawl <site>), or give "
        "--database-url / TINBAO_DATABASE_URL"
    ]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--database-url", "nonsense", "stats"], "tinbao: 'nonsense' is not a database URL"),
        (["--database-url", "mongodb://u:secret@h/db", "stats"],
         "tinbao: 'mongodb://u:***@h/db': unknown kind of database"),
        (["search", "da", "--site", "baocanto"], "unknown site 'baocanto'; did you mean baocan"),
        (["export", "--format", "csv", "--site", "baolaocaii"], "did you mean baolaocai?"),
        (["runs", "--site", "baocanto"], "tinbao: unknown site 'baocanto'; did you mean baoca"),
        (["crawl", "baocanto"], "tinbao: unknown site 'baocanto'; did you mean baocantho?"),
        (["backfill", "baobinhduog"], "did you mean baobinhduong"),
        (["reextract", "--site", "baocanto"], "did you mean baocantho?"),
        (["daemon", "--sites", "baocanto"], "did you mean baocantho?"),
        (["import", "--site", "baocanto", "."], "did you mean baocantho?"),
        (["sites", "--province", "Atlantis"], "no paper in the registry is of the province"),
        (["runs", "--limit", "0"], "tinbao: argument --limit: takes a number above zero, not 0"),
        (["export", "--format", "jsonl", "--limit", "-3"], "above zero, not -3"),
        (["search", "x", "--limit", "many"], "argument --limit: 'many' is not a whole number"),
        (["status", "--quiet-days", "-1"], "argument --quiet-days: takes a number above zero"),
        (["export", "--format", "csv", "-o", "/nonexistent-folder/a.csv"],
         "tinbao: --output '/nonexistent-folder/a.csv': there is no folder '/nonexistent-folder'"),
        (["export", "--format", "csv", "-o", "/tmp"], "tinbao: --output '/tmp' is a folder"),
        (["nosuchcommand"], "tinbao: argument COMMAND: invalid choice: 'nosuchcommand'"),
        # -1 was silently one per core; a million was a million processes started
        (["reextract", "--workers", "-1"], "argument --workers: takes 0 or more, not -1"),
        (["reextract", "--workers", "1000000"],
         f"argument --workers: takes at most {4 * pool_size()} (4 per core), not 1000000"),
        (["import", "x.warc", "--workers", "1000000"],
         f"argument --workers: takes at most {4 * pool_size()} (4 per core), not 1000000"),
        (["import", "x.warc", "--workers", "0"], "argument --workers: takes 1 or more, not 0"),
        (["reextract", "--workers", "many"], "argument --workers: 'many' is not a whole number"),
    ],
)  # fmt: skip
def test_a_mistake_is_one_line_and_status_2(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    warc = tmp_path / "warc"
    warc.mkdir()
    full = argv if argv[0] == "--database-url" else ["--database-url", url, *argv]
    if argv[0] == "reextract":
        full += ["--warc-dir", str(warc)]
    status, out, err = run(capsys, *full)
    assert (status, out) == (2, "")
    assert len(err.splitlines()) == 1 and err.startswith("tinbao: ") and message in err, err


def test_postgres_urls_mean_psycopg() -> None:
    assert parse_database_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    assert parse_database_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert parse_database_url("postgresql+psycopg://u@h/db").drivername == "postgresql+psycopg"


@pytest.mark.postgres
def test_a_postgres_url_connects(postgres_schema: str) -> None:
    short = POSTGRES_URL.replace("postgresql+psycopg://", "postgres://")
    engine = make_engine(short, connect_args={"connect_timeout": 3})
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT 1").scalar() == 1
    engine.dispose()


@pytest.mark.parametrize("reference", ["99999999999999999999999", "²", "-1", "not a url"])
def test_show_of_no_id_is_not_found_not_a_crash(
    url: str, capsys: pytest.CaptureFixture[str], reference: str
) -> None:
    assert run(capsys, "--database-url", url, "show", reference) == (
        1, "", f"no article in the archive has the id or URL {reference!r}\n"
    )  # fmt: skip


def test_output_cut_short_by_its_reader_ends_quietly(tmp_path: Path) -> None:
    """`tinbao sites --json | head -1`: exit status 141 (SIGPIPE) and nothing on stderr."""
    many = tmp_path / "sites.toml"
    many.write_text("".join(
        f'[sites.bao{n}]\nname = "Báo {n}"\nhome = "https://bao{n}.vn/"\n'
        f"article_url = '-a\\d+\\.html$'\nprovince = \"Hà Nội\"\nstatus = \"active\"\n"
        for n in range(400)
    ), "utf-8")  # fmt: skip
    environment = {**os.environ, "TINBAO_SITES": str(many), "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "scheduler.cli", "sites", "--json"],
                               env=environment, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()  # what `head -1` does after its line
    stderr = process.stderr.read().decode()
    assert process.wait() == 141, stderr
    assert json.loads(first)["key"] and stderr == ""


def test_every_command_shows_vietnam_time(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    shown = {}
    for command in (["runs"], ["stats"], ["search", "da", "nang"], ["schedule"], ["status"]):
        _, out, _ = run(capsys, "--database-url", url, *command)
        shown[command[0]] = out.splitlines()[0]
    assert all("(UTC+7)" in header and "(UTC)" not in header for header in shown.values()), shown
    _, out, _ = run(capsys, "--database-url", url, "runs")
    assert "2026-11-23 10:00:00" in out  # 03:00 UTC
    _, out, _ = run(capsys, "--database-url", url, "runs", "--json")
    started = datetime.fromisoformat(json.loads(out)["started_at"])
    assert started.utcoffset() == timedelta(0) and started.hour == 3  # ISO 8601, with offset
    _, out, _ = run(capsys, "--database-url", url, "search", "da", "nang", "--json")
    assert json.loads(out)["published_at"].endswith("+00:00")


def test_csv_cells_a_spreadsheet_would_run_are_neutralised() -> None:
    titles = ('=HYPERLINK("http://x")', "+84 912", "-5 độ", "@SUM(A1)", "\tx", "\rx", "Đà Nẵng")
    rows = [{**dict.fromkeys(COLUMNS), "id": 1, "title": title, "body": "x =1+1 is fine"}
            for title in titles]  # fmt: skip
    out = io.StringIO()
    write_csv(rows, out)
    read = [row["title"] for row in csv.DictReader(io.StringIO(out.getvalue()))]
    assert read == ["'=HYPERLINK(\"http://x\")", "'+84 912", "'-5 độ", "'@SUM(A1)", "'\tx",
                      "'\rx", "Đà Nẵng"]  # fmt: skip
    assert "x =1+1 is fine" in out.getvalue()
