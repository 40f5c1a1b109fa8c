"""Many writers on one archive: four `scrapy crawl` processes at once, two per paper, on two
papers that share wire stories. Each article is stored once, each shared story is one story
with one id, and no crawl logs an error (issue 15 item 4).

Of each paper's two crawls, one is the usual crawl (the site's claim, its crawl_runs row), the
other a refresh run without the claim (`TINBAO_RECORD_RUNS=0`, which is what the claim is
switched off by): a refresh fetches every page whatever the archive holds, so both crawls fetch
and store the same articles, and the other paper's crawls the copies of the same stories, while
all four run. The servers' request logs show that the crawls did overlap.
"""

from __future__ import annotations

import re
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from storage import make_engine
from tests.replica import ReplicaServer, RequestLog
from tests.replica.crawl import start_crawl
from tests.replica.syndicated import SyndicatedSite

pytestmark = pytest.mark.e2e

ARTICLES = 14
SYNDICATED = frozenset({1, 4, 7, 10, 13})
EXACT = frozenset({2, 9})
# Crawl-delay 0.1 s: each crawl lasts a few seconds, so the four overlap however they start.
SITES = (
    SyndicatedSite(articles=ARTICLES, key="alpha", name="Báo Alpha", seed=11, first_id=200_000,
                   wire=7, syndicated=SYNDICATED, exact=EXACT, crawl_delay=0.1),
    SyndicatedSite(articles=ARTICLES, key="beta", name="Báo Beta", seed=12, first_id=300_000,
                   wire=7, syndicated=SYNDICATED, exact=EXACT, crawl_delay=0.1),
)  # fmt: skip
SETTINGS = {"TINBAO_EXTRACT_WORKERS": "0", "LOG_LEVEL": "INFO"}
TROUBLE = re.compile(r"ERROR|Traceback|UniqueViolation|IntegrityError|deadlock|database is locked")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def archive(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of the archive all four crawls write to."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'archive.db'}"
    else:
        yield request.getfixturevalue("empty_postgres_url")


@dataclass
class Crawled:
    logs: dict[str, str]  # crawl name -> its whole log
    requests: list[list[RequestLog]]  # per site: what its server was asked
    bases: list[str]  # per site: its server's base URL


def serve(
    stack: ExitStack, papers: tuple[SyndicatedSite, ...], tmp_path: Path
) -> tuple[list[ReplicaServer[SyndicatedSite]], Path]:
    """A replica server for each paper (closed with `stack`) and the registry file naming them."""
    servers = [stack.enter_context(ReplicaServer(site)) for site in papers]
    sites = tmp_path / "sites.toml"
    sites.write_text(
        "".join(s.registry_toml(v.base_url) for s, v in zip(papers, servers, strict=True))
    )
    return servers, sites


def crawl_all_at_once(archive: str, tmp_path: Path) -> Crawled:
    """Serve both papers and run the four crawls at once, to their end."""
    with ExitStack() as stack:
        servers, sites = serve(stack, SITES, tmp_path)
        processes: dict[str, subprocess.Popen[bytes]] = {}
        for site in SITES:
            for number, refresh in ((1, False), (2, True)):
                name = f"{site.key}-{number}"
                settings = {**SETTINGS, "USER_AGENT": f"tinbao-test ({name})"}
                if refresh:
                    settings["TINBAO_RECORD_RUNS"] = "0"
                processes[name] = start_crawl(
                    site.key, sites_file=sites, database_url=archive, settings=settings,
                    arguments={"refresh": "1"} if refresh else None,
                )  # fmt: skip
        logs = collect(processes, timeout=120)
        return Crawled(logs, [list(s.requests) for s in servers], [s.base_url for s in servers])


def collect(processes: dict[str, subprocess.Popen[bytes]], timeout: float) -> dict[str, str]:
    """Every process's whole output once it has exited (each read in a thread of its own, so
    that no pipe fills up); a process still running after `timeout` is killed."""
    outputs: dict[str, bytes] = {}

    def read(name: str, process: subprocess.Popen[bytes]) -> None:
        assert process.stdout is not None
        outputs[name] = process.stdout.read()

    readers = [threading.Thread(target=read, args=item) for item in processes.items()]
    for reader in readers:
        reader.start()
    deadline = time.monotonic() + timeout
    for process in processes.values():
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for reader in readers:
        reader.join()
    logs = {name: outputs[name].decode("utf-8", "replace") for name in processes}
    for name, process in processes.items():
        assert process.returncode == 0, (
            f"crawl {name} exited {process.returncode}:\n" + logs[name][-4000:]
        )
    return logs


def article_requests(requests: list[RequestLog], crawl: str) -> list[float]:
    """When `crawl` asked for article pages (the User-Agent names the crawl)."""
    named = f"({crawl})"
    return [r.at for r in requests if r.path.endswith(".html") and named in r.headers["User-Agent"]]


def rows(archive: str, sql: str) -> list[tuple[Any, ...]]:
    engine = make_engine(archive)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql))]
    finally:
        engine.dispose()


def test_four_crawls_of_two_papers_at_once_store_each_article_once(
    archive: str, tmp_path: Path
) -> None:
    crawled = crawl_all_at_once(archive, tmp_path)
    for name, log in crawled.logs.items():
        trouble = [line for line in log.splitlines() if TROUBLE.search(line)]
        assert trouble == [], f"crawl {name}:\n" + "\n".join(trouble[:20])
    for site, seen in zip(SITES, crawled.requests, strict=True):
        first = article_requests(seen, f"{site.key}-1")
        second = article_requests(seen, f"{site.key}-2")
        assert first and second, f"both crawls of {site.key} fetched articles"
        assert min(second) < max(first) and min(first) < max(second), "the crawls overlapped"

    assert all(n == 1 for _, n in rows(archive, "SELECT url, count(*) FROM articles GROUP BY url"))
    assert rows(archive, "SELECT count(*) FROM articles") == [(2 * ARTICLES - len(EXACT),)]
    article_of = dict(rows(archive, "SELECT url, article_id FROM article_urls"))
    story_of = dict(rows(archive, "SELECT id, story_id FROM articles"))
    assert None not in story_of.values(), "every article has its story"
    for place in range(ARTICLES):
        ours, theirs = (
            article_of[f"{base}{site.article_by_id(site.first_id + place).path}"]
            for site, base in zip(SITES, crawled.bases, strict=True)
        )
        if place in EXACT:
            assert ours == theirs, f"the word-for-word copies {place} are one article"
        elif place in SYNDICATED:
            assert ours != theirs, f"the near copies {place} are two articles"
            assert story_of[ours] == story_of[theirs], f"the near copies {place}: one story"
        else:
            assert story_of[ours] != story_of[theirs], f"the articles {place}: two stories"
    stories = dict(rows(archive, "SELECT id, original_id FROM stories"))
    assert set(stories) == set(story_of.values()), "one row per story, none left empty"
    assert len(stories) == 2 * ARTICLES - len(EXACT) - len(SYNDICATED)
    assert all(story_of[original] == story for story, original in stories.items())
    [(validators, urls)] = rows(
        archive, "SELECT count(*), count(DISTINCT url) FROM http_validators"
    )
    assert validators == urls > 0


# Four papers, each crawled once under its claim; alpha and beta share one wire, gamma and delta
# another, so the pairs write copies of the same stories at the same time.
PAIRED = (
    *SITES,
    SyndicatedSite(articles=ARTICLES, key="gamma", name="Báo Gamma", seed=13, first_id=400_000,
                   wire=8, syndicated=SYNDICATED, exact=EXACT, crawl_delay=0.1),
    SyndicatedSite(articles=ARTICLES, key="delta", name="Báo Delta", seed=14, first_id=500_000,
                   wire=8, syndicated=SYNDICATED, exact=EXACT, crawl_delay=0.1),
)  # fmt: skip


def test_four_claimed_crawls_of_four_papers_sharing_in_pairs(archive: str, tmp_path: Path) -> None:
    with ExitStack() as stack:
        servers, sites = serve(stack, PAIRED, tmp_path)
        processes = {
            site.key: start_crawl(site.key, sites_file=sites, database_url=archive,
                                  settings={**SETTINGS, "USER_AGENT": f"tinbao-test ({site.key})"})
            for site in PAIRED
        }  # fmt: skip
        logs = collect(processes, timeout=120)
        requests = [list(s.requests) for s in servers]
        bases = [s.base_url for s in servers]
    for name, log in logs.items():
        trouble = [line for line in log.splitlines() if TROUBLE.search(line)]
        assert trouble == [], f"crawl {name}:\n" + "\n".join(trouble[:20])
    spans = [article_requests(seen, site.key) for site, seen in zip(PAIRED, requests, strict=True)]
    assert all(spans), "every crawl fetched articles"
    assert max(min(s) for s in spans) < min(max(s) for s in spans), "all four overlapped"
    statuses = rows(archive, "SELECT site, status FROM crawl_runs ORDER BY site")
    assert [site for site, _ in statuses] == sorted(s.key for s in PAIRED)
    assert all(n == 1 for _, n in rows(archive, "SELECT url, count(*) FROM articles GROUP BY url"))
    assert rows(archive, "SELECT count(*) FROM articles") == [(4 * ARTICLES - 2 * len(EXACT),)]
    article_of = dict(rows(archive, "SELECT url, article_id FROM article_urls"))
    story_of = dict(rows(archive, "SELECT id, story_id FROM articles"))
    for pair in ((0, 1), (2, 3)):
        for place in SYNDICATED | EXACT:
            ours, theirs = (
                article_of[f"{bases[i]}{PAIRED[i].article_by_id(PAIRED[i].first_id + place).path}"]
                for i in pair
            )
            assert story_of[ours] == story_of[theirs], f"{pair} place {place}: one story"
            assert (ours == theirs) == (place in EXACT)
    stories = rows(archive, "SELECT count(*) FROM stories")
    assert stories == [(4 * ARTICLES - 2 * len(EXACT) - 2 * len(SYNDICATED),)]
    [(validators, urls)] = rows(
        archive, "SELECT count(*), count(DISTINCT url) FROM http_validators"
    )
    assert validators == urls > 0
