"""The project deployed to a real Scrapyd: the egg scrapyd-deploy builds carries what a crawl
needs (the registry, the migrations), Scrapyd lists every registry site, a crawl scheduled
with spider arguments and settings through schedule.json stores its articles, and the daemon's
own dispatcher gets `backfill=1`, `refresh=1` and its crawl settings through. Some seconds."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import pytest

from crawler.registry import load_registry
from scheduler.nodes import Node, NodeClient, NodeError
from scheduler.runner import CrawlOptions
from scheduler.scrapyd import Dispatcher
from tests.replica import ReplicaServer, ReplicaSite
from tests.replica.crawl import FAST
from tests.scrapyd_node import PROJECT, ScrapydNode, require_scrapyd
from tests.scrapyd_node import scrapyd_node as scrapyd_node  # a fixture
from tests.scrapyd_node import tinbao_egg as tinbao_egg  # a fixture

pytestmark = pytest.mark.e2e


def setup_module() -> None:
    require_scrapyd()


def test_the_egg_carries_the_registry_the_migrations_and_the_settings_entry_point(
    tinbao_egg: Path,
) -> None:
    names = set(zipfile.ZipFile(tinbao_egg).namelist())
    assert "crawler/sites.toml" in names
    assert "storage/migrations/env.py" in names
    assert "storage/migrations/script.py.mako" in names
    assert "storage/migrations/versions/0001_foundation.py" in names
    entry_points = zipfile.ZipFile(tinbao_egg).read("EGG-INFO/entry_points.txt").decode()
    assert "[scrapy]\nsettings = crawler.settings" in entry_points
    assert not any(name.startswith("tests/") for name in names)


def test_scrapyd_lists_every_registry_site(scrapyd_node: ScrapydNode) -> None:
    spiders = scrapyd_node.get("listspiders.json", project=PROJECT)
    assert spiders["status"] == "ok", spiders
    assert set(spiders["spiders"]) >= set(load_registry(None))


def test_a_crawl_scheduled_with_arguments_and_settings_stores_its_articles(
    scrapyd_node: ScrapydNode, tmp_path: Path
) -> None:
    site = ReplicaSite(articles=6)
    database = tmp_path / "archive.db"
    with ReplicaServer(site) as server:
        sites = tmp_path / "sites.toml"
        sites.write_text(site.registry_toml(server.base_url), "utf-8")
        settings = {**FAST, "TINBAO_DATABASE_URL":
                    f"sqlite:///{database}", "TINBAO_WARC_DIR": str(tmp_path / "warc")}  # fmt: skip
        fields = [("project", PROJECT), ("spider", "replica"), ("backfill", "1")]
        fields += [("setting", f"{name}={value}") for name, value in settings.items()]
        answer = scrapyd_node.post("schedule.json", fields)
        assert answer["status"] == "ok", answer
        scrapyd_node.wait_finished(answer["jobid"])
    log = scrapyd_node.job_log("replica", answer["jobid"])
    assert f"crawling replica ({site.name}, active) backfill:" in log, log[-3000:]
    assert database.exists(), log[-3000:]
    with sqlite3.connect(database) as db:
        urls = {url for (url,) in db.execute("SELECT url FROM articles")}
        runs = db.execute("SELECT status FROM crawl_runs").fetchall()
    assert urls == {server.base_url + a.path for a in site.public_articles()}, log[-3000:]
    assert runs == [("finished",)], log[-3000:]


def test_the_dispatcher_passes_backfill_refresh_and_settings_through_schedule_json(
    scrapyd_node: ScrapydNode, tmp_path: Path
) -> None:
    site = ReplicaSite(articles=24)  # 12 a section, 5 a page: three pages of each section
    database = f"sqlite:///{tmp_path / 'archive.db'}"
    dispatcher = Dispatcher([Node(scrapyd_node.url, 1)], poll=0.2)
    agent = "tinbao-test/1 (scrapyd; +http://127.0.0.1/?a=b)"  # spaces, "=" and "?" survive
    with ReplicaServer(site) as server:
        (tmp_path / "sites.toml").write_text(site.registry_toml(server.base_url), "utf-8")
        settings = {**FAST, "TINBAO_WARC_DIR": str(tmp_path / "warc")}
        backfill = CrawlOptions(database, settings=settings, arguments={"backfill": "1"},
                                timeout=120)  # fmt: skip
        [first] = dispatcher.crawl("replica", backfill)
        seen = len(server.requests)
        refresh = CrawlOptions(database, arguments={"refresh": "1"}, timeout=120,
                               settings={**settings, "TINBAO_LISTING_PAGES": "1",
                                         "USER_AGENT": agent})  # fmt: skip
        [second] = dispatcher.crawl("replica", refresh)
        before, after = server.requests[:seen], server.requests[seen:]
    logs = [scrapyd_node.job_log("replica", str(run.job_id)) for run in (first, second)]
    assert (first.status, second.status) == ("finished", "finished"), logs[-1][-3000:]
    assert first.node == second.node == scrapyd_node.url and first.job_id != second.job_id
    assert f"crawling replica ({site.name}, active) backfill:" in logs[0]
    assert f"crawling replica ({site.name}, active) refresh:" in logs[1]
    assert first.articles_new == 24 and second.articles_new == 0
    # backfill=1: every page of every section; refresh=1: every known article fetched again,
    # and the settings: one page of each section (TINBAO_LISTING_PAGES), the User-Agent sent
    assert {"/thoi-su?p=3", "/kinh-te?p=3"} <= {r.target for r in before}
    articles = {a.path for a in site.public_articles()}
    assert articles <= {r.path for r in after}
    assert not [r.target for r in after if "?p=" in r.target]
    assert {r.headers.get("User-Agent") for r in after} == {agent}
    assert {r.headers.get("User-Agent") for r in before} != {agent}


def test_a_node_asking_for_a_password_is_reached_with_the_one_in_its_url(tmp_path: Path) -> None:
    with ScrapydNode(tmp_path / "node", auth=("tinbao", "s@cr#t")) as node:
        client = NodeClient(timeout=5)
        address = node.url.replace("http://", "http://tinbao:s%40cr%23t@")
        assert client.daemon_status(Node.parse(address))["status"] == "ok"
        with pytest.raises(NodeError, match="401"):
            client.daemon_status(Node.parse(node.url))
