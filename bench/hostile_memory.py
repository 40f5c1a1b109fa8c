"""Memory of one crawl of a site that serves every hostile page at once (issue 11, item 7).

Why: each bound on hostile input (JSON-LD depth, feed links, sitemap depth, robots.txt size,
body length, DOWNLOAD_MAXSIZE) is tested alone; this shows what they cost together in the real
`scrapy crawl` process, next to ~50 normal articles that must still be stored. Target: peak RSS
under 400 MB.

    python -m bench.hostile_memory [--articles 50] [--feed-distinct 100] [--every 0.5]

The long feed's 100,000 items link only `--feed-distinct` different (missing) articles, so the
crawl stays short while the feed is still read whole; 0 makes every link different (5,000
requests after the feed cap).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bench.backfill_memory import rss_kb, stored
from bench.crawl_replica import read_archive
from tests.replica import ReplicaServer, ReplicaSite
from tests.replica.crawl import start_crawl
from tests.replica.hostile import (
    deep_json_ld_page,
    giant_article,
    huge_robots,
    long_feed,
    sitemap_chain,
)
from tests.replica.pages import Reply, reply

CHAIN = 400
DEEP = "/hostile/sau-a1.html"
GIANT = "/hostile/khong-lo-a2.html"


@dataclass
class HostileSite:
    """The replica newspaper, plus the hostile pages, all built once (serving is then cheap)."""

    site: ReplicaSite
    feed_distinct: int

    robots_mb: float = 10.0

    def __post_init__(self) -> None:
        self.robots = huge_robots(int(self.robots_mb * 1024 * 1024), tail="Disallow: /private/")
        self.deep = deep_json_ld_page(100_000).encode()
        self.giant = giant_article(50 * 1024 * 1024).encode()
        self.feeds: dict[str, bytes] = {}

    def respond(self, target: str, base_url: str) -> Reply:
        path = target.split("?")[0]
        if path == "/robots.txt":
            return Reply(200, self.robots, {"Content-Type": "text/plain; charset=utf-8"})
        if path == DEEP:
            return Reply(200, self.deep, {"Content-Type": "text/html; charset=utf-8"})
        if path == GIANT:
            return Reply(200, self.giant, {"Content-Type": "text/html; charset=utf-8"})
        if path == "/rss/dai/":
            if "long" not in self.feeds:
                self.feeds["long"] = long_feed(100_000, f"{base_url}/", distinct=self.feed_distinct)
            return Reply(200, self.feeds["long"], {"Content-Type": "application/rss+xml"})
        if path == "/rss/doc/":
            items = "".join(f"<item><title>x</title><link>{base_url}{p}</link></item>"
                            for p in (DEEP, GIANT))  # fmt: skip
            return reply(f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
                         f"{items}</channel></rss>", "application/rss+xml")  # fmt: skip
        if path.startswith("/sitemap-") and path.endswith(".xml"):
            number = path.removeprefix("/sitemap-").removesuffix(".xml")
            if number.isdigit() and int(number) < CHAIN:
                return Reply(200, sitemap_chain(int(number), f"{base_url}/"),
                             {"Content-Type": "application/xml"})  # fmt: skip
        return self.site.respond(target, base_url)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--feed-distinct", type=int, default=100)
    parser.add_argument("--robots-mb", type=float, default=10.0)
    parser.add_argument("--every", type=float, default=0.5, help="seconds between samples")
    args = parser.parse_args()
    site = ReplicaSite(articles=args.articles, per_page=20)
    built = time.monotonic()
    hostile = HostileSite(site, args.feed_distinct, args.robots_mb)
    print(f"hostile pages built in {time.monotonic() - built:.1f} s")
    workdir = Path(tempfile.mkdtemp(prefix="tinbao-hostile-"))
    database = workdir / "bench.db"
    try:
        with ReplicaServer(hostile) as server:
            base = server.base_url
            sites = workdir / "sites.toml"
            feeds = [f"{base}/rss/cate/{s}/" for s in site.sections]
            feeds += [f"{base}/rss/dai/", f"{base}/rss/doc/"]
            sitemaps = [f"{base}/sitemap.xml", f"{base}/sitemap-0.xml"]
            toml = site.registry_toml(base, feeds=feeds, sitemaps=sitemaps)
            sites.write_text(toml, "utf-8")
            started = time.monotonic()
            process = start_crawl(site.key, sites_file=sites,
                                  database_url=f"sqlite:///{database}",
                                  settings={"LOG_LEVEL": "INFO"})  # fmt: skip
            output: list[bytes] = []
            drain = threading.Thread(target=lambda: output.append(process.communicate()[0]))
            drain.start()
            peak = 0
            while process.poll() is None:
                time.sleep(args.every)
                try:
                    current, high = rss_kb(process.pid)
                except FileNotFoundError:
                    break
                if not current:
                    break
                peak = max(peak, high)
            drain.join()
            seconds = time.monotonic() - started
            requests = server.paths()
        log = b"".join(output).decode("utf-8", "replace")
        (workdir / "crawl.log").write_text(log, "utf-8")
        articles, runs = read_archive(database) if database.exists() else (0, [])
        run = runs[-1] if runs else {}
        raw = run.get("stats")
        stats: dict[str, object] = json.loads(raw) if isinstance(raw, str) else {}
        print(f"exit status:   {process.returncode}")
        print(f"wall time:     {seconds:.1f} s")
        print(f"peak RSS:      {peak / 1024:.1f} MB (VmHWM; target < 400 MB)")
        print(f"requests:      {len(requests)} (giant page {requests.count(GIANT)}, "
              f"deep page {requests.count(DEEP)}, chain "
              f"{sum(p.startswith('/sitemap-') for p in requests)})")  # fmt: skip
        private = sum(p.startswith("/private/") for p in requests)
        print(
            f"robots.txt:    {len(hostile.robots)} bytes; /private/ (disallowed) fetched {private}x"
        )
        print(f"articles:      {articles} stored of {site.articles} normal (+2 hostile)")
        print(f"crawl_runs:    status={run.get('status')} errors={run.get('errors')}")
        for key in sorted(k for k in stats if k.startswith("tinbao/errors/")):
            print(f"  {key}: {stats[key]}")
        for line in log.splitlines():
            if "maxsize" in line.lower() or "Cancelling" in line:
                print(f"  log: {line[:200]}")
        print(f"log kept:      {workdir / 'crawl.log'}")
        ok = process.returncode == 0 and stored(database) >= site.articles
        return 0 if ok else 1
    finally:
        database.unlink(missing_ok=True)


if __name__ == "__main__":
    raise SystemExit(main())
