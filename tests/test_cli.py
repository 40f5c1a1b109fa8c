"""The `tinbao` command line: sites, crawl, runs."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scheduler import runner
from scheduler.cli import main
from storage import RunCounts, finish_run, make_sessionmaker, open_archive, start_run
from tests.replica import ReplicaServer, ReplicaSite
from tests.replica.crawl import FAST


@pytest.fixture(autouse=True)
def no_user_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TINBAO_SITES", raising=False)


def test_sites_lists_the_registry(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sites"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == [
        "key", "name", "province", "before", "status", "interval", "verified", "home"
    ]  # fmt: skip
    assert any(line.startswith("baocantho ") and "Cần Thơ" in line for line in lines)


def test_sites_filters_by_status_and_speaks_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sites", "--status", "frozen", "--json"]) == 0
    records = {r["key"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert "baobinhduong" in records
    assert {r["status"] for r in records.values()} == {"frozen"}
    baobinhduong = records["baobinhduong"]
    assert baobinhduong["status_since"] == "2025-07-01"
    assert (baobinhduong["province"], baobinhduong["province_before"]) == (
        "TP Hồ Chí Minh", "Bình Dương"
    )  # fmt: skip
    assert baobinhduong["verified"] is False and "sections" in baobinhduong["unverified"]


def test_sites_filters_by_province_now_or_before_ignoring_case(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["sites", "--province", "lào cai", "--json"]) == 0
    keys = [json.loads(line)["key"] for line in capsys.readouterr().out.splitlines()]
    assert keys == ["baolaocai", "baoyenbai"]  # Yên Bái is part of Lào Cai since 2025
    assert main(["sites", "--province", "yen bai", "--json"]) == 0
    keys = [json.loads(line)["key"] for line in capsys.readouterr().out.splitlines()]
    assert keys == ["baoyenbai"]


def test_sites_lists_the_unverified_and_refuses_an_unknown_status(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["sites", "--unverified", "--province", "Cần Thơ", "--json"]) == 0
    keys = [json.loads(line)["key"] for line in capsys.readouterr().out.splitlines()]
    assert keys == ["baohaugiang", "baosoctrang"]  # baocantho is confirmed in every field
    assert main(["sites", "--status", "paused"]) == 2
    assert "--status takes one of active, frozen, moved" in capsys.readouterr().err


def test_a_bad_user_registry_is_reported_without_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[sites.baolaocai]\ninterval = "often"\n', "utf-8")
    monkeypatch.setenv("TINBAO_SITES", str(bad))
    assert main(["sites"]) == 2
    assert "site 'baolaocai': field 'interval'" in capsys.readouterr().err


def test_crawl_refuses_an_unknown_site(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["crawl", "baohanoi"]) == 2
    assert "unknown site 'baohanoi'" in capsys.readouterr().err


def test_crawl_refuses_a_malformed_setting(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["crawl", "baocantho", "-s", "LOG_LEVEL"]) == 2
    assert "-s takes NAME=VALUE" in capsys.readouterr().err


def test_the_crawl_command_is_scrapy_crawl() -> None:
    command = runner.crawl_command("baocantho", arguments={"listing_pages": "9"},
                                   settings={"LOG_LEVEL": "WARNING"})  # fmt: skip
    assert command[1:] == ["-m", "scrapy", "crawl", "baocantho", "-s", "LOG_LEVEL=WARNING",
                           "-a", "listing_pages=9"]  # fmt: skip
    assert runner.crawl_environment({})["SCRAPY_SETTINGS_MODULE"] == "crawler.settings"


def test_runs_on_a_new_archive(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    open_archive(f"sqlite:///{tmp_path / 'a.db'}").dispose()
    assert main(["--database-url", f"sqlite:///{tmp_path / 'a.db'}", "runs"]) == 0
    assert capsys.readouterr() == ("", "no crawls recorded yet\n")


def test_runs_shows_the_latest_crawls(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    engine = open_archive(url)
    with make_sessionmaker(engine).begin() as session:
        run = start_run(session, "baocantho", started_at=datetime(2026, 11, 23, 3, 0, tzinfo=UTC))
        finish_run(session, run.id, finished_at=datetime(2026, 11, 23, 3, 2, 5, tzinfo=UTC),
                   status="finished", counts=RunCounts(40, 12, 1, 2, 3))  # fmt: skip
    engine.dispose()
    assert main(["--database-url", url, "runs"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[2:4] == ["started", "(UTC+7)"]
    assert lines[1].split() == ["1", "baocantho", "2026-11-23", "10:00:00", "2m05s", "finished",
                                "40", "12", "1", "2", "3"]  # fmt: skip
    assert main(["--database-url", url, "runs", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert (record["articles_new"], record["finished_at"]) == (12, "2026-11-23T03:02:05+00:00")


@pytest.mark.e2e
def test_tinbao_crawl_runs_a_site_added_by_the_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = ReplicaSite(articles=3)
    url = f"sqlite:///{tmp_path / 'a.db'}"
    with ReplicaServer(site) as server:
        sites = tmp_path / "sites.toml"
        sites.write_text(site.registry_toml(server.base_url), "utf-8")
        monkeypatch.setenv("TINBAO_SITES", str(sites))
        settings = [arg for name, value in FAST.items() for arg in ("-s", f"{name}={value}")]
        assert main(["--database-url", url, "crawl", "replica", *settings]) == 0
    assert main(["--database-url", url, "runs", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert (record["site"], record["status"], record["articles_new"]) == ("replica", "finished", 3)


def test_the_module_runs_as_a_program() -> None:
    result = subprocess.run([sys.executable, "-m", "scheduler.cli", "--version"],
                            capture_output=True, text=True, check=False)  # fmt: skip
    assert result.returncode == 0
    assert result.stdout.startswith("tinbao ")


def test_backfill_refuses_an_unknown_site(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backfill", "baohanoi", "--restart"]) == 2
    assert "unknown site 'baohanoi'" in capsys.readouterr().err


def test_an_unusable_archive_is_reported_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    not_a_database = tmp_path / "notes.db"
    not_a_database.write_text("tin tức, không phải cơ sở dữ liệu\n" * 200, "utf-8")
    assert main(["--database-url", f"sqlite:///{not_a_database}", "search", "da", "nang"]) == 1
    err = capsys.readouterr().err
    assert (
        err == f"tinbao: the archive {not_a_database} could not be used: file is not a database\n"
    )
