"""Crawls dispatched to Scrapyd nodes: the daemon keeps the schedule (its lease), the nodes are
slots (`tinbao daemon --scrapyd URL ...`, docs/scaling.md).

A due crawl goes to the node with the most free slots: its `max_proc` (given with the URL,
`http://node1:6800#4`; Scrapyd does not tell it) less its running and pending jobs
(`daemonstatus.json`) and less the jobs this daemon sent it that are not finished. The crawl is
`schedule.json` with the daemon's crawl settings, the archive's URL and the claim token its
crawl_runs row is found by; `listjobs.json` is polled until the job is finished. A job past the
daemon's timeout is cancelled (`cancel.json`, SIGINT: Scrapy closes cleanly; SIGKILL after the
kill grace). A node that stops answering for `lost_after` seconds, or forgets the job (restarted
with its in-memory job list), has lost the crawl: its row is settled `crashed: node lost`, the
node is left out until it answers again, and the crawl is dispatched again once the site's claim
is free (the old crawl may still be running somewhere: never two crawls of a site at once).
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from scheduler.runner import CrawlOptions
from storage import make_sessionmaker, open_archive
from storage.claims import LOST, live_claim, new_token
from storage.daemon import run_of, settle_run, succeeded
from storage.models import CrawlRun

logger = logging.getLogger("tinbao.scrapyd")

PROJECT = "tinbao"
NODE_LOST = "crashed: node lost"
ENDED_UNCLOSED = "crashed: ended unclosed"
DEFAULT_MAX_PROC = 4


class NodeError(OSError):
    """A node did not answer, or answered with an error."""


@dataclass(frozen=True)
class Node:
    """A Scrapyd node: its base URL (ending in /) and how many crawls it runs at once."""

    url: str
    max_proc: int = DEFAULT_MAX_PROC

    @classmethod
    def parse(cls, text: str, default_max_proc: int = DEFAULT_MAX_PROC) -> Node:
        """`http://host:6800` or `http://host:6800#N` (N slots); ValueError when malformed."""
        address, _, slots = text.strip().partition("#")
        parts = urllib.parse.urlsplit(address)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"{text!r} is not a Scrapyd URL like http://node1:6800")
        if slots and not (slots.isdigit() and int(slots) > 0):
            raise ValueError(f"{text!r}: the slots after # must be a number above 0")
        url = address if address.endswith("/") else address + "/"
        return cls(url, int(slots) if slots else default_max_proc)


class NodeClient:
    """Scrapyd's JSON API, with a timeout on every request."""

    def __init__(self, timeout: float = 10.0):
        self.timeout = timeout

    def daemon_status(self, node: Node) -> dict[str, Any]:
        return self._call(node, "daemonstatus.json")

    def schedule(self, node: Node, fields: Sequence[tuple[str, str]]) -> str:
        return str(self._call(node, "schedule.json", fields)["jobid"])

    def list_jobs(self, node: Node, project: str) -> dict[str, Any]:
        return self._call(node, "listjobs.json?" + urllib.parse.urlencode({"project": project}))

    def cancel(self, node: Node, project: str, job: str, signal: str = "INT") -> str | None:
        answer = self._call(node, "cancel.json", [("project", project), ("job", job),
                                                  ("signal", signal)])  # fmt: skip
        return answer.get("prevstate")

    def _call(
        self, node: Node, endpoint: str, fields: Sequence[tuple[str, str]] | None = None
    ) -> dict[str, Any]:
        data = urllib.parse.urlencode(list(fields)).encode() if fields is not None else None
        try:
            with urllib.request.urlopen(node.url + endpoint, data, timeout=self.timeout) as reply:
                answer = json.load(reply)
        except (OSError, ValueError) as exc:  # refused, reset, timed out, HTTP error, not JSON
            raise NodeError(f"{node.url}{endpoint.partition('?')[0]}: {exc}") from exc
        if not isinstance(answer, dict) or answer.get("status") != "ok":
            raise NodeError(f"{node.url}{endpoint.partition('?')[0]}: {answer!r}")
        return answer


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
    """The nodes and their slots, shared by the daemon's crawl threads."""

    nodes: Sequence[Node]
    client: NodeClient = field(default_factory=NodeClient)
    project: str = PROJECT
    poll: float = 1.0
    lost_after: float = 30.0
    redispatches: int = 3
    clock: Callable[[], float] = time.monotonic
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _outstanding: dict[str, int] = field(default_factory=dict)

    @property
    def slots(self) -> int:
        return sum(node.max_proc for node in self.nodes)

    # -- slots --------------------------------------------------------------------------
    def free_slots(self, node: Node) -> int:
        """The node's free slots now (NodeError when it does not answer)."""
        status = self.client.daemon_status(node)
        busy = int(status.get("running", 0)) + int(status.get("pending", 0))
        return node.max_proc - max(busy, self._outstanding.get(node.url, 0))

    def acquire(self, cancel: threading.Event, *, avoid: str | None = None) -> Node | None:
        """A node with a free slot, the slot taken; waits for one. None once `cancel` is set.
        `avoid` (a node that just lost a crawl) is chosen only when no other has room."""
        while not cancel.is_set():
            with self._lock:
                chosen = self._choose(avoid)
                if chosen is not None:
                    self._outstanding[chosen.url] = self._outstanding.get(chosen.url, 0) + 1
                    return chosen
            cancel.wait(self.poll)
        return None

    def _choose(self, avoid: str | None) -> Node | None:
        best: tuple[bool, int, Node] | None = None
        for node in self.nodes:
            try:
                free = self.free_slots(node)
            except NodeError as exc:
                logger.debug("node %s: not answering: %s", node.url, exc)
                continue
            if free > 0:
                rank = (node.url != avoid, free, node)
                if best is None or rank[:2] > best[:2]:
                    best = rank
        return best[2] if best is not None else None

    def release(self, node: Node) -> None:
        with self._lock:
            self._outstanding[node.url] = max(0, self._outstanding.get(node.url, 0) - 1)

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
                node = self.acquire(cancel, avoid=avoid)
                if node is None:
                    break
                try:
                    outcome, run = self._run_on(node, site, options, sessions, cancel)
                finally:
                    self.release(node)
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
            self.client.schedule(node, self.schedule_fields(site, options, token, job))
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
                             log_file=self.log_url(node, site, job))  # fmt: skip
            if run is not None:
                run.node, run.job_id = node.url, job
                session.flush()
                session.expunge(run)
        return outcome, run

    def schedule_fields(
        self, site: str, options: CrawlOptions, token: str, job: str
    ) -> list[tuple[str, str]]:
        """schedule.json's form: the spider, its arguments, and the settings of the crawl
        (the daemon's, the archive, the claim token, the time limit)."""
        settings = {**options.settings, "TINBAO_DATABASE_URL": options.database_url,
                    "TINBAO_CLAIM_TOKEN": token}  # fmt: skip
        if options.timeout is not None:
            settings["TINBAO_TIME_LIMIT"] = f"{options.timeout:g}"
        fields = [("project", self.project), ("spider", site), ("jobid", job)]
        fields += [(name, value) for name, value in options.arguments.items()]
        fields += [("setting", f"{name}={value}") for name, value in settings.items()]
        return fields

    def log_url(self, node: Node, site: str, job: str) -> str:
        return f"{node.url}logs/{self.project}/{site}/{job}.log"

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
                state = self._state(node, job)
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

    def _state(self, node: Node, job: str) -> str:
        jobs = self.client.list_jobs(node, self.project)
        for state in ("finished", "running", "pending"):
            if any(entry.get("id") == job for entry in jobs.get(state, ())):
                return state
        return "missing"

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


def parse_nodes(texts: Sequence[str], default_max_proc: int = DEFAULT_MAX_PROC) -> list[Node]:
    nodes = [Node.parse(text, default_max_proc) for text in texts]
    if len({node.url for node in nodes}) != len(nodes):
        raise ValueError("a Scrapyd node is given twice")
    return nodes


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
