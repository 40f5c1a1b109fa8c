"""Story grouping on the labelled set made from the real pages (tests/labelled_stories.py):
copies join their original, follow-ups and other stories stay apart, with precision and recall
of at least 0.95 over pairs of articles (bench/story_grouping.py prints the figures)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.gold import corpus_dir
from bench.story_grouping import evaluate, group, score
from tests.labelled_stories import labelled_set

CORPUS = corpus_dir()
pytestmark = pytest.mark.skipif(
    not (CORPUS / "vn").is_dir(),
    reason=f"recorded corpus not found at {CORPUS} (set TINBAO_CORPUS to its folder)",
)


def test_the_vietnamese_copies_join_and_follow_ups_do_not(tmp_path: Path) -> None:
    articles = labelled_set(CORPUS)
    stories = group(articles, tmp_path / "vn.db")
    by_label: dict[str, set[int]] = {}
    for article in articles:
        by_label.setdefault(article.story, set()).add(stories[article.url])
    assert all(len(found) == 1 for found in by_label.values())  # every copy in its story
    originals = {label: found.pop() for label, found in by_label.items()}
    assert len(set(originals.values())) == len(originals)  # no two stories merged


def test_precision_and_recall_on_the_whole_set() -> None:
    result = evaluate(CORPUS, english=True)
    assert result.articles > 500
    assert result.precision >= 0.95, result
    assert result.recall >= 0.95, result


def test_score_counts_pairs() -> None:
    articles = labelled_set(CORPUS)[:5]  # one story's 4 copies and its follow-up
    right = {a.url: (1 if a.story.startswith("story") else 2) for a in articles}
    assert score(articles, right, 0).precision == score(articles, right, 0).recall == 1.0
    merged = dict.fromkeys(right, 1)
    assert score(articles, merged, 0).precision == 6 / 10
    split = {url: number for number, url in enumerate(right)}
    assert score(articles, split, 0).recall == 0.0
