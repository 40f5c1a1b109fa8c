"""`tinbao backfill SITE --wayback [--restart]`: the site's history from the Wayback Machine
(crawler/importing/wayback_backfill.py). The endpoints and the pause between requests are
settings: TINBAO_WAYBACK_CDX_URL, TINBAO_WAYBACK_URL, TINBAO_WAYBACK_DELAY (docs/import.md).
Progress goes to stderr, the summary to stdout; exit status 1 when the Wayback Machine could
not be asked or the archive written (what was done is kept: run it again to resume)."""

from __future__ import annotations

import argparse
import sys

from sqlalchemy.exc import SQLAlchemyError

from crawler.importing.extract import ExtractionPool
from crawler.importing.run import Importer
from crawler.importing.wayback import Endpoints, WaybackError
from crawler.importing.wayback_backfill import WaybackBackfill
from crawler.middlewares.capture import warc_folder
from crawler.registry import load_registry
from scheduler.commands.common import check_sites
from storage import database_url, make_sessionmaker, open_archive


def run_wayback(options: argparse.Namespace) -> int:
    registry = load_registry()
    check_sites([options.site])
    site = registry[options.site]
    engine = open_archive(database_url(options.database_url))
    sessions = make_sessionmaker(engine)
    tell = _progress if sys.stderr.isatty() else None
    try:
        with ExtractionPool(getattr(options, "workers", None)) as pool:
            importer = Importer(sessions, registry, pool, sites=(site.key,))
            backfill = WaybackBackfill(sessions, importer, site,
                                       endpoints=Endpoints.from_environment(),
                                       warc_folder=warc_folder(None), progress=tell)  # fmt: skip
            states = backfill.run(restart=options.restart)
    except WaybackError as exc:
        print(f"\ntinbao backfill --wayback: {exc} (run it again to resume)", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        cause = getattr(exc, "orig", None) or exc
        print(f"\ntinbao backfill --wayback: the archive could not be written: {cause}",
              file=sys.stderr)  # fmt: skip
        return 1
    finally:
        engine.dispose()
    if tell is not None:
        print(file=sys.stderr)
    print(f"{site.key}: {backfill.counts.summary(states)}; "
          f"{importer.counts.outcomes['new']:,} new articles")  # fmt: skip
    return 0


def _progress(line: str) -> None:
    print(f"\r{line}", end="", file=sys.stderr, flush=True)
