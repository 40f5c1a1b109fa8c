"""Which sites the daemon schedules, and how the job store is brought in line with them.

The saved schedule outlives the daemon (that is its point: a restart keeps every next run
time), so when a daemon takes the scheduling lock, and on SIGHUP, the registry is compared with
the saved jobs: new sites are added, vanished ones removed, and a site whose schedule changed
is rescheduled. A job whose schedule is unchanged keeps its next run. `wanted` and `plan` are
pure; `apply` touches the scheduler.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from crawler.registry import Site
from scheduler import timing
from scheduler.jobs import crawl_job
from storage.daemon import SavedRun

logger = logging.getLogger("tinbao.daemon")


def wanted(registry: Mapping[str, Site], selection: Collection[str] = ()) -> dict[str, Site]:
    """The sites to schedule: the selected ones (all when none is), a moved site replaced by
    its successor, frozen ones left out."""
    chosen: dict[str, Site] = {}
    for key in selection or registry:
        site = registry.get(key)
        seen = {key}
        while site is not None and site.moved_to is not None and site.moved_to not in seen:
            seen.add(site.moved_to)
            site = registry.get(site.moved_to)
        if site is not None and site.is_active:
            chosen[site.key] = site
    return chosen


@dataclass(frozen=True)
class JobSpec:
    """One site's job. `label` (the job's name in the store) spells out its whole schedule:
    when the label changes, the job is rescheduled."""

    site: Site
    jitter: float
    grace: int

    @property
    def label(self) -> str:
        return (f"crawl {self.site.key} every {self.site.interval.text} "
                f"(jitter {self.jitter:g}s, grace {self.grace}s)")  # fmt: skip


def specs(
    sites: Mapping[str, Site], *, now: datetime, jitter: timedelta, grace: timedelta | None
) -> dict[str, JobSpec]:
    return {
        key: JobSpec(
            site,
            timing.jitter_for(site.interval, now, jitter),
            timing.misfire_grace(site.interval, now, grace),
        )
        for key, site in sites.items()
    }


@dataclass(frozen=True)
class Plan:
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    reschedule: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.add or self.remove or self.reschedule)


def plan(desired: Mapping[str, JobSpec], stored: Mapping[str, str | None]) -> Plan:
    """Compare the jobs wanted with the stored ones (job id -> label). A stored job without a
    label (carried over from APScheduler's old job store) is adopted: it keeps its next run."""
    return Plan(
        add=tuple(sorted(set(desired) - set(stored))),
        remove=tuple(sorted(set(stored) - set(desired))),
        reschedule=tuple(
            sorted(
                k
                for k in set(desired) & set(stored)
                if stored[k] is not None and desired[k].label != stored[k]
            )
        ),
    )


def apply(
    scheduler: Any,
    steps: Plan,
    desired: Mapping[str, JobSpec],
    *,
    saved: Mapping[str, SavedRun],
    last_started: Mapping[str, datetime],
    now: datetime,
    load: bool = False,
) -> None:
    """Carry `steps` out on a started (possibly paused) scheduler. A new or rescheduled job
    first runs one period after the site's last crawl (`timing.first_run`). With `load` (a
    daemon that just took the lock), the scheduler's jobs are replaced by the saved ones: an
    unchanged job keeps its saved next run (never earlier than one period after the site's
    last crawl, in case the daemon that saved it died before saving a later one)."""
    if load:
        scheduler.remove_all_jobs()
    for key in steps.remove:
        if not load:
            scheduler.remove_job(key)
        logger.info("schedule: %s removed", key)
    changed = {*steps.add, *steps.reschedule}
    kept = [key for key in desired if key not in changed] if load else []
    for key in sorted({*changed, *kept}):
        spec = desired[key]
        first = timing.first_run(spec.site.interval, last_started=last_started.get(key),
                                 now=now, jitter=spec.jitter)  # fmt: skip
        if key in kept:
            earliest = timing.first_run(spec.site.interval, last_started=last_started.get(key),
                                        now=now)  # fmt: skip
            stored = saved[key].next_run_at
            first = max(stored, earliest) if stored is not None else first
        scheduler.add_job(
            crawl_job, trigger=timing.build_trigger(spec.site.interval, start=first,
                                                    jitter=spec.jitter),
            args=[key], id=key, name=spec.label, replace_existing=True, next_run_time=first,
            misfire_grace_time=spec.grace, coalesce=True, max_instances=1,
        )  # fmt: skip
        if key in changed:
            verb = "added" if key in steps.add else "rescheduled"
            logger.info("schedule: %s %s, every %s, first run %s", key, verb,
                        spec.site.interval.text, first.isoformat(timespec="seconds"))  # fmt: skip
