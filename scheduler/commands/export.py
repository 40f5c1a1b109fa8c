"""`tinbao export --format jsonl|csv|parquet|atom`: the archive's articles, streamed to stdout or
a file in constant memory; a progress bar on stderr when it is a terminal.

Atom feeds are per site (`--site`), per province (`--province`) or of the whole selection,
newest first; the other formats are in id order. `-o FILE` is written to a temporary file
beside it, renamed over FILE only once complete: an export that fails or is killed never leaves
a truncated FILE (nor replaces a good one).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawler.registry import Site, load_registry
from scheduler.commands.common import UsageError, positive_int, progress_bar, reading, say
from scheduler.commands.selection import (
    Selection,
    add_selection_arguments,
    check_selection,
    province_key,
    selection,
)
from storage import Article, make_sessionmaker
from storage import export as archive
from storage.atom import Feed, write_atom
from storage.parquet import MissingPyarrow, write_parquet

FORMATS = ("jsonl", "csv", "parquet", "atom")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("export", help="export articles: JSON lines, CSV, Parquet, Atom")
    parser.add_argument("--format", required=True, choices=FORMATS, help="the output format")
    add_selection_arguments(parser)
    parser.add_argument("--limit", type=positive_int, help="at most this many articles")
    parser.add_argument("--output", "-o", help="write to this file (default: stdout)")
    parser.set_defaults(handler=run)


def run(options: argparse.Namespace) -> int:
    chosen = selection(options)
    to_stdout = options.output in (None, "-")
    if options.format == "parquet" and to_stdout and sys.stdout.isatty():
        raise UsageError("Parquet is binary: give --output FILE or redirect stdout")
    if not to_stdout:
        check_target(options.output)
    wanted = archive.Selection(chosen.sites, chosen.since, chosen.until, options.limit)
    engine = reading(options)
    try:
        check_selection(options, engine)
        with make_sessionmaker(engine)() as session, ExitStack() as stack:
            progress = progress_bar(session, wanted, to_stdout=to_stdout)
            if progress is not None:
                stack.callback(progress.close)
            if options.format == "parquet":
                binary = stack.enter_context(_binary_output(options.output))
                count = write_parquet(archive.iter_articles(session, wanted), binary, progress)
            else:
                out = stack.enter_context(_text_output(options.output))
                count = _write_text(options, session, chosen, wanted, out, progress)
            if progress is not None:
                progress(count)
    except MissingPyarrow as exc:
        raise UsageError(str(exc)) from exc
    finally:
        engine.dispose()
    if not count:
        say("no article matches the selection")
    return 0


def check_target(path: str) -> None:
    """UsageError for an output path that cannot be a file: a folder, or in a missing one."""
    target = Path(path)
    if target.is_dir():
        raise UsageError(f"--output {path!r} is a folder: name a file in it")
    if not target.parent.is_dir():
        raise UsageError(f"--output {path!r}: there is no folder {str(target.parent)!r}")


@contextmanager
def _complete_file(path: str, mode: str, **kwargs: object) -> Iterator[IO[Any]]:
    """A file written beside `path` and renamed to it only when the block ends normally."""
    target = Path(path)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part",
                                             dir=target.parent)  # fmt: skip
    try:
        with os.fdopen(descriptor, mode, **kwargs) as out:  # type: ignore[call-overload]
            yield out
            out.flush()
            os.fsync(out.fileno())
        Path(temporary).chmod(0o666 & ~_umask())  # mkstemp makes it private; the target is not
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def _text_output(path: str | None) -> Iterator[IO[str]]:
    if path in (None, "-"):
        yield sys.stdout
        return
    with _complete_file(path, "w", encoding="utf-8", newline="") as out:
        yield out


@contextmanager
def _binary_output(path: str | None) -> Iterator[IO[bytes]]:
    if path in (None, "-"):
        yield sys.stdout.buffer
        return
    with _complete_file(path, "wb") as out:
        yield out


def _write_text(
    options: argparse.Namespace,
    session: Session,
    chosen: Selection,
    wanted: archive.Selection,
    out: IO[str],
    progress: Callable[[int], None] | None,
) -> int:
    if options.format == "jsonl":
        return archive.write_jsonl(archive.iter_articles(session, wanted), out, progress)
    if options.format == "csv":
        return archive.write_csv(archive.iter_articles(session, wanted), out, progress)
    registry = load_registry()
    feed = _feed(options, registry, chosen, _updated(session, wanted))
    papers = {site.key: site.name for site in registry.values()}
    rows = archive.iter_articles(session, wanted, newest_first=True)
    return write_atom(feed, rows, out, papers, progress)


def _feed(
    options: argparse.Namespace, registry: dict[str, Site], chosen: Selection, updated: datetime
) -> Feed:
    """The feed's identity: a site's, a province's, some sites', or the archive's."""
    if options.province:
        wanted = province_key(options.province)
        spelled = {n for s in registry.values() for n in (s.province, s.province_before) if n}
        name = next((n for n in sorted(spelled) if province_key(n) == wanted), options.province)
        papers = ", ".join(chosen.sites or ())
        return Feed(
            f"tag:tinbao,2026:province/{'-'.join(wanted.split())}", f"{name} (tinbao)", updated,
            subtitle=f"Bài của các báo {name} ({papers})",
        )  # fmt: skip
    if chosen.sites is not None and len(chosen.sites) == 1:
        key = chosen.sites[0]
        title = registry[key].name if key in registry else key
        return Feed(f"tag:tinbao,2026:site/{key}", f"{title} (tinbao)", updated)
    if chosen.sites is not None:
        return Feed(f"tag:tinbao,2026:sites/{'+'.join(chosen.sites)}", "tinbao", updated)
    return Feed("tag:tinbao,2026:archive", "tinbao", updated)


def _updated(session: Session, wanted: archive.Selection) -> datetime:
    """When the newest article of the selection was last updated (now for an empty feed)."""
    moment = func.coalesce(Article.updated_at, Article.published_at, Article.first_seen_at)
    latest = session.scalar(wanted.where(select(func.max(moment))))
    return latest if isinstance(latest, datetime) else datetime.now(UTC)
