"""A large archive for the web reader's latency benchmark, built fast by bulk inserts.

What the reader's pages read is in it, shaped as crawls leave it: articles (synthetic
Vietnamese text, bench/synthetic_articles.py's words and provinces, ids growing with
publication time), a story per article with one article in ten a copy on another paper (its
story the previous article's), every article's URL in `article_urls` plus an identical copy
met on another paper for one in twenty, an earlier revision for one in a hundred, and a
history of crawl runs per site with their stats.

Speed: the text is drawn from a pool of sentences written once (so a million articles cost
the time of inserting them, not of writing them), rows go in by `executemany` (SQLite) or COPY
(PostgreSQL) in large transactions, and on PostgreSQL the indexes on `articles` are dropped
before and created again after (one sort instead of a million GIN updates); SQLite's
full-text triggers index the rows as they come, as in a crawl.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import random
import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from bench.synthetic_articles import SPAN_DAYS, START, Writer, _connect, papers

POOL = 20_000  # sentences written once, combined into articles
BATCH = 20_000
RUNS_PER_SITE = 200


def articles(count: int, seed: int = 5) -> Iterator[tuple[Any, ...]]:
    """(id, site, url, title, lead, body, published, hash, story) in id order, times as
    UTC text; one article in ten is in the story of the one before it."""
    writer = Writer(seed)
    pick = random.Random(seed)
    sites = papers()
    pool_titles = [writer.sentence(pick.randint(8, 14), p.province, 0.3)[:-1]
                   for p in pick.choices(sites, k=POOL // 4)]  # fmt: skip
    pool = [writer.sentence(pick.randint(25, 45), p.province, 0.4)
            for p in pick.choices(sites, k=POOL)]  # fmt: skip
    for number in range(1, count + 1):
        paper = pick.choice(sites)
        day = number / count * SPAN_DAYS + pick.uniform(-0.5, 0.5)
        published = START + timedelta(days=max(day, 0))
        title = pick.choice(pool_titles)
        body = "\n".join(pick.choices(pool, k=pick.randint(3, 6)))
        digest = hashlib.sha256(f"{number}".encode()).hexdigest()
        yield (number, paper.key, f"https://{paper.key}.example/a{number}.html", title,
               pick.choice(pool), body, published.strftime("%Y-%m-%d %H:%M:%S.%f"),
               digest, number - 1 if number % 10 == 0 else number)  # fmt: skip


def fill_sqlite(path: str, count: int) -> None:
    """Articles and everything else into the (migrated, empty) SQLite archive at `path`."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA synchronous=OFF")
        insert = ("INSERT INTO articles (id, site, url, title, lead, body, published_at, "
                  "content_hash, story_id, first_seen_at, last_seen_at, language) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'vi')")  # fmt: skip
        rows = articles(count)
        while chunk := list(itertools.islice(rows, BATCH)):
            with connection:
                connection.executemany(insert, [(*r, r[6], r[6]) for r in chunk])
        with connection:
            for statement in _derived_sql():
                connection.execute(statement)
            connection.executemany(
                "INSERT INTO crawl_runs (site, started_at, finished_at, status, pages_fetched, "
                "articles_new, articles_updated, duplicates, errors, stats) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                list(_runs()),
            )
        connection.execute("ANALYZE")
    finally:
        connection.close()


def _derived_sql() -> list[str]:
    """Stories, URLs and revisions made from the articles, in SQL both backends run."""
    return [
        "INSERT INTO stories (id, original_id, first_published_at) "
        "SELECT id, id, published_at FROM articles WHERE id % 10 <> 0",
        "INSERT INTO article_urls (url, article_id, site, first_seen_at, published_at) "
        "SELECT url, id, site, first_seen_at, published_at FROM articles",
        "INSERT INTO article_urls (url, article_id, site, first_seen_at, published_at) "
        "SELECT 'https://copy.example/' || id, id, "
        "CASE WHEN site = 'baocantho' THEN 'baodanang' ELSE 'baocantho' END, first_seen_at, "
        "published_at FROM articles WHERE id % 20 = 5",
        "INSERT INTO article_revisions (article_id, title, lead, body, content_hash, "
        "first_seen_at, replaced_at) SELECT id, title, lead, body, content_hash, first_seen_at, "
        "last_seen_at FROM articles WHERE id % 100 = 7",
    ]


def _runs() -> Iterator[tuple[Any, ...]]:
    pick = random.Random(3)
    end = START + timedelta(days=SPAN_DAYS)
    for paper in papers():
        for number in range(RUNS_PER_SITE):
            started = end - timedelta(hours=6 * (RUNS_PER_SITE - number))
            stats = {"tinbao/items/dropped/no_body": pick.randint(0, 3), "tinbao/articles/new": 9}
            yield (paper.key, started.strftime("%Y-%m-%d %H:%M:%S.%f"),
                   (started + timedelta(minutes=4)).strftime("%Y-%m-%d %H:%M:%S.%f"),
                   pick.choice(["finished"] * 9 + ["failed: unreachable"]), 40,
                   pick.randint(0, 20), 0, pick.randint(0, 3), pick.randint(0, 5),
                   json.dumps(stats))  # fmt: skip


def fill_postgresql(url: str, count: int) -> None:
    """The same archive into the (migrated, empty) PostgreSQL archive at `url`; the indexes
    of `articles` are dropped before the COPY and made again after it, then ANALYZE."""
    with _connect(url) as connection:
        indexes = connection.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'articles' "
            "AND schemaname = current_schema() AND indexname NOT LIKE '%pkey' "
            "AND indexdef NOT LIKE 'CREATE UNIQUE%'"
        ).fetchall()
        for name, _ in indexes:
            connection.execute(f'DROP INDEX "{name}"')
        connection.commit()
        rows = articles(count)
        while chunk := list(itertools.islice(rows, BATCH)):
            with (
                connection.cursor() as cursor,
                cursor.copy(
                    "COPY articles (id, site, url, title, lead, body, published_at, "
                    "content_hash, story_id, first_seen_at, last_seen_at, language) FROM STDIN"
                ) as copy,
            ):
                for row in chunk:
                    stamp = f"{row[6]}+00"
                    copy.write_row((*row[:6], stamp, row[7], row[8], stamp, stamp, "vi"))
            connection.commit()
        for _, definition in indexes:
            connection.execute(definition)
        for statement in _derived_sql():
            connection.execute(statement)
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO crawl_runs (site, started_at, finished_at, status, pages_fetched, "
                "articles_new, articles_updated, duplicates, errors, stats) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [(r[0], f"{r[1]}+00", f"{r[2]}+00", *r[3:]) for r in _runs()],
            )
        for table in ("articles", "stories", "article_urls", "article_revisions"):
            connection.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        connection.commit()
        connection.autocommit = True
        connection.execute("ANALYZE")
