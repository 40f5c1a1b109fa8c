"""How often a site is crawled: a duration ("10s", "30m", "6h", "1d", "1h30m") or a cron line.

Parsed here so that a bad value fails when the registry loads, naming the site, not hours later
when the daemon first tries to schedule it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION = re.compile(r"(?:\d+[smhdw])+")
_PART = re.compile(r"(\d+)([smhdw])")
MAX_PERIOD = timedelta(days=366)  # longer would be no schedule, and next-run arithmetic overflows
CRON_TIMEZONE = "Asia/Ho_Chi_Minh"


@dataclass(frozen=True)
class Interval:
    """Either a fixed period (`every`) or a five-field cron expression (`cron`), never both."""

    text: str
    every: timedelta | None = None
    cron: str | None = None


def parse_interval(text: str) -> Interval:
    """Parse an interval; raise ValueError with a readable reason when it is neither form."""
    value = text.strip()
    shown = repr(value if len(value) <= 40 else value[:39] + "…")
    if _DURATION.fullmatch(value):
        parts = _PART.findall(value)
        if any(len(number) > 12 for number, _ in parts):
            raise ValueError(f"interval {shown} is longer than {MAX_PERIOD.days} days")
        seconds = sum(int(n) * _UNIT_SECONDS[unit] for n, unit in parts)
        if seconds <= 0:
            raise ValueError(f"interval {shown} must be longer than zero")
        if seconds > MAX_PERIOD.total_seconds():
            raise ValueError(f"interval {shown} is longer than {MAX_PERIOD.days} days")
        return Interval(text=value, every=timedelta(seconds=seconds))
    if len(value.split()) == 5:
        _check_cron(value)
        return Interval(text=value, cron=value)
    raise ValueError(
        f"interval {shown} is neither a duration like '30m', '6h', '1d' "
        "nor a five-field cron expression like '*/30 * * * *'"
    )


def _check_cron(expression: str) -> None:
    # APScheduler is the daemon's engine; asking it here means the registry accepts exactly
    # what the daemon can schedule.
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(expression, timezone=CRON_TIMEZONE)
    except ValueError as exc:
        raise ValueError(f"cron expression {expression!r}: {str(exc)[:200]}") from None
