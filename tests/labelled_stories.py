"""A labelled set for story grouping, generated from the real pages of ../shared/corpus.

Each real article is a story. Its copies, as other papers republish it, must join it: one with
an agency dateline and a "Theo ..." line and a new title, one with sentences edited and its last
paragraph cut, one wrapped in share buttons, an app banner and a related-articles list. Each
real article also gets a follow-up on the same topic — same names and places, two sentences
quoted, the rest new — that must NOT join it. Stories of the same topic (two gold-price
articles from different papers) must stay apart too.
"""

from __future__ import annotations

import random
import re
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


def labelled_set(corpus: Path, *, seed: int = 7) -> list[LabelledArticle]:
    rng = random.Random(seed)
    articles: list[LabelledArticle] = []
    for number, page in enumerate(sorted((corpus / "vn").glob("*/article.html"))):
        domain = page.parent.name
        extracted = extract(page.read_text("utf-8"), f"https://{domain}/goc-{number}.html")
        body = "\n".join(filter(None, [extracted.lead, extracted.body]))
        if len(body) < 500:
            continue
        when = datetime(2026, 3, 7, 8, 0, tzinfo=VIETNAM) + timedelta(hours=number)
        story = f"story-{domain}"

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

        add("goc", domain, extracted.title, body, 0)
        add("ttxvn", "baocantho.com.vn", "Tin tổng hợp: " + extracted.title[:60],
            "(TTXVN) - " + body + "\nTheo TTXVN", 2)  # fmt: skip
        add("sua", "baolaocai.vn", extracted.title, _edited(body, rng), 5)
        add("boc", "baobinhduong.vn", extracted.title.upper(), _wrapped(body, domain), 9)
        add("tiep", domain, "Tiếp theo: " + extracted.title, _follow_up(body, rng), 24,
            label=f"follow-up-{domain}")  # fmt: skip
    return articles


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
