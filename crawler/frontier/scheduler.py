"""A Scrapy scheduler on a frontier in Redis that several crawl processes share: scrapy-redis's
Scheduler and RFPDupeFilter, with the requests each process has in hand kept in Redis too.

scrapy-redis gives the sharing: one queue (a sorted set of pickled requests) and one seen set
of fingerprints, so a page any process queued is queued once for all. What it lacks is a kill:
its pop deletes the request from Redis while the fingerprint stays seen, so the requests a
process held when it died are gone for good. Here a pop moves the request into the process's
in-hand set (crawler/frontier/scripts.py); it leaves that set only once Scrapy is done with it,
and the requests of a process whose lease expired go back to the queue.

"Done with it" is Scrapy's own book: the engine keeps a request in `engine._slot.inprogress`
from the download until its output is handled — the callback run, the requests it yielded
queued (in Redis), its items through the pipelines (stored). There is no signal for that end,
so the in-hand set is reconciled with `inprogress` at every pop and every heartbeat. A request
the crawl dropped because it was ending (crawler/ending.py marks it) goes back to the queue.

A process waits, rather than closing, while other live processes still hold requests: what they
find, or give back when they die, is for it to crawl too.
"""

from __future__ import annotations

import logging
from typing import Any

from redis.exceptions import RedisError
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from crawler.ending import DROPPED, end_crawl
from crawler.frontier.keys import FrontierKeys
from crawler.frontier.scripts import GIVE_BACK, PENDING, POP, RECLAIM
from crawler.frontier.settings import frontier_url
from crawler.frontier.status import FrontierUnusable, first_line, shown
from crawler.supervised import holder_for

logger = logging.getLogger(__name__)
DEFAULT_LEASE = 30.0  # seconds a silent process keeps its requests in hand


class SharedFrontierScheduler(Scheduler):  # type: ignore[misc]
    crawler: Crawler
    keys: FrontierKeys
    node: str  # this process: its claim holder id, host:pid:token
    lease_ms: int
    held: dict[Request, bytes]  # the requests in hand -> their pickled form in Redis
    heartbeat: task.LoopingCall

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedFrontierScheduler:
        settings = crawler.settings
        try:  # scrapy-redis pings the server: gone since the command's own check
            scheduler: SharedFrontierScheduler = super().from_crawler(crawler)
        except RedisError as exc:
            raise FrontierUnusable(
                f"the frontier {shown(frontier_url(settings))} could not be reached: "
                f"{first_line(exc)}"
            ) from exc
        assert crawler.spidercls is not None
        site = str(crawler.spidercls.name)
        scheduler.crawler = crawler
        scheduler.keys = FrontierKeys.for_site(site, settings.get("TINBAO_FRONTIER_KEY", ""))
        scheduler.node = holder_for(crawler, settings.get("TINBAO_CLAIM_TOKEN"))
        lease = settings.getfloat("TINBAO_FRONTIER_LEASE", DEFAULT_LEASE)
        scheduler.lease_ms = int(lease * 1000)
        scheduler.held = {}
        scheduler.heartbeat = task.LoopingCall(scheduler.beat)
        return scheduler

    def open(self, spider: Spider) -> None:
        self._pop = self.server.register_script(POP)
        self._give_back = self.server.register_script(GIVE_BACK)
        self._reclaim = self.server.register_script(RECLAIM)
        self._pending = self.server.register_script(PENDING)
        self._renew_lease()  # alive before the first request is in hand
        super().open(spider)
        self.beat()
        self.heartbeat.start(self.lease_ms / 3000, now=False)
        logger.info("shared frontier %s: %d requests queued, %d seen; node %s", self.keys.base,
                    len(self.queue), self.server.scard(self.keys.seen), self.node)  # fmt: skip

    def close(self, reason: str) -> None:
        """Give back what was not finished, leave the frontier; the queue and seen set stay
        (SCHEDULER_PERSIST: other processes go on, and this backfill can resume)."""
        if self.heartbeat.running:
            self.heartbeat.stop()
        try:
            self._settle_held()
            if self.held:  # not finished after all (the engine stopped with them in progress)
                self._give_back(keys=self._hand_keys(), args=list(self.held.values()))
                self.held.clear()
            self.server.delete(self.keys.lease(self.node))
            self.server.srem(self.keys.nodes, self.node)
        except RedisError as exc:  # the server is gone: the lease expiring gives them back
            logger.warning("shared frontier not left (%s: %s)", type(exc).__name__, exc)
            return
        super().close(reason)

    def enqueue_request(self, request: Request) -> bool:
        """scrapy-redis's, without its deprecated `spider=` to the stats. A Redis error here
        reached Scrapy's engine, which logged it and closed the crawl as "shutdown"."""
        try:
            if not request.dont_filter and self.df.request_seen(request):
                self.df.log(request, self.spider)
                return False
            self.queue.push(request)
        except RedisError as exc:
            self._lost(exc)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        try:
            self._settle_held()
            member = self._pop(keys=self._hand_keys())
        except RedisError as exc:  # raised here, it was logged and retried for ever: a hang
            self._lost(exc)
            return None
        if member is None:
            return None
        request: Request = self.queue._decode_request(member)
        self.held[request] = member
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        try:
            return bool(self._pending(args=[self.keys.base, self.node]))
        except RedisError as exc:
            self._lost(exc)
            return False

    def _lost(self, error: RedisError) -> None:
        """The frontier's server stopped answering: end the crawl failed, in one line (its
        requests in hand come back to the others once this node's lease expires)."""
        end_crawl(self.crawler, f"failed: frontier lost: {first_line(error)}")

    def __len__(self) -> int:
        return int(self._pending(args=[self.keys.base, self.node]))

    def beat(self) -> None:
        """Renew this node's lease, forget what Scrapy has finished, and give the requests of
        nodes gone silent back to the queue."""
        try:
            self._beat()
        except RedisError as exc:  # the next beat tries again; a LoopingCall that raised stops
            logger.warning("shared frontier heartbeat failed (%s: %s)", type(exc).__name__, exc)

    def _beat(self) -> None:
        self._renew_lease()
        self._settle_held()
        moved = int(self._reclaim(args=[self.keys.base]))
        if moved:
            logger.warning("%d requests of a lost node returned to the frontier", moved)
            if self.stats:
                self.stats.inc_value("tinbao/frontier/reclaimed", moved)

    def _renew_lease(self) -> None:
        pipe = self.server.pipeline()
        pipe.set(self.keys.lease(self.node), b"1", px=self.lease_ms)
        pipe.sadd(self.keys.nodes, self.node)
        pipe.execute()

    def _settle_held(self) -> None:
        """Drop from the in-hand set the requests Scrapy has finished; the ones it dropped
        unsent because the crawl is ending go back to the queue instead."""
        in_progress = self._in_progress()
        finished = [r for r in self.held if r not in in_progress]
        if not finished:
            return
        back = [self.held.pop(r) for r in finished if r.meta.get(DROPPED)]
        done = [self.held.pop(r) for r in finished if r in self.held]
        if back:
            self._give_back(keys=self._hand_keys(), args=back)
        if done:
            self.server.zrem(self.keys.in_hand(self.node), *done)

    def _in_progress(self) -> set[Request] | frozenset[Any]:
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None) if engine is not None else None
        return slot.inprogress if slot is not None else frozenset()

    def _hand_keys(self) -> list[str]:
        return [self.keys.requests, self.keys.in_hand(self.node)]
