"""What adding one article costs as the archive grows, with its near-duplicate check.

Why: every crawled article is checked against the whole archive for copies (storage/stories.py).
That check must cost the same with 10 thousand articles stored as with a million, or crawling
slows down as the archive fills. The target: the per-insert time at 1M within 1.5x of 10k.

How: one archive per size, made by the real migrations and grown by a bulk filler that writes
what stored articles leave behind: the article row (the search triggers fire), its URL in
`article_urls`, its story, its MinHash signature and its 32 LSH band rows. Distinct texts have
unrelated band keys, so random keys and signatures are what a real index holds. Then
`--measure` new articles with full synthetic text (bench/synthetic_articles.py), the same for
every size, go through the real `storage.save_article`, one transaction each as the crawler's
pipeline does; a quarter of them are edited copies of earlier ones, so that candidates are
found and compared. Their times are reported: mean, p50, p95, and the mean relative to the
smallest size.

    python -m bench.story_cost [--sizes 10000,100000,1000000] [--measure 400]
                               [--folder DIR | --database-url URL [--keep-schemas]] [--json]

One archive per size, all grown first; then the saves are interleaved, one article to each
archive in turn, so that the machine's other load weighs on every size alike. The archives are
SQLite files in a temporary folder, or in `--folder` (kept, and reused by the next run); with a
PostgreSQL `--database-url`, one new schema per size, dropped at the end (kept as
`tinbao_bench_<size>` and reused with `--keep-schemas`). On PostgreSQL the filler ends with
ANALYZE, as autovacuum would after such growth.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, insert, select, text

from bench.synthetic_articles import Writer, papers
from storage import make_engine, make_sessionmaker, open_archive, save_article
from storage.models import Article, ArticleSignature, ArticleUrl, LshBand, Story
from storage.similarity import BANDS, PERMUTATIONS
from tests.search_records import Record

NOW = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)


def grow(engine: Engine, target: int, *, batch: int = 5_000, seed: int = 3) -> float:
    """Add filler articles until the archive holds `target`; the seconds it took."""
    started = time.perf_counter()
    pick = random.Random(seed + target)
    with engine.connect() as connection:
        have = connection.scalar(select(func.count()).select_from(Article)) or 0
        next_story = (connection.scalar(select(func.max(Story.id))) or 0) + 1
    while have < target:
        count = min(batch, target - have)
        articles: list[dict[str, Any]] = []
        stories: list[dict[str, Any]] = []
        signatures: list[dict[str, Any]] = []
        bands: list[dict[str, int]] = []
        for offset in range(count):
            number = have + offset
            published = NOW - timedelta(minutes=number)
            words = " ".join(f"t{pick.getrandbits(24):x}" for _ in range(12))
            articles.append(
                {
                    "site": "filler",
                    "url": f"https://filler.example/a{number}.html",
                    "title": words,
                    "body": words,
                    "content_hash": hashlib.sha256(f"filler {number}".encode()).hexdigest(),
                    "published_at": published,
                    "first_seen_at": published,
                    "last_seen_at": published,
                    "story_id": next_story + offset,
                }
            )
        with engine.begin() as connection:
            ids = connection.execute(
                insert(Article).returning(Article.id, sort_by_parameter_order=True), articles
            ).scalars().all()  # fmt: skip
            for offset, article_id in enumerate(ids):
                first = articles[offset]["published_at"]
                story = {"id": next_story + offset, "original_id": article_id}
                stories.append({**story, "first_published_at": first})
                signatures.append(
                    {"article_id": article_id, "signature": pick.randbytes(4 * PERMUTATIONS)}
                )
                bands.extend(
                    {"key": pick.getrandbits(63) - 2**62, "article_id": article_id}
                    for _ in range(BANDS)
                )
            bands.sort(key=lambda row: row["key"])
            connection.execute(insert(Story), stories)
            connection.execute(insert(ArticleSignature), signatures)
            connection.execute(insert(LshBand), bands)
            urls = [
                {"url": row["url"], "article_id": article_id, "site": row["site"],
                 "first_seen_at": row["first_seen_at"], "published_at": row["published_at"]}
                for row, article_id in zip(articles, ids, strict=True)
            ]  # fmt: skip
            connection.execute(insert(ArticleUrl), urls)
        have += count
        next_story += count
        if have % 100_000 < batch or have == target:
            print(f"  {have:,} articles ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    if engine.dialect.name == "postgresql":  # the filler chose story ids: move the sequence on
        with engine.begin() as connection:
            connection.execute(
                text("SELECT setval(pg_get_serial_sequence('stories', 'id'), max(id)) FROM stories")
            )
        # the planner's statistics after a bulk load, as autovacuum gathers them as tables
        # grow (without them PostgreSQL scans lsh_bands instead of using its key)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))
    return time.perf_counter() - started


class Measurer:
    """Saves new articles into one archive and times each: the same texts for every archive
    (one seed), a quarter of them edited copies of earlier ones."""

    def __init__(self, engine: Engine, *, seed: int) -> None:
        self.seed = seed
        self.sessions = make_sessionmaker(engine)
        self.writer = Writer(seed)
        self.sites = papers()
        self.saved: list[Record] = []
        self.times: list[float] = []

    def save_one(self) -> None:
        number = len(self.times)
        paper = self.writer.random.choice(self.sites)
        url = f"https://{paper.key}.example/m{self.seed}-{number}.html"
        if self.saved and number % 4 == 3:
            earlier = self.writer.random.choice(self.saved)
            title, body = "Theo TTXVN: " + earlier.title, earlier.body + f"\nTheo TTXVN ({number})"
            record = replace(earlier, url=url, title=title, body=body)
        else:
            title, lead, body = self.writer.article(paper)
            record = Record(url, title, body, lead=lead, published_at=NOW)
            self.saved.append(record)
        with self.sessions() as session:
            started = time.perf_counter()
            save_article(session, paper.key, record, now=NOW)
            session.commit()
            self.times.append(time.perf_counter() - started)


def joined(engine: Engine, seed: int) -> int:
    """How many of the measured copies joined their original's story (all of them should)."""
    query = text(
        "SELECT count(*) FROM articles AS c WHERE c.url LIKE :measured"
        " AND c.title LIKE 'Theo TTXVN:%' AND EXISTS (SELECT 1 FROM articles AS o"
        " WHERE o.story_id = c.story_id AND o.id <> c.id AND o.title NOT LIKE 'Theo TTXVN:%')"
    )
    with engine.connect() as connection:
        return int(connection.scalar(query, {"measured": f"%/m{seed}-%"}) or 0)


def run(urls: dict[int, str], count: int) -> list[dict[str, float]]:
    """Grow one archive per size, then time `count` saves in each, interleaved (one article
    to each archive in turn), so that whatever else the machine does weighs on all alike."""
    engines = {size: open_archive(url) for size, url in urls.items()}
    grown = {}
    try:
        for size, engine in engines.items():
            print(f"growing an archive to {size:,} articles", file=sys.stderr)
            grown[size] = grow(engine, size)
        # new texts and URLs on every run, as archives kept in --folder hold the last run's
        seed = time.time_ns() % 1_000_000_007
        measurers = {size: Measurer(engine, seed=seed) for size, engine in engines.items()}
        for _ in range(count):
            for measurer in measurers.values():
                measurer.save_one()
        results = []
        for size, measurer in measurers.items():
            times = sorted(measurer.times)
            mean = statistics.fmean(times) * 1000
            results.append(
                {
                    "size": size,
                    "grow_seconds": round(grown[size], 1),
                    "mean_ms": round(mean, 2),
                    "p50_ms": round(times[len(times) // 2] * 1000, 2),
                    "p95_ms": round(times[int(len(times) * 0.95)] * 1000, 2),
                    "vs_first": round(
                        mean / (statistics.fmean(measurers[min(urls)].times) * 1000), 2
                    ),
                    "copies": count // 4,
                    "copies_joined": joined(engines[size], seed),
                }
            )
    finally:
        for engine in engines.values():
            engine.dispose()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--measure", type=int, default=400, help="articles timed per size")
    parser.add_argument("--database-url", help="PostgreSQL: one schema per size, dropped after")
    parser.add_argument("--folder", type=Path, help="SQLite: keep the archives here (reused)")
    parser.add_argument(
        "--keep-schemas",
        action="store_true",
        help="PostgreSQL: keep the archives in schemas tinbao_bench_<size> (reused)",
    )
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args(argv)
    sizes = sorted(int(size) for size in options.sizes.split(","))
    with tempfile.TemporaryDirectory() as temporary:
        if options.database_url:
            return _on_postgresql(
                options.database_url, sizes, options.measure, options.json, options.keep_schemas
            )
        folder = options.folder or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        urls = {size: f"sqlite:///{folder / f'stories-{size}.db'}" for size in sizes}
        _report(run(urls, options.measure), options.json)
    return 0


def _on_postgresql(url: str, sizes: list[int], count: int, as_json: bool, keep: bool) -> int:
    """One schema per size: new ones dropped at the end, or `tinbao_bench_<size>` kept (and
    reused by the next run) with `keep`."""
    admin = make_engine(url)
    if keep:
        schemas = {size: f"tinbao_bench_{size}" for size in sizes}
    else:
        schemas = {size: f"tinbao_bench_{uuid.uuid4().hex[:8]}" for size in sizes}
    try:
        with admin.begin() as connection:
            for schema in schemas.values():
                connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        sep = "&" if "?" in url else "?"
        urls = {
            size: f"{url}{sep}options=-csearch_path%3D{schema}" for size, schema in schemas.items()
        }
        _report(run(urls, count), as_json)
    finally:
        if not keep:
            with admin.begin() as connection:
                for schema in schemas.values():
                    connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
    return 0


def _report(results: list[dict[str, float]], as_json: bool) -> None:
    if as_json:
        print(json.dumps(results))
        return
    print(f"{'articles':>10} {'mean ms':>8} {'p50 ms':>7} {'p95 ms':>7} {'vs first':>8} joined")
    for row in results:
        print(
            f"{row['size']:>10,} {row['mean_ms']:>8} {row['p50_ms']:>7} {row['p95_ms']:>7} "
            f"{row['vs_first']:>8} {row['copies_joined']}/{row['copies']}"
        )


if __name__ == "__main__":
    sys.exit(main())
