"""One safe way to parse XML from the web: no entity expansion, no network, tolerant of junk."""

from __future__ import annotations

from lxml import etree

_PARSER_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "recover": True,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}


def parse_xml(body: bytes) -> etree._Element | None:
    """The document's root element, or None when nothing usable could be parsed."""
    return parse_xml_checked(body)[0]


def parse_xml_checked(body: bytes) -> tuple[etree._Element | None, bool]:
    """(the root element or None, whether the document was well-formed). A broken document
    still gives what the parser could recover: links in a truncated feed are not thrown away."""
    if not body.strip():
        return None, False
    parser = etree.XMLParser(**_PARSER_OPTIONS)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError:
        return None, False
    return root, len(parser.error_log) == 0


def local_name(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()
