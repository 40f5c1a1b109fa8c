"""Where a shared frontier lives in Redis: one key prefix per site, and the names under it.

Every process of one backfill reads the same keys, so they must agree on them: the prefix is
the TINBAO_FRONTIER_KEY setting (default `tinbao:frontier:<site>`), the server the Redis URL
given as TINBAO_FRONTIER. Nothing here talks to Redis.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_PREFIX = "tinbao:frontier:%(spider)s"


class BadKeyPattern(ValueError):
    """TINBAO_FRONTIER_KEY cannot make a key prefix: a mistake of the caller's."""


@dataclass(frozen=True)
class FrontierKeys:
    """The keys of one site's frontier under `base`."""

    base: str

    @classmethod
    def for_site(cls, site: str, pattern: str = DEFAULT_PREFIX) -> FrontierKeys:
        """The keys of `site`'s frontier; BadKeyPattern when `pattern` names anything but
        `%(spider)s` or is not a %-pattern at all."""
        try:
            return cls((pattern or DEFAULT_PREFIX) % {"spider": site})
        except (KeyError, ValueError, TypeError) as exc:
            raise BadKeyPattern(
                f"TINBAO_FRONTIER_KEY {pattern!r} is not a key prefix: it may name only "
                f"%(spider)s, the site ({type(exc).__name__}: {exc})"
            ) from None

    @property
    def requests(self) -> str:
        """The queue: a sorted set of pickled requests, scored by minus their priority."""
        return f"{self.base}:requests"

    @property
    def seen(self) -> str:
        """scrapy-redis's dupefilter: a set of request fingerprints, one per request queued."""
        return f"{self.base}:seen"

    @property
    def nodes(self) -> str:
        """The processes that may hold requests in hand (a set of node ids)."""
        return f"{self.base}:nodes"

    def lease(self, node: str) -> str:
        """Exists while `node` is alive: renewed by its heartbeat, expiring on its own."""
        return f"{self.base}:lease:{node}"

    def in_hand(self, node: str) -> str:
        """The requests `node` took from the queue and has not finished (a sorted set, scored
        as in the queue, so that they go back with their priority)."""
        return f"{self.base}:inhand:{node}"

    def slots(self, host: str) -> str:
        """Who is downloading from `host` now: a sorted set of holders, scored by expiry."""
        return f"{self.base}:slots:{host}"

    def next_start(self, host: str) -> str:
        """The earliest time (Redis clock, ms) the next download from `host` may start."""
        return f"{self.base}:next:{host}"

    @property
    def pattern(self) -> str:
        """Every key of this frontier, for SCAN (`tinbao frontier --clear`)."""
        return f"{self.base}:*"
