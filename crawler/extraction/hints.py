"""Per-site extraction hints: CSS selectors a registry entry may give where generic rules fail.

Generic rules come first and cover most pages; a hint is for what only one site does (a
promotion box in the body that looks like a fact box, a sapo with an unusual class). Hints are
data in the registry (`[sites.<key>.hints]`), checked when the registry loads, so a typo in a
selector fails at start-up with the site and the field named, not silently at crawl time.

This module imports no extraction machinery, so the registry can check hints cheaply.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import cache
from typing import Any

from cssselect import SelectorError
from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

# field -> what it selects; every value is one CSS selector, except `drop` (a list of them)
HINT_FIELDS = {
    "title": "the headline",
    "lead": "the sapo (lead paragraph)",
    "body": "the element holding the article's text",
    "drop": "elements inside the body that are not article text (promotion boxes, widgets)",
    "authors": "the author block: each match is one credit line",
    "source": "the credited source (another paper or agency)",
    "date": "the visible publication date line",
    "section": "the section link or breadcrumb: the last match is the section",
    "tags": "the tags: each match is one tag",
}


class HintError(ValueError):
    """A hint that cannot be used; `field` names it (e.g. 'drop')."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class Hints:
    """CSS selectors for one site; an empty string (or tuple) means "use the generic rules"."""

    title: str = ""
    lead: str = ""
    body: str = ""
    drop: tuple[str, ...] = ()
    authors: str = ""
    source: str = ""
    date: str = ""
    section: str = ""
    tags: str = ""

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def select(self, tree: HtmlElement, field: str) -> list[HtmlElement]:
        """The elements the hint `field` selects in `tree`, in document order."""
        value = getattr(self, field)
        selectors = value if isinstance(value, tuple) else (value,) if value else ()
        found: list[HtmlElement] = []
        for selector in selectors:
            found.extend(e for e in _compiled(selector)(tree) if e not in found)
        return found


NO_HINTS = Hints()


def parse_hints(table: Mapping[str, Any]) -> Hints:
    """Hints from a registry table; raises HintError naming the field that is wrong."""
    values: dict[str, Any] = {}
    for name, value in table.items():
        if name not in HINT_FIELDS:
            raise HintError(name, f"unknown hint; known hints are {sorted(HINT_FIELDS)}")
        if name == "drop":
            items = [value] if isinstance(value, str) else value
            if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
                raise HintError(name, "must be a CSS selector or a list of them")
            values[name] = tuple(_checked(name, v) for v in items)
        elif isinstance(value, str):
            values[name] = _checked(name, value)
        else:
            raise HintError(name, "must be a CSS selector (a string)")
    return Hints(**values)


def _checked(field: str, selector: str) -> str:
    selector = selector.strip()
    if not selector:
        raise HintError(field, "empty CSS selector")
    if ":contains(" in selector:
        # cssselect's :contains() compiles, but fails on the trees extraction works on
        raise HintError(field, f"{selector!r}: :contains() is not supported; select by structure")
    try:
        _compiled(selector)
    except SelectorError as exc:
        raise HintError(field, f"invalid CSS selector {selector!r}: {exc}") from None
    return selector


@cache
def _compiled(selector: str) -> CSSSelector:
    return CSSSelector(selector, translator="html")
