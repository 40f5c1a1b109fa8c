"""When a site is crawled: APScheduler triggers built from the registry's interval, and the
decisions around them (first run, jitter, misfire grace, a cron line's period).

Every function takes `now`; none reads the clock, so tests give literal times.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from crawler.intervals import CRON_TIMEZONE, Interval

# A cron line's period is the longest gap among its next fire times: "*/30 6-22 * * *" has a
# period of 7.5 hours (the night), so a site is not called stale at 23:00.
_CRON_SAMPLES = 64
JITTER_SHARE = 0.1


def build_trigger(interval: Interval, *, start: datetime, jitter: float = 0.0) -> Any:
    """The trigger for `interval`: IntervalTrigger for a duration, CronTrigger (Vietnam time)
    for a cron line; `jitter` seconds at most are added to every run time."""
    spread = jitter or None
    if interval.every is not None:
        return IntervalTrigger(seconds=interval.every.total_seconds(), start_date=start,
                               timezone=UTC, jitter=spread)  # fmt: skip
    assert interval.cron is not None
    trigger = CronTrigger.from_crontab(interval.cron, timezone=CRON_TIMEZONE)
    trigger.jitter = spread
    return trigger


def period(interval: Interval, now: datetime) -> timedelta:
    """How long a site may go between two crawls: the duration, or the cron line's longest
    gap between its next runs after `now`."""
    if interval.every is not None:
        return interval.every
    trigger = build_trigger(interval, start=now)
    times = [trigger.get_next_fire_time(None, now)]
    for _ in range(_CRON_SAMPLES):
        times.append(trigger.get_next_fire_time(times[-1], times[-1]))
    gaps: list[timedelta] = [later - earlier for earlier, later in itertools.pairwise(times)]
    return max(gaps)


def jitter_for(interval: Interval, now: datetime, most: timedelta) -> float:
    """Seconds of random delay for a site: `most`, but never above a tenth of its period, so a
    site crawled every 10 s is not delayed by minutes."""
    return min(most.total_seconds(), period(interval, now).total_seconds() * JITTER_SHARE)


def misfire_grace(interval: Interval, now: datetime, fixed: timedelta | None) -> int:
    """Seconds a run may start late (daemon down, every slot busy) and still happen: `fixed`,
    else one period, so a late crawl is dropped only when the next one is due anyway."""
    chosen = fixed if fixed is not None else period(interval, now)
    return max(1, int(chosen.total_seconds()))


def first_run(
    interval: Interval,
    *,
    last_started: datetime | None,
    now: datetime,
    jitter: float = 0.0,
    rand: Callable[[], float] = random.random,
) -> datetime:
    """When a newly scheduled site runs first: one period after its last crawl, at once when
    that is past or it was never crawled (plus up to `jitter` seconds), the next cron time
    otherwise."""
    if last_started is None:
        due = now
    elif interval.every is not None:
        due = last_started + interval.every
    else:
        trigger = build_trigger(interval, start=now)
        due = trigger.get_next_fire_time(None, last_started + timedelta(seconds=1))
    return max(due, now) + timedelta(seconds=jitter * rand())
