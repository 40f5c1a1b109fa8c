"""Layout tables: old CMSs (ASP.NET portals of the 2000s) lay the whole page out in tables.

trafilatura renders a table as rows of cells, so an article laid out in one table cell comes
out as a single "| ... |" line with its paragraphs glued. A table is for layout, not data,
when one of its own cells holds a heading, another table, two or more paragraphs, or two
or more blocks; such a table is turned into plain blocks before the main text is read. A data table
(figures, a timetable) keeps its rows.
"""

from __future__ import annotations

from lxml.html import HtmlElement

_BLOCKS = {"p", "div", "table", "ul", "ol", "h1", "h2", "h3", "h4", "blockquote", "section"}
_HEADINGS = {"h1", "h2", "h3"}
_CELLS = {"td", "th"}
_ROWS = {"tbody", "thead", "tfoot", "tr"}


def unwrap_layout_tables(tree: HtmlElement) -> None:
    """Turn every layout table of `tree` (ours to change) into divs, outermost first."""
    for table in list(tree.iter("table")):
        if _is_layout(table):
            for element in [table, *table.iterdescendants()]:
                if (element is table or element.tag in _CELLS or element.tag in _ROWS) and (
                    _own_table(element, table)
                ):
                    element.tag = "div"


def _is_layout(table: HtmlElement) -> bool:
    for cell in table.iter("td", "th"):
        if not _own_table(cell, table):
            continue
        inside = [e.tag for e in cell.iterdescendants()]
        blocks = sum(1 for child in cell if child.tag in _BLOCKS)
        if blocks >= 2 or inside.count("p") >= 2 or any(t in _HEADINGS for t in inside):
            return True
        if "table" in inside:
            return True
    return False


def _own_table(element: HtmlElement, table: HtmlElement) -> bool:
    """The element belongs to `table` itself, not to a table nested in one of its cells."""
    if element is table:
        return True
    for ancestor in element.iterancestors("table"):
        return ancestor is table
    return False
