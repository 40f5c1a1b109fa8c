"""Precision and recall of story grouping on the labelled set (tests/labelled_stories.py).

Every labelled article is saved through the real `storage.save_article` into a fresh SQLite
archive, in a shuffled order (a crawl meets copies before originals as often as after), then
the stories the archive gave them are compared with the labels, over pairs of articles:
a pair is *predicted* together when both got the same `story_id`, and *truly* together when
they carry the same label. Precision = right joins / joins made; recall = right joins / joins
there should be. Run: `python -m bench.story_grouping [--no-english] [--json]`.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

from sqlalchemy import select

from bench.gold import corpus_dir
from storage import make_sessionmaker, open_archive, save_article
from storage.models import Article
from tests.labelled_stories import LabelledArticle, labelled_set
from tests.search_records import Record


@dataclass(frozen=True)
class Score:
    articles: int
    stories: int
    true_pairs: int
    predicted_pairs: int
    right_pairs: int
    seconds: float

    @property
    def precision(self) -> float:
        return self.right_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.right_pairs / self.true_pairs if self.true_pairs else 1.0


def group(articles: list[LabelledArticle], database: Path, *, seed: int = 11) -> dict[str, int]:
    """Save `articles` (shuffled) into a new archive; the story id each URL got."""
    order = articles[:]
    random.Random(seed).shuffle(order)
    engine = open_archive(f"sqlite:///{database}")
    try:
        with make_sessionmaker(engine)() as session:
            for article in order:
                record = Record(
                    article.url, article.title, article.body, published_at=article.published_at
                )
                save_article(
                    session, article.site, record, now=article.published_at.astimezone(UTC)
                )
                session.commit()
            rows = session.execute(select(Article.url, Article.story_id)).all()
    finally:
        engine.dispose()
    return {url: story_id for url, story_id in rows if story_id is not None}


def score(articles: list[LabelledArticle], stories: dict[str, int], seconds: float) -> Score:
    true_pairs = predicted = right = 0
    for one, other in itertools.combinations(articles, 2):
        truly = one.story == other.story
        said = stories.get(one.url) is not None and stories.get(one.url) == stories.get(other.url)
        true_pairs += truly
        predicted += said
        right += truly and said
    return Score(len(articles), len(set(stories.values())), true_pairs, predicted, right, seconds)


def evaluate(corpus: Path, *, english: bool = True) -> Score:
    articles = labelled_set(corpus, english=english)
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        stories = group(articles, Path(folder) / "stories.db")
        seconds = time.perf_counter() - started
    return score(articles, stories, seconds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-english", action="store_true", help="only the Vietnamese pages")
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args(argv)
    corpus = corpus_dir()
    if not (corpus / "vn").is_dir():
        print(f"no corpus at {corpus} (set TINBAO_CORPUS)", file=sys.stderr)
        return 2
    result = evaluate(corpus, english=not options.no_english)
    figures = {
        "articles": result.articles,
        "labelled_stories": len(
            {a.story for a in labelled_set(corpus, english=not options.no_english)}
        ),
        "stories_found": result.stories,
        "true_pairs": result.true_pairs,
        "predicted_pairs": result.predicted_pairs,
        "right_pairs": result.right_pairs,
        "precision": round(result.precision, 4),
        "recall": round(result.recall, 4),
        "seconds": round(result.seconds, 2),
    }
    if options.json:
        print(json.dumps(figures))
    else:
        for name, value in figures.items():
            print(f"{name:>16}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
