"""Latency of the web reader (`tinbao serve`) per page kind on a large archive, SQLite or
PostgreSQL: p50/p95/p99 in ms. Target: p95 <= 100 ms for every kind at 1,000,000 articles.

Each request goes through the whole application (routing, the read-only engine, storage's
queries, Jinja2 rendering, security headers) by Starlette's TestClient in this process: what
a server adds on top is the same for every page. The archive is made by the real migrations
and filled by bench/reader_archive.py (bulk inserts) when it is new or empty.

    python -m bench.serve_latency [--articles 1000000] [--repeat 3] [--database PATH] [--json]
    python -m bench.serve_latency --database-url URL ...

`--database-url` is a PostgreSQL archive (a schema of its own with
`?options=-csearch_path%3Dname`), filled when it has no articles.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import text
from starlette.testclient import TestClient

from bench.reader_archive import fill_postgresql, fill_sqlite
from bench.search_latency import cases, summarize
from bench.synthetic_articles import SPAN_DAYS, START
from reader import create_app
from reader.directory import slug
from reader.formatting import VIETNAM
from scheduler.commands.serve import directory
from storage import open_archive
from storage.existing import open_read_only

NOW = START + timedelta(days=SPAN_DAYS)


def requests(count: int, seed: int = 17) -> list[tuple[str, str]]:
    """(kind, path) of every request of one round, a realistic mix of each page kind."""
    pick = random.Random(seed)
    units = directory()
    slugs = [p.slug for p in units.provinces]
    keys = sorted(units.papers)
    found: list[tuple[str, str]] = []
    for _ in range(20):
        found.append(("home", "/"))
        found.append(("home, later page", f"/?sau={pick.randint(count // 2, count)}"))
        found.append(("province", f"/tinh/{pick.choice(slugs)}"))
        found.append(("paper", f"/bao/{pick.choice(keys)}"))
        found.append(("story", f"/tin/{pick.randrange(9, count, 10)}"))
        found.append(("article", f"/bai/{pick.randint(1, count)}"))
        found.append(("feed", pick.choice(["/atom.xml", f"/tinh/{pick.choice(slugs)}/atom.xml",
                                           f"/bao/{pick.choice(keys)}/atom.xml"])))  # fmt: skip
    for _ in range(5):
        found.append(("health", "/suc-khoe"))
    for case in cases():
        query: dict[str, str] = {"q": case.query}
        if case.sites and len(case.sites) == 1:
            query["bao"] = case.sites[0]
        elif case.sites:
            query["tinh"] = slug(case.label)  # a former province's name: its unit's papers
        if case.since:
            query["tu"] = case.since.astimezone(VIETNAM).date().isoformat()
        if case.until:
            query["den"] = (case.until.astimezone(VIETNAM).date() - timedelta(days=1)).isoformat()
        found.append(("search", "/tim?" + urlencode({k: v for k, v in query.items() if v})))
    found.append(("search feed", "/tim/atom.xml?q=da+nang"))
    return found


def prepare(args: argparse.Namespace) -> tuple[str, dict[str, object]]:
    """The archive's URL, built first when new or empty, and what the report says of it."""
    report: dict[str, object] = {"articles": args.articles}
    if args.database_url:
        url = args.database_url
    else:
        database = args.database or Path(tempfile.mkdtemp(prefix="tinbao-serve-")) / "bench.db"
        url = f"sqlite:///{database}"
    engine = open_archive(url)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT count(*) FROM articles")).scalar_one()
    engine.dispose()
    if not stored:
        started = time.perf_counter()
        if args.database_url:
            fill_postgresql(url, args.articles)
        else:
            fill_sqlite(url.removeprefix("sqlite:///"), args.articles)
        report["build_s"] = round(time.perf_counter() - started, 1)
    engine = open_archive(url)
    with engine.connect() as connection:
        report["stored"] = connection.execute(text("SELECT max(id) FROM articles")).scalar_one()
    engine.dispose()
    report["database"] = engine.url.render_as_string(hide_password=True)
    return url, report


def measure(url: str, count: int, repeat: int) -> dict[str, list[float]]:
    engine = open_read_only(url)
    timings: dict[str, list[float]] = defaultdict(list)
    try:
        app = create_app(engine, directory(), clock=lambda: NOW)
        with TestClient(app) as client:
            for round_ in range(repeat + 1):  # the first round warms the caches
                for kind, path in requests(count, seed=17 + round_):
                    started = time.perf_counter()
                    response = client.get(path)
                    elapsed = (time.perf_counter() - started) * 1000
                    if response.status_code != 200:
                        raise SystemExit(f"{path}: {response.status_code} {response.text[:300]}")
                    if round_:
                        timings[kind].append(elapsed)
    finally:
        engine.dispose()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="timed rounds (after a warm-up)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--database", type=Path, help="reuse (or keep) this SQLite archive")
    where.add_argument("--database-url", help="a PostgreSQL archive to fill (when empty) and time")
    parser.add_argument("--json", action="store_true", help="results as JSON")
    args = parser.parse_args()
    url, report = prepare(args)
    count = int(report["stored"] or 1)  # type: ignore[call-overload]
    timings = measure(url, count, args.repeat)
    everything = [t for values in timings.values() for t in values]
    kinds = [*timings.items(), ("all", everything)]
    report["latency_ms"] = {kind: summarize(values) for kind, values in kinds}
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    for key in ("articles", "stored", "database", "build_s"):
        if key in report:
            print(f"{key}: {report[key]}")
    print(f"\n{'page kind':<18} {'n':>4} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7}  (ms)")
    for kind, row in report["latency_ms"].items():  # type: ignore[attr-defined]
        cells = " ".join(f"{row[k]:>7}" for k in ("p50", "p95", "p99", "max"))
        print(f"{kind:<18} {row['n']:>4} {cells}")


if __name__ == "__main__":
    main()
