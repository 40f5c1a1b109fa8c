"""`tinbao search`: a readable table, JSON lines, filters by site, province and date, and clear
messages instead of tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from scheduler.cli import main
from scheduler.commands.common import UsageError
from scheduler.commands.selection import parse_time, province_key
from storage import make_sessionmaker, open_archive
from tests.search_records import BINH_DUONG, DA_NANG, DA_NANG_STONE, store


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'tinbao.db'}"
    engine = open_archive(url)
    with make_sessionmaker(engine).begin() as session:
        store(session, "baodanang", DA_NANG)
        store(session, "baocantho", DA_NANG_STONE)
        store(session, "baobinhduong", BINH_DUONG)
    engine.dispose()
    return url


def search(url: str, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["--database-url", url, "search", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_a_table(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = search(url, capsys, "Đà", "Nẵng")
    assert status == 0
    lines = out.splitlines()
    assert lines[0].split() == ["id", "published", "(UTC+7)", "site", "title"]
    assert "2026-11-01 10:00" in lines[1] and "baodanang" in lines[1]
    assert "Đà Nẵng mưa lớn, nhiều tuyến đường ngập" in lines[1]
    assert "baocantho" in lines[2]
    assert "tinbao show ID" in out


def test_json_lines(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = search(url, capsys, "binh duong", "--json")
    [record] = [json.loads(line) for line in out.splitlines()]
    assert status == 0
    assert record["title"] == "Bình Dương phát triển công nghiệp"
    assert record["url"] == BINH_DUONG.url
    assert record["published_at"] == "2024-01-05T02:00:00+00:00"
    assert set(record) == {"id", "site", "url", "title", "lead", "published_at", "score", "exact"}


def test_filters(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = search(url, capsys, "da nang", "--site", "baocantho", "--json")
    assert [json.loads(line)["site"] for line in out.splitlines()] == ["baocantho"]
    _, out, _ = search(url, capsys, "da nang", "--province", "da nang", "--json")
    assert [json.loads(line)["site"] for line in out.splitlines()] == ["baodanang"]
    _, out, _ = search(url, capsys, "binh duong", "--province", "Hồ Chí Minh", "--json")
    assert len(out.splitlines()) == 1  # Bình Dương is part of TP Hồ Chí Minh since 2025
    _, out, _ = search(url, capsys, "da nang", "--since", "2026-11-10", "--json")
    assert [json.loads(line)["site"] for line in out.splitlines()] == ["baocantho"]
    _, out, _ = search(url, capsys, "da nang", "--until", "2026-11-01", "--json")
    assert [json.loads(line)["site"] for line in out.splitlines()] == ["baodanang"]


def test_nothing_found_is_no_error_but_says_so(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert search(url, capsys, "tam giac mach") == (0, "", "no article matches 'tam giac mach'\n")
    assert search(url, capsys, "tam giac mach", "--json")[:2] == (0, "")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (['"da nang'], "could not understand the query '\"da nang': a quote"),
        (["(( ))"], "it has no words to search for"),
        (["da", "--since", "31/12/2026"], "--since takes a day"),
        (["da", "--since", "2026-12-01", "--until", "2026-11-01"], "is not before --until"),
        (["da", "--province", "Atlantis"], "no paper in the registry is of the province"),
        (["da", "--limit", "0"], "argument --limit: takes a number above zero, not 0"),
        (["da", "--limit", "-5"], "argument --limit: takes a number above zero, not -5"),
        (["da", "--site", "baocanto"], "unknown site 'baocanto'; did you mean baocantho?"),
    ],
)
def test_mistakes_get_a_message_not_a_traceback(
    url: str, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    status, out, err = search(url, capsys, *args)
    assert status == 2 and out == ""
    assert err.startswith("tinbao: ") and message in err
    assert "Traceback" not in err


def test_days_are_vietnam_days() -> None:
    assert parse_time("2026-01-31", "--since").isoformat() == "2026-01-30T17:00:00+00:00"
    assert parse_time("2026-01-31", "--until", end=True).isoformat() == "2026-01-31T17:00:00+00:00"
    assert parse_time("2026-01-31T08:00", "--since").isoformat() == "2026-01-31T01:00:00+00:00"
    assert parse_time("2026-01-31T08:00Z", "--since").isoformat() == "2026-01-31T08:00:00+00:00"
    with pytest.raises(UsageError):
        parse_time("yesterday", "--since")


def test_province_names_as_typed() -> None:
    assert province_key("TP Hồ Chí Minh") == province_key("ho chi minh") == "ho chi minh"
    assert province_key("Thành phố Cần Thơ") == province_key("can tho")


def test_the_command_on_both_backends(
    engine: Engine, session: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    store(session, "baodanang", DA_NANG)
    store(session, "baocantho", DA_NANG_STONE)
    session.commit()
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name == "postgresql":  # the test's own schema, as the fixture's engine has
        schema = session.execute(text("SELECT current_schema()")).scalar_one()
        url += f"?options=-csearch_path%3D{schema}"
    status, out, _ = search(url, capsys, "Đà", "Nẵng", "--json")
    assert status == 0
    assert [json.loads(line)["url"] for line in out.splitlines()] == [
        DA_NANG.url,
        DA_NANG_STONE.url,
    ]
    status, _, err = search(url, capsys, '"da nang')
    assert status == 2 and 'a quote (") is not closed' in err
