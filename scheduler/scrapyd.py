"""Crawls dispatched to Scrapyd nodes: the daemon keeps the schedule (its lease), the nodes are
slots (`tinbao daemon --scrapyd URL ...`, docs/scaling.md).

A due crawl goes to the node with the most free slots (scheduler/nodes.py). The crawl is
`schedule.json` with the daemon's crawl settings, the archive's URL and the claim token its
crawl_runs row is found by; `listjobs.json` is polled until the job is finished. A job past the
daemon's timeout is cancelled (`cancel.json`, SIGINT: Scrapy closes cleanly; SIGKILL after the
kill grace). A node that stops answering for `lost_after` seconds, or forgets the job (restarted
with its in-memory job list), has lost the crawl: its row is settled `crashed: node lost`, the
node is left out until it answers again, and the crawl is dispatched again once the site's claim
is free (the old crawl may still be running somewhere: never two crawls of a site at once).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from scheduler.nodes import PROJECT, Node, NodeClient, NodeError, Slots, log_url, schedule_fields
from scheduler.runner import CrawlOptions
from storage import make_sessionmaker, open_archive
from storage.claims import LOST, live_claim, new_token
from storage.daemon import run_of, settle_run, succeeded
from storage.models import CrawlRun

logger = logging.getLogger("tinbao.scrapyd")

NODE_LOST = "crashed: node lost"
ENDED_UNCLOSED = "crashed: ended unclosed"


@dataclass(frozen=True)
class RemoteOutcome:
    """How one dispatched job ended: `finished`, `timeout`, `cancelled` or `lost`."""

    node: Node
    job: str
    token: str
    end: str
    seconds: float


@dataclass
class Dispatcher:
    """Crawls sent to the nodes, one per call of `crawl` (each daemon crawl thread's); the
    nodes' slots (`slots`) are shared by them."""

    nodes: Sequence[Node]
    client: NodeClient = field(default_factory=NodeClient)
    project: str = PROJECT
    poll: float = 1.0
    lost_after: float = 30.0
    redispatches: int = 3
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        self.slots = Slots(self.nodes, self.client, self.poll)

    # -- one crawl ----------------------------------------------------------------------
    def crawl(
        self, site: str, options: CrawlOptions, *, cancel: threading.Event | None = None
    ) -> list[CrawlRun]:
        """Crawl `site` on a node, again on another when its node is lost (at most
        `redispatches` times); the crawl_runs rows it left, settled, oldest first."""
        cancel = cancel or threading.Event()
        engine = open_archive(options.database_url)
        sessions = make_sessionmaker(engine)
        runs: list[CrawlRun] = []
        avoid: str | None = None
        lost = False  # the last attempt's node lost it (not: refused it)
        try:
            for attempt in range(self.redispatches + 1):
                if lost:
                    if not self._wait_claim_free(sessions, site, runs[-1], cancel):
                        break
                    last = runs[-1] = self._reread(sessions, runs[-1])
                    if succeeded(last.status):  # cut off from us, it ran to its end
                        logger.info("crawl %s: run %d ended %s after its node was lost; not "
                                    "dispatched again", site, last.id, last.status)  # fmt: skip
                        break
                node = self.slots.acquire(cancel, avoid=avoid)
                if node is None:
                    break
                try:
                    outcome, run = self._run_on(node, site, options, sessions, cancel)
                finally:
                    self.slots.release(node)
                if run is not None:
                    runs.append(run)
                avoid, lost = node.url, outcome is not None and outcome.end == "lost"
                if outcome is None:  # schedule.json failed: try a node again
                    continue
                _log_end(site, outcome, run)
                if not lost or cancel.is_set() or (run is not None and succeeded(run.status)):
                    break
                if attempt < self.redispatches:
                    logger.warning("crawl %s: node %s lost it; dispatching it again", site,
                                   node.url)  # fmt: skip
        finally:
            engine.dispose()
        return runs

    def _run_on(
        self,
        node: Node,
        site: str,
        options: CrawlOptions,
        sessions: sessionmaker[Session],
        cancel: threading.Event,
    ) -> tuple[RemoteOutcome | None, CrawlRun | None]:
        token, job = new_token(), uuid.uuid4().hex
        launched_at = datetime.now(UTC)
        try:
            self.client.schedule(node, schedule_fields(self.project, site, options, token, job))
        except NodeError as exc:
            logger.warning("crawl %s: node %s refused it: %s", site, node.url, exc)
            return None, None
        logger.info("crawl %s: dispatched to %s as job %s", site, node.url, job)
        outcome = self._watch(node, job, token, options, sessions, cancel)
        status = {"timeout": "killed: timeout", "cancelled": "killed: shutdown",
                  "lost": NODE_LOST}.get(outcome.end, ENDED_UNCLOSED)  # fmt: skip
        with sessions.begin() as session:
            # a timeout is the news, whatever the crawl closed as; a lost node only when the
            # crawl did not close its row itself (it may have run to its end, cut off from us)
            mine = run_of(session, token)
            overrule = outcome.end == "timeout" or (
                outcome.end == "lost" and mine is not None and mine.status == LOST
            )
            run = settle_run(session, site, token, launched_at=launched_at,
                             ended_at=datetime.now(UTC), status=status, overrule=overrule,
                             log_file=log_url(node, self.project, site, job))  # fmt: skip
            if run is not None:
                run.node, run.job_id = node.url, job
                session.flush()
                session.expunge(run)
        return outcome, run

    def _watch(
        self,
        node: Node,
        job: str,
        token: str,
        options: CrawlOptions,
        sessions: sessionmaker[Session],
        cancel: threading.Event,
    ) -> RemoteOutcome:
        """Poll the job until it is finished, cancelling it past the timeout or at shutdown;
        `lost` when the node stops answering or forgets it."""
        started = self.clock()
        answered = started
        missing = 0
        stopping: str | None = None  # "timeout" or "cancelled" once cancel.json was sent
        stopped_at = 0.0
        killed = tagged = False
        while True:
            now = self.clock()
            try:
                state = self.client.job_state(node, self.project, job)
                answered = now
            except NodeError:
                state = "unknown"
                if now - answered > self.lost_after:
                    return RemoteOutcome(node, job, token, "lost", now - started)
            if state == "finished":
                return RemoteOutcome(node, job, token, stopping or "finished", now - started)
            missing = missing + 1 if state == "missing" else 0
            if missing >= 2:  # the node restarted and forgot it
                return RemoteOutcome(node, job, token, "lost", now - started)
            if state == "running" and not tagged:
                tagged = self._tag(sessions, token, node, job)
            if stopping is None:
                if options.timeout is not None and now - started > options.timeout:
                    stopping = "timeout"
                elif cancel.is_set():
                    stopping = "cancelled"
                if stopping is not None:
                    why = "past its timeout" if stopping == "timeout" else "shutdown"
                    logger.warning("job %s on %s: %s; cancelling it", job, node.url, why)
                    self._cancel(node, job, "INT")
                    stopped_at = now
            elif not killed and now - stopped_at > options.kill_grace:
                self._cancel(node, job, "KILL")
                killed = True
            if cancel.is_set():
                time.sleep(self.poll)
            else:
                cancel.wait(self.poll)

    def _cancel(self, node: Node, job: str, signal: str) -> None:
        try:
            self.client.cancel(node, self.project, job, signal)
        except NodeError as exc:
            logger.warning("node %s: could not cancel job %s: %s", node.url, job, exc)

    def _tag(self, sessions: sessionmaker[Session], token: str, node: Node, job: str) -> bool:
        """Put node and job id on the crawl's row as soon as it has written it."""
        with sessions.begin() as session:
            run = run_of(session, token)
            if run is None:
                return False
            run.node, run.job_id = node.url, job
            return True

    def _reread(self, sessions: sessionmaker[Session], run: CrawlRun) -> CrawlRun:
        """`run` as the archive has it now (its crawl may have closed it since)."""
        with sessions() as session:
            fresh = session.get(CrawlRun, run.id)
            if fresh is None:
                return run
            session.expunge(fresh)
            return fresh

    def _wait_claim_free(
        self, sessions: sessionmaker[Session], site: str, lost: CrawlRun, cancel: threading.Event
    ) -> bool:
        """Wait until no live crawl holds the site's claim (the lost crawl may still run, cut
        off from the daemon, until its lease expires); False when `cancel` came first."""
        while not cancel.is_set():
            with sessions() as session:
                claim = live_claim(session, site, now=datetime.now(UTC))
            if claim is None:
                return True
            logger.debug("crawl %s: waiting for the claim of %s (run %d)", site, claim.holder,
                         lost.id)  # fmt: skip
            cancel.wait(self.poll)
        return False


def _log_end(site: str, outcome: RemoteOutcome, run: CrawlRun | None) -> None:
    counts = (
        f"{run.status}: {run.pages_fetched} pages, {run.articles_new} new, "
        f"{run.errors} errors (run {run.id})"
        if run is not None
        else "no crawl_runs row"
    )
    level = logging.INFO if run is not None and run.status == "finished" else logging.WARNING
    logger.log(level, "crawl %s on %s, job %s: %s in %.1fs, %s", site, outcome.node.url,
               outcome.job, outcome.end, outcome.seconds, counts)  # fmt: skip
