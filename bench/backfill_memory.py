"""Memory of a long backfill: peak RSS of `scrapy crawl <site> -a backfill=1` over a replica
of ~20,000 pages, sampled as it goes to show whether it stays flat as pages grow.

Why: a backfill of a frozen paper (baobinhduong.vn) runs for hours over every page of every
section; the frontier lives in the archive, and the in-memory queue must stay short. Target:
peak RSS under 300 MB, flat as pages grow.

    python -m bench.backfill_memory [--articles 19000] [--per-page 20] [--every 2]
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import tempfile
import threading
import time
from pathlib import Path

from tests.replica import ReplicaServer, ReplicaSite
from tests.replica.crawl import start_crawl


def rss_kb(pid: int) -> tuple[int, int]:
    """(current RSS, peak RSS) of a process in KB, from /proc."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return values.get("VmRSS", 0), values.get("VmHWM", 0)


def stored(database: Path) -> int:
    try:
        with sqlite3.connect(database, timeout=5) as connection:
            return int(connection.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=19_000)
    parser.add_argument("--per-page", type=int, default=20)
    parser.add_argument("--every", type=float, default=2.0, help="seconds between samples")
    args = parser.parse_args()
    site = ReplicaSite(articles=args.articles, per_page=args.per_page, home_articles=0)
    listing_pages = sum(-(-len(site.in_section(s)) // site.per_page) for s in site.sections)
    workdir = Path(tempfile.mkdtemp(prefix="tinbao-backfill-"))
    database = workdir / "bench.db"
    try:
        with ReplicaServer(site) as server:
            sites = workdir / "sites.toml"
            sites.write_text(site.registry_toml(server.base_url, feeds=[], sitemaps=[]), "utf-8")
            started = time.monotonic()
            process = start_crawl(
                site.key,
                sites_file=sites,
                database_url=f"sqlite:///{database}",
                arguments={"backfill": "1"},
                settings={"LOG_LEVEL": "WARNING"},
            )
            drain = threading.Thread(target=process.communicate, daemon=True)
            drain.start()  # keep the crawl's pipe empty
            print(f"replica: {args.articles} articles + {listing_pages} listing pages")
            print(f"{'seconds':>8} {'requests':>9} {'articles':>9} {'RSS MB':>8} {'peak MB':>8}")
            peak = 0
            while process.poll() is None:
                time.sleep(args.every)
                try:
                    current, high = rss_kb(process.pid)
                except FileNotFoundError:
                    break
                if not current:  # exited, not yet reaped
                    break
                peak = max(peak, high)
                line = (
                    f"{time.monotonic() - started:8.0f} {len(server.requests):9d} "
                    f"{stored(database):9d} {current / 1024:8.1f} {peak / 1024:8.1f}"
                )
                print(line, flush=True)
            drain.join()
            seconds = time.monotonic() - started
            requests = len(server.requests)
        print(f"exit {process.returncode} after {seconds:.0f} s: {requests} requests, "
              f"{stored(database)} articles stored, {requests / seconds:.1f} pages/s, "
              f"peak RSS {peak / 1024:.1f} MB (sampled VmHWM)")  # fmt: skip
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
