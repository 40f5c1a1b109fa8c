"""Extraction health per site: fill rates by SQL over `articles`, recent against before, the
flag `tinbao status` raises when a field stops coming out, and the probe's sample rates."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from crawler.extraction import Article
from crawler.probe import as_record, as_toml, probe, registry_entry
from scheduler.cli import main
from storage import make_sessionmaker, open_archive, save_article
from storage.daemon import acquire_lock
from storage.extraction_health import (
    BODY_MIN_CHARS,
    FIELDS,
    Drop,
    FillRates,
    SiteHealth,
    Window,
    fill_rates,
    filled,
    site_health,
)
from storage.models import Article as Row
from tests.test_probe import fake_fetch

VIETNAM = timezone(timedelta(hours=7))
NOW = datetime(2026, 11, 30, 5, 0, tzinfo=UTC)
BODY = "Người dân phấn khởi đón mùa lúa mới. " * 20  # 740 characters


def article(n: int, **fields: object) -> Article:
    values: dict[str, object] = {
        "url": f"https://baocantho.com.vn/tin-{n}-a{n}.html",
        "title": f"Mùa lúa mới số {n}",
        "lead": "(CTO) - Nông dân vui mừng.",
        "body": f"{BODY}{n}",
        "authors": ("Hà Văn",),
        "published_at": datetime(2026, 11, 20, 8, 15, tzinfo=VIETNAM),
        "section": "Kinh tế",
    }
    values.update(fields)
    return Article(**values)  # type: ignore[arg-type]


def add_rows(session: Session, site: str, first: int, count: int, seen: datetime,
             **fields: object) -> None:  # fmt: skip
    """`count` article rows as the archive keeps them (empty fields NULL), first seen one
    minute apart, the newest at `seen`."""
    for n in range(first, first + count):
        a = article(n, **fields)
        session.add(Row(site=site, url=f"https://{site}.vn/a{n}.html", title=a.title,
                        lead=a.lead or None, body=a.body, authors=", ".join(a.authors) or None,
                        published_at=a.published_at, section=a.section or None,
                        content_hash=f"{site}-{n}",
                        first_seen_at=seen - timedelta(minutes=first + count - 1 - n),
                        last_seen_at=seen))  # fmt: skip
    session.flush()


# -- one article's fields ------------------------------------------------------------------
def test_each_field_counts_when_filled_and_a_date_only_stamp_has_no_time() -> None:
    assert filled(article(1)) == dict.fromkeys(FIELDS, True)
    midnight = datetime(2026, 11, 20, tzinfo=VIETNAM)  # what a date-only stamp becomes
    empty = article(2, lead=" ", authors=(), section="", published_at=midnight,
                    body="x" * (BODY_MIN_CHARS - 1))  # fmt: skip
    assert filled(empty) == {"title": True, "lead": False, "body": False, "authors": False,
                             "time": False, "section": False}  # fmt: skip
    assert not filled(article(3, published_at=None))["time"]
    assert (
        filled(article(4, published_at=datetime(2026, 11, 20, 17, 0, tzinfo=UTC)))["time"] is False
    )
    assert filled(article(5, published_at=datetime(2026, 11, 20, 0, 0, tzinfo=UTC)))["time"]


def test_rates_of_records_in_memory() -> None:
    rates = fill_rates([article(1), article(2, lead=""), article(3, lead="", authors=())])
    assert rates.articles == 3
    assert rates.rate("lead") == pytest.approx(1 / 3) and rates.rate("title") == 1.0
    assert rates.describe().startswith("title 3/3, lead 1/3, body 3/3, authors 2/3, time 3/3")
    assert FillRates().rate("lead") is None and fill_rates([]).articles == 0


# -- the rates by SQL ------------------------------------------------------------------------
def test_sql_rates_agree_with_the_rules_on_saved_articles(session: Session) -> None:
    midnight = datetime(2026, 11, 20, tzinfo=VIETNAM)
    records = [
        article(1),
        article(2, lead="", authors=()),
        article(3, published_at=midnight, section=""),
        article(4, published_at=None, body="Ngắn thôi."),
        article(5, authors=("A", "B"), published_at=datetime(2026, 11, 20, 23, 59, tzinfo=VIETNAM)),
    ]
    for n, record in enumerate(records):
        save_article(session, "baocantho", record, now=NOW - timedelta(hours=n))
    session.commit()
    found = site_health(session, ["baocantho", "baolaocai"], NOW)
    expected = fill_rates(records)
    assert found["baocantho"].recent.filled == expected.filled
    assert found["baocantho"].recent.articles == 5 and found["baocantho"].history.articles == 0
    assert found["baocantho"].recent.body_chars == pytest.approx(expected.body_chars)
    assert found["baolaocai"] == SiteHealth("baolaocai", FillRates(), FillRates())


def test_recent_is_the_newest_articles_of_the_last_days_and_before_is_what_precedes(
    session: Session,
) -> None:
    window = Window(recent_articles=50, recent_days=14, history_articles=100)
    add_rows(session, "a", 0, 200, NOW - timedelta(days=20))  # all too old to be recent
    add_rows(session, "b", 0, 150, NOW - timedelta(days=1), lead="")
    add_rows(session, "b", 150, 60, NOW)  # the newest 60 have a lead again
    session.commit()
    found = site_health(session, ["a", "b"], NOW, window)
    assert (found["a"].recent.articles, found["a"].history.articles) == (0, 150)
    assert (found["b"].recent.articles, found["b"].history.articles) == (50, 100)
    assert found["b"].recent.rate("lead") == 1.0
    assert found["b"].history.rate("lead") == pytest.approx(10 / 100)


# -- the flag --------------------------------------------------------------------------------
def test_a_field_that_stopped_coming_out_is_flagged_by_name(session: Session) -> None:
    add_rows(session, "baocantho", 0, 400, NOW - timedelta(days=3))
    add_rows(session, "baocantho", 400, 200, NOW, lead="", authors=())
    session.commit()
    health = site_health(session, ["baocantho"], NOW)["baocantho"]
    assert health.drops() == [Drop("lead", 1.0, 0.0), Drop("authors", 1.0, 0.0)]
    assert str(health.drops()[0]) == "extraction: lead 100% -> 0%"
    add_rows(session, "baothu", 0, 400, NOW - timedelta(days=3))
    add_rows(session, "baothu", 400, 70, NOW, section="")  # 70 of the 200 recent ones
    session.commit()
    health = site_health(session, ["baothu"], NOW)["baothu"]
    assert health.drops() == [Drop("section", 1.0, 130 / 200)]


def test_small_changes_few_articles_and_fields_never_filled_are_not_flagged() -> None:
    def rates(articles: int, **counts: int) -> FillRates:
        return FillRates(articles, {name: counts.get(name, articles) for name in FIELDS})

    before = rates(500, lead=0, authors=400)  # this paper prints no lead
    assert SiteHealth("s", rates(100, lead=0, authors=55), before).drops() == []  # 80% -> 55%
    assert SiteHealth("s", rates(100, lead=0, authors=50), before).drops() == [
        Drop("authors", 0.8, 0.5)
    ]
    assert SiteHealth("s", rates(29, lead=0, authors=0), before).drops() == []  # too few now
    assert SiteHealth("s", rates(100, authors=0), rates(99)).drops() == []  # too few before
    assert SiteHealth("s", rates(100, authors=0), FillRates()).drops() == []


def test_status_names_the_field_whose_extraction_dropped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    now = datetime.now(UTC)
    engine = open_archive(url)
    with make_sessionmaker(engine).begin() as session:
        add_rows(session, "baocantho", 0, 300, now - timedelta(days=20))
        add_rows(session, "baocantho", 300, 40, now - timedelta(hours=1), lead="")
        add_rows(session, "baolaocai", 0, 300, now - timedelta(hours=1))
        acquire_lock(session, "host:42:abcdef", now=now, lease=timedelta(days=1))
    engine.dispose()
    assert main(["--database-url", url, "status", "--json"]) == 1
    records = {r["site"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert "extraction: lead 100% -> 0%" in records["baocantho"]["problems"]
    assert records["baocantho"]["fill_rates"]["recent"]["lead"] == 0.0
    assert records["baocantho"]["fill_rates"]["before"]["lead"] == 1.0
    assert not any(p.startswith("extraction") for p in records["baolaocai"]["problems"])
    assert main(["--database-url", url, "status"]) == 1
    [line] = [x for x in capsys.readouterr().out.splitlines() if x.startswith("baocantho ")]
    assert "extraction: lead 100% -> 0%" in line


# -- the probe's samples ---------------------------------------------------------------------
LEAD = "(CTO) - Nông dân huyện Phong Điền vui mừng vì lúa được mùa, được giá trong vụ này."


def page(n: int, lead: str) -> str:
    sapo = f"<p class='sapo'>{lead}</p>" if lead else ""
    return (
        f"<html><head><title>Tin {n}</title></head><body><article><h1>Mùa lúa mới số {n}</h1>"
        f"<p class='date'>20/11/2026 08:15</p>{sapo}<div class='content'>"
        + "".join(f"<p>{BODY} Đoạn {k} của bài {n}.</p>" for k in range(3))
        + "</div></article></body></html>"
    )


def test_the_probe_reports_the_fill_rates_of_its_samples() -> None:
    links = "".join(f"<a href='/tin-{n}-a{n}.html'>Tin {n}</a>" for n in range(1, 5))
    pages: dict[str, str | bytes] = {
        "https://baothu.vn/": f"<html><head><title>Báo Thử</title></head><body>{links}</body>",
        **{f"https://baothu.vn/tin-{n}-a{n}.html": page(n, LEAD if n < 3 else "")
           for n in range(1, 5)},
    }  # fmt: skip
    _, fetch = fake_fetch(pages)
    result = probe("https://baothu.vn/", fetch, samples=4)
    assert result.fill_rates.articles == 4
    assert result.fill_rates.filled["title"] == 4 and result.fill_rates.filled["lead"] == 2
    assert result.fill_rates.filled["body"] == 4 and result.fill_rates.filled["time"] == 4
    entry = registry_entry(result)
    text = as_toml(result, entry)
    assert "# fill rates of the 4 sample articles: title 4/4, lead 2/4, body 4/4," in text
    assert "# half the samples or fewer have: lead, authors, section (`tinbao extract" in text
    record = as_record(result, entry)
    assert record["fill_rates"] == {"articles": 4, **result.fill_rates.rates()}
