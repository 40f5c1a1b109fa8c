"""Start-up of a repeat crawl of a site with a million stored articles: seconds and peak RSS.

Why: a crawl reads what the archive holds of its site before its first request (the known URLs,
not to fetch them again; the last complete crawl, to skip older sitemaps). A big site's repeat
crawl must start in seconds and small memory (goal: <= 10 s, <= 300 MB RSS at 1,000,000
articles), or the daemon spends its time and memory there.

The archive is made by the real migrations; the site (`replica`, tests/replica) has `--articles`
stored articles (with 10% more URLs, the addresses they were fetched from, and 1% of pages
remembered as holding no article) and `--new` articles not stored yet, and a finished crawl on
record, so the crawl is incremental. Stored articles have short texts: start-up reads only their
URLs. The replica is served on 127.0.0.1 at the port the stored URLs name. Each run is the real
`scrapy crawl replica` in a subprocess; the figures, per run:

- start-up: from launching the process to the replica's first request (robots.txt), which
  Scrapy sends once the spider is open, that is once the archive has been read;
- crawl: launching to exit (the new articles fetched and stored);
- peak RSS of the crawl process (its VmHWM, polled).

    python -m bench.crawl_startup [--articles 1000000] [--new 20] [--repeat 3]
        [--database PATH | --database-url URL] [--json]

`--database PATH` keeps the SQLite archive (or reuses it); `--database-url` builds (or reuses)
a PostgreSQL one, e.g. `postgresql+psycopg://postgres@127.0.0.1/bench?options=-csearch_path%3Ds`.
Each run stores the new articles; the next run deletes them first, so every run starts alike.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import Engine, delete, func, insert, select, text

from storage import ArticleUrl, Base, IgnoredUrl, make_sessionmaker, open_archive
from storage.models import Article, CrawlRun
from storage.runs import RunCounts, finish_run, start_run
from tests.replica import ReplicaServer, ReplicaSite
from tests.replica.crawl import ROOT, start_crawl
from tests.replica.site import ORIGIN, ORIGIN_ID, SPACING

SITE = "replica"
BASELINE = "replica_empty"  # a site with nothing stored, crawled for comparison
BATCH = 20_000
ALIAS_EVERY = 10  # one article in ten was fetched from another address
IGNORED_EVERY = 100
Row = dict[str, object]


def replica(articles: int, new: int) -> ReplicaSite:
    return ReplicaSite(articles=articles + new, per_page=20, sitemap_chunk=500)


def _rows(site: ReplicaSite, base_url: str, stored: int) -> Iterator[tuple[Row, list[Row]]]:
    """(article, its URLs) for the `stored` oldest articles of `site`, without rendering them:
    ids, paths and dates as ReplicaSite makes them."""
    for number in range(stored):
        article_id = site.first_id + number
        path = f"/bai-viet-so-{article_id}-a{article_id}.html"
        published = (ORIGIN + (article_id - ORIGIN_ID) * SPACING).astimezone(UTC)
        url = base_url + path
        article: Row = {
            "id": number + 1, "site": SITE, "url": url, "title": f"Bài viết số {article_id}",
            "body": f"Nội dung của bài viết số {article_id}.", "published_at": published,
            "content_hash": f"{article_id:064x}", "first_seen_at": published,
            "last_seen_at": published, "language": "vi",
        }  # fmt: skip
        urls = [url]
        if number % ALIAS_EVERY == 0:  # fetched from an older address, redirected
            urls.append(base_url + path.replace("/bai-viet-so-", "/tin-cu-so-", 1))
        times = {"first_seen_at": published, "published_at": published}
        yield article, [{"url": u, "article_id": number + 1, "site": SITE, **times} for u in urls]


def build(engine: Engine, site: ReplicaSite, base_url: str, stored: int) -> float:
    """Fill an empty archive with the site's stored articles and a finished crawl."""
    started = time.perf_counter()
    rows = _rows(site, base_url, stored)
    while chunk := list(itertools.islice(rows, BATCH)):
        with engine.begin() as connection:
            connection.execute(insert(Article), [article for article, _ in chunk])
            connection.execute(insert(ArticleUrl), [url for _, urls in chunk for url in urls])
    newest = site.article_by_id(site.first_id + stored - 1).published_at.astimezone(UTC)
    with make_sessionmaker(engine).begin() as session:
        ignored = [
            IgnoredUrl(site=SITE, url=f"{base_url}/trang-trong-so-{n}-a{n}.html", reason="empty",
                       first_seen_at=newest, last_seen_at=newest)
            for n in range(0, stored, IGNORED_EVERY)
        ]  # fmt: skip
        session.add_all(ignored)
        run = start_run(session, SITE, started_at=newest + timedelta(minutes=1))
        finish_run(session, run.id, finished_at=newest + timedelta(minutes=2), status="finished",
                   counts=RunCounts(articles_new=stored))  # fmt: skip
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("SELECT setval(pg_get_serial_sequence('articles', 'id'), "
                                    "max(id)) FROM articles"))  # fmt: skip
            connection.execute(text("ANALYZE"))
    return time.perf_counter() - started


def forget_new(engine: Engine, stored: int) -> None:
    """Delete what an earlier run stored: articles past the `stored` ones and what hangs on
    them, pages it ignored, its crawl runs, the validators it would send again."""
    tables = Base.metadata.tables
    with make_sessionmaker(engine).begin() as session:
        for name in ("article_urls", "article_signatures", "lsh_bands", "article_revisions"):
            session.execute(delete(tables[name]).where(tables[name].c.article_id > stored))
        session.execute(delete(tables["stories"]).where(tables["stories"].c.original_id > stored))
        session.execute(delete(Article).where(Article.id > stored))
        session.execute(delete(IgnoredUrl).where(~IgnoredUrl.url.contains("/trang-trong-so-")))
        session.execute(delete(tables["http_validators"]))
        first = session.scalar(select(func.min(CrawlRun.id)))
        session.execute(delete(CrawlRun).where(CrawlRun.id != first))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def stored_port(engine: Engine) -> int | None:
    with engine.connect() as connection:
        url = connection.execute(select(ArticleUrl.url).limit(1)).scalar()
    return urlsplit(url).port if url else None


def run_once(
    database_url: str, site: ReplicaSite, port: int, workdir: Path, key: str = SITE
) -> dict[str, float]:
    """One real `scrapy crawl <key>` (`site`, or BASELINE: a small site with nothing stored):
    its start-up and crawl seconds and peak RSS. The RSS is the process's own high-water mark
    (VmHWM, read every 20 ms): wait4's ru_maxrss also counts the RSS the parent had when it
    forked, and this process may have grown large building the archive."""
    served = site if key == SITE else ReplicaSite(articles=20, key=BASELINE)
    with ReplicaServer(served, port=port if key == SITE else 0) as server:
        sites_file = workdir / "sites.toml"
        sites_file.write_text(served.registry_toml(server.base_url), encoding="utf-8")
        launched = time.monotonic()
        process = start_crawl(key, sites_file=sites_file, database_url=database_url,
                              settings={"LOG_LEVEL": "INFO"})  # fmt: skip
        output: list[bytes] = []
        reader = threading.Thread(target=lambda: output.append(process.communicate()[0]))
        reader.start()
        peak = 0
        while reader.is_alive() and time.monotonic() - launched < 600:
            peak = max(peak, high_water_kb(process.pid))
            time.sleep(0.02)
        reader.join(timeout=5)
        ended = time.monotonic()
        first = min((r.at for r in server.requests), default=float("nan"))
        articles = sum(1 for r in server.requests if r.path.endswith(".html"))
    if process.returncode != 0:
        log = b"".join(output).decode("utf-8", "replace")
        raise SystemExit(f"the crawl failed ({process.returncode}):\n{log[-3000:]}")
    return {"startup_s": first - launched, "crawl_s": ended - launched, "rss_mb": peak / 1024,
            "article_requests": articles}  # fmt: skip


def high_water_kb(pid: int) -> int:
    """VmHWM of a running process, 0 once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) if found else 0


_LOAD = """
import re, sys, time
from crawler.archive_state import ArchiveState
started, cpu = time.perf_counter(), time.process_time()
state = ArchiveState.load(sys.argv[1], sys.argv[2])
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
status = open("/proc/self/status").read()
peak = int(re.search(r"^VmHWM:\\s+(\\d+) kB", status, re.MULTILINE).group(1))
print(seconds, cpu, len(state.known), peak / 1024)
"""


def load_once(database_url: str) -> dict[str, float]:
    """The spider's start-up path alone, in a fresh interpreter: `ArchiveState.load`."""
    output = subprocess.run([sys.executable, "-c", _LOAD, database_url, SITE], check=True,
                            capture_output=True, text=True, cwd=ROOT).stdout  # fmt: skip
    seconds, cpu, known, peak = output.split()
    return {"load_s": float(seconds), "load_cpu_s": float(cpu), "known": int(known),
            "load_rss_mb": float(peak)}  # fmt: skip


def median(runs: list[dict[str, float]], key: str) -> str:
    values = [run[key] for run in runs]
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=1_000_000, help="stored articles")
    parser.add_argument("--new", type=int, default=20, help="articles the crawl finds new")
    parser.add_argument("--repeat", type=int, default=3, help="runs (medians are printed)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--database", type=Path, help="a SQLite archive to keep or reuse")
    where.add_argument("--database-url", help="a PostgreSQL archive (SQLAlchemy URL)")
    parser.add_argument("--json", action="store_true", help="results as JSON")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="tinbao-startup-"))
    url = args.database_url or f"sqlite:///{args.database or workdir / 'archive.db'}"
    site = replica(args.articles, args.new)
    engine = open_archive(url)
    report: dict[str, object] = {"articles": args.articles, "new": args.new, "database": url}
    try:
        port = stored_port(engine)
        if port is None:
            port = free_port()
            report["build_s"] = round(
                build(engine, site, f"http://127.0.0.1:{port}", args.articles), 1
            )
        with engine.connect() as connection:
            report["stored"] = connection.execute(
                select(func.count()).select_from(Article)
            ).scalar()
        runs, loads, baselines = [], [], []
        for _ in range(args.repeat):  # interleaved, so that the machine's load weighs alike
            forget_new(engine, args.articles)
            loads.append(load_once(url))
            runs.append(run_once(url, site, port, workdir))
            baselines.append(run_once(url, site, port, workdir, BASELINE))
    finally:
        engine.dispose()
        shutil.rmtree(workdir, ignore_errors=True)  # the registry file, WARCs, a temporary archive
    report |= {"runs": runs, "loads": loads, "baselines": baselines}
    if args.json:
        print(json.dumps(report, indent=2))
        return
    for key in ("articles", "stored", "new", "database", "build_s"):
        if key in report:
            print(f"{key}: {report[key]}")
    print(f"known URLs: {loads[0]['known']}")
    print("medians of", args.repeat, "runs (min-max):")
    print(f"  scrapy crawl, launch to first request: {median(runs, 'startup_s')} s")
    print(f"  scrapy crawl, launch to exit:          {median(runs, 'crawl_s')} s "
          f"({runs[0]['article_requests']} article requests)")  # fmt: skip
    print(f"  scrapy crawl, peak RSS:                {median(runs, 'rss_mb')} MB")
    print(f"  a site with nothing stored:            {median(baselines, 'startup_s')} s to the "
          f"first request, peak RSS {median(baselines, 'rss_mb')} MB")  # fmt: skip
    print(f"  ArchiveState.load alone:               {median(loads, 'load_s')} s, peak RSS "
          f"{median(loads, 'load_rss_mb')} MB, {median(loads, 'load_cpu_s')} s of CPU")  # fmt: skip


if __name__ == "__main__":
    main()
