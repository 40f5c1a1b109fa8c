"""What a supervised crawl is told by the process that started it, and when it must stop.

`tinbao daemon`, `tinbao crawl` and `tinbao backfill` start `scrapy crawl` with these
environment variables (crawler/settings.py reads them into settings of the same names):
the token of its claim holder id (by which the supervisor finds its row), the supervisor's
pid and the read end of a pipe whose other end only the supervisor holds (it reads as closed
the moment the supervisor dies, however it dies), a time limit, the file its log goes to.
A `scrapy crawl` typed by a user has none of them and runs as before, claim included.

`Watch.verdict` is the pure decision the crawl's watchdog takes whenever it wakes: go on, or
close with a reason starting with "failed:" (such a close is never a success: the exit-code
contract maps it to exit status 1).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from datetime import datetime

from storage.claims import holder_name

TOKEN_ENV = "TINBAO_CLAIM_TOKEN"
SUPERVISOR_ENV = "TINBAO_SUPERVISOR_PID"
SUPERVISOR_FD_ENV = "TINBAO_SUPERVISOR_FD"
TIME_LIMIT_ENV = "TINBAO_TIME_LIMIT"
LOG_ENV = "TINBAO_CRAWL_LOG"

# The close reasons of crawl_runs.status this module's crawls may end with.
ALREADY_RUNNING = "failed: already running"  # another live crawl holds the site's claim
CLAIM_LOST = "failed: claim lost"  # the claim could not be renewed in time / was taken over
SUPERVISOR_GONE = "failed: supervisor gone"  # the process that started the crawl died
TIMEOUT = "failed: timeout"  # the crawl ran into its own time limit


@dataclass(frozen=True)
class Watch:
    """A crawl's limits: its supervisor's pid (0: none), and the time it must end by."""

    supervisor: int = 0
    deadline: datetime | None = None

    def verdict(self, *, now: datetime, parent: int, hung_up: bool = False) -> str | None:
        """Why the crawl must stop at `now`, with `parent` its parent's pid and `hung_up`
        whether the supervisor's pipe has closed; None: go on. A crawl whose parent is no
        longer its supervisor was orphaned (the system re-parents it)."""
        if self.supervisor and (hung_up or parent != self.supervisor):
            return SUPERVISOR_GONE
        if self.deadline is not None and now >= self.deadline:
            return TIMEOUT
        return None


_holders: weakref.WeakKeyDictionary[object, str] = weakref.WeakKeyDictionary()


def holder_for(crawler: object, token: str | None) -> str:
    """The claim holder id of `crawler`'s crawl, `host:pid:token` with this process's pid and
    the token its supervisor gave (else a new one), made the first time it is asked for: every
    component of that crawl gets the same."""
    if crawler not in _holders:
        _holders[crawler] = holder_name(token or None)
    return _holders[crawler]
