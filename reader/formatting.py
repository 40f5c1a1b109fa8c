"""How the reader shows what the archive holds: Vietnam time, delays, links and word diffs.

Article text came from the web. Templates escape every value (Jinja2 autoescape); a URL
becomes a link only when it is http(s), so a crawled `javascript:` or `data:` URL is shown as
text and never followed. A diff is a list of (kind, words) for the template to mark up, never
HTML built here.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import urlsplit

VIETNAM = timezone(timedelta(hours=7), "UTC+7")
_SENTENCE_END = re.compile(r"[.!?…:;\"”)»]$")
HEADING_MAX = 120  # a body line this short, with no closing punctuation, is a sub-heading


def vietnam_time(moment: datetime | None, pattern: str = "%H:%M %d/%m/%Y") -> str:
    """A stored (UTC) time as Vietnamese readers write it, day first, in Vietnam time."""
    if moment is None:
        return ""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(VIETNAM).strftime(pattern)


def iso_time(moment: datetime | None) -> str:
    """The time for a `<time datetime>` attribute: ISO 8601 with the +07:00 offset."""
    if moment is None:
        return ""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(VIETNAM).isoformat(timespec="minutes")


def delay(after: datetime | None, original: datetime | None) -> str:
    """How long after the original a copy came out: "sau 2 giờ 5 phút", "cùng lúc"."""
    if after is None or original is None:
        return ""
    seconds = int((after - original).total_seconds())
    if seconds <= 0:
        return "cùng lúc" if seconds == 0 else "trước bản gốc"
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    parts = [f"{days} ngày" if days else "", f"{hours} giờ" if hours else ""]
    parts.append(f"{minutes} phút" if minutes and not days else "")
    shown = " ".join(p for p in parts if p)
    return f"sau {shown}" if shown else "sau chưa đầy 1 phút"


def safe_href(url: str | None) -> str | None:
    """`url` when it is an http(s) URL with a host, else None (then shown as text only)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


@dataclass(frozen=True)
class Block:
    """A block of an article's body: a paragraph, or a sub-heading."""

    text: str
    heading: bool


def blocks(body: str) -> list[Block]:
    """The body's lines as paragraphs; a short line without closing punctuation between
    paragraphs is a sub-heading (the extractor keeps sub-headings as lines of their own)."""
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    found = []
    for number, line in enumerate(lines):
        heading = (
            0 < number < len(lines) - 1
            and len(line) <= HEADING_MAX
            and not _SENTENCE_END.search(line)
        )
        found.append(Block(line, heading))
    return found


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """What changed from `old` to `new`, word by word: ("same"|"del"|"ins", words)."""
    before, after = old.split(), new.split()
    found: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            found.append(("same", " ".join(before[a1:a2])))
            continue
        if a2 > a1:
            found.append(("del", " ".join(before[a1:a2])))
        if b2 > b1:
            found.append(("ins", " ".join(after[b1:b2])))
    return found


def changed(diff: list[tuple[str, str]]) -> bool:
    return any(kind != "same" for kind, _ in diff)
