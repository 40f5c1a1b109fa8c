"""Extraction quality: tinbao's `extract()` against bare trafilatura, field by field.

Why: "right on every field" needs a measure. Two sets, read at run time from $TINBAO_CORPUS
(default `<repo root>/../shared/corpus`) and never copied into the repository:

1. The Vietnamese gold set, `tests/gold/vn_articles.json`: one record per real article page of
   `vn/`, written by reading the page by hand. A field is right when it matches the record:
   title, section, image_url, canonical url, source and authors exactly; published_at as the
   same instant with the same UTC offset; lead when it starts with `lead_start`; body when it
   starts with `body_first`, ends with `body_last` and contains none of `body_without`; tags
   as a set, ignoring case; captions when every captioned photo of the record is there with
   its caption. tinbao runs with the record's `hints` (the registry hints the site would carry).
2. The English article-extraction benchmark (181 pages, `extraction-benchmark-en/`): F1 over
   word 4-gram shingles of the body against `ground-truth.json`, computed as that benchmark's
   evaluate.py does (precision and recall averaged over pages, then F1).

Bare trafilatura is `trafilatura.bare_extraction(html, url=url, with_metadata=True)` with its
defaults, and extensive date search with a full timestamp format. Its fields are mapped as
fairly as it allows: title, author (split on "; "), date (no offset read as +07:00),
categories (right when one of them, or a comma-separated part of one, is the section), tags
(split on commas), image, url. It has no lead: its text's first paragraph is scored as the
lead, and when that paragraph is the lead the rest of the text is scored as the body (so it
is not penalised twice). It has no captions and no source: right only when the record has
none. On the English set the body is `trafilatura.extract(html, url=url)` (its defaults) and
tinbao's `body`; tinbao's `lead + body` is shown too.

    python -m bench.extraction_quality [--json] [--no-english] [--verbose]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura

from bench.gold import (
    CORPUS_ENV,
    FIELDS,
    Verdict,
    corpus_dir,
    gold_records,
    judge,
    tinbao_view,
    trafilatura_view,
)
from bench.shingles import run_english
from crawler.extraction import extract, parse_hints


@dataclass
class GoldResult:
    """Verdicts per page and field: tinbao with the records' site hints, tinbao with none
    (generic rules only), bare trafilatura."""

    tinbao: dict[str, dict[str, Verdict]] = field(default_factory=dict)
    generic: dict[str, dict[str, Verdict]] = field(default_factory=dict)
    trafilatura: dict[str, dict[str, Verdict]] = field(default_factory=dict)


def run_gold(corpus: Path) -> GoldResult:
    result = GoldResult()
    for record in gold_records():
        html = (corpus / record["page"]).read_bytes()
        hints = parse_hints(record.get("hints", {}))
        name = record["page"].split("/")[1]
        result.tinbao[name] = judge(record, tinbao_view(extract(html, record["url"], hints)))
        result.generic[name] = judge(record, tinbao_view(extract(html, record["url"])))
        bare = trafilatura_view(html, record["url"], record["lead_start"])
        result.trafilatura[name] = judge(record, bare)
    return result


def field_table(gold: GoldResult) -> list[tuple[str, int, int, int, int]]:
    """(field, pages, right with hints, right without, trafilatura right)."""

    def right(verdicts: dict[str, dict[str, Verdict]], name: str) -> int:
        return sum(v[name].ok for v in verdicts.values())

    pages = len(gold.tinbao)
    return [
        (
            name,
            pages,
            right(gold.tinbao, name),
            right(gold.generic, name),
            right(gold.trafilatura, name),
        )
        for name in FIELDS
    ]


def print_report(
    gold: GoldResult, english: dict[str, tuple[float, float, float]] | None, verbose: bool
) -> None:
    print(f"Vietnamese gold set ({len(gold.tinbao)} pages): pages right per field\n")
    print("| field | tinbao | tinbao, no hints | trafilatura |\n|---|---:|---:|---:|")
    for name, pages, ours, generic, bare in field_table(gold):
        cells = " | ".join(f"{n}/{pages} ({n / pages:.0%})" for n in (ours, generic, bare))
        print(f"| {name} | {cells} |")
    runs = (
        ("tinbao", gold.tinbao),
        ("tinbao, no hints", gold.generic),
        ("trafilatura", gold.trafilatura),
    )
    for label, verdicts in runs:
        wrong = [(p, f, v) for p, vs in verdicts.items() for f, v in vs.items() if not v.ok]
        if verbose or label != "trafilatura":
            print(f"\n{label}: {len(wrong)} wrong fields")
            for page, name, verdict in wrong:
                detail = verdict.why or f"got {verdict.got!r}, want {verdict.want!r}"
                print(f"  {page} {name}: {detail[:300]}")
    if english:
        print("\nEnglish benchmark (181 pages): word 4-gram shingles of the body\n")
        print("| extractor | precision | recall | F1 |\n|---|---:|---:|---:|")
        for name, (precision, recall, f1) in english.items():
            print(f"| {name} | {precision:.4f} | {recall:.4f} | {f1:.4f} |")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--json", action="store_true", help="print results as JSON instead")
    parser.add_argument("--no-english", action="store_true", help="skip the English benchmark")
    parser.add_argument("--verbose", action="store_true", help="list trafilatura's misses too")
    args = parser.parse_args(argv)
    corpus = corpus_dir()
    if not (corpus / "vn").is_dir():
        sys.exit(f"no corpus at {corpus}: set ${CORPUS_ENV} to the shared corpus folder")
    gold = run_gold(corpus)
    english = None if args.no_english else run_english(corpus)
    if args.json:
        document = {
            "trafilatura": trafilatura.__version__,
            "fields": [
                {
                    "field": f,
                    "pages": n,
                    "tinbao": ours,
                    "tinbao_no_hints": gen,
                    "trafilatura": bare,
                }
                for f, n, ours, gen, bare in field_table(gold)
            ],
            "english": {
                k: dict(zip(("precision", "recall", "f1"), v, strict=True))
                for k, v in (english or {}).items()
            },
        }
        json.dump(document, sys.stdout, indent=2)
        print()
    else:
        print_report(gold, english, args.verbose)


if __name__ == "__main__":
    main()
