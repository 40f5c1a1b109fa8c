"""Exporting articles as JSON lines, CSV or Parquet, streamed in constant memory.

Rows come from one query read in batches (`yield_per`: a server-side cursor on PostgreSQL, a
cursor fetched piecemeal on SQLite) and are written as they come, so a million articles cost
the memory of one batch. Atom feeds are in storage/atom.py.

CSV is safe to open in a spreadsheet: a text cell starting with `=`, `+`, `-`, `@`, a tab or a
carriage return would be run as a formula (CSV injection), so it gets a leading `'`, as OWASP
recommends (https://owasp.org/www-community/attacks/CSV_Injection); a spreadsheet shows the
text as written, and a program reading the CSV strips one leading `'` from such cells.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any, TypeVar

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from storage.models import Article

COLUMNS: tuple[str, ...] = tuple(c.name for c in Article.__table__.columns)


def _python_type(column: ColumnElement[Any]) -> type:
    kind = column.type
    kind = kind.impl_instance if isinstance(kind, TypeDecorator) else kind  # UTCDateTime
    try:
        return kind.python_type
    except NotImplementedError:
        return object


# Each column's Python type (int, str, datetime...), for typed formats such as Parquet.
TYPES: dict[str, type] = {c.name: _python_type(c) for c in Article.__table__.columns}
BATCH = 1000

Progress = Callable[[int], None]
_Select = TypeVar("_Select", bound="Select[*tuple[Any, ...]]")  # of any columns


@dataclass(frozen=True)
class Selection:
    """Which articles to export: of these sites (None: any), published in [since, until),
    at most `limit` of them."""

    sites: Sequence[str] | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int | None = None

    def where(self, statement: _Select) -> _Select:
        if self.sites is not None:
            statement = statement.where(Article.site.in_(self.sites))
        if self.since is not None:
            statement = statement.where(Article.published_at >= self.since)
        if self.until is not None:
            statement = statement.where(Article.published_at < self.until)
        return statement


def count_articles(session: Session, selection: Selection) -> int:
    total = session.scalar(selection.where(select(func.count(Article.id)))) or 0
    return min(total, selection.limit) if selection.limit is not None else total


def iter_articles(
    session: Session, selection: Selection, *, newest_first: bool = False
) -> Iterator[dict[str, Any]]:
    """Every selected article as a dict of its columns, by id (or newest publication first),
    fetched BATCH rows at a time."""
    newest = (Article.published_at.desc().nulls_last(), Article.id.desc())  # same on PostgreSQL
    order = newest if newest_first else (Article.id.asc(),)
    statement = selection.where(select(*Article.__table__.columns)).order_by(*order)
    if selection.limit is not None:
        statement = statement.limit(selection.limit)
    result = session.execute(statement.execution_options(yield_per=BATCH))
    for row in result:
        yield row._asdict()


def write_jsonl(
    rows: Iterable[dict[str, Any]], out: IO[str], progress: Progress | None = None
) -> int:
    """One JSON object per line, times in ISO 8601; the number of rows written."""
    count = 0
    for count, row in enumerate(rows, 1):
        out.write(json.dumps(row, default=_iso, ensure_ascii=False) + "\n")
        _tick(progress, count)
    return count


def write_csv(
    rows: Iterable[dict[str, Any]], out: IO[str], progress: Progress | None = None
) -> int:
    """CSV with a header row (RFC 4180 quoting, so bodies keep their line breaks)."""
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    count = 0
    for count, row in enumerate(rows, 1):
        writer.writerow([_cell(row[c]) for c in COLUMNS])
        _tick(progress, count)
    return count


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if value is None:
        return ""
    return neutralised(value) if isinstance(value, str) else value


def neutralised(text: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula: "'=1+1" for "=1+1"."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _iso(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _tick(progress: Progress | None, count: int) -> None:
    if progress is not None and count % BATCH == 0:
        progress(count)
