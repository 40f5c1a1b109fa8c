"""`tinbao search QUERY`: full-text search of the archive, diacritics optional.

"da nang" finds "Đà Nẵng" (and "đá nặng"); "Đà Nẵng" typed with its marks ranks the articles
that write it so first. Words must all appear; "a phrase" in quotes.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from scheduler.commands.common import UsageError, json_line, positive_int, reading, say, table
from scheduler.commands.selection import add_selection_arguments, check_selection, local, selection
from storage import QueryError, make_sessionmaker, search_articles

HEADERS = ["id", "published (UTC+7)", "site", "title"]
TITLE_WIDTH = 80


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "search",
        help="full-text search of the archive (tone marks optional)",
        description='Words must all appear; "a phrase" in quotes. "da nang" finds Đà Nẵng; '
        "a query typed with tone marks ranks exact matches first.",
    )
    parser.add_argument("query", nargs="+", help="what to look for")
    add_selection_arguments(parser)
    parser.add_argument("--limit", type=positive_int, default=20,
                        help="how many results (default 20)")  # fmt: skip
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.set_defaults(handler=run)


def run(options: argparse.Namespace) -> int:
    chosen = selection(options)
    query = " ".join(options.query)
    engine = reading(options)
    try:
        check_selection(options, engine)
        with make_sessionmaker(engine)() as session:
            hits = search_articles(
                session, query, now=datetime.now(UTC), sites=chosen.sites,
                since=chosen.since, until=chosen.until, limit=options.limit,
            )  # fmt: skip
    except QueryError as exc:
        raise UsageError(str(exc)) from exc
    finally:
        engine.dispose()
    if not hits:
        say(f"no article matches {query!r}")
        return 0
    if options.json:
        for hit in hits:
            print(json_line({field: getattr(hit, field) for field in hit.__dataclass_fields__}))
        return 0
    rows = [[str(h.id), local(h.published_at), h.site, _shorten(h.title)] for h in hits]
    print(table(HEADERS, rows))
    print(f"\n{len(hits)} articles; `tinbao show ID` prints one")
    return 0


def _shorten(title: str) -> str:
    return title if len(title) <= TITLE_WIDTH else title[: TITLE_WIDTH - 1].rstrip() + "…"
