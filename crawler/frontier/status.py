"""What a shared frontier holds, for `tinbao frontier` and `tinbao backfill --frontier`: how many
requests are queued, how many were ever seen, what each process has in hand and whether it is
alive; and clearing it once no process uses it. Redis errors become one-line exceptions.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import redis

from crawler.frontier.keys import DEFAULT_PREFIX, FrontierKeys

DEFAULT_URL = "redis://127.0.0.1:6379/0"
_PASSWORD = re.compile(r"(?<=:)[^:@/]*(?=@)")
_DATABASE = re.compile(r"/?\d*")  # redis-py reads any other path as database 0, silently


class FrontierUnusable(Exception):
    """The frontier's URL is not a Redis URL, or its server does not answer."""


class FrontierUrlWrong(FrontierUnusable):
    """The URL cannot be used as given: a mistake of the caller's (exit status 2)."""


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
        database = urlsplit(url).path if url.startswith(("redis:", "rediss:")) else ""
    except ValueError as exc:
        raise FrontierUrlWrong(f"{shown(url)} is not a Redis URL ({exc})") from None
    if not _DATABASE.fullmatch(database):
        raise FrontierUrlWrong(
            f"{shown(url)} is not a Redis URL (its database is a number, not {database[1:]!r})"
        )
    try:
        server.ping()
    except redis.RedisError as exc:
        raise FrontierUnusable(
            f"the frontier {shown(url)} could not be reached: {first_line(exc)}"
        ) from None
    return server


@contextmanager
def answering(url: str) -> Iterator[None]:
    """A Redis error of the commands run inside (the server gone since the ping, a key of the
    wrong type, a read-only replica) as FrontierUnusable, in one line."""
    try:
        yield
    except redis.RedisError as exc:
        raise FrontierUnusable(f"the frontier {shown(url)} failed: {first_line(exc)}") from None


def first_line(error: BaseException) -> str:
    """An error's first line, else its kind: what a one-line report of it shows."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


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
