"""The daemon's settings, with defaults a production archive can start from, and the
durations its command line takes ("90", "90s", "30m", "6h", "1h30m")."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scheduler.nodes import Node

_DURATION = re.compile(r"(?:\d+(?:\.\d+)?[smhd])+")
_PART = re.compile(r"(\d+(?:\.\d+)?)([smhd])")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> timedelta:
    """ "90" or "90s" (seconds), "30m", "6h", "1d", "1h30m"; ValueError for anything else."""
    value = text.strip()
    try:
        seconds = float(value)
    except ValueError:
        if not _DURATION.fullmatch(value):
            raise ValueError(f"{text!r} is not a duration like 90, 90s, 30m, 6h or 1h30m") from None
        seconds = sum(float(n) * _UNIT[unit] for n, unit in _PART.findall(value))
    if seconds < 0:
        raise ValueError(f"{text!r}: a duration cannot be negative")
    return timedelta(seconds=seconds)


@dataclass(frozen=True)
class DaemonSettings:
    """Everything `tinbao daemon` can be told.

    `lease` is how long the scheduling lock stays ours without renewal: a second daemon takes
    over that long after the first one died. The lock is renewed every `lease / 4`.
    `crawl_log_dir` receives each crawl's output in a file of its own (None: the daemon's
    stderr). With `scrapyd_nodes`, crawls run there, polled every `scrapyd_poll`; a node silent
    for `scrapyd_lost_after` has lost its crawls.
    """

    database_url: str
    sites: tuple[str, ...] = ()
    max_concurrent: int = 2
    timeout: timedelta = timedelta(hours=6)
    kill_grace: timedelta = timedelta(seconds=30)
    stop_grace: timedelta = timedelta(seconds=60)
    jitter: timedelta = timedelta(minutes=2)
    misfire_grace: timedelta | None = None
    lease: timedelta = timedelta(seconds=60)
    crawl_settings: Mapping[str, str] = field(default_factory=dict)
    crawl_log_dir: Path | None = None
    # Scrapyd nodes crawls are dispatched to (scheduler/scrapyd.py); none: local subprocesses.
    scrapyd_nodes: tuple[Node, ...] = ()
    scrapyd_poll: timedelta = timedelta(seconds=2)
    scrapyd_lost_after: timedelta = timedelta(seconds=30)

    @property
    def heartbeat(self) -> timedelta:
        return max(self.lease / 4, timedelta(seconds=0.5))
