"""Search latency of `tinbao search` on a large archive, SQLite or PostgreSQL: p50/p95/p99 per
kind of query.

Why: people search the archive interactively (the CLI, scripts, Datasette), so a query must stay
fast as the archive grows; goal p95 <= 50 ms on 1,000,000 articles, on both backends. The
archive is made by the real migrations and filled with synthetic articles
(bench/synthetic_articles.py), indexed as crawls index them (SQLite: the FTS triggers;
PostgreSQL: the stored search column and its GIN index, then ANALYZE); the queries go through
`storage.search_articles`, the function behind `tinbao search`.

    python -m bench.search_latency [--articles 1000000] [--repeat 3] [--database PATH] [--json]
    python -m bench.search_latency --database-url URL [--jobs 2] ...

`--database-url` is a PostgreSQL archive (SQLAlchemy URL; a schema of its own with
`?options=-csearch_path%3Dname`), filled when it has no articles, by `--jobs` connections.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from bench.synthetic_articles import COMMON, SPAN_DAYS, START, Writer, fill, fill_postgresql, papers
from storage import fold, make_sessionmaker, open_archive, search_articles


@dataclass(frozen=True)
class Case:
    kind: str
    query: str
    sites: tuple[str, ...] | None = None
    since: datetime | None = None
    until: datetime | None = None
    label: str = field(default="", compare=False)


def cases(seed: int = 11) -> list[Case]:
    """Realistic queries: place names with and without diacritics, common words, two words,
    rare words, and the same with site, province and date filters."""
    pick = random.Random(seed)
    all_papers = papers()
    provinces = sorted({p.province for p in all_papers})
    places = pick.sample(provinces, 12)
    common = COMMON[COMMON.index("tỉnh") :]  # what people search for, not function words
    tail = Writer().vocabulary[8_000:30_000]
    now = START + timedelta(days=SPAN_DAYS)
    found: list[Case] = []
    found += [Case("place, diacritics", p) for p in places]
    found += [Case("place, folded", fold(p)) for p in places]
    found += [Case("common word", w) for w in pick.sample(common, 12)]
    pairs = zip(pick.sample(common, 12), pick.sample(common, 12), strict=True)
    found += [Case("two words", f"{a} {b}") for a, b in pairs]
    found += [Case("rare word", w) for w in pick.sample(tail, 12)]
    for paper in pick.sample(all_papers, 12):
        found.append(Case("site filter", pick.choice([paper.province, *common]), (paper.key,)))
    for place in pick.sample(provinces, 8):
        keys = tuple(p.key for p in all_papers if p.province == place)
        found.append(Case("province filter", pick.choice(common), keys, label=place))
    for word in pick.sample(common, 6):
        found.append(Case("date filter", word, since=now - timedelta(days=30)))
        found.append(Case("date filter", word, until=START + timedelta(days=365)))
    return found


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def build(database: Path, articles: int) -> dict[str, float]:
    """Create the archive by migrations, then fill it; the seconds each step took."""
    started = time.perf_counter()
    open_archive(f"sqlite:///{database}").dispose()
    fill(database, articles)
    filled = time.perf_counter()
    return {"build_s": round(filled - started, 1)}


def measure(url: str, repeat: int, limit: int) -> dict[str, list[float]]:
    engine = open_archive(url)
    now = START + timedelta(days=SPAN_DAYS)
    timings: dict[str, list[float]] = defaultdict(list)
    try:
        with make_sessionmaker(engine)() as session:
            for round_ in range(repeat + 1):  # the first round warms the caches
                for case in cases():
                    started = time.perf_counter()
                    search_articles(session, case.query, now=now, sites=case.sites,
                                    since=case.since, until=case.until, limit=limit)  # fmt: skip
                    elapsed = (time.perf_counter() - started) * 1000
                    if round_:
                        timings[case.kind].append(elapsed)
    finally:
        engine.dispose()
    return timings


def prepare(args: argparse.Namespace) -> tuple[str, dict[str, object]]:
    """The archive's URL (built first when new or empty) and what the report says of it."""
    report: dict[str, object] = {"articles": args.articles}
    if args.database_url:
        url = args.database_url
        engine = open_archive(url)
        with engine.connect() as connection:
            stored = connection.execute(text("SELECT count(*) FROM articles")).scalar_one()
        engine.dispose()
        if not stored:
            started = time.perf_counter()
            fill_postgresql(url, args.articles, jobs=args.jobs)
            report["build_s"] = round(time.perf_counter() - started, 1)
        size = "SELECT pg_total_relation_size('articles') / 1048576"
    else:
        database = args.database or Path(tempfile.mkdtemp(prefix="tinbao-search-")) / "bench.db"
        url = f"sqlite:///{database}"
        if not database.exists():
            report |= build(database, args.articles)
        size = "SELECT page_count * page_size / 1048576 FROM pragma_page_count, pragma_page_size"
    engine = open_archive(url)
    with engine.connect() as connection:
        report["stored"] = connection.execute(text("SELECT count(*) FROM articles")).scalar_one()
        report["size_mb"] = connection.execute(text(size)).scalar_one()
    engine.dispose()
    report["database"] = engine.url.render_as_string(hide_password=True)
    return url, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="timed rounds (after a warm-up)")
    parser.add_argument("--limit", type=int, default=20, help="results per query")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--database", type=Path, help="reuse (or keep) this SQLite archive")
    where.add_argument("--database-url", help="a PostgreSQL archive to fill (when empty) and time")
    parser.add_argument("--jobs", type=int, default=2, help="PostgreSQL: connections filling it")
    parser.add_argument("--json", action="store_true", help="results as JSON")
    args = parser.parse_args()
    url, report = prepare(args)
    timings = measure(url, args.repeat, args.limit)
    everything = [t for values in timings.values() for t in values]
    summary = {kind: summarize(values) for kind, values in [*timings.items(), ("all", everything)]}
    report["latency_ms"] = summary
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    for key in ("articles", "stored", "database", "size_mb", "build_s"):
        if key in report:
            print(f"{key}: {report[key]}")
    print(f"\n{'kind':<20} {'n':>4} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7}  (ms)")
    for kind, row in summary.items():
        cells = " ".join(f"{row[k]:>7}" for k in ("p50", "p95", "p99", "max"))
        print(f"{kind:<20} {row['n']:>4} {cells}")


def summarize(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": round(statistics.median(values), 1),
        "p95": round(percentile(values, 0.95), 1),
        "p99": round(percentile(values, 0.99), 1),
        "max": round(max(values), 1),
    }


if __name__ == "__main__":
    main()
