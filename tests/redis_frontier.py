"""A shared frontier for a test: the Redis server at $TINBAO_TEST_REDIS_URL (default
redis://127.0.0.1:6379/0), a key prefix of the test's own, deleted afterwards. The test is
skipped, with the reason, when no Redis answers."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import redis

from crawler.frontier.keys import FrontierKeys

REDIS_URL = os.environ.get("TINBAO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@dataclass(frozen=True)
class RedisFrontier:
    url: str
    pattern: str  # TINBAO_FRONTIER_KEY
    server: redis.Redis

    def keys(self, site: str) -> FrontierKeys:
        return FrontierKeys.for_site(site, self.pattern)

    def settings(self) -> dict[str, str]:
        return {"TINBAO_FRONTIER": self.url, "TINBAO_FRONTIER_KEY": self.pattern}


@pytest.fixture
def frontier() -> Iterator[RedisFrontier]:
    server = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        server.ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis reachable at {REDIS_URL}: {type(exc).__name__}")
    prefix = f"tinbao-test:{uuid.uuid4().hex[:10]}"
    yield RedisFrontier(REDIS_URL, prefix + ":%(spider)s", server)
    for key in server.scan_iter(match=prefix + ":*"):
        server.delete(key)
    server.close()
