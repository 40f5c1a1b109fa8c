"""Scheduling decisions on literal times: triggers, first runs, jitter, misfire grace, which sites
are scheduled and how the job store is reconciled with the registry. No clock, no sleeping."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from crawler.intervals import parse_interval
from crawler.registry import Site, load_registry
from scheduler import timing
from scheduler.plan import JobSpec, Plan, plan, specs, wanted
from scheduler.settings import parse_duration

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # 10:00 in Vietnam
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
EVERY_30M = parse_interval("30m")
DAYTIME = parse_interval("*/30 6-22 * * *")


def test_a_duration_becomes_an_interval_trigger_in_utc() -> None:
    trigger = timing.build_trigger(EVERY_30M, start=NOW)
    assert isinstance(trigger, IntervalTrigger)
    assert trigger.get_next_fire_time(NOW, NOW) == NOW + timedelta(minutes=30)
    assert trigger.get_next_fire_time(None, NOW - timedelta(minutes=5)) == NOW


def test_a_cron_line_runs_in_vietnam_time() -> None:
    trigger = timing.build_trigger(parse_interval("0 6 * * *"), start=NOW)
    assert isinstance(trigger, CronTrigger)
    fire = trigger.get_next_fire_time(None, NOW)
    assert fire == datetime(2026, 11, 24, 6, 0, tzinfo=VIETNAM)
    assert fire.astimezone(UTC) == datetime(2026, 11, 23, 23, 0, tzinfo=UTC)


def test_jitter_delays_each_run_by_at_most_its_bound() -> None:
    trigger = timing.build_trigger(EVERY_30M, start=NOW, jitter=60)
    for _ in range(50):
        fire = trigger.get_next_fire_time(NOW, NOW)
        assert NOW + timedelta(minutes=30) <= fire <= NOW + timedelta(minutes=31)
    cron = timing.build_trigger(DAYTIME, start=NOW, jitter=60)
    assert cron.jitter == 60


def test_jitter_is_at_most_a_tenth_of_the_interval() -> None:
    assert timing.jitter_for(EVERY_30M, NOW, timedelta(minutes=2)) == 120
    assert timing.jitter_for(parse_interval("10s"), NOW, timedelta(minutes=2)) == 1
    assert timing.jitter_for(EVERY_30M, NOW, timedelta(0)) == 0


def test_a_cron_lines_period_is_its_longest_gap() -> None:
    assert timing.period(EVERY_30M, NOW) == timedelta(minutes=30)
    # Every half hour from 06:00 to 22:30, then nothing until 06:00: 7.5 hours.
    assert timing.period(DAYTIME, NOW) == timedelta(hours=7, minutes=30)
    assert timing.period(parse_interval("0 6 * * 1"), NOW) == timedelta(days=7)


def test_misfire_grace_is_one_period_unless_fixed() -> None:
    assert timing.misfire_grace(EVERY_30M, NOW, None) == 1800
    assert timing.misfire_grace(EVERY_30M, NOW, timedelta(minutes=5)) == 300
    assert timing.misfire_grace(parse_interval("10s"), NOW, timedelta(0)) == 1


def test_a_site_never_crawled_runs_at_once() -> None:
    assert timing.first_run(EVERY_30M, last_started=None, now=NOW) == NOW
    assert timing.first_run(DAYTIME, last_started=None, now=NOW) == NOW


def test_a_site_crawled_recently_runs_one_interval_after_its_last_crawl() -> None:
    last = NOW - timedelta(minutes=10)
    assert timing.first_run(EVERY_30M, last_started=last, now=NOW) == NOW + timedelta(minutes=20)


def test_an_overdue_site_runs_at_once() -> None:
    last = NOW - timedelta(hours=5)
    assert timing.first_run(EVERY_30M, last_started=last, now=NOW) == NOW
    assert timing.first_run(DAYTIME, last_started=last, now=NOW) == NOW


def test_a_cron_site_crawled_in_its_slot_waits_for_the_next_slot() -> None:
    last = datetime(2026, 11, 23, 9, 55, tzinfo=VIETNAM)
    assert timing.first_run(DAYTIME, last_started=last, now=NOW) == datetime(
        2026, 11, 23, 10, 0, tzinfo=VIETNAM
    )
    now = datetime(2026, 11, 23, 9, 56, tzinfo=VIETNAM)
    assert timing.first_run(DAYTIME, last_started=last, now=now) == datetime(
        2026, 11, 23, 10, 0, tzinfo=VIETNAM
    )


def test_the_first_run_is_jittered_with_the_random_source_given() -> None:
    first = timing.first_run(EVERY_30M, last_started=None, now=NOW, jitter=100, rand=lambda: 0.25)
    assert first == NOW + timedelta(seconds=25)


# -- which sites ------------------------------------------------------------------------------

SITES = """
[sites.baohaugiang]
name = "Báo Hậu Giang"
home = "https://baohaugiang.com.vn/"
article_url = '-\\d+\\.html$'
province = "Cần Thơ"
status = "moved:baocantho"

[sites.baocantho]
interval = "10m"
"""


@pytest.fixture
def registry(tmp_path: Path) -> dict[str, Site]:
    path = tmp_path / "sites.toml"
    path.write_text(SITES, "utf-8")
    return load_registry(path)


def test_every_active_site_is_scheduled_and_frozen_ones_are_not(registry: dict[str, Site]) -> None:
    assert registry["baobinhduong"].status == "frozen"
    scheduled = wanted(registry)
    assert set(scheduled) == {key for key, site in registry.items() if site.is_active}
    assert {"baocantho", "baolaocai"} <= set(scheduled)
    assert "baobinhduong" not in scheduled and "baohaugiang" not in scheduled


def test_a_moved_site_schedules_its_successor(registry: dict[str, Site]) -> None:
    assert list(wanted(registry, ["baohaugiang"])) == ["baocantho"]
    assert list(wanted(registry, ["baobinhduong"])) == []
    assert list(wanted(registry, ["baolaocai", "nosuchsite"])) == ["baolaocai"]


def test_a_cycle_of_moves_schedules_nothing(registry: dict[str, Site]) -> None:
    cycle = {
        "a": replace(registry["baocantho"], key="a", status="moved:b"),
        "b": replace(registry["baocantho"], key="b", status="moved:a"),
    }
    assert wanted(cycle) == {}


def test_the_job_label_spells_out_the_schedule(registry: dict[str, Site]) -> None:
    [spec] = specs(wanted(registry, ["baocantho"]), now=NOW, jitter=timedelta(minutes=2),
                   grace=None).values()  # fmt: skip
    assert spec.label == "crawl baocantho every 10m (jitter 60s, grace 600s)"


def test_reconciling_adds_removes_and_reschedules(registry: dict[str, Site]) -> None:
    desired = specs(wanted(registry, ["baocantho", "baolaocai"]), now=NOW, jitter=timedelta(0),
                    grace=None)  # fmt: skip
    same = desired["baocantho"].label
    stored = {"baocantho": same, "baolaocai": "crawl baolaocai every 1h (jitter 0s, grace 3600s)",
              "baobinhduong": "crawl baobinhduong every 7d (jitter 0s, grace 604800s)"}  # fmt: skip
    assert plan(desired, stored) == Plan(add=(), remove=("baobinhduong",),
                                         reschedule=("baolaocai",))  # fmt: skip
    assert plan(desired, {}) == Plan(add=("baocantho", "baolaocai"))
    assert not plan(desired, {k: v.label for k, v in desired.items()})


def test_a_changed_jitter_or_grace_reschedules(registry: dict[str, Site]) -> None:
    site = registry["baocantho"]
    before = {"baocantho": JobSpec(site, 0.0, 600).label}
    assert plan({"baocantho": JobSpec(site, 30.0, 600)}, before).reschedule == ("baocantho",)
    assert plan({"baocantho": JobSpec(site, 0.0, 60)}, before).reschedule == ("baocantho",)


# -- durations on the command line -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90", 90), ("1.5", 1.5), ("90s", 90), ("30m", 1800), ("6h", 21600), ("1h30m", 5400),
     ("1d", 86400), ("0", 0), ("0.5s", 0.5)],
)  # fmt: skip
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "soon", "5x", "-3", "1h 30m"])
def test_bad_durations_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)
