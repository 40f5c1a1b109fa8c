"""The shared frontier's moves in Redis (crawler/frontier/scripts.py, shared_pacing.py), on the
test's own keys: a request is always in one place — the queue or one process's hand — and the
hand of a process whose lease expired goes back to the queue; a host's slots and spacing hold
for every process together."""

from __future__ import annotations

import pickle
from types import SimpleNamespace
from typing import cast

import pytest
from redis.exceptions import ConnectionError
from scrapy import Request, Spider
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler
from twisted.internet import task

from crawler.ending import DROPPED
from crawler.frontier.scheduler import SharedFrontierScheduler
from crawler.frontier.scripts import GIVE_BACK, PENDING, POP, RECLAIM
from crawler.frontier.settings import use_shared_frontier
from crawler.middlewares.shared_pacing import ACQUIRE, PAUSE
from tests.redis_frontier import RedisFrontier
from tests.redis_frontier import frontier as frontier  # a fixture


def test_a_pop_moves_the_first_request_into_the_hand(frontier: RedisFrontier) -> None:
    keys, server = frontier.keys("site"), frontier.server
    pop = server.register_script(POP)
    server.zadd(keys.requests, {b"later": 0, b"first": -5})
    assert pop(keys=[keys.requests, keys.in_hand("a")]) == b"first"
    assert server.zrange(keys.requests, 0, -1) == [b"later"]
    assert server.zrange(keys.in_hand("a"), 0, -1, withscores=True) == [(b"first", -5.0)]
    assert pop(keys=[keys.requests, keys.in_hand("a")]) == b"later"
    assert pop(keys=[keys.requests, keys.in_hand("a")]) is None


def test_given_back_requests_keep_their_priority(frontier: RedisFrontier) -> None:
    keys, server = frontier.keys("site"), frontier.server
    server.zadd(keys.in_hand("a"), {b"dropped": -3, b"kept": 0})
    give_back = server.register_script(GIVE_BACK)
    assert give_back(keys=[keys.requests, keys.in_hand("a")], args=[b"dropped", b"unknown"]) == 1
    assert server.zrange(keys.requests, 0, -1, withscores=True) == [(b"dropped", -3.0)]
    assert server.zrange(keys.in_hand("a"), 0, -1) == [b"kept"]


def test_the_hand_of_a_process_without_a_lease_goes_back_to_the_queue(
    frontier: RedisFrontier,
) -> None:
    keys, server = frontier.keys("site"), frontier.server
    server.sadd(keys.nodes, "alive", "dead")
    server.set(keys.lease("alive"), b"1", px=60_000)
    server.zadd(keys.in_hand("alive"), {b"a1": 0})
    server.zadd(keys.in_hand("dead"), {b"d1": 0, b"d2": -1})
    pending = server.register_script(PENDING)
    assert pending(args=[keys.base, "alive"]) == 2, "the dead one's requests may come back"
    assert server.register_script(RECLAIM)(args=[keys.base]) == 2
    assert sorted(server.zrange(keys.requests, 0, -1)) == [b"d1", b"d2"]
    assert not server.exists(keys.in_hand("dead"))
    assert server.smembers(keys.nodes) == {b"alive"}
    assert server.zrange(keys.in_hand("alive"), 0, -1) == [b"a1"]
    assert pending(args=[keys.base, "dead"]) == 2  # queued now


def test_a_host_has_so_many_slots_for_all_processes_and_its_spacing(
    frontier: RedisFrontier,
) -> None:
    keys, server = frontier.keys("site"), frontier.server
    acquire = server.register_script(ACQUIRE)
    host = [keys.slots("h"), keys.next_start("h")]
    # two slots, no spacing, slots held for a minute
    assert acquire(keys=host, args=["a:1", 2, 0, 60_000]) == 0
    assert acquire(keys=host, args=["b:1", 2, 0, 60_000]) == 0
    assert acquire(keys=host, args=["a:2", 2, 0, 60_000]) == -1, "both slots are taken"
    server.zrem(keys.slots("h"), "b:1")
    assert acquire(keys=host, args=["a:2", 2, 10_000, 60_000]) == 0
    server.zrem(keys.slots("h"), "a:1")
    wait = acquire(keys=host, args=["b:2", 2, 10_000, 60_000])
    assert 9_000 < wait <= 10_000, "a slot is free, the spacing is not over"


def test_a_slot_of_a_killed_process_expires(frontier: RedisFrontier) -> None:
    keys, server = frontier.keys("site"), frontier.server
    acquire = server.register_script(ACQUIRE)
    host = [keys.slots("h"), keys.next_start("h")]
    assert acquire(keys=host, args=["dead:1", 1, 0, 0]) == 0  # expired the moment it is held
    assert acquire(keys=host, args=["b:1", 1, 0, 60_000]) == 0


def test_a_pause_holds_every_process_back(frontier: RedisFrontier) -> None:
    keys, server = frontier.keys("site"), frontier.server
    server.register_script(PAUSE)(keys=[keys.next_start("h")], args=[30_000])
    wait = server.register_script(ACQUIRE)(keys=[keys.slots("h"), keys.next_start("h")],
                                           args=["a:1", 2, 0, 60_000])  # fmt: skip
    assert 29_000 < wait <= 30_000


class Site(Spider):
    name = "site"

    def parse(self, response: object) -> None:
        pass


def test_the_scheduler_lets_go_of_a_request_only_once_scrapy_is_done_with_it(
    frontier: RedisFrontier,
) -> None:
    """Done: out of the engine's `inprogress`; dropped unsent by a crawl that is ending: back
    to the queue; at close, the process leaves the frontier, the queue and seen set stay."""
    crawler = get_crawler(Site, {**use_frontier(frontier), "TINBAO_CLAIM_TOKEN": "t"})
    scheduler = SharedFrontierScheduler.from_crawler(crawler)
    scheduler.heartbeat.clock = task.Clock()  # type: ignore[assignment]  # no reactor: beats are called by hand
    keys, server = frontier.keys("site"), frontier.server
    in_progress: set[Request] = set()
    crawler.engine = SimpleNamespace(_slot=SimpleNamespace(inprogress=in_progress))  # type: ignore[assignment]
    spider = Site.from_crawler(crawler)
    scheduler.open(spider)
    for n in range(3):
        assert scheduler.enqueue_request(Request(f"http://h/{n}", priority=-n))
    assert not scheduler.enqueue_request(Request("http://h/0")), "seen"
    popped = []
    for _ in range(2):  # the engine starts a popped request's download at once
        request = scheduler.next_request()
        assert request is not None
        in_progress.add(request)
        popped.append(request)
    dropped = popped[1]
    hand = keys.in_hand(scheduler.node)
    assert server.zcard(hand) == 2 and server.zcard(keys.requests) == 1
    scheduler.beat()
    assert server.zcard(hand) == 2, "both still in progress"
    dropped.meta[DROPPED] = True
    in_progress.clear()
    scheduler.beat()
    assert server.zcard(hand) == 0
    queued = [pickle.loads(cast(bytes, m))["url"] for m in server.zrange(keys.requests, 0, -1)]
    assert sorted(queued) == sorted(["http://h/2", dropped.url])
    scheduler.close("finished")
    assert not server.exists(keys.lease(scheduler.node))
    assert server.smembers(keys.nodes) == set()
    assert server.zcard(keys.requests) == 2 and server.scard(keys.seen) == 3


def use_frontier(frontier: RedisFrontier) -> dict[str, object]:
    settings = Settings(frontier.settings())
    use_shared_frontier(settings, "site")
    wanted = ("SCHEDULER", "DUPEFILTER", "REDIS", "TINBAO")
    return {name: settings[name] for name in settings if name.startswith(wanted)}


def test_a_redis_error_while_queueing_ends_the_crawl_as_frontier_lost(
    frontier: RedisFrontier, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It reached Scrapy's engine, which logged a traceback and closed the crawl as
    "shutdown" (as if stopped by Ctrl-C) when Redis went away while a start request was
    queued."""
    crawler = get_crawler(Site, {**use_frontier(frontier), "TINBAO_CLAIM_TOKEN": "t"})
    scheduler = SharedFrontierScheduler.from_crawler(crawler)
    scheduler.heartbeat.clock = task.Clock()  # type: ignore[assignment]
    crawler.engine = SimpleNamespace(_slot=SimpleNamespace(inprogress=set()))  # type: ignore[assignment]
    scheduler.open(Site.from_crawler(crawler))
    ended: list[str] = []
    monkeypatch.setattr("crawler.frontier.scheduler.end_crawl", lambda _, why: ended.append(why))

    def gone(*_: object) -> bool:
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(scheduler.df, "request_seen", gone)
    assert not scheduler.enqueue_request(Request("http://h/1"))
    assert ended == ["failed: frontier lost: Error 111 connecting to 127.0.0.1:6379. "
                     "Connection refused."]  # fmt: skip
    scheduler.close("failed")
