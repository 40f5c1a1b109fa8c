"""Scrapyd nodes as the daemon sees them: a base URL and a number of slots, the four calls of
Scrapyd's JSON API it makes (`daemonstatus.json`, `schedule.json`, `listjobs.json`,
`cancel.json`; scheduler/scrapyd.py decides when), and the form a crawl is scheduled with.

Scrapyd does not say how many crawls a node runs at once (its `max_proc`): the daemon is told,
after a hash in the node's URL (`http://node1:6800#4`), else `--scrapyd-max-proc`. Every call
has a timeout, and every way a call can fail (refused, reset, timed out, an HTTP error, an
answer that is not JSON or not `"status": "ok"`) is one exception, `NodeError`.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from scheduler.runner import CrawlOptions

PROJECT = "tinbao"  # the name scrapy.cfg's [deploy] section gives the project on a node
DEFAULT_MAX_PROC = 4
logger = logging.getLogger("tinbao.scrapyd")


class NodeError(OSError):
    """A node did not answer, or answered with an error."""


@dataclass(frozen=True)
class Node:
    """A Scrapyd node: its base URL (ending in /), how many crawls it runs at once, and the
    Authorization header it wants (Scrapyd's `username`/`password`), kept out of the URL: the
    URL goes into logs and onto crawl_runs rows."""

    url: str
    max_proc: int = DEFAULT_MAX_PROC
    auth: str = field(default="", repr=False, compare=False)

    @classmethod
    def parse(cls, text: str, default_max_proc: int = DEFAULT_MAX_PROC) -> Node:
        """`http://host:6800`, `http://host:6800#N` (N slots), `http://user:password@host:6800`
        (percent-encoded: `#` is %23, `@` %40); ValueError when malformed."""
        address, _, slots = text.strip().partition("#")
        parts = urllib.parse.urlsplit(address)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{text!r} is not a Scrapyd URL like http://node1:6800")
        if slots and not (slots.isdigit() and int(slots) > 0):
            raise ValueError(f"{text!r}: the slots after # must be a number above 0")
        credentials, _, host = parts.netloc.rpartition("@")
        auth = ""
        if credentials:
            user, _, password = credentials.partition(":")
            pair = f"{urllib.parse.unquote(user)}:{urllib.parse.unquote(password)}"
            auth = "Basic " + base64.b64encode(pair.encode()).decode()
        url = urllib.parse.urlunsplit(parts._replace(netloc=host))
        url = url if url.endswith("/") else url + "/"
        return cls(url, int(slots) if slots else default_max_proc, auth)


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

    def job_state(self, node: Node, project: str, job: str) -> str:
        """`pending`, `running`, `finished`, or `missing` (a node restarted forgets its jobs)."""
        jobs = self.list_jobs(node, project)
        for state in ("finished", "running", "pending"):
            if any(entry.get("id") == job for entry in jobs.get(state, ())):
                return state
        return "missing"

    def cancel(self, node: Node, project: str, job: str, signal: str = "INT") -> str | None:
        answer = self._call(node, "cancel.json", [("project", project), ("job", job),
                                                  ("signal", signal)])  # fmt: skip
        return answer.get("prevstate")

    def _call(
        self, node: Node, endpoint: str, fields: Sequence[tuple[str, str]] | None = None
    ) -> dict[str, Any]:
        data = urllib.parse.urlencode(list(fields)).encode() if fields is not None else None
        request = urllib.request.Request(node.url + endpoint, data)
        if node.auth:
            request.add_header("Authorization", node.auth)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:
                answer = json.load(reply)
        except (OSError, ValueError) as exc:  # refused, reset, timed out, HTTP error, not JSON
            raise NodeError(f"{node.url}{endpoint.partition('?')[0]}: {exc}") from exc
        if not isinstance(answer, dict) or answer.get("status") != "ok":
            raise NodeError(f"{node.url}{endpoint.partition('?')[0]}: {answer!r}")
        return answer


class Slots:
    """The nodes' free slots, shared by the daemon's crawl threads: a node's `max_proc` less
    the larger of its own count of running and pending jobs and the crawls this daemon sent it
    that are not over (a job just sent may not be listed yet)."""

    def __init__(self, nodes: Sequence[Node], client: NodeClient, poll: float = 1.0):
        self.nodes = nodes
        self.client = client
        self.poll = poll
        self._lock = threading.Lock()
        self._outstanding: dict[str, int] = {}

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


def parse_nodes(texts: Sequence[str], default_max_proc: int = DEFAULT_MAX_PROC) -> list[Node]:
    nodes = [Node.parse(text, default_max_proc) for text in texts]
    if len({node.url for node in nodes}) != len(nodes):
        raise ValueError("a Scrapyd node is given twice")
    return nodes


def schedule_fields(
    project: str, site: str, options: CrawlOptions, token: str, job: str
) -> list[tuple[str, str]]:
    """schedule.json's form: the spider, its arguments, and the settings of the crawl (the
    daemon's, the archive, the claim token its row is found by, the time limit)."""
    settings = {**options.settings, "TINBAO_DATABASE_URL": options.database_url,
                "TINBAO_CLAIM_TOKEN": token}  # fmt: skip
    if options.timeout is not None:
        settings["TINBAO_TIME_LIMIT"] = f"{options.timeout:g}"
    fields = [("project", project), ("spider", site), ("jobid", job)]
    fields += [(name, value) for name, value in options.arguments.items()]
    fields += [("setting", f"{name}={value}") for name, value in settings.items()]
    return fields


def log_url(node: Node, project: str, site: str, job: str) -> str:
    """Where the node serves the job's log (its logs_dir, under /logs/)."""
    return f"{node.url}logs/{project}/{site}/{job}.log"
