"""`extract(html, url, hints) -> Article`: a pure function, no network, no crawler state.

The page is parsed once. Metadata and the layout pass read the tree first; then the elements
that are not article text whatever a main-text extractor thinks (captions, now kept with their
photos; a site's hinted promotion boxes; notices) are dropped from it, trafilatura finds the
main text (body.py), and the layers around it put back what it loses or mixes up on
Vietnamese news pages: the sapo, the byline and source line at the end, the time of day of a
date-only stamp, the section and tags.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from crawler.extraction import fields, noise, tables
from crawler.extraction.article import Article, Image
from crawler.extraction.body import main_paragraphs, parse_html
from crawler.extraction.bounds import BODY_TOO_LONG, PAGE_TOO_LARGE, bounded_lines, bounded_page
from crawler.extraction.bylines import (
    credit_line,
    is_name_line,
    is_person,
    person_names,
    split_credits,
)
from crawler.extraction.dates import (
    Stamp,
    agrees_with_shown,
    best_machine,
    choose_published,
    parse_machine,
    parse_month_first,
    parse_visible,
)
from crawler.extraction.hints import NO_HINTS, Hints
from crawler.extraction.layout import read_layout
from crawler.extraction.layout_records import Block, Layout
from crawler.extraction.lead import choose_lead
from crawler.extraction.metadata import PageMeta, ld_persons, read_metadata
from crawler.extraction.text import clean, same_letters, text_of, unique

_PUBLISHED = ("article:published_time", "datepublished", "pubdate", "og:published_time")
_MODIFIED = ("article:modified_time", "datemodified", "og:updated_time", "lastmod")
_PHOTO_CREDIT = re.compile(r"^(?:ảnh|photo|video|image|nguồn ảnh)\b", re.IGNORECASE)
_PAPER_WORDS = re.compile(r"^báo\s+|\s+(?:điện tử|online)$", re.IGNORECASE)
_META_AUTHORS = ("author", "article:author", "dable:author", "dc.creator")


def extract(html: str | bytes, url: str, hints: Hints | None = None) -> Article:
    """Turn one fetched page into an article record; fields the page lacks stay empty.

    `hints` are the site's registry hints (CSS selectors) where generic rules need help.
    """
    hints = hints or NO_HINTS
    html, cut = bounded_page(html)
    tree = parse_html(html)
    if tree is None:
        return Article(url=url)
    meta = read_metadata(tree)
    layout = read_layout(tree)
    hinted = _hinted_texts(tree, hints)
    title, title_at = fields.title(tree, meta, layout)
    title = _first(hinted, "title") or title
    headline = layout.headline_elements.get(title_at)
    lines, too_long = bounded_lines(_text_lines(tree, url, layout, hints, title, headline))
    lead, lines = choose_lead(meta, layout, lines, title, title_at, _first(hinted, "lead"))
    block_authors = [b.text for b in layout.author_blocks]
    block_sources = [b.text for b in layout.source_blocks] + hinted.get("source", [])
    lines, byline, credited = split_credits(lines, block_authors, block_sources)
    published, updated = _times(meta, layout, hinted.get("date", []))
    photos = _images(layout, url)
    body = "\n".join(lines)
    return Article(
        url=fields.canonical(meta, url),
        title=title,
        lead=lead,
        body=body,
        authors=_authors(
            meta, layout, byline, hinted.get("authors", []), title_at, _publisher(meta, url)
        ),
        published_at=published,
        updated_at=updated,
        section=(hinted.get("section") or [""])[-1] or fields.section(meta, layout, title),
        tags=unique(hinted["tags"]) if hinted.get("tags") else fields.tags(meta, layout, title_at),
        image_url=fields.image(meta, url, photos[0].url if photos else ""),
        language=fields.language(meta, body or title),
        source=_source(hinted, credited, layout, title_at),
        images=photos,
        problems=(
            *meta.problems,
            *([PAGE_TOO_LARGE] if cut else []),
            *([BODY_TOO_LONG] if too_long else []),
        ),
    )


def _text_lines(
    tree: HtmlElement,
    url: str,
    layout: Layout,
    hints: Hints,
    title: str,
    headline: HtmlElement | None,
) -> list[str]:
    """The main text's lines, once the elements that are no article text are out of the tree
    (the tree has been read and is ours to change) and the furniture lines are out of the text."""
    container = next(iter(hints.select(tree, "body")), None)
    for element in [*hints.select(tree, "drop"), *layout.prunable()]:
        if element.getparent() is not None:
            element.drop_tree()
    tables.unwrap_layout_tables(tree)
    captions = {c.casefold() for c in layout.captions}
    found = main_paragraphs(tree, url, container, headline)
    lines = noise.without_closing_notices(noise.strip_furniture(found, layout.link_texts, captions))
    if noise.only_links(lines, layout.link_texts):
        return []
    if lines and title and same_letters(lines[0], title):
        lines.pop(0)
    return lines


def _hinted_texts(tree: HtmlElement, hints: Hints) -> dict[str, list[str]]:
    texts: dict[str, list[str]] = {}
    for name in ("title", "lead", "authors", "source", "date", "section", "tags"):
        if getattr(hints, name):
            found = [clean(text_of(e)) for e in hints.select(tree, name)]
            texts[name] = [t for t in found if t]
    return texts


def _first(hinted: dict[str, list[str]], name: str) -> str:
    return next(iter(hinted.get(name, [])), "")


def _authors(
    meta: PageMeta,
    layout: Layout,
    byline: list[str],
    hinted: list[str],
    after: int,
    publisher: list[str],
) -> tuple[str, ...]:
    """People only: hinted credit lines, then JSON-LD Person entries, then the byline that ends
    the body, then the page's author block, then meta author tags (rarely a person). A source
    that names only CMS accounts, placeholders or the paper gives way to the next."""
    if hinted:
        people = [p for line in hinted for p in (credit_line(line)[0] or [])]
        found = _people(list(dict.fromkeys(people or person_names(hinted))), publisher)
        if found:
            return found
    for candidates in (
        person_names(ld_persons(meta.ld.get("author"))),
        byline,
        person_names(
            _first_block([b for b in layout.author_blocks if is_name_line(b.text)], after)
        ),
    ):
        found = _people(candidates, publisher)
        if found:
            return found
    declared = [v for name in _META_AUTHORS for v in meta.meta_all(name)]
    return _people(person_names(part for value in declared for part in value.split(";")), publisher)


def _people(names: list[str], publisher: list[str]) -> tuple[str, ...]:
    """Authors are people: CMS accounts, placeholders and the paper itself are left out."""
    return tuple(n for n in names if is_person(n, publisher))


def _publisher(meta: PageMeta, url: str) -> list[str]:
    """The names the paper goes by: its site name (with and without 'Báo' and 'điện tử'),
    its JSON-LD publisher, its host label ('baosongnui' of baosongnui.vn)."""
    names = [meta.meta("og:site_name"), meta.meta("application-name")]
    publisher = meta.ld.get("publisher")
    if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
        names.append(clean(publisher["name"]))
    names += [_PAPER_WORDS.sub("", n).strip() for n in names if n]
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    names.append(host.split(".")[0])
    return [n for n in names if n]


def _source(hinted: dict[str, list[str]], credited: str, layout: Layout, after: int) -> str:
    """The hinted source, else the source line that ended the body, else the page's source
    block ('p.source'), a photo credit ('Ảnh: Reuters') excepted."""
    if hinted.get("source"):
        return credit_line(hinted["source"][0], (), [hinted["source"][0]])[1]
    if credited:
        return credited
    blocks = [b for b in layout.source_blocks if not _PHOTO_CREDIT.match(b.text)]
    texts = _first_block(blocks, after)
    return credit_line(texts[0], (), texts[:1])[1] if texts else ""


def _first_block(blocks: list[Block], after: int) -> list[str]:
    """The texts of the first element after the headline that has any (else of the first):
    an author block in a comment thread or a sidebar card comes later."""
    chosen = [b for b in blocks if b.position > after] or blocks
    if not chosen:
        return []
    return [b.text for b in chosen if b.position == chosen[0].position]


def _times(
    meta: PageMeta, layout: Layout, hinted: list[str]
) -> tuple[datetime | None, datetime | None]:
    shown = [s for s in (parse_visible(t) for t in hinted) if s is not None] + layout.stamps
    declared = _stamps(meta, "datePublished", _PUBLISHED)
    machine = best_machine([s for s in declared if agrees_with_shown(s, shown)], shown)
    published = machine
    if machine is None or not machine.has_time:
        if machine is not None:
            visible = next((s for s in shown if s.value.date() == machine.value.date()), None)
        else:
            visible = next((s for s in shown if s.has_time), shown[0] if shown else None)
        published = choose_published(machine, visible)
    modified = best_machine(
        [s for s in _stamps(meta, "dateModified", _MODIFIED) if not s.month_first]
    )
    updated = modified.value if modified else None
    if published is not None and updated is not None and updated < published.value:
        updated = None  # a CMS's edit stamp from before publication is no update
    return (published.value if published else None), updated


def _stamps(meta: PageMeta, ld_key: str, names: tuple[str, ...]) -> list[Stamp]:
    values = [meta.ld_text(ld_key), *(meta.meta(n) for n in names)]
    stamps = (parse_machine(v) or parse_month_first(v) for v in values if v)
    return [s for s in stamps if s is not None]


def _images(layout: Layout, url: str) -> tuple[Image, ...]:
    seen: dict[str, Image] = {}
    for photo in layout.photos:
        absolute = urljoin(url, photo.src)
        if absolute not in seen or (photo.caption and not seen[absolute].caption):
            seen[absolute] = Image(absolute, photo.caption)
    return tuple(seen.values())
