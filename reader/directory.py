"""The papers and provinces the reader shows, as plain data handed in by the caller.

The reader imports storage only: the registry and the list of provinces live in the crawler,
so `tinbao serve` (scheduler/commands/serve.py) reads them and passes a Directory, and tests
build one by hand. A province has a page under its slug ("can-tho"); a former province's slug
("soc-trang") leads to the unit it became on 2025-07-01.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from storage.folding import fold

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(name: str) -> str:
    """A name as a path segment: folded, ASCII, words joined by "-" ("Bà Rịa - Vũng Tàu" ->
    "ba-ria-vung-tau", "TP Hồ Chí Minh" -> "tp-ho-chi-minh")."""
    return _NOT_SLUG.sub("-", fold(name)).strip("-")


@dataclass(frozen=True)
class Paper:
    """One newspaper as a reader sees it. `status`: "active", "frozen" or "moved:<key>"."""

    key: str
    name: str
    province: str
    province_before: str = ""
    status: str = "active"
    home: str = ""

    @property
    def short_name(self) -> str:
        """The name without its "Báo " prefix, as aggregators credit a paper."""
        return self.name.removeprefix("Báo ")

    @property
    def moved_to(self) -> str | None:
        return self.status.removeprefix("moved:") if self.status.startswith("moved:") else None

    @property
    def status_text(self) -> str:
        """The status in Vietnamese, for the paper's page and the health page."""
        if self.status == "active":
            return "đang hoạt động"
        if self.status == "frozen":
            return "kho lưu trữ, ngừng cập nhật"
        return "đã chuyển" if self.moved_to else self.status


@dataclass(frozen=True)
class Province:
    name: str
    former: tuple[str, ...]
    papers: tuple[str, ...]  # site keys: papers of the unit now or of a former province in it

    @property
    def slug(self) -> str:
        return slug(self.name)


@dataclass(frozen=True)
class Directory:
    """Papers by key and the 34 units, each with the former provinces that form it."""

    papers: Mapping[str, Paper]
    provinces: tuple[Province, ...] = ()
    _by_slug: dict[str, Province] = field(default_factory=dict, compare=False, repr=False)
    _former: dict[str, Province] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for province in self.provinces:
            self._by_slug[province.slug] = province
            for name in province.former:
                self._former.setdefault(slug(name), province)

    @classmethod
    def build(cls, papers: Iterable[Paper], mergers: Mapping[str, Iterable[str]]) -> Directory:
        """The directory of `papers` and the units of `mergers` (unit -> former names): a
        unit's papers are those whose province, now or before, is the unit or one of its
        former provinces."""
        listed = {paper.key: paper for paper in papers}
        units = []
        for unit, former in mergers.items():
            names = {slug(unit), *(slug(name) for name in former)}
            keys = tuple(
                sorted(
                    key
                    for key, paper in listed.items()
                    if slug(paper.province) in names or slug(paper.province_before) in names
                )
            )
            units.append(Province(unit, tuple(former), keys))
        return cls(listed, tuple(units))

    def province(self, name_slug: str) -> tuple[Province | None, bool]:
        """The unit for a slug and whether the slug was a former province's name (the page
        then redirects to the unit's own slug)."""
        found = self._by_slug.get(name_slug)
        if found is not None:
            return found, False
        former = self._former.get(name_slug)
        return former, former is not None

    def paper(self, key: str) -> Paper | None:
        return self.papers.get(key)

    def name(self, key: str) -> str:
        """The paper's name without "Báo " (the key for a site the registry no longer has)."""
        paper = self.papers.get(key)
        return paper.short_name if paper is not None else key

    def province_of(self, key: str) -> Province | None:
        for province in self.provinces:
            if key in province.papers:
                return province
        return None
