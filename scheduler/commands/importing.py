"""`tinbao import FILE|DIR ... [--site KEY] [--workers N]` and `tinbao import --cc-news YYYY-MM`:
articles from web archives into the archive (crawler/importing/, docs/import.md).

A folder is searched for `*.warc`, `*.warc.gz`, `*.arc`, `*.arc.gz` (sorted). A progress bar
goes to stderr when it is a terminal, the summary to stdout. Exit status: 0 when every file was
read to its end (broken records are counted, not fatal), 1 when the import could not go on
(the archive cannot be written, a remote file cannot be fetched), 2 for a usage mistake.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from crawler.importing.ccnews import CcNewsError, cc_news_sources
from crawler.importing.extract import ExtractionPool
from crawler.importing.progress import FileProgress
from crawler.importing.run import BATCH, Importer, ImportFailed
from crawler.importing.sources import file_source
from crawler.middlewares.capture import warc_folder
from crawler.registry import load_registry
from scheduler.commands.common import UsageError, check_sites, positive_int, worker_count
from storage import database_url, make_sessionmaker, open_archive

ARCHIVE_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
log = logging.getLogger("tinbao.import")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "import", help="import articles from WARC/ARC files or Common Crawl's CC-NEWS"
    )
    parser.add_argument("paths", nargs="*", metavar="FILE|DIR", help="WARC or ARC files, folders")
    parser.add_argument(
        "--cc-news", metavar="YYYY-MM", help="import that month of Common Crawl's CC-NEWS"
    )
    parser.add_argument(
        "--site", "--sites", action="append", metavar="KEY", dest="site",
        help="only this registry site (repeatable; default: every site)",
    )  # fmt: skip
    parser.add_argument(
        "--workers", type=worker_count(1), metavar="N",
        help="extraction processes (default: one per core; at most 4 per core)",
    )  # fmt: skip
    parser.add_argument(
        "--batch", type=positive_int, default=BATCH, metavar="N",
        help=f"articles saved per transaction (default {BATCH})",
    )  # fmt: skip
    parser.add_argument(
        "--warc-dir", metavar="DIR",
        help="where records of remote files are kept (default: $TINBAO_WARC_DIR or ./data/warc)",
    )  # fmt: skip
    parser.set_defaults(handler=run)


def run(options: argparse.Namespace) -> int:
    registry = load_registry()
    sites = tuple(options.site or ())
    check_sites(sites)
    if not options.paths and not options.cc_news:
        raise UsageError("give WARC/ARC files or folders, or --cc-news YYYY-MM")
    if options.cc_news and not MONTH.match(options.cc_news):
        raise UsageError(f"--cc-news takes a month as YYYY-MM, not {options.cc_news!r}")
    files = list(_archive_files(options.paths))
    engine = open_archive(database_url(options.database_url))
    progress = FileProgress.on_terminal()
    try:
        with ExtractionPool(options.workers) as pool:
            importer = Importer(make_sessionmaker(engine), registry, pool, sites=sites,
                                batch=options.batch,
                                progress=progress.update if progress else None)  # fmt: skip
            sources = [file_source(path) for path in files]
            if options.cc_news:
                sources += cc_news_sources(options.cc_news, warc_folder(options.warc_dir))
            for source in sources:
                importer.run(source)
    except (ImportFailed, CcNewsError) as exc:
        _end(progress)
        print(f"tinbao import: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    _end(progress)
    print(importer.counts.summary())
    return 0


def _archive_files(paths: list[str]) -> Iterator[Path]:
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.name.endswith(ARCHIVE_SUFFIXES))
            if not found:
                raise UsageError(f"no WARC or ARC file in {name!r}")
            yield from found
        elif path.is_file():
            yield path
        else:
            raise UsageError(f"no such file or folder: {name!r}")


def _end(progress: FileProgress | None) -> None:
    if progress is not None:
        progress.close()
