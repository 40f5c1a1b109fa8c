"""Reading a request's query string with bounds: what the reader accepts from a URL.

Everything a URL carries is bounded before it reaches storage: a query at most MAX_QUERY
characters, a page number at most MAX_PAGES, an id within the backends' range, a date a real
Vietnam day. What is out of bounds is a 400 with a message for the reader, not an error page
from the database.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from starlette.exceptions import HTTPException
from starlette.requests import Request

from reader.formatting import VIETNAM
from storage.reading import parse_id

PAGE_SIZE = 20
FEED_SIZE = 50
MAX_QUERY = 200  # characters of a search query
MAX_PAGES = 25  # search pages: the ranking reads at most 500 candidates (storage.search)
MAX_FIELD = 64  # characters of any other parameter


def text(request: Request, name: str, limit: int = MAX_FIELD) -> str:
    """The parameter `name`, stripped ("" when absent); 400 when longer than `limit`."""
    value = request.query_params.get(name, "").strip()
    if len(value) > limit:
        raise HTTPException(400, f"Tham số “{name}” dài quá {limit} ký tự.")
    return value


def page_number(request: Request, name: str = "trang") -> int:
    """A page number from 1 to MAX_PAGES (1 when absent); 400 otherwise."""
    value = text(request, name)
    if not value:
        return 1
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_PAGES:
        raise HTTPException(400, f"Số trang phải từ 1 đến {MAX_PAGES}.")
    return int(value)


def article_id(request: Request, name: str = "sau") -> int | None:
    """An article id (a list's cursor: the page starts after it); None when absent."""
    value = text(request, name)
    if not value:
        return None
    number = parse_id(value)
    if number is None:
        raise HTTPException(400, f"Tham số “{name}” phải là một số.")
    return number


def day(request: Request, name: str, *, end: bool = False) -> datetime | None:
    """A Vietnam day (YYYY-MM-DD, as a date input sends it) as a UTC instant: its start, or
    with `end` the start of the next day; None when absent, 400 when not a day."""
    value = text(request, name)
    if not value:
        return None
    try:
        chosen = date.fromisoformat(value)
        moment = datetime.combine(chosen + timedelta(days=1 if end else 0), time(), VIETNAM)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise HTTPException(400, f"Ngày “{name}” phải có dạng YYYY-MM-DD.") from None
