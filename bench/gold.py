"""The Vietnamese gold set and how a field is judged right against it.

`tests/gold/vn_articles.json` holds one record per real article page of the shared corpus
(`$TINBAO_CORPUS/vn/<domain>/article.html`, default `<repo>/../shared/corpus`), written by
reading the page by hand. An extractor's output is put into a `View` (tinbao's Article, or
bare trafilatura's fields mapped as fairly as it allows), then `judge` gives one `Verdict`
per field. The benchmark (extraction_quality.py) and the corpus tests
(tests/test_corpus_pages.py) both judge this way, so "right" means one thing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import trafilatura

from crawler.extraction import Article
from crawler.extraction.dates import VIETNAM

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "gold" / "vn_articles.json"
CORPUS_ENV = "TINBAO_CORPUS"
FIELDS = (
    "title",
    "lead",
    "body",
    "authors",
    "published_at",
    "section",
    "tags",
    "image_url",
    "captions",
    "source",
    "url",
)


def corpus_dir() -> Path:
    """$TINBAO_CORPUS, else the shared corpus next to the repository."""
    configured = os.environ.get(CORPUS_ENV)
    return Path(configured) if configured else ROOT.parent / "shared" / "corpus"


def gold_records() -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads(GOLD.read_text("utf-8"))["records"]
    return records


@dataclass(frozen=True)
class View:
    """What an extractor says about a page, in the gold record's terms."""

    title: str = ""
    lead: str = ""
    body: str = ""
    authors: tuple[str, ...] = ()
    published_at: datetime | None = None
    section: str = ""
    sections: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    image_url: str = ""
    images: tuple[tuple[str, str], ...] = ()
    source: str = ""
    url: str = ""


@dataclass(frozen=True)
class Verdict:
    ok: bool
    got: object
    want: object
    why: str = ""


def tinbao_view(article: Article) -> View:
    return View(
        title=article.title,
        lead=article.lead,
        body=article.body,
        authors=article.authors,
        published_at=article.published_at,
        section=article.section,
        sections=(article.section,),
        tags=article.tags,
        image_url=article.image_url,
        images=tuple((i.url, i.caption) for i in article.images),
        source=article.source,
        url=article.url,
    )


def trafilatura_view(html: bytes, url: str, lead_start: str) -> View:
    document = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        date_extraction_params={
            "extensive_search": True,
            "original_date": True,
            "outputformat": "%Y-%m-%dT%H:%M:%S%z",
        },
    )
    if document is None:
        data: dict[str, Any] = {}
    elif isinstance(document, dict):  # as_dict=True was the default before trafilatura 2
        data = document
    else:
        data = document.as_dict()
    paragraphs = [p for p in (data.get("text") or "").split("\n") if p.strip()]
    first = paragraphs[0] if paragraphs else ""
    body = paragraphs[1:] if lead_start and first.startswith(lead_start) else paragraphs
    return View(
        title=data.get("title") or "",
        lead=first,
        body="\n".join(body),
        authors=tuple(a.strip() for a in (data.get("author") or "").split(";") if a.strip()),
        published_at=_traf_date(data.get("date") or ""),
        sections=tuple(_parts(data.get("categories") or [])),
        tags=tuple(_parts(data.get("tags") or [], whole=False)),
        image_url=data.get("image") or "",
        url=data.get("url") or "",
    )


def _traf_date(text: str) -> datetime | None:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=VIETNAM)


def _parts(values: Iterable[str], whole: bool = True) -> list[str]:
    """Comma-separated parts of each value ('Kinh doanh, Tài chính'), and the value itself
    when `whole` (trafilatura returns keywords and sections as one comma-joined string)."""
    found = []
    for value in values:
        parts = [p.strip() for p in value.split(",") if p.strip()]
        found.extend([value.strip(), *parts] if whole or len(parts) < 2 else parts)
    return found


def judge(record: dict[str, Any], view: View) -> dict[str, Verdict]:
    """One verdict per field of FIELDS."""
    want_time = datetime.fromisoformat(record["published_at"])
    got_time = view.published_at
    same_time = got_time is not None and got_time == want_time
    return {
        "title": _equal(view.title, record["title"]),
        "lead": Verdict(
            view.lead.startswith(record["lead_start"]), view.lead, record["lead_start"]
        ),
        "body": _body(view.body, record),
        "authors": _equal(view.authors, tuple(record["authors"])),
        "published_at": Verdict(
            same_time and got_time is not None and got_time.utcoffset() == want_time.utcoffset(),
            got_time.isoformat() if got_time else None,
            record["published_at"],
        ),
        "section": Verdict(
            record["section"] in (view.section, *view.sections),
            view.section or view.sections,
            record["section"],
        ),
        "tags": Verdict(
            {t.casefold() for t in view.tags} == {t.casefold() for t in record["tags"]},
            view.tags,
            tuple(record["tags"]),
        ),
        "image_url": _equal(view.image_url, record["image_url"]),
        "captions": _captions(view.images, record["images"]),
        "source": _equal(view.source, record["source"]),
        "url": _equal(view.url, record["canonical"]),
    }


def _equal(got: object, want: object) -> Verdict:
    return Verdict(got == want, got, want)


def _body(body: str, record: dict[str, Any]) -> Verdict:
    problems = []
    if not body.startswith(record["body_first"]):
        problems.append(f"starts {body[:80]!r}")
    if not body.endswith(record["body_last"]):
        problems.append(f"ends {body[-80:]!r}")
    problems += [f"has {s!r}" for s in record["body_without"] if s in body]
    return Verdict(not problems, f"{len(body)} chars", "first/last/without", "; ".join(problems))


def _captions(images: Sequence[tuple[str, str]], wanted: list[dict[str, str]]) -> Verdict:
    missing = [
        w["caption"]
        for w in wanted
        if not any(w["src_contains"] in url and caption == w["caption"] for url, caption in images)
    ]
    return Verdict(
        not missing, len(images), len(wanted), "; ".join(f"missing {m!r}" for m in missing)
    )
