"""The exit-code contract of a crawl (issue 12, item 1): 0 completed, 1 failed, 2 usage error,
from the close reason (crawler/outcome.py); a crawl that reached nothing is `failed:
unreachable` with its failures counted by kind, exits 1 and is flagged by `tinbao status`;
`scrapy crawl` ends with one summary line, never a traceback."""

from __future__ import annotations

import json
import socket
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from crawler.extensions.crawl_runs import summary_line
from crawler.modes import CrawlMode
from crawler.outcome import BadCrawlArgument, exit_code, startup_failure
from crawler.registry import RegistryError
from scheduler.cli import main
from storage import BadArchiveUrl
from tests.replica import ReplicaServer, ReplicaSite, run_crawl

NO_NOISE = ("Traceback", "Context impl", "Will assume")


@pytest.mark.parametrize(
    ("reason", "code"),
    [("finished", 0), ("closespider_itemcount", 0), ("closespider_timeout", 0),
     ("failed: unreachable", 1), ("failed: archive not writable: disk full", 1),
     ("failed: site already being crawled", 1), ("circuit_breaker: 20 failures in a row", 1),
     ("shutdown", 1), ("cancelled", 1), ("killed: timeout", 1), ("crashed: lost", 1),
     ("something new", 1), (None, 1)],
)  # fmt: skip
def test_a_close_reason_has_one_exit_status(reason: str | None, code: int) -> None:
    assert exit_code(reason) == code


def test_a_setup_mistake_is_a_usage_error_in_one_line() -> None:
    with pytest.raises(BadCrawlArgument) as raised:
        CrawlMode.from_arguments({"listing_pages": "many"}, listing_pages=5)
    assert startup_failure(raised.value) == (
        2, "-a listing_pages takes a whole number (0: no limit), not 'many'"
    )  # fmt: skip
    assert startup_failure(RegistryError("site 'x': field 'y': z"))[0] == 2  # type: ignore[index]
    assert startup_failure(BadArchiveUrl("'x' is not a database URL")) == (
        2, "'x' is not a database URL"
    )  # fmt: skip
    locked = OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked"))
    assert startup_failure(locked) == (1, "the archive could not be used: database is locked")
    assert startup_failure(KeyError("a bug")) is None  # a bug keeps its traceback


def test_the_summary_line_says_what_the_crawl_did() -> None:
    stats = {"downloader/response_count": 412, "tinbao/articles/new": 37,
             "tinbao/articles/updated": 2, "tinbao/articles/duplicate": 1,
             "tinbao/errors/http_404": 2, "tinbao/errors/timeout": 1,
             "elapsed_time_seconds": 125.2}  # fmt: skip
    assert summary_line("baocantho", "finished", stats) == (
        "crawl of baocantho finished in 2m05s: 412 pages, 37 new, 2 updated, 1 duplicates, "
        "3 errors (http_404 2, timeout 1); exit 0 (completed)"
    )
    assert summary_line("baocantho", "failed: unreachable", {}).endswith(
        "0 errors; exit 1 (failed)"
    )


@contextmanager
def unanswering_port() -> Iterator[int]:
    """A port that accepts connections and never answers (requests to it time out)."""
    with closing(socket.socket()) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]


def closed_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.e2e
def test_a_crawl_that_reaches_nothing_fails_unreachable_and_status_flags_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    site = ReplicaSite(articles=1, key="unreachable")
    database = tmp_path / "archive.db"
    with ReplicaServer(site) as server, unanswering_port() as silent:
        port = server.base_url.rsplit(":", 1)[1]
        sites = tmp_path / "sites.toml"
        sites.write_text(site.registry_toml(
            f"http://127.0.0.1:{closed_port()}",  # refused
            feeds=[f"https://127.0.0.1:{port}/rss/"],  # TLS spoken to a plain HTTP server
            sitemaps=[f"http://127.0.0.1:{silent}/sitemap.xml"],  # accepted, never answered
            sections=[],
        ), "utf-8")  # fmt: skip
        settings = {"DOWNLOAD_TIMEOUT": "1", "RETRY_TIMES": "1", "TINBAO_BACKOFF_BASE": "0.1"}
        result = run_crawl("unreachable", sites_file=sites, database_url=f"sqlite:///{database}",
                           settings=settings)  # fmt: skip
        # the same through `tinbao crawl`, which runs `scrapy crawl` and passes its status on
        for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("TINBAO_SITES", str(sites))
        monkeypatch.setenv("TINBAO_WARC_DIR", str(tmp_path / "warc"))
        again = ["--database-url", f"sqlite:///{database}", "crawl", "unreachable",
                 *(f"-s{name}={value}" for name, value in settings.items())]  # fmt: skip
        assert main(again) == 1
        assert "failed: unreachable" in capfd.readouterr().err.strip().splitlines()[-1]
    assert result.returncode == 1, result.log[-3000:]
    assert not [noise for noise in NO_NOISE if noise in result.log], result.log[-3000:]
    last = result.log.strip().splitlines()[-1]
    assert last.startswith("crawl of unreachable failed: unreachable in "), last
    assert last.endswith("; exit 1 (failed)")
    with sqlite3.connect(database) as connection:
        [(status, errors, stats), (second, _, _)] = connection.execute(
            "SELECT status, errors, stats FROM crawl_runs ORDER BY id"
        ).fetchall()
    assert status == second == "failed: unreachable"
    kinds = {k.removeprefix("tinbao/errors/") for k in json.loads(stats) if "/errors/" in k}
    assert {"connection_refused", "tls", "timeout"} <= kinds
    assert errors >= 3
    assert main(["--database-url", f"sqlite:///{database}", "status"]) == 1
    [line] = [row for row in capfd.readouterr().out.splitlines() if row.startswith("unreachable ")]
    assert "last crawl failed: failed: unreachable" in line


@pytest.mark.e2e
def test_scrapy_crawl_refuses_a_setup_mistake_in_one_line_with_status_2(tmp_path: Path) -> None:
    sites = tmp_path / "sites.toml"
    sites.write_text("", "utf-8")
    url = f"sqlite:///{tmp_path / 'a.db'}"
    unknown = run_crawl("baocanthoo", sites_file=sites, database_url=url)
    assert unknown.returncode == 2
    assert unknown.log.strip().splitlines()[-1] == (
        "tinbao: unknown site 'baocanthoo'; did you mean baocantho? (`scrapy list` lists the "
        "registry)"
    )
    bad_url = run_crawl("baocantho", sites_file=sites, database_url="sqlite//nowhere")
    assert bad_url.returncode == 2
    assert (
        bad_url.log.strip()
        .splitlines()[-1]
        .startswith("tinbao: 'sqlite//nowhere' is not a database URL")
    )
    bad_setting = run_crawl("baocantho", sites_file=sites, database_url=url,
                            settings={"TINBAO_LISTING_PAGES": "abc"})  # fmt: skip
    assert bad_setting.returncode == 2
    assert bad_setting.log.strip().splitlines()[-1] == (
        "tinbao: -s TINBAO_LISTING_PAGES takes a whole number, not 'abc'"
    )
    assert "Traceback" not in unknown.log + bad_url.log + bad_setting.log


class RaisingPipeline:
    """A pipeline with a bug: every article it is given raises."""

    def process_item(self, item: object) -> object:
        raise ZeroDivisionError("a bug of the pipeline's")


@pytest.mark.e2e
def test_articles_the_pipelines_failed_on_are_errors_of_the_crawl(tmp_path: Path) -> None:
    # Scrapy logged "Error processing" for each, and the crawl ended "0 errors"
    site = ReplicaSite(articles=3, per_page=5)
    database = tmp_path / "archive.db"
    with ReplicaServer(site) as server:
        sites = tmp_path / "sites.toml"
        sites.write_text(site.registry_toml(server.base_url), "utf-8")
        pipelines = json.dumps({f"{__name__}.RaisingPipeline": 100})
        result = run_crawl("replica", sites_file=sites, database_url=f"sqlite:///{database}",
                           settings={"ITEM_PIPELINES": pipelines})  # fmt: skip
    failed = result.log.count("Error processing")  # the 3 articles, and any other item
    assert failed >= 3, result.log[-3000:]
    last = result.log.strip().splitlines()[-1]
    assert f", {failed} errors (pipeline_error {failed}); " in last, last
    with sqlite3.connect(database) as connection:
        [(errors, stats)] = connection.execute("SELECT errors, stats FROM crawl_runs").fetchall()
    assert errors == failed
    assert json.loads(stats)["tinbao/errors/pipeline_error"] == failed
