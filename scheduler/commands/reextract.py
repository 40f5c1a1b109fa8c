"""`tinbao reextract [--site KEY] [--province P] [--since DAY] [--until DAY] [--warc-dir DIR]
[--workers N] [--dry-run]`: run the current extractor again over the raw pages kept in WARC
files and correct the articles whose reading changed (crawler/reextract.py), extracting on
every core (`--workers`, default one per core; 0: in this process).

The selection is the one of `tinbao export` and `tinbao search`: `--since`/`--until` are on the
publication time (Vietnam days), so an article without a publication time is only re-extracted
by a run without them. A progress counter goes to stderr when it is a terminal, the summary
(`read N, changed N, unchanged N, failed N`, then `, skipped N` when a crawl changed articles
while they were re-extracted) to stdout, each failure to the log (stderr). The exit status is 1
when an article failed, else 0 (a skipped article is no failure).
"""

from __future__ import annotations

import argparse

from crawler.middlewares.capture import warc_folder
from crawler.pool import pool_size
from crawler.reextract import reextract
from crawler.registry import load_registry
from scheduler.commands.common import UsageError, progress_bar, reading, worker_count
from scheduler.commands.selection import add_selection_arguments, check_selection, selection
from storage import export as archive
from storage import make_sessionmaker


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "reextract",
        help="run the current extractor again over the kept raw pages, correct what changed",
    )
    add_selection_arguments(parser)
    parser.add_argument(
        "--warc-dir",
        metavar="DIR",
        help="folder of the WARC files (default: $TINBAO_WARC_DIR or ./data/warc)",
    )
    parser.add_argument(
        "--workers",
        type=worker_count(0),
        metavar="N",
        help="processes that read and extract the pages (default: one per core; 0: none; "
        "at most 4 per core)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="count what would change, change nothing"
    )
    parser.set_defaults(handler=run)


def run(options: argparse.Namespace) -> int:
    chosen = selection(options)
    registry = load_registry()
    folder = warc_folder(options.warc_dir)
    if not folder.is_dir():
        raise UsageError(f"no WARC folder {str(folder)!r}: give --warc-dir or TINBAO_WARC_DIR")
    wanted = archive.Selection(chosen.sites, chosen.since, chosen.until)
    engine = reading(options)  # nothing to re-extract where there is no archive
    try:
        check_selection(options, engine)
        sessions = make_sessionmaker(engine)
        with sessions() as session:
            # the summary is written after the bar is done: stdout may be the same terminal
            progress = progress_bar(session, wanted, to_stdout=False)
        counts = reextract(sessions, folder, registry, wanted, progress=progress,
                           dry_run=options.dry_run, workers=pool_size(options.workers))  # fmt: skip
    finally:
        engine.dispose()
    if progress is not None:
        progress.close()
    print(counts.summary() + (" (dry run: nothing was changed)" if options.dry_run else ""))
    if counts.without_raw:
        print(f"{counts.without_raw} selected articles have no raw page (stored before raw pages "
              "were kept, or crawled with TINBAO_KEEP_RAW off)")  # fmt: skip
    return 1 if counts.failed else 0
