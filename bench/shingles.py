"""The English article-extraction benchmark's score: F1 over word 4-gram shingles of the body.

As that benchmark's evaluate.py computes it: per page, true/false positives and false negatives
over shingle counts, normalised so long pages weigh no more than short ones; precision and
recall averaged over pages; F1 from the two averages. The pages and `ground-truth.json` are read
from `$TINBAO_CORPUS/extraction-benchmark-en/`.
"""

from __future__ import annotations

import json
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import trafilatura

from crawler.extraction import extract

_TOKEN = re.compile(r"\w+")


def shingle_counts(true: str, pred: str) -> tuple[float, float, float]:
    """(tp, fp, fn) over word 4-gram shingles, normalised to sum to 1 (evaluate.py's way)."""
    want, got = _shingles(true), _shingles(pred)
    tp = sum((want & got).values())
    fp = sum((got - want).values())
    fn = sum((want - got).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    return Counter(
        tuple(tokens[i : i + 4]) for i in range(max(1, len(tokens) - 3)) if tokens[i : i + 4]
    )


def prf(rows: Sequence[tuple[float, float, float]]) -> tuple[float, float, float]:
    """Mean precision and mean recall over pages, and their F1."""
    precision = statistics.mean(
        [
            1.0 if fp == fn == 0 else tp / (tp + fp) if tp + fp else 0.0
            for tp, fp, fn in rows
            if tp + fp > 0
        ]
    )
    recall = statistics.mean(
        [
            1.0 if fp == fn == 0 else tp / (tp + fn) if tp + fn else 0.0
            for tp, fp, fn in rows
            if tp + fn > 0
        ]
    )
    return precision, recall, 2 * precision * recall / (precision + recall)


def run_english(corpus: Path) -> dict[str, tuple[float, float, float]]:
    folder = corpus / "extraction-benchmark-en"
    truth: dict[str, dict[str, str]] = json.loads((folder / "ground-truth.json").read_text("utf-8"))
    rows: dict[str, list[tuple[float, float, float]]] = {
        "tinbao body": [],
        "tinbao lead+body": [],
        "trafilatura": [],
    }
    for key, item in sorted(truth.items()):
        html = (folder / "html" / f"{key}.html").read_bytes()
        article = extract(html, item["url"])
        bare = trafilatura.extract(html, url=item["url"]) or ""
        rows["tinbao body"].append(shingle_counts(item["articleBody"], article.body))
        both = f"{article.lead}\n{article.body}".strip()
        rows["tinbao lead+body"].append(shingle_counts(item["articleBody"], both))
        rows["trafilatura"].append(shingle_counts(item["articleBody"], bare))
    return {name: prf(values) for name, values in rows.items()}
