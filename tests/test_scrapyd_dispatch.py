"""The dispatcher against fake Scrapyd nodes (tests/fake_scrapyd.py): a crawl goes to a node with
a free slot, is polled to its end, its row carries node and job id; a job past its timeout is
cancelled; a node that disappears has its crawl settled `crashed: node lost` and dispatched
again elsewhere. Under a second each."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from scheduler.cli import parser as cli_parser
from scheduler.commands.daemon import settings_from
from scheduler.nodes import Node, parse_nodes
from scheduler.runner import CrawlOptions
from scheduler.scrapyd import NODE_LOST, Dispatcher
from storage import make_sessionmaker, open_archive
from storage.models import CrawlRun
from tests.fake_scrapyd import FakeNode


def fast(nodes: list[Node], redispatches: int = 3) -> Dispatcher:
    """A dispatcher polling every 20 ms, a node lost after 0.4 s of silence."""
    return Dispatcher(nodes, poll=0.02, lost_after=0.4, redispatches=redispatches)


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    open_archive(url).dispose()
    return url


@pytest.fixture
def nodes() -> Iterator[list[FakeNode]]:
    started: list[FakeNode] = []
    yield started
    for node in started:
        node.close()


def start(nodes: list[FakeNode], node: FakeNode) -> FakeNode:
    node.__enter__()
    nodes.append(node)
    return node


def rows(database: str) -> list[CrawlRun]:
    engine = open_archive(database)
    with make_sessionmaker(engine)() as session:
        found = list(session.scalars(select(CrawlRun).order_by(CrawlRun.id)))
        session.expunge_all()
    engine.dispose()
    return found


def test_a_crawl_goes_to_the_node_with_a_free_slot_and_its_row_names_node_and_job(
    database: str, nodes: list[FakeNode]
) -> None:
    full = start(nodes, FakeNode(busy=1))
    free = start(nodes, FakeNode())
    dispatcher = fast([Node(full.node_url, 1), Node(free.node_url, 1)])
    options = CrawlOptions(database_url=database, settings={"LOG_LEVEL": "INFO"},
                           arguments={"backfill": "1"}, timeout=30)  # fmt: skip
    runs = dispatcher.crawl("replica", options)
    assert not full.jobs
    [job] = free.jobs.values()
    assert job.arguments == {"backfill": "1"}
    assert job.settings["TINBAO_DATABASE_URL"] == database
    assert job.settings["LOG_LEVEL"] == "INFO"
    assert job.settings["TINBAO_TIME_LIMIT"] == "30"
    [run] = rows(database)
    assert [r.id for r in runs] == [run.id]
    assert (run.status, run.node, run.job_id) == ("finished", free.node_url, job.id)
    assert run.holder is not None and run.holder.endswith(":" + job.settings["TINBAO_CLAIM_TOKEN"])
    assert run.log_file == f"{free.node_url}logs/tinbao/replica/{job.id}.log"


def test_no_free_slot_anywhere_waits_until_one_frees_or_the_daemon_stops(
    database: str, nodes: list[FakeNode]
) -> None:
    full = start(nodes, FakeNode(busy=2))
    dispatcher = fast([Node(full.node_url, 2)])
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    assert dispatcher.slots.acquire(cancel) is None
    full.busy = 1
    assert dispatcher.slots.acquire(threading.Event()) == Node(full.node_url, 2)
    # the slot just taken counts until released, though the node does not list the job yet
    full.busy = 0
    assert dispatcher.slots.free_slots(Node(full.node_url, 2)) == 1


def test_a_job_past_its_timeout_is_cancelled_and_settled_killed_timeout(
    database: str, nodes: list[FakeNode]
) -> None:
    node = start(nodes, FakeNode("hang"))
    dispatcher = fast([Node(node.node_url, 1)])
    options = CrawlOptions(database_url=database, timeout=0.3, kill_grace=5)
    [run] = dispatcher.crawl("replica", options)
    [job] = node.jobs.values()
    assert job.signals == ["INT"]
    assert (run.status, run.node, run.job_id) == ("killed: timeout", node.node_url, job.id)
    assert run.finished_at is not None


def test_a_lost_node_has_its_crawl_settled_and_dispatched_again_on_another(
    database: str, nodes: list[FakeNode]
) -> None:
    doomed = start(nodes, FakeNode("hang"))
    spare = start(nodes, FakeNode(duration=0.1, busy=1))  # busy: the first crawl goes to doomed
    dispatcher = fast([Node(doomed.node_url, 1), Node(spare.node_url, 2)])
    options = CrawlOptions(database_url=database, timeout=60)
    threading.Timer(0.3, doomed.close).start()  # the node vanishes mid-crawl
    lost, again = dispatcher.crawl("replica", options)
    assert (lost.status, lost.node) == (NODE_LOST, doomed.node_url)
    assert (again.status, again.node) == ("finished", spare.node_url)
    assert [r.status for r in rows(database)] == [NODE_LOST, "finished"]
    assert lost.finished_at is not None and again.started_at >= lost.finished_at


def test_a_node_refusing_the_crawl_sends_it_to_another(
    database: str, nodes: list[FakeNode]
) -> None:
    refusing = start(nodes, FakeNode("refuse"))
    spare = start(nodes, FakeNode(busy=1))  # busy: the crawl goes to the refusing node first
    dispatcher = fast([Node(refusing.node_url, 1), Node(spare.node_url, 2)])
    [run] = dispatcher.crawl("replica", CrawlOptions(database_url=database, timeout=60))
    assert (run.status, run.node) == ("finished", spare.node_url)


def when(condition: Callable[[], bool], action: Callable[[], object]) -> None:
    """Do `action` in a thread as soon as `condition` holds."""

    def watch() -> None:
        while not condition():
            time.sleep(0.005)
        action()

    threading.Thread(target=watch, daemon=True).start()


def test_a_crawl_that_finished_while_its_node_was_silent_is_neither_overruled_nor_repeated(
    database: str, nodes: list[FakeNode]
) -> None:
    silent = start(nodes, FakeNode(duration=0.1))
    spare = start(nodes, FakeNode(duration=0.1))
    dispatcher = fast([Node(silent.node_url, 1), Node(spare.node_url, 1)])
    when(lambda: bool(silent.jobs), silent.close)  # its network gone; the crawl carries on
    runs = dispatcher.crawl("replica", CrawlOptions(database_url=database, timeout=60))
    assert [(r.status, r.node) for r in runs] == [("finished", silent.node_url)]
    assert [r.status for r in rows(database)] == ["finished"]
    assert not spare.jobs


def test_a_crawl_still_running_when_its_node_was_lost_and_finishing_is_not_repeated(
    database: str, nodes: list[FakeNode]
) -> None:
    silent = start(nodes, FakeNode(duration=0.8, claims=True))
    spare = start(nodes, FakeNode(duration=0.1, claims=True))
    dispatcher = fast([Node(silent.node_url, 1), Node(spare.node_url, 1)])
    when(lambda: bool(silent.jobs), silent.close)
    runs = dispatcher.crawl("replica", CrawlOptions(database_url=database, timeout=60))
    # lost after 0.4 s of silence; the crawl held its claim and closed its row at 0.8 s
    assert [(r.status, r.node) for r in runs] == [("finished", silent.node_url)]
    assert not spare.jobs


def test_a_node_that_forgets_the_job_has_lost_it(database: str, nodes: list[FakeNode]) -> None:
    node = start(nodes, FakeNode("hang"))
    dispatcher = fast([Node(node.node_url, 1)], redispatches=0)
    options = CrawlOptions(database_url=database, timeout=60)
    threading.Timer(0.2, node.jobs.clear).start()  # restarted, its in-memory job list empty
    [run] = dispatcher.crawl("replica", options)
    assert run.status == NODE_LOST


def test_shutdown_cancels_the_running_job(database: str, nodes: list[FakeNode]) -> None:
    node = start(nodes, FakeNode("hang"))
    dispatcher = fast([Node(node.node_url, 1)])
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    [run] = dispatcher.crawl("replica", CrawlOptions(database_url=database), cancel=cancel)
    assert run.status == "shutdown"  # the crawl closed its own row on SIGINT
    assert [job.signals for job in node.jobs.values()] == [["INT"]]


def test_node_urls_take_their_slots_after_a_hash() -> None:
    assert parse_nodes(["http://n1:6800", "http://n2:6800/#8"], 3) == [
        Node("http://n1:6800/", 3),
        Node("http://n2:6800/", 8),
    ]
    with pytest.raises(ValueError):
        parse_nodes(["n1:6800"])
    with pytest.raises(ValueError):
        parse_nodes(["http://n1:6800#0"])
    with pytest.raises(ValueError):
        parse_nodes(["http://n1:6800", "http://n1:6800/"])


def test_a_node_urls_credentials_become_its_basic_auth_never_its_url() -> None:
    [node] = parse_nodes(["http://tinbao:s%40cr%23t@n1:6800#2"])
    assert (node.url, node.max_proc) == ("http://n1:6800/", 2)
    assert node.auth == "Basic dGluYmFvOnNAY3IjdA=="  # tinbao:s@cr#t
    assert "cr" not in repr(node) and "dGlu" not in repr(node)
    assert parse_nodes(["http://n1:6800"])[0].auth == ""


def test_the_daemon_command_takes_repeated_scrapyd_options(tmp_path: Path) -> None:
    parser = cli_parser()
    url = f"sqlite:///{tmp_path / 'a.db'}"
    options = parser.parse_args(["daemon", "--database-url", url, "--scrapyd",
                                 "http://n1:6800#2", "--scrapyd", "http://n2:6800"])  # fmt: skip
    settings = settings_from(options)
    assert settings.scrapyd_nodes == (Node("http://n1:6800/", 2), Node("http://n2:6800/", 4))
    assert settings.max_concurrent == 6  # the nodes' slots
    local = settings_from(parser.parse_args(["daemon", "--database-url", url]))
    assert (local.scrapyd_nodes, local.max_concurrent) == ((), 2)
