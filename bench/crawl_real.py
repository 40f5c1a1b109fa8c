"""The real `scrapy crawl` of a replica made of real pages, on SQLite and on PostgreSQL, against
the machine's extraction limit measured in the same run.

Why: the small replica's 3 KB pages time Scrapy and the saves; a real page (100-500 KB) costs
15-55 ms to extract, so on real sites extraction is most of the work, and what a crawl can
reach is every core running bare `trafilatura.extract` ("the limit": cores x its rate on the
same bodies, one process). This serves `--articles` articles built from the corpus's real pages
(tests/replica/real.py: each one distinct in text, so neither the content hash nor the stories
merge them), found through the site's sitemap and feed, and prints for each crawl: articles/s,
its fraction of the limit, CPU/wall, peak RSS of the crawl's process tree (crawl + extraction
pool, summed, sampled from /proc), and how the CPU was split between the crawl's process and
its workers. Bare trafilatura, tinbao's own `extract()` (one process) and the crawls alternate
(SQLite, PostgreSQL, ...) so that all see the same machine.

    python -m bench.crawl_real [--articles 600] [--repeat 3] [--backends sqlite,postgresql]
        [--postgres-url postgresql+psycopg://postgres@127.0.0.1/test] [--settings K=V ...]

The corpus is $TINBAO_CORPUS (default ../shared/corpus); PostgreSQL runs in a new schema
`realbench_<pid>_<n>` per crawl, dropped afterwards. `--keep` keeps the temp dir (logs).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.crawl_replica import parse_settings
from bench.import_speed import corpus_pages
from bench.limit import bare, cores, cpu_line, timed
from bench.process_tree import TreeSampler
from tests.replica import ReplicaServer
from tests.replica.crawl import start_crawl
from tests.replica.real import RealPagesSite, article_path

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1/test"
PUBLIC = "http://baotrangthat.vn"  # the replica's host name, reached through http_proxy
_ELAPSED = re.compile(r"'elapsed_time_seconds': ([0-9.]+)")
_PROBLEM = re.compile(r"\] (WARNING|ERROR|CRITICAL): ")


def tinbao(html: str, url: str) -> object:
    from crawler.extraction import extract

    return extract(html, url)


@dataclass
class Crawl:
    backend: str
    returncode: int
    wall: float
    elapsed: float  # Scrapy's elapsed_time_seconds, spider open to close
    articles: int
    cpu: float  # the crawl's process tree, user+sys (wait4: the reaped workers included)
    main_cpu: float  # the crawl's own process, as last sampled
    workers_cpu: float
    peak_rss_mb: float
    processes: int
    problems: list[str]
    log: str


def run(site: RealPagesSite, sites_file: Path, database_url: str, backend: str,
        settings: dict[str, str], timeout: float, proxy: str) -> Crawl:  # fmt: skip
    started = time.perf_counter()
    process = start_crawl(site.key, sites_file=sites_file, database_url=database_url,
                          settings=settings, env={"http_proxy": proxy})  # fmt: skip
    chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: chunks.extend(iter(process.stdout.readline, b"")))  # type: ignore[union-attr]
    reader.start()
    with TreeSampler(process.pid) as tree:
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - started > timeout:
                process.kill()
                process.wait()
                raise SystemExit(f"{backend} crawl timed out after {timeout} s")
            time.sleep(0.05)
    wall = time.perf_counter() - started
    reader.join()
    log = b"".join(chunks).decode("utf-8", "replace")
    elapsed = _ELAPSED.search(log)
    return Crawl(
        backend=backend,
        returncode=os.waitstatus_to_exitcode(status),
        wall=wall,
        elapsed=float(elapsed.group(1)) if elapsed else wall,
        articles=count_articles(database_url),
        cpu=usage.ru_utime + usage.ru_stime,
        main_cpu=tree.main_cpu,
        workers_cpu=tree.other_cpu,
        peak_rss_mb=tree.peak_rss / 2**20,
        processes=tree.peak_processes,
        problems=[line for line in log.splitlines() if _PROBLEM.search(line)],
        log=log,
    )


def count_articles(database_url: str) -> int:
    if database_url.startswith("sqlite:///"):
        path = Path(database_url.removeprefix("sqlite:///"))
        if not path.exists():
            return 0
        with sqlite3.connect(path) as connection:
            stored = int(connection.execute("SELECT count(*) FROM articles").fetchone()[0])
        connection.close()
        return stored
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as server:
            return int(server.execute(text("SELECT count(*) FROM articles")).scalar_one())
    finally:
        engine.dispose()


@contextmanager
def archive(backend: str, workdir: Path, number: int, postgres: str) -> Iterator[str]:
    """A new, empty archive's URL: a SQLite file, or a PostgreSQL schema dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{workdir}/crawl-{number}.db"
        return
    from sqlalchemy import create_engine, text

    schema = f"realbench_{os.getpid()}_{number}"
    engine = create_engine(postgres, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in postgres else "?"
        yield f"{postgres}{sep}options=-csearch_path%3D{schema}"
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


@dataclass
class NewsPleaseRun:
    urls: int
    articles: int
    seconds: float  # NewsPlease.from_urls, start to end (interpreter start not included)
    fetch_seconds: float
    cpu: float  # its process and its pool's, user+sys

    @property
    def rate(self) -> float:
        return self.articles / self.seconds


def news_please(python: str, urls_file: Path, proxy: str) -> NewsPleaseRun:
    """bench/newsplease_run.py under `python`, every request through the replica as a proxy."""
    environment = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    environment.update({"http_proxy": proxy, "https_proxy": proxy, "HTTP_PROXY": proxy,
                        "HTTPS_PROXY": proxy, "PYTHONWARNINGS": "ignore"})  # fmt: skip
    script = Path(__file__).with_name("newsplease_run.py")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([python, str(script), str(urls_file)], env=environment,
                          capture_output=True, text=True)  # fmt: skip
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"news-please failed ({done.returncode}): {done.stderr[-3000:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return NewsPleaseRun(figures["urls"], figures["articles"], figures["seconds"],
                         figures["fetch_seconds"], cpu)  # fmt: skip


def summarise_news_please(
    others: list[NewsPleaseRun], results: dict[str, list[tuple[float, float, Crawl]]]
) -> None:
    rates = [o.rate for o in others]
    print(f"news-please: {statistics.median(rates):.1f} articles/s (range {min(rates):.1f}-"
          f"{max(rates):.1f}; fetch all, then extract on every core, store nothing)")  # fmt: skip
    for backend, runs in results.items():
        ratios = [c.articles / c.wall / o.rate for (_, _, c), o in zip(runs, others, strict=False)]
        if ratios:
            low, high = min(ratios), max(ratios)
            print(f"tinbao ({backend}, stored, wall incl. start-up) / news-please, same round: "
                  f"{statistics.median(ratios):.2f} (range {low:.2f}-{high:.2f})")  # fmt: skip


def show(crawl: Crawl, limit: float, expected: int, bare_cpu: float) -> None:
    per_wall = crawl.articles / crawl.wall
    per_crawl = crawl.articles / max(crawl.elapsed, 1e-9)
    print(
        f"  {crawl.backend:10} exit {crawl.returncode}, {crawl.articles} articles in "
        f"{crawl.wall:.1f} s wall ({crawl.elapsed:.1f} s crawling): {per_wall:.1f}/s "
        f"= {per_wall / limit:.2f} of the limit ({per_crawl:.1f}/s = "
        f"{per_crawl / limit:.2f} while crawling); CPU/wall {crawl.cpu / crawl.wall:.2f} "
        f"(crawl process {crawl.main_cpu:.1f} s, workers {crawl.workers_cpu:.1f} s); "
        f"peak RSS {crawl.peak_rss_mb:.0f} MB over {crawl.processes} processes",
        flush=True,
    )
    print(cpu_line(f"  {'':10} ", crawl.cpu, crawl.main_cpu, crawl.articles, bare_cpu), flush=True)
    if crawl.articles != expected or crawl.returncode != 0:
        print(f"  WARNING: {crawl.articles} of {expected} stored, exit {crawl.returncode}")
        print(crawl.log[-3000:])
    for line in crawl.problems[:5]:
        print(f"    {line[:200]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sample", type=int, default=80, help="bodies timed for the limit")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", default=os.environ.get("TINBAO_BENCH_POSTGRES", POSTGRES))
    parser.add_argument("--settings", action="append", default=[], metavar="K=V")
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--news-please",
        metavar="PYTHON",
        help="the python of a virtualenv with news-please: run it on the same site each round",
    )
    options = parser.parse_args()
    settings = parse_settings(options.settings)
    backends = [b.strip() for b in options.backends.split(",") if b.strip()]
    site = RealPagesSite(corpus_pages(), articles=options.articles, public_url=PUBLIC)
    sizes = [len(site.body(n)) for n in range(site.articles)]
    print(f"site: {site.articles} articles from {len(site.pages)} real pages, "
          f"{statistics.mean(sizes) / 1024:.0f} KB mean; cores {cores()}; settings {settings}; "
          f"load average {os.getloadavg()[0]:.2f}", flush=True)  # fmt: skip
    sample = [(site.body(n).decode(), f"{PUBLIC}{article_path(n)}") for n in range(options.sample)]
    workdir = Path(tempfile.mkdtemp(prefix="realbench-crawl-"))
    results: dict[str, list[tuple[float, float, Crawl]]] = {b: [] for b in backends}
    others: list[NewsPleaseRun] = []
    try:
        with ReplicaServer(site) as server:
            sites_file = workdir / "sites.toml"
            sites_file.write_text(site.registry_toml(PUBLIC), "utf-8")
            urls_file = workdir / "urls.txt"
            urls_file.write_text("\n".join(site.urls(PUBLIC)), "utf-8")
            number = 0
            for round_ in range(options.repeat):
                for backend in backends:
                    number += 1
                    (bare_rate, bare_cpu), (tinbao_rate, tinbao_cpu) = (
                        timed(bare, sample),
                        timed(tinbao, sample),
                    )
                    limit = cores() * bare_rate
                    print(f"run {round_ + 1} {backend}: bare trafilatura {bare_rate:.1f} pages/s "
                          f"x {cores()} = limit {limit:.1f}/s ({1000 * bare_cpu:.1f} ms CPU a "
                          f"page); tinbao extract() {tinbao_rate:.1f} pages/s "
                          f"({1000 * tinbao_cpu:.1f} ms CPU, {tinbao_cpu / bare_cpu:.2f}x bare); "
                          f"load {os.getloadavg()[0]:.2f}", flush=True)  # fmt: skip
                    with archive(backend, workdir, number, options.postgres_url) as url:
                        crawl = run(site, sites_file, url, backend, settings, options.timeout,
                                    server.base_url)  # fmt: skip
                    (workdir / f"crawl-{number}.log").write_text(crawl.log, "utf-8")
                    show(crawl, limit, site.articles, bare_cpu)
                    results[backend].append((crawl.articles / crawl.wall / limit, limit, crawl))
                if options.news_please:
                    other = news_please(options.news_please, urls_file, server.base_url)
                    print(f"  news-please {other.articles} of {other.urls} articles in "
                          f"{other.seconds:.1f} s ({other.fetch_seconds:.1f} s downloading): "
                          f"{other.rate:.1f}/s; CPU/wall {other.cpu / other.seconds:.2f}; load "
                          f"{os.getloadavg()[0]:.2f}", flush=True)  # fmt: skip
                    others.append(other)
        summarise(results)
        if others:
            summarise_news_please(others, results)
    finally:
        if options.keep:
            print(f"kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def summarise(results: dict[str, list[tuple[float, float, Crawl]]]) -> None:
    medians = {}
    for backend, runs in results.items():
        if not runs:
            continue
        fractions = [f for f, _, _ in runs]
        rates = [c.articles / c.wall for _, _, c in runs]
        rss = [c.peak_rss_mb for _, _, c in runs]
        medians[backend] = statistics.median(rates)
        print(f"{backend}: {statistics.median(rates):.1f} articles/s (range {min(rates):.1f}-"
              f"{max(rates):.1f}), {statistics.median(fractions):.2f} of the limit (range "
              f"{min(fractions):.2f}-{max(fractions):.2f}), peak RSS {min(rss):.0f}-"
              f"{max(rss):.0f} MB")  # fmt: skip
    if "sqlite" in medians and "postgresql" in medians:
        print(f"PostgreSQL / SQLite: {medians['postgresql'] / medians['sqlite']:.2f}")


if __name__ == "__main__":
    main()
