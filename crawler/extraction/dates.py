"""Publication times from Vietnamese pages: machine-readable stamps and visible date lines.

Vietnamese dates are day-first ("05/11/2026" is 5 November) and are never read month-first: a
"month" above 12 makes the date invalid, not swapped. Pages state times in Vietnam's zone
("(GMT+7)"); a time with no zone is taken as +07:00.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

VIETNAM = timezone(timedelta(hours=7), "ICT")


@dataclass(frozen=True)
class Stamp:
    """A point in time and whether the source gave the time of day or only the date."""

    value: datetime
    has_time: bool
    month_first: bool = False  # read from a US-style "11/5/2026 8:30:00 PM" meta stamp


_ISO = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[T ]+(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?"
)
_DMY = re.compile(
    r"(?<![\d/.-])(?P<d>\d{1,2})\s*[/.-]\s*(?P<mo>\d{1,2})\s*[/.-]\s*(?P<y>\d{4})(?!\d)"
)
_WORDS = re.compile(
    r"(?:ngày\s+)?(?P<d>\d{1,2})\s+tháng\s+(?P<mo>\d{1,2})\s*(?:,|năm)?\s*(?P<y>\d{4})",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"(?<![\d/.:-])(?P<h>\d{1,2})\s*(?::|h)\s*(?P<mi>\d{2})?(?::(?P<s>\d{2}))?"
    r"(?:\s*(?P<ampm>AM|PM|SA|CH)\b)?",
    re.IGNORECASE,
)
_AMPM = re.compile(r"^\s*(?P<m>AM|PM)\b", re.IGNORECASE)
# ASP.NET and other en-US CMSs write meta stamps month first with AM/PM: "11/5/2026 8:30:00 PM"
_US = re.compile(
    r"^\s*(?P<mo>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})(?:\s+(?P<h>\d{1,2}):(?P<mi>\d{2})"
    r"(?::(?P<s>\d{2}))?\s*(?P<m>AM|PM)?)?\s*$",
    re.IGNORECASE,
)
_ZONE = re.compile(r"(?:GMT|UTC)\s*(?P<sign>[+-])\s*(?P<h>\d{1,2})(?::?(?P<mi>\d{2}))?", re.I)


def parse_machine(text: str) -> Stamp | None:
    """An ISO 8601 stamp as found in JSON-LD and meta tags ("2026-01-08", "...T08:01:53+07:00");
    without an offset it is Vietnam time. A slashed date is no machine stamp: see
    `parse_month_first`."""
    match = _ISO.search(text.strip())
    if match is None:
        return None
    zone = _iso_zone(match["tz"]) if match["tz"] else VIETNAM
    try:
        if match["h"] is None:
            day = datetime(int(match["y"]), int(match["mo"]), int(match["d"]), tzinfo=VIETNAM)
            return Stamp(day, has_time=False)
        value = datetime(
            int(match["y"]),
            int(match["mo"]),
            int(match["d"]),
            _with_marker(int(match["h"]), _AMPM.match(text.strip()[match.end() :])),
            int(match["mi"]),
            int(match["s"] or 0),
            tzinfo=zone,
        )
    except ValueError:
        return None
    return Stamp(value, has_time=True)


def parse_month_first(text: str) -> Stamp | None:
    """A US-style meta stamp ("11/5/2026 8:30:00 PM") read month first and marked so: it
    counts only where the page's day-first date line agrees (`agrees_with_shown`)."""
    match = _US.match(text)
    if match is None:
        return None
    try:
        day = datetime(int(match["y"]), int(match["mo"]), int(match["d"]), tzinfo=VIETNAM)
        if match["h"] is None:
            return Stamp(day, has_time=False, month_first=True)
        hour = _with_marker(int(match["h"]), match)
        value = day.replace(hour=hour, minute=int(match["mi"]), second=int(match["s"] or 0))
    except ValueError:
        return None
    return Stamp(value, has_time=True, month_first=True)


def _with_marker(hour: int, marker: re.Match[str] | None) -> int:
    """The hour of a 12-hour clock with its AM/PM marker ("08:30 PM" is 20:30)."""
    ampm = (marker["m"] or "").upper() if marker is not None else ""
    if ampm == "PM" and hour < 12:
        return hour + 12
    if ampm == "AM" and hour == 12:
        return 0
    return hour


def agrees_with_shown(stamp: Stamp, shown: Sequence[Stamp]) -> bool:
    """A month-first stamp counts when a visible day-first line names the same day (and the
    same minute when both give the time), never on its own; any other stamp counts as it is."""
    if not stamp.month_first:
        return True
    for visible in shown:
        if visible.value.date() != stamp.value.date():
            continue
        if not (stamp.has_time and visible.has_time) or _same_minute(stamp.value, visible.value):
            return True
    return False


def parse_visible(text: str) -> Stamp | None:
    """A date line as readers see it, day first: "Thứ Hai, 23/11/2026 10:15", "08/01/2026 - 18:21",
    "Ngày 07 tháng 03 năm 2026", "07-03-2026 - 09:40 AM", "7/3/2026, 00:05 (GMT+7)"."""
    match = _DMY.search(text) or _WORDS.search(text)
    if match is None:
        return None
    try:
        day = datetime(int(match["y"]), int(match["mo"]), int(match["d"]))
    except ValueError:
        return None
    zone = _visible_zone(text)
    rest = text[: match.start()] + " " * (match.end() - match.start()) + text[match.end() :]
    clock = _clock(rest)
    if clock is None:
        return Stamp(day.replace(tzinfo=zone), has_time=False)
    hour, minute, second = clock
    return Stamp(day.replace(hour=hour, minute=minute, second=second, tzinfo=zone), has_time=True)


def best_machine(stamps: Sequence[Stamp], visible: Sequence[Stamp] = ()) -> Stamp | None:
    """One stamp from the page's machine-readable ones, in the page's order of authority.

    Pages often give the same time twice, once cut to the minute (tuoitre's JSON-LD says
    08:01:00 where its meta tags say 08:01:53): of stamps within a minute of each other the one
    with seconds wins. When stamps disagree, the one the visible date line confirms wins.
    """
    timed = [s for s in stamps if s.has_time]
    if not timed:
        return stamps[0] if stamps else None
    shown = [v.value for v in visible if v.has_time]
    confirmed = [s for s in timed if any(_same_minute(s.value, v) for v in shown)]
    first = (confirmed or timed)[0]
    close = [s for s in timed if abs(s.value - first.value) < timedelta(minutes=1)]
    return next((s for s in close if s.value.second or s.value.microsecond), first)


def _same_minute(a: datetime, b: datetime) -> bool:
    return a.replace(second=0, microsecond=0) == b.replace(second=0, microsecond=0)


def choose_published(machine: Stamp | None, visible: Stamp | None) -> Stamp | None:
    """A machine stamp with a time wins; a date-only one borrows the time of day from the visible
    date line when both name the same day (JSON-LD often carries only "2026-01-08")."""
    if machine is not None and machine.has_time:
        return machine
    if visible is None:
        return machine
    if machine is None or visible.value.date() == machine.value.date():
        return visible
    return machine


def _clock(text: str) -> tuple[int, int, int] | None:
    for match in _TIME.finditer(text):
        if match["mi"] is None and not text[match.end(1) :].lstrip().lower().startswith("h"):
            continue
        hour, minute, second = int(match["h"]), int(match["mi"] or 0), int(match["s"] or 0)
        marker = (match["ampm"] or "").upper()
        if marker in ("PM", "CH") and hour < 12:
            hour += 12
        elif marker in ("AM", "SA") and hour == 12:
            hour = 0
        if hour < 24 and minute < 60 and second < 60:
            return hour, minute, second
    return None


def _iso_zone(text: str) -> timezone:
    if text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0)))


def _visible_zone(text: str) -> timezone:
    match = _ZONE.search(text)
    if match is None:
        return VIETNAM
    sign = -1 if match["sign"] == "-" else 1
    offset = timedelta(hours=int(match["h"]), minutes=int(match["mi"] or 0))
    if offset > timedelta(hours=14):
        return VIETNAM
    return VIETNAM if sign * offset == timedelta(hours=7) else timezone(sign * offset)
