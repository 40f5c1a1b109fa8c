"""End-to-end crawl of a generated replica newspaper: pages/s, articles/s, peak RSS.

Why: the extraction benchmark times one function; this times what a user runs, the real
`scrapy crawl` in its own process with the default politeness (robots.txt, AutoThrottle, 2
requests per domain) and only the waits set to zero, against a replica site on 127.0.0.1,
down to the rows in a SQLite archive. It shows what the crawler itself costs per page, and
(with `--settings CONCURRENT_REQUESTS_PER_DOMAIN=8`) how much the politeness cap holds back.

The replica server runs in a thread of this process; the measured crawl runs in a subprocess,
so the two do not share a GIL.

    python -m bench.crawl_replica [--articles 1000] [--settings K=V ...] [--keep]
        [--database-url postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import tempfile
from collections import Counter
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from storage import make_engine
from tests.replica import CrawlResult, ReplicaServer, ReplicaSite, run_crawl
from tests.replica.crawl import FAST

_LOG_LEVEL = re.compile(r"\] (WARNING|ERROR|CRITICAL): ")
_ELAPSED = re.compile(r"'elapsed_time_seconds': ([0-9.]+)")


def parse_settings(pairs: list[str]) -> dict[str, str]:
    settings = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise argparse.ArgumentTypeError(f"--settings wants NAME=VALUE, got {pair!r}")
        settings[name.strip()] = value.strip()
    return settings


def request_kind(path: str) -> str:
    if path == "/robots.txt":
        return "robots.txt"
    if path.startswith(("/sitemap", "/sitemaps/")):
        return "sitemap"
    if path.startswith("/rss/"):
        return "feed"
    if path.startswith("/private/"):
        return "private (robots-disallowed!)"
    if re.search(r"-a\d+\.html$", path):
        return "article"
    if path == "/":
        return "home"
    return "section/other"


def read_archive(database: Path | str) -> tuple[int, list[dict[str, object]]]:
    """Rows in `articles`, and every row of `crawl_runs` as a dict (none: no archive), of an
    SQLite file or an archive URL."""
    engine = make_engine(f"sqlite:///{database}" if isinstance(database, Path) else database)
    try:
        with engine.connect() as connection:
            articles = int(connection.scalar(text("SELECT count(*) FROM articles")) or 0)
            rows = connection.execute(text("SELECT * FROM crawl_runs ORDER BY id"))
            runs = [dict(row._mapping) for row in rows]
    except DBAPIError:  # the crawl did not get as far as creating the archive
        return 0, []
    finally:
        engine.dispose()
    return articles, runs


def _cpu_seconds() -> tuple[float, float]:
    """User+sys CPU seconds of reaped children (the crawl) and of this process (the server)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = resource.getrusage(resource.RUSAGE_SELF)
    return children.ru_utime + children.ru_stime, own.ru_utime + own.ru_stime


def log_problems(log: str) -> list[str]:
    return [line for line in log.splitlines() if _LOG_LEVEL.search(line)]


def report(
    *,
    site: ReplicaSite,
    result: CrawlResult,
    requests: list[str],
    database_url: str,
    settings: dict[str, str],
    workdir: Path,
    keep: bool,
    crawl_cpu: float,
    server_cpu: float,
) -> None:
    articles, runs = read_archive(database_url)
    run = runs[-1] if runs else {}
    pages = int(str(run.get("pages_fetched", 0)))
    seconds = result.seconds
    kinds = Counter(request_kind(path) for path in requests)
    article_paths = [path for path in requests if request_kind(path) == "article"]
    repeated = len(article_paths) - len(set(article_paths))
    problems = log_problems(result.log)

    print(
        f"replica site:     {site.articles} articles, per_page={site.per_page}, "
        f"sections={len(site.sections)}"
    )
    print(f"settings:         {json.dumps({**FAST, **settings})}")
    print(f"exit status:      {result.returncode}")
    print(f"wall time:        {seconds:.2f} s (subprocess start to exit, incl. interpreter start)")
    elapsed = _ELAPSED.search(result.log)
    if elapsed:
        crawling = max(float(elapsed.group(1)), 1e-9)
        print(
            f"crawl time:       {crawling:.2f} s (Scrapy elapsed_time_seconds, spider open to "
            f"close: {pages / crawling:.1f} pages/s, {articles / crawling:.1f} articles/s)"
        )
    print(
        f"pages fetched:    {pages} (crawl_runs.pages_fetched), "
        f"{len(requests)} (server request log)"
    )
    print(
        f"pages/s:          {pages / seconds:.1f} (crawl_runs), "
        f"{len(requests) / seconds:.1f} (server log)"
    )
    print(f"articles stored:  {articles}")
    print(f"articles/s:       {articles / seconds:.1f}")
    print(f"peak RSS (crawl): {result.max_rss_kb / 1024:.1f} MB")
    print(
        f"CPU (crawl):      {crawl_cpu:.1f} s user+sys ({100 * crawl_cpu / seconds:.0f}% of a core)"
    )
    print(f"CPU (this proc):  {server_cpu:.1f} s user+sys (replica server thread + harness)")
    print("server requests:  " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    if repeated:
        print(f"                  {repeated} article URLs were requested more than once")
    if run:
        print(
            f"crawl_runs:       status={run.get('status')} new={run.get('articles_new')} "
            f"updated={run.get('articles_updated')} duplicates={run.get('duplicates')} "
            f"errors={run.get('errors')} (rows: {len(runs)})"
        )
        print(f"crawl_runs.stats: {run.get('stats')}")
    else:
        print("crawl_runs:       no row (did the crawl start?)")
    print(f"log:              {len(problems)} WARNING/ERROR lines")
    for line in problems[:10]:
        print(f"    {line[:200]}")
    if len(problems) > 10:
        where = workdir / "crawl.log" if keep else "the log (run with --keep to read it)"
        print(f"    ... {len(problems) - 10} more in {where}")
    if result.returncode != 0:
        print(f"WARNING: the crawl exited with status {result.returncode}; log tail:")
        print(result.log[-3000:])
    if articles != site.articles:
        print(f"WARNING: {articles} articles stored, expected {site.articles}")


def report_second(first: list[str], second: list[str], result: CrawlResult) -> None:
    """What a repeat crawl of the unchanged site cost, against the first."""
    articles = [path for path in second if request_kind(path) == "article"]
    print(f"second crawl:     exit {result.returncode}, {result.seconds:.2f} s wall")
    print(f"  requests:       {len(second)} ({100 * len(second) / max(1, len(first)):.2f} % of "
          f"the first crawl's {len(first)}), article requests: {len(articles)}")  # fmt: skip
    print(f"  by kind:        {dict(Counter(request_kind(path) for path in second))}")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=1000, help="articles on the site (1000)")
    parser.add_argument("--per-page", type=int, default=20, help="articles per section page (20)")
    parser.add_argument(
        "--settings",
        action="append",
        default=[],
        metavar="K=V",
        help="a Scrapy setting for the crawl, repeatable (e.g. CONCURRENT_REQUESTS_PER_DOMAIN=8)",
    )
    parser.add_argument(
        "--database-url",
        help="the archive to crawl into, e.g. a PostgreSQL schema of its own (an empty one: "
        "postgresql+psycopg://postgres@127.0.0.1/test?options=-csearch_path%%3Dbench); "
        "default: a new SQLite file",
    )
    parser.add_argument("--timeout", type=float, default=1800, help="seconds before giving up")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (db, log, toml)")
    parser.add_argument(
        "--second-crawl",
        action="store_true",
        help="crawl the unchanged site again and compare the requests it costs",
    )
    args = parser.parse_args()
    try:
        settings = parse_settings(args.settings)
    except argparse.ArgumentTypeError as error:
        parser.error(str(error))

    site = ReplicaSite(articles=args.articles, per_page=args.per_page)
    workdir = Path(tempfile.mkdtemp(prefix="tinbao-bench-"))
    try:
        with ReplicaServer(site) as server:
            sites_file = workdir / "sites.toml"
            sites_file.write_text(site.registry_toml(server.base_url), encoding="utf-8")
            database_url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
            before = _cpu_seconds()
            try:
                result = run_crawl(
                    site.key,
                    sites_file=sites_file,
                    database_url=database_url,
                    settings=settings,
                    timeout=args.timeout,
                )
            except AssertionError as error:  # run_crawl's way of saying "timed out"
                raise SystemExit(f"crawl failed: {error}") from None
            after = _cpu_seconds()
            requests = server.paths()
            if args.second_crawl:
                second = run_crawl(site.key, sites_file=sites_file,
                                   database_url=database_url, settings=settings,
                                   timeout=args.timeout)  # fmt: skip
                report_second(requests, server.paths()[len(requests) :], second)
        (workdir / "crawl.log").write_text(result.log, encoding="utf-8")
        report(
            site=site,
            result=result,
            requests=requests,
            database_url=database_url,
            settings=settings,
            workdir=workdir,
            keep=args.keep,
            crawl_cpu=after[0] - before[0],
            server_cpu=after[1] - before[1],
        )
    finally:
        if args.keep:
            print(f"kept:             {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
