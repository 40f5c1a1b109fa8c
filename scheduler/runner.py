"""Running one crawl as a subprocess: the same `scrapy crawl <site>` a user types.

`tinbao crawl` (alias `tinbao run`), `tinbao backfill` and every crawl the daemon schedules go
through `crawl_site`, so that a crawl that crashes or hangs never takes the caller down: it runs
in a process group of its own, is killed with its children when it outlives its timeout, and
its `crawl_runs` row is closed even when the crawl could not close it itself.

The crawl is told who supervises it (crawler/supervised.py): the token of its claim holder id
(by which its row is found afterwards), this process's pid (it stops itself when this process
dies), its time limit (it stops itself then too, should this process be unable to), and where
its log goes.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from crawler.registry import SITES_ENV
from crawler.supervised import (
    LOG_ENV,
    SUPERVISOR_ENV,
    SUPERVISOR_FD_ENV,
    TIME_LIMIT_ENV,
    TOKEN_ENV,
)
from scheduler.process import ProcessOutcome, supervise
from storage import DATABASE_ENV, database_url, make_sessionmaker, open_archive
from storage.claims import new_token
from storage.daemon import settle_run
from storage.models import CrawlRun

SETTINGS_MODULE = "crawler.settings"
logger = logging.getLogger("tinbao.crawl")


def crawl_command(
    site: str,
    *,
    arguments: Mapping[str, str] | None = None,
    settings: Mapping[str, str] | None = None,
) -> list[str]:
    """The argv of `scrapy crawl <site>` with spider arguments (-a) and settings (-s)."""
    command = [sys.executable, "-m", "scrapy", "crawl", site]
    for name, value in (settings or {}).items():
        command += ["-s", f"{name}={value}"]
    for name, value in (arguments or {}).items():
        command += ["-a", f"{name}={value}"]
    return command


def crawl_environment(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a crawl: the caller's, plus the project's settings module so that
    `scrapy` finds the project from any working directory."""
    environment = dict(os.environ if base is None else base)
    environment.setdefault("SCRAPY_SETTINGS_MODULE", SETTINGS_MODULE)
    return environment


def run_crawl(
    site: str,
    *,
    arguments: Mapping[str, str] | None = None,
    settings: Mapping[str, str] | None = None,
) -> int:
    """Crawl `site` now, with the crawl's log on this process's stderr; its exit status (130
    when Ctrl-C stopped it)."""
    chosen = dict(settings or {})
    url = database_url(chosen.pop("TINBAO_DATABASE_URL", None))
    options = CrawlOptions(database_url=url, settings=chosen, arguments=dict(arguments or {}))
    report = crawl_site(site, options)
    return 130 if report.outcome.cancelled else report.returncode


@dataclass(frozen=True)
class CrawlOptions:
    """How crawls are run. `command` replaces `crawl_command` (tests substitute a hanging
    process); `timeout` and `kill_grace` are seconds, `timeout=None` waits for ever.
    `sites_file` is the registry file the crawl reads (None: the caller's $TINBAO_SITES; ""
    the built-in registry alone); `log_dir`, when set, receives each crawl's output in a file
    of its own (`<site>/<time>-<id>.log`) instead of this process's stderr."""

    database_url: str
    settings: Mapping[str, str] = field(default_factory=dict)
    arguments: Mapping[str, str] = field(default_factory=dict)
    timeout: float | None = None
    kill_grace: float = 30.0
    command: Callable[[str], Sequence[str]] | None = None
    sites_file: str | None = None
    log_dir: Path | None = None


@dataclass(frozen=True)
class CrawlReport:
    """One crawl as the caller sees it: the process's end and the crawl_runs row it left."""

    site: str
    outcome: ProcessOutcome
    run: CrawlRun | None
    log_file: Path | None = None

    @property
    def returncode(self) -> int:
        return self.outcome.returncode

    @property
    def status(self) -> str:
        return self.run.status if self.run is not None else f"exit {self.returncode}"


def crawl_site(
    site: str, options: CrawlOptions, *, cancel: threading.Event | None = None
) -> CrawlReport:
    """Crawl `site` as a subprocess and settle its crawl_runs row; one log line at the end
    with the counts. `cancel` stops the crawl early (the daemon shutting down)."""
    engine = open_archive(options.database_url)
    sessions = make_sessionmaker(engine)
    token = new_token()
    launched_at = datetime.now(UTC)
    log_file = _log_file(options.log_dir, site, launched_at, token)
    try:
        if options.command is not None:
            command = list(options.command(site))
        else:
            command = crawl_command(site, arguments=options.arguments, settings=options.settings)
        environment = crawl_environment()
        environment.update({DATABASE_ENV: options.database_url, TOKEN_ENV: token,
                            SUPERVISOR_ENV: str(os.getpid())})  # fmt: skip
        if options.timeout is not None:
            environment[TIME_LIMIT_ENV] = f"{options.timeout:g}"
        if options.sites_file is not None:
            environment[SITES_ENV] = options.sites_file
        logger.debug("crawl %s: started (claim token %s)", site, token)
        outcome = _supervised(command, environment, options, cancel, log_file)
        with sessions.begin() as session:
            run = settle_run(session, site, token, launched_at=launched_at,
                             ended_at=datetime.now(UTC), status=_verdict(outcome),
                             create=not _clean(outcome), overrule=outcome.timed_out,
                             log_file=str(log_file) if log_file else None)  # fmt: skip
        report = CrawlReport(site, outcome, run, log_file)
    finally:
        engine.dispose()
    _log_end(report)
    return report


def _supervised(
    command: Sequence[str],
    environment: dict[str, str],
    options: CrawlOptions,
    cancel: threading.Event | None,
    log_file: Path | None,
) -> ProcessOutcome:
    """Run the crawl with the read end of a pipe whose write end only this process holds: the
    crawl sees it close the moment this process dies (crawler/supervised.py)."""
    hang_up, keep = os.pipe()
    environment[SUPERVISOR_FD_ENV] = str(hang_up)
    try:
        if log_file is None:
            return supervise(command, env=environment, timeout=options.timeout,
                             kill_grace=options.kill_grace, cancel=cancel,
                             hand_over=(hang_up,))  # fmt: skip
        environment[LOG_ENV] = str(log_file)
        with log_file.open("ab") as output:
            return supervise(command, env=environment, timeout=options.timeout,
                             kill_grace=options.kill_grace, cancel=cancel, stdout=output,
                             stderr=subprocess.STDOUT, hand_over=(hang_up,))  # fmt: skip
    finally:
        os.close(keep)


def _log_file(folder: Path | None, site: str, at: datetime, token: str) -> Path | None:
    """`<folder>/<site>/<UTC time>-<claim token>.log`, its folder created."""
    if folder is None:
        return None
    path = folder / site / f"{at:%Y%m%dT%H%M%SZ}-{token}.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _clean(outcome: ProcessOutcome) -> bool:
    return outcome.returncode == 0 and not (outcome.timed_out or outcome.cancelled)


def _verdict(outcome: ProcessOutcome) -> str:
    """The status of a row the crawl could not close itself."""
    if outcome.timed_out:
        return "killed: timeout"
    if outcome.cancelled:
        return "killed: shutdown"
    if outcome.returncode < 0:
        return f"crashed: signal {-outcome.returncode}"
    if outcome.returncode > 0:
        return f"crashed: exit {outcome.returncode}"
    return "unclosed: exit 0"


def _log_end(report: CrawlReport) -> None:
    run, outcome = report.run, report.outcome
    counts = (
        f"{run.pages_fetched} pages, {run.articles_new} new, {run.articles_updated} updated, "
        f"{run.duplicates} duplicates, {run.errors} errors"
        if run is not None
        else "no crawl_runs row"
    )
    level = (
        logging.INFO if outcome.returncode == 0 and report.status == "finished" else logging.WARNING
    )
    where = [f"run {run.id}"] if run is not None else []
    if report.log_file is not None:
        where.append(f"log {report.log_file}")
    logger.log(level, "crawl %s: %s in %.1fs, exit %d: %s%s", report.site, report.status,
               outcome.seconds, outcome.returncode, counts,
               f" ({', '.join(where)})" if where else "")  # fmt: skip
