"""What a page says about itself in machine-readable form: meta tags, JSON-LD, canonical, lang.

A JSON-LD block nested deeper than MAX_JSON_LD_DEPTH is left unread (Python's parser would give
up with a RecursionError deep in its stack, and the page with it): the page is still read, and
`problems` names it ("json_ld_too_deep") for the crawl's error counts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

from crawler.extraction.text import clean

MAX_JSON_LD_DEPTH = 64  # real pages nest JSON-LD 4-8 deep
JSON_LD_TOO_DEEP = "json_ld_too_deep"
# a JSON string (an unterminated one runs to the end: possessive, so never backtracked)
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*+"?', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")

_ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "blogposting",
    "webpage",
}


@dataclass
class PageMeta:
    metas: dict[str, list[str]] = field(default_factory=dict)
    ld: dict[str, Any] = field(default_factory=dict)
    ld_breadcrumb: list[str] = field(default_factory=list)
    canonical: str = ""
    lang: str = ""
    problems: list[str] = field(default_factory=list)

    def meta(self, *names: str) -> str:
        """The first non-empty content among the named meta tags (name, property or itemprop)."""
        for name in names:
            for value in self.metas.get(name.lower(), ()):
                if clean(value):
                    return clean(value)
        return ""

    def meta_all(self, name: str) -> list[str]:
        return [clean(v) for v in self.metas.get(name.lower(), ()) if clean(v)]

    def ld_text(self, key: str) -> str:
        value = self.ld.get(key)
        if isinstance(value, list):
            value = next((v for v in value if isinstance(v, str)), "")
        return clean(value) if isinstance(value, str) else ""


def read_metadata(tree: HtmlElement) -> PageMeta:
    page = PageMeta()
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop")
        content = element.get("content")
        if key and content is not None:
            page.metas.setdefault(key.strip().lower(), []).append(content)
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            page.canonical = link.get("href", "").strip()
            break
    html = tree if tree.tag == "html" else tree.getroottree().getroot()
    page.lang = (html.get("lang") or html.get("xml:lang") or "").strip()
    for obj in _json_ld_objects(tree, page.problems):
        types = obj.get("@type", "")
        type_names = {t.lower() for t in (types if isinstance(types, list) else [types]) if t}
        if "breadcrumblist" in type_names and not page.ld_breadcrumb:
            page.ld_breadcrumb = _breadcrumb_names(obj)
        elif type_names & _ARTICLE_TYPES:
            is_news = bool(type_names - {"webpage"})
            if not page.ld or (is_news and not page.ld.get("_news")):
                page.ld = {**obj, "_news": is_news}
    return page


def ld_people(value: Any) -> list[str]:
    """Names from a JSON-LD author/creator value: a string, an object, or a list of either."""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        if isinstance(item, str):
            names.append(clean(item))
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            names.append(clean(item["name"]))
    return [n for n in names if n]


def ld_persons(value: Any) -> list[str]:
    """Names of the people in a JSON-LD author value: Organization entries are left out."""
    items = value if isinstance(value, list) else [value]
    people = []
    for item in items:
        if isinstance(item, dict):
            kinds = item.get("@type", "Person")
            kinds = {
                k.lower()
                for k in (kinds if isinstance(kinds, list) else [kinds])
                if isinstance(k, str)
            }
            if "person" not in kinds:
                continue
        people.extend(ld_people(item))
    return people


def ld_image(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("url") or value.get("contentUrl") or ""
    return value.strip() if isinstance(value, str) else ""


def _json_ld_objects(tree: HtmlElement, problems: list[str]) -> Iterator[dict[str, Any]]:
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        text = script.text or ""
        if too_deep(text, MAX_JSON_LD_DEPTH):
            problems.append(JSON_LD_TOO_DEEP)
            continue
        try:
            data = json.loads(text, strict=False)
        except ValueError:
            continue
        yield from _flatten(data)


def too_deep(text: str, limit: int) -> bool:
    """Whether the JSON in `text` nests arrays and objects more than `limit` deep: one linear
    pass over its brackets outside strings, whatever the text holds."""
    depth = 0
    for bracket in _BRACKETS.finditer(_JSON_STRING.sub("", text)):
        if bracket.group() in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def _flatten(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _flatten(item)
    elif isinstance(data, dict):
        if "@graph" in data:
            yield from _flatten(data["@graph"])
        if "@type" in data:
            yield data


def _breadcrumb_names(obj: dict[str, Any]) -> list[str]:
    names = []
    for item in _flat(obj.get("itemListElement") or []):
        if not isinstance(item, dict):
            continue
        name = item.get("name")
        inner = item.get("item")
        if not name and isinstance(inner, dict):
            name = inner.get("name")
        if isinstance(name, str) and clean(name):
            names.append(clean(name))
    return names


def _flat(items: Any) -> Iterator[Any]:
    """List items, with nested lists opened (dantri writes `[[{...}], [{...}]]`)."""
    for item in items if isinstance(items, list) else [items]:
        if isinstance(item, list):
            yield from _flat(item)
        else:
            yield item
