"""What a shared frontier holds, for `tinbao frontier` and `tinbao backfill --frontier`: how many
requests are queued, how many were ever seen, what each process has in hand and whether it is
alive; and clearing it once no process uses it. Redis errors become one-line exceptions.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

import redis

from crawler.frontier.keys import DEFAULT_PREFIX, FrontierKeys

DEFAULT_URL = "redis://127.0.0.1:6379/0"
_PASSWORD = re.compile(r"(?<=:)[^:@/]*(?=@)")


class FrontierUnusable(Exception):
    """The frontier's URL is not a Redis URL, or its server does not answer."""


def frontier_url(given: str | None = None) -> str:
    """The frontier's Redis URL: the one given, else $TINBAO_FRONTIER, else the local server."""
    return given or os.environ.get("TINBAO_FRONTIER") or DEFAULT_URL


def frontier_keys(site: str) -> FrontierKeys:
    return FrontierKeys.for_site(site, os.environ.get("TINBAO_FRONTIER_KEY") or DEFAULT_PREFIX)


def shown(url: str) -> str:
    """`url` without its password, as printed."""
    return _PASSWORD.sub("***", url)


def connect(url: str) -> redis.Redis:
    """A client of the frontier's server, checked to answer."""
    try:
        server = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=10)
    except ValueError as exc:
        raise FrontierUnusable(f"{shown(url)} is not a Redis URL ({exc})") from None
    try:
        server.ping()
    except redis.RedisError as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise FrontierUnusable(
            f"the frontier {shown(url)} could not be reached: {detail}"
        ) from None
    return server


@dataclass(frozen=True)
class NodeState:
    node: str
    in_hand: int
    lease_seconds: float  # how long it stays alive without a heartbeat; 0: it is gone


@dataclass(frozen=True)
class FrontierState:
    key: str
    queued: int
    seen: int
    nodes: tuple[NodeState, ...]

    @property
    def live_nodes(self) -> list[NodeState]:
        return [n for n in self.nodes if n.lease_seconds > 0]


def frontier_state(server: redis.Redis, keys: FrontierKeys) -> FrontierState:
    names = sorted(member.decode() for member in server.smembers(keys.nodes))  # type: ignore[union-attr]
    nodes = []
    for node in names:
        ttl = int(server.pttl(keys.lease(node)))
        nodes.append(NodeState(node, int(server.zcard(keys.in_hand(node))), max(ttl, 0) / 1000))
    queued, seen = int(server.zcard(keys.requests)), int(server.scard(keys.seen))
    return FrontierState(keys.base, queued, seen, tuple(nodes))


def clear_frontier(server: redis.Redis, keys: FrontierKeys) -> int:
    """Delete every key of the frontier (queue, seen set, hands, pacing); how many there were."""
    found = list(server.scan_iter(match=keys.pattern, count=1000))
    if found:
        server.delete(*found)
    return len(found)
