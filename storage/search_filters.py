"""What a search may return (its filters), what its first step gives (candidates), and what
relevance is made of: shared by both backends (storage/search_candidates.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import TextClause, bindparam

from storage.models import UTCDateTime

# Relevance: 1, plus these when every term is in the title, in the lead, and when the words are
# written together as a phrase (docs/search.md).
TITLE, LEAD, PHRASE = 3.0, 1.0, 2.0


@dataclass(frozen=True)
class Filters:
    """Which articles a search may return: of these sites (None: any), published in
    [since, until)."""

    sites: Sequence[str] | None = None
    since: datetime | None = None
    until: datetime | None = None

    def sql(self, alias: str = "a.", *, sites: bool = True) -> str:
        """The filters as SQL conditions; `sites=False` leaves the site to the index query."""
        clauses = [
            f"AND {alias}site IN :sites" if self.sites is not None and sites else "",
            f"AND {alias}published_at >= :since" if self.since is not None else "",
            f"AND {alias}published_at < :until" if self.until is not None else "",
        ]
        return " ".join(c for c in clauses if c)

    def bind(
        self, statement: TextClause, now: datetime | None = None
    ) -> tuple[TextClause, dict[str, object]]:
        """`statement` with the filters' parameters (and `now`), times typed as the archive
        stores them."""
        params: dict[str, object] = {}
        if self.sites is not None and ":sites" in statement.text:
            statement = statement.bindparams(bindparam("sites", expanding=True))
            params["sites"] = list(self.sites)
        for name, value in (("since", self.since), ("until", self.until), ("now", now)):
            if value is not None:
                statement = statement.bindparams(bindparam(name, type_=UTCDateTime()))
                params[name] = value
        return statement, params


YEAR_DAYS = 365.0


def score(relevance: float, age_days: float) -> float:
    """The ranking's score: relevance / (1 + age in years), a week-old article counting almost
    fully, a two-year-old one a third."""
    return relevance / (1.0 + max(age_days, 0.0) / YEAR_DAYS)


@dataclass(frozen=True)
class Candidate:
    """A match; `open` when its relevance may still lack the phrase bonus (PostgreSQL: title
    and lead lack the phrase, the full vector was not read, storage/search_phrase.py)."""

    id: int
    relevance: float
    age_days: float
    open: bool = False
