"""`tinbao frontier SITE` shows a shared frontier (queued, seen, each process's hand) and clears
it once no process uses it; `tinbao backfill --frontier` and `tinbao frontier` say in one line
when the Redis URL is wrong or its server silent."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from scheduler.cli import main
from tests.redis_frontier import RedisFrontier
from tests.redis_frontier import frontier as frontier  # a fixture
from tests.replica import CrawlResult, ReplicaServer, ReplicaSite, run_crawl
from tests.replica.crawl import start_crawl
from tests.tcp_relay import TcpRelay

SILENT = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def shared(frontier: RedisFrontier, monkeypatch: pytest.MonkeyPatch) -> RedisFrontier:
    """The test's frontier of baocantho: 3 requests queued, 5 seen, one live process holding
    one request and one dead process holding two."""
    monkeypatch.setenv("TINBAO_FRONTIER", frontier.url)
    monkeypatch.setenv("TINBAO_FRONTIER_KEY", frontier.pattern)
    keys, server = frontier.keys("baocantho"), frontier.server
    server.zadd(keys.requests, {b"r1": 0, b"r2": 0, b"r3": 1})
    server.sadd(keys.seen, *[f"fp{n}" for n in range(5)])
    server.sadd(keys.nodes, "live:1:a", "dead:2:b")
    server.set(keys.lease("live:1:a"), b"1", px=60_000)
    server.zadd(keys.in_hand("live:1:a"), {b"r4": 0})
    server.zadd(keys.in_hand("dead:2:b"), {b"r5": 0, b"r6": 0})
    return frontier


def test_the_frontier_shows_what_is_queued_seen_and_in_hand(
    shared: RedisFrontier, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["frontier", "baocantho"]) == 0
    text = capsys.readouterr().out
    assert "queued 3, seen 5, in hand 3" in text
    assert "live:1:a  1        alive" in text and "dead:2:b  2        gone" in text
    assert main(["frontier", "baocantho", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert (record["queued"], record["seen"]) == (3, 5)
    assert {n["node"]: n["in_hand"] for n in record["nodes"]} == {"live:1:a": 1, "dead:2:b": 2}


def test_a_frontier_in_use_is_not_cleared(
    shared: RedisFrontier, capsys: pytest.CaptureFixture[str]
) -> None:
    keys = shared.keys("baocantho")
    assert main(["frontier", "baocantho", "--clear"]) == 1
    assert "in use by 1 process" in capsys.readouterr().err
    assert shared.server.zcard(keys.requests) == 3
    shared.server.delete(keys.lease("live:1:a"))  # that process is gone too now
    assert main(["frontier", "baocantho", "--clear"]) == 0
    assert list(shared.server.scan_iter(match=keys.pattern)) == []


def test_clear_with_json_says_what_it_cleared_as_json(
    shared: RedisFrontier, capsys: pytest.CaptureFixture[str]
) -> None:
    shared.server.delete(shared.keys("baocantho").lease("live:1:a"))  # nobody alive
    assert main(["frontier", "baocantho", "--clear", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)  # was a plain line on stderr, stdout empty
    assert record["site"] == "baocantho" and record["cleared"] > 0


@pytest.mark.parametrize("command", [["frontier", "baocantho", "--frontier", SILENT],
                                     ["backfill", "baocantho", "--frontier", SILENT]])  # fmt: skip
def test_a_silent_frontier_is_one_line_and_status_1(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(command) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"tinbao: the frontier {SILENT} could not be reached")
    assert err.count("\n") == 1


@pytest.mark.parametrize("command", [
    ["frontier", "baocantho", "--frontier", "http://127.0.0.1:6379/"],
    ["backfill", "baocantho", "--frontier", "redis://127.0.0.1:6379/0", "--restart"],
    ["backfill", "baocantho", "--frontier", "redis://127.0.0.1:6379/0", "--wayback"],
])  # fmt: skip
def test_a_wrong_frontier_option_is_a_usage_error(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(command) == 2
    assert capsys.readouterr().err.startswith("tinbao: ")


@pytest.mark.parametrize("clear", [[], ["--clear"], ["--json"]])
def test_a_frontier_key_pattern_that_makes_no_key_is_a_usage_error(
    clear: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TINBAO_FRONTIER_KEY", "%(x)s")  # was a KeyError's traceback, status 1
    assert main(["frontier", "baocantho", "--frontier", SILENT, *clear]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tinbao: TINBAO_FRONTIER_KEY '%(x)s' is not a key prefix")
    assert err.count("\n") == 1, err


def backfill_with_frontier(tmp_path: Path, url: str) -> CrawlResult:
    """`scrapy crawl baocantho -a backfill=1 -s TINBAO_FRONTIER=url` (the built-in registry)."""
    sites = tmp_path / "sites.toml"
    sites.write_text("", "utf-8")
    archive = f"sqlite:///{tmp_path / 'a.db'}"
    return run_crawl("baocantho", sites_file=sites, database_url=archive,
                     settings={"TINBAO_FRONTIER": url}, arguments={"backfill": "1"})  # fmt: skip


@pytest.mark.e2e
def test_a_crawl_with_a_silent_frontier_says_so_in_one_line(tmp_path: Path) -> None:
    result = backfill_with_frontier(tmp_path, SILENT)
    assert result.returncode == 1
    assert f"tinbao: the frontier {SILENT} could not be reached" in result.log
    assert "Traceback" not in result.log


@pytest.mark.e2e
def test_a_frontier_gone_between_the_check_and_the_scheduler_is_one_line(tmp_path: Path) -> None:
    # the crawl's own check passes (the relay's one connection), scrapy-redis's ping fails: it
    # was "the crawl could not start: RuntimeError: Engine slot not assigned" and a traceback
    with TcpRelay(("127.0.0.1", 6379), connections=1) as relay:
        url = f"redis://127.0.0.1:{relay.port}/0"
        result = backfill_with_frontier(tmp_path, url)
    assert result.returncode == 1, result.log[-3000:]
    last = result.log.strip().splitlines()[-1]
    assert last.startswith(f"tinbao: the frontier {url} could not be reached: "), last
    assert "Traceback" not in result.log, result.log[-3000:]


@pytest.mark.parametrize("url", [
    "redis://127.0.0.1:6379/abc",  # redis-py read it as database 0: another frontier's keys
    "redis://127.0.0.1:6379/15extra",
    "redis://127.0.0.1:notaport/0",
])  # fmt: skip
@pytest.mark.parametrize("command", ["frontier", "backfill"])
def test_a_frontier_url_redis_cannot_use_as_given_is_a_usage_error(
    command: str, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, "baocantho", "--frontier", url]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tinbao: ") and err.count("\n") == 1, err


@pytest.mark.parametrize("command", ["frontier", "backfill"])
def test_an_empty_frontier_url_is_a_usage_error_not_a_backfill_of_its_own(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, "baocantho", "--frontier", ""]) == 2
    err = capsys.readouterr().err
    assert err.startswith("tinbao: ") and err.count("\n") == 1, err


@pytest.mark.parametrize("clear", [[], ["--clear"], ["--json"]])
def test_a_redis_error_after_the_ping_is_one_line_and_status_1(
    frontier: RedisFrontier,
    clear: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TINBAO_FRONTIER_KEY", frontier.pattern)
    keys = frontier.keys("baocantho")
    frontier.server.set(keys.nodes, b"not a set")  # WRONGTYPE, as a key of another program's
    assert main(["frontier", "baocantho", "--frontier", frontier.url, *clear]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"tinbao: the frontier {frontier.url} failed: WRONGTYPE"), err
    assert err.count("\n") == 1, err


@pytest.mark.e2e
def test_a_crawl_with_a_frontier_url_redis_would_misread_is_a_usage_error(tmp_path: Path) -> None:
    result = backfill_with_frontier(tmp_path, "redis://127.0.0.1:6379/abc")  # was database 0
    assert result.returncode == 2, result.log[-2000:]
    assert "tinbao: redis://127.0.0.1:6379/abc is not a Redis URL" in result.log
    assert "Traceback" not in result.log


@pytest.mark.e2e
def test_a_frontier_lost_mid_backfill_fails_the_crawl_in_one_line(
    frontier: RedisFrontier, tmp_path: Path
) -> None:
    # its Redis errors were logged at every pop, retried for ever: the crawl never ended
    site = ReplicaSite(articles=60, per_page=5)
    with ReplicaServer(site) as server, TcpRelay(("127.0.0.1", 6379)) as relay:
        sites = tmp_path / "sites.toml"
        sites.write_text(site.registry_toml(server.base_url), "utf-8")
        settings = {**frontier.settings(), "DOWNLOAD_DELAY": "0.2",
                    "TINBAO_FRONTIER": f"redis://127.0.0.1:{relay.port}/0"}  # fmt: skip
        crawl = start_crawl("replica", sites_file=sites, database_url=f"sqlite:///{tmp_path}/a.db",
                            settings=settings, arguments={"backfill": "1"})  # fmt: skip
        deadline = time.monotonic() + 60
        while not any(r.target.endswith(".html") for r in server.requests):  # under way
            assert crawl.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        relay.cut()
        try:
            out, _ = crawl.communicate(timeout=60)
        finally:
            crawl.kill()
        log = out.decode("utf-8", "replace")
        assert crawl.returncode == 1, log[-3000:]
    assert log.strip().splitlines()[-1].startswith("crawl of replica failed: frontier lost: ")
    assert "Traceback" not in log, log[-3000:]
