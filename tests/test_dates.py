"""Publication times: visible Vietnamese date lines, machine stamps, and choosing between them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from crawler.extraction.dates import (
    VIETNAM,
    Stamp,
    best_machine,
    choose_published,
    parse_machine,
    parse_visible,
)


def _iso(stamp: Stamp | None) -> str | None:
    """The stamp as ISO text, so an assertion checks the offset as well as the instant."""
    return None if stamp is None else stamp.value.isoformat()


@pytest.mark.parametrize(
    ("text", "expected", "has_time"),
    [
        ("Thứ Hai, 23/11/2026 10:15", "2026-11-23T10:15:00+07:00", True),
        ("08/01/2026 - 18:21", "2026-01-08T18:21:00+07:00", True),
        ("Ngày 07 tháng 03 năm 2026", "2026-03-07T00:00:00+07:00", False),
        ("ngày 7 tháng 3, 2026", "2026-03-07T00:00:00+07:00", False),
        ("07-03-2026 - 09:40 AM", "2026-03-07T09:40:00+07:00", True),
        ("07-03-2026 - 09:40 PM", "2026-03-07T21:40:00+07:00", True),
        ("07-03-2026 - 12:10 AM", "2026-03-07T00:10:00+07:00", True),
        ("Thứ bảy, 7/3/2026, 00:05 (GMT+7)", "2026-03-07T00:05:00+07:00", True),
        ("Cập nhật lúc 8h30 ngày 5/11/2026", "2026-11-05T08:30:00+07:00", True),
        ("23.11.2026 10:15:42", "2026-11-23T10:15:42+07:00", True),
        ("Thứ Tư, 24/12/2025 09:30:00 +07:00", "2025-12-24T09:30:00+07:00", True),
        ("07/03/2026 08:52 (GMT+07:00)", "2026-03-07T08:52:00+07:00", True),
        ("07-03-2026 - 00:01 AM", "2026-03-07T00:01:00+07:00", True),
        ("Chủ nhật, 1/2/2026 - 7h05", "2026-02-01T07:05:00+07:00", True),
        # day first, never month first
        ("05/11/2026", "2026-11-05T00:00:00+07:00", False),
        ("12/01/2026 07:00", "2026-01-12T07:00:00+07:00", True),
        # a clock that cannot be a time of day leaves only the date
        ("01/01/2026 25:00", "2026-01-01T00:00:00+07:00", False),
    ],
)
def test_parse_visible(text: str, expected: str, has_time: bool) -> None:
    stamp = parse_visible(text)
    assert stamp is not None
    assert stamp.value.isoformat() == expected
    assert stamp.has_time is has_time


@pytest.mark.parametrize(
    "text",
    [
        "13/25/2026",  # month 25: invalid, not swapped into 25 December
        "31/02/2026",
        "32/01/2026 10:00",
        "",
        "Không có ngày tháng",
        "10:15",
    ],
)
def test_parse_visible_rejects(text: str) -> None:
    assert parse_visible(text) is None


def test_parse_visible_other_zone() -> None:
    stamp = parse_visible("7/3/2026 09:40 (GMT+0)")
    assert stamp is not None
    assert stamp.value == datetime(2026, 3, 7, 9, 40, tzinfo=UTC)
    assert stamp.value.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("text", "expected", "has_time"),
    [
        ("2026-01-08", "2026-01-08T00:00:00+07:00", False),
        ("2026-03-07T08:01:53+07:00", "2026-03-07T08:01:53+07:00", True),
        ("2026-03-07T08:01:53", "2026-03-07T08:01:53+07:00", True),  # no offset: Vietnam
        ("2026-03-07 08:07", "2026-03-07T08:07:00+07:00", True),
        ("2026-03-07T01:01:53Z", "2026-03-07T01:01:53+00:00", True),
        ("2026-03-07T08:01:53-0500", "2026-03-07T08:01:53-05:00", True),
        ("2026-03-07T08:52:11.000 +07:00", "2026-03-07T08:52:11+07:00", True),
        ("  2026-03-07T08:01:53.123+0700 ", "2026-03-07T08:01:53+07:00", True),
    ],
)
def test_parse_machine(text: str, expected: str, has_time: bool) -> None:
    stamp = parse_machine(text)
    assert stamp is not None
    assert stamp.value.isoformat() == expected
    assert stamp.has_time is has_time


@pytest.mark.parametrize("text", ["", "garbage", "2026-13-01", "2026-02-30T10:00:00", "08/01/2026"])
def test_parse_machine_rejects(text: str) -> None:
    assert parse_machine(text) is None


def test_machine_stamp_with_time_wins() -> None:
    machine = parse_machine("2026-03-07T08:01:53+07:00")
    visible = parse_visible("07/03/2026 08:01")
    assert _iso(choose_published(machine, visible)) == "2026-03-07T08:01:53+07:00"


def test_date_only_machine_stamp_borrows_time_from_same_day() -> None:
    machine = parse_machine("2026-01-08")
    visible = parse_visible("08/01/2026 - 18:21")
    chosen = choose_published(machine, visible)
    assert chosen is not None
    assert chosen.value.isoformat() == "2026-01-08T18:21:00+07:00"
    assert chosen.has_time is True


def test_date_only_machine_stamp_keeps_its_day_when_days_differ() -> None:
    machine = parse_machine("2026-01-08")
    visible = parse_visible("09/01/2026 - 18:21")  # e.g. an "updated" line shown to readers
    chosen = choose_published(machine, visible)
    assert chosen is not None
    assert chosen.value.isoformat() == "2026-01-08T00:00:00+07:00"
    assert chosen.has_time is False


@pytest.mark.parametrize(
    ("machine", "visible", "expected"),
    [
        (None, "08/01/2026 - 18:21", "2026-01-08T18:21:00+07:00"),
        ("2026-01-08", None, "2026-01-08T00:00:00+07:00"),
        (None, None, None),
    ],
)
def test_choose_published_with_one_side_missing(
    machine: str | None, visible: str | None, expected: str | None
) -> None:
    chosen = choose_published(
        parse_machine(machine) if machine else None,
        parse_visible(visible) if visible else None,
    )
    assert _iso(chosen) == expected


def test_vietnam_zone_is_plus_seven() -> None:
    assert datetime(2026, 1, 1, tzinfo=VIETNAM).utcoffset() == timedelta(hours=7)
    assert timezone(timedelta(hours=7)) == VIETNAM


def _machine(*texts: str) -> list[Stamp]:
    return [s for s in (parse_machine(t) for t in texts) if s is not None]


@pytest.mark.parametrize(
    ("stamps", "visible", "expected"),
    [
        # the same minute twice: the stamp with seconds wins, whichever comes first
        (
            ["2026-03-07T08:01:00+07:00", "2026-03-07T08:01:53+07:00"],
            [],
            "2026-03-07T08:01:53+07:00",
        ),
        (
            ["2026-03-07T08:01:53+07:00", "2026-03-07T08:01:00+07:00"],
            [],
            "2026-03-07T08:01:53+07:00",
        ),
        # disagreeing stamps: the one the date line shows wins; else the first
        (
            ["2026-03-07T10:00:00+07:00", "2026-03-07T08:30:00+07:00"],
            ["07/03/2026 08:30"],
            "2026-03-07T08:30:00+07:00",
        ),
        (
            ["2026-03-07T10:00:00+07:00", "2026-03-07T08:30:00+07:00"],
            [],
            "2026-03-07T10:00:00+07:00",
        ),
        # one instant in two zones agrees with the date line
        (["2026-03-07T01:30:00Z"], ["07/03/2026 08:30"], "2026-03-07T01:30:00+00:00"),
        # date-only stamps are left for choose_published to complete
        (["2026-01-08"], ["08/01/2026 - 18:21"], "2026-01-08T00:00:00+07:00"),
        ([], ["08/01/2026 - 18:21"], None),
    ],
)
def test_best_machine(stamps: list[str], visible: list[str], expected: str | None) -> None:
    shown = [v for v in (parse_visible(t) for t in visible) if v is not None]
    assert _iso(best_machine(_machine(*stamps), shown)) == expected
