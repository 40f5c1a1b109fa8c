"""Which sites the daemon schedules, and how the job store is brought in line with them.

The job store outlives the daemon (that is its point: a restart keeps every next run time), so
at start and on SIGHUP the registry is compared with the stored jobs: new sites are added,
vanished ones removed, and a site whose schedule changed is rescheduled. A stored job whose
schedule is unchanged is left alone. `wanted` and `plan` are pure; `apply` touches the
scheduler.
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


def plan(desired: Mapping[str, JobSpec], stored: Mapping[str, str]) -> Plan:
    """Compare the jobs wanted with the stored ones (job id -> label)."""
    return Plan(
        add=tuple(sorted(set(desired) - set(stored))),
        remove=tuple(sorted(set(stored) - set(desired))),
        reschedule=tuple(
            sorted(k for k in set(desired) & set(stored) if desired[k].label != stored[k])
        ),
    )


def apply(
    scheduler: Any,
    steps: Plan,
    desired: Mapping[str, JobSpec],
    *,
    last_started: Mapping[str, datetime],
    now: datetime,
) -> None:
    """Carry `steps` out on a started (possibly paused) scheduler. A new or rescheduled job
    first runs one period after the site's last crawl (`timing.first_run`)."""
    for key in steps.remove:
        scheduler.remove_job(key)
        logger.info("schedule: %s removed", key)
    for key in (*steps.add, *steps.reschedule):
        spec = desired[key]
        first = timing.first_run(spec.site.interval, last_started=last_started.get(key),
                                 now=now, jitter=spec.jitter)  # fmt: skip
        scheduler.add_job(
            crawl_job, trigger=timing.build_trigger(spec.site.interval, start=first,
                                                    jitter=spec.jitter),
            args=[key], id=key, name=spec.label, replace_existing=True, next_run_time=first,
            misfire_grace_time=spec.grace, coalesce=True, max_instances=1,
        )  # fmt: skip
        verb = "added" if key in steps.add else "rescheduled"
        logger.info("schedule: %s %s, every %s, first run %s", key, verb,
                    spec.site.interval.text, first.isoformat(timespec="seconds"))  # fmt: skip
