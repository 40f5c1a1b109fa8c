"""A labelled set for story grouping, generated from the real pages of ../shared/corpus.

Each real article is a story. Its copies, as other papers republish it, must join it: one with
an agency dateline and a "Theo ..." line and a new title, one with sentences edited and its last
paragraph cut, one wrapped in share buttons, an app banner and a related-articles list. Each
real article also gets a follow-up on the same topic — same names and places, two sentences
quoted, the rest new — that must NOT join it. Stories of the same topic (two gold-price
articles from different papers) must stay apart too.

The Vietnamese pages are few (one per paper in `vn/`), so with `english=True` the 181 texts of
the English extraction benchmark (its ground truth, `extraction-benchmark-en/`) become stories
the same way: a wider set of distinct stories, some on the same topics, to show no false joins.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from crawler.extraction import extract
from tests.replica import text

VIETNAM = timezone(timedelta(hours=7))
SENTENCE = re.compile(r"(?<=[.!?…])\s+")


@dataclass(frozen=True)
class LabelledArticle:
    story: str
    site: str
    url: str
    title: str
    body: str
    published_at: datetime


def labelled_set(corpus: Path, *, seed: int = 7, english: bool = False) -> list[LabelledArticle]:
    rng = random.Random(seed)
    articles: list[LabelledArticle] = []
    for number, (domain, title, body) in enumerate(_originals(corpus, english)):
        when = datetime(2026, 3, 7, 8, 0, tzinfo=VIETNAM) + timedelta(hours=number)
        story = f"story-{number}-{domain}"

        def add(
            kind: str,
            site: str,
            title: str,
            text: str,
            delay: int,
            label: str = story,
            number: int = number,
            when: datetime = when,
        ) -> None:
            url = f"https://{site}/{kind}-{number}.html"
            published = when + timedelta(hours=delay)
            articles.append(LabelledArticle(label, site, url, title, text, published))

        add("goc", domain, title, body, 0)
        add("ttxvn", "baocantho.com.vn", "Tin tổng hợp: " + title[:60],
            "(TTXVN) - " + body + "\nTheo TTXVN", 2)  # fmt: skip
        add("sua", "baolaocai.vn", title, _edited(body, rng), 5)
        add("boc", "baobinhduong.vn", title.upper(), _wrapped(body, domain), 9)
        add("tiep", domain, "Tiếp theo: " + title, _follow_up(body, rng), 24,
            label=f"follow-up-{number}-{domain}")  # fmt: skip
    return articles


def _originals(corpus: Path, english: bool) -> Iterator[tuple[str, str, str]]:
    """(domain, title, text) of every real article long enough to be a story."""
    for number, page in enumerate(sorted((corpus / "vn").glob("*/article.html"))):
        domain = page.parent.name
        extracted = extract(page.read_text("utf-8"), f"https://{domain}/goc-{number}.html")
        body = "\n".join(filter(None, [extracted.lead, extracted.body]))
        if len(body) >= 500:
            yield domain, extracted.title, body
    if english:
        truth = json.loads((corpus / "extraction-benchmark-en" / "ground-truth.json").read_text())
        for key, record in sorted(truth.items()):
            body = record.get("articleBody") or ""
            first = body.split(".")[0][:80]
            if len(body) >= 500:
                yield f"en-{key[:8]}.example", first, body


def _edited(body: str, rng: random.Random) -> str:
    paragraphs = body.split("\n")
    if len(paragraphs) > 3:
        paragraphs = paragraphs[:-1]  # the last paragraph cut
    sentences = SENTENCE.split("\n".join(paragraphs))
    for index in rng.sample(range(len(sentences)), k=min(2, len(sentences))):
        words = sentences[index].split()
        if len(words) > 6:
            words[len(words) // 2] = "đáng chú ý"
            sentences[index] = " ".join(words)
    return " ".join(sentences)


def _wrapped(body: str, source: str) -> str:
    related = "\n".join(f"- Tin liên quan số {n} trên báo" for n in range(1, 6))
    return (
        f"Chia sẻ Zalo Facebook\n{body}\nTải ứng dụng Báo Bình Dương trên điện thoại\n"
        f"Nguồn: {source}\nTin liên quan\n{related}"
    )


def _follow_up(body: str, rng: random.Random) -> str:
    """Two sentences of the story quoted among new paragraphs on the same subject."""
    quoted = [s for s in SENTENCE.split(body) if len(s.split()) > 8]
    picks = rng.sample(quoted, k=min(2, len(quoted)))
    fresh = [text.paragraph(rng) for _ in range(4)]
    return "\n".join([*picks[:1], *fresh[:2], *picks[1:], *fresh[2:]])
