"""A registry entry as TOML text, and the key a site gets from its domain.

The registry's keys follow one rule, which the probe applies and a test checks on every built-in
entry: the home's host without `www.`/`m.` and without its public suffix (`.vn`, `.com.vn`,
`.org.vn`, ...), its remaining labels joined by `_`: `baocantho.com.vn` -> `baocantho`,
`www.sggp.org.vn` -> `sggp`, `bbk.baothainguyen.vn` -> `bbk_baothainguyen`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

_SECOND_LEVEL = ("com", "org", "net", "gov", "edu", "info", "ac", "biz", "int", "name", "pro")
_TOP_LEVEL = ("vn", "com", "net", "org", "info")
# the order fields are written in: what a reader looks for first
FIELD_ORDER = (
    "name", "home", "province", "province_before", "status", "status_since", "interval",
    "article_url", "feeds", "sitemaps", "sections", "unverified", "notes",
)  # fmt: skip


def site_key(home: str) -> str:
    """The registry key for a site at `home` (see the module docstring)."""
    host = (urlsplit(home).hostname or "").lower()
    for prefix in ("www.", "m."):
        host = host.removeprefix(prefix)
    labels = host.split(".")
    if len(labels) > 1 and labels[-1] in _TOP_LEVEL:
        labels.pop()
        if len(labels) > 1 and labels[-1] in _SECOND_LEVEL:
            labels.pop()
    key = re.sub(r"[^a-z0-9]+", "_", "_".join(labels)).strip("_")
    return key if re.match(r"[a-z]", key) else f"site_{key}"


def render_entry(key: str, fields: Mapping[str, object]) -> str:
    """`[sites.<key>]` with `fields` in FIELD_ORDER (others after them); strings, dates, lists of
    strings. Regular expressions are written as literal strings so backslashes stay readable."""
    names = [n for n in FIELD_ORDER if n in fields] + sorted(set(fields) - set(FIELD_ORDER))
    lines = [f"[sites.{key}]"]
    for name in names:
        value = fields[name]
        if isinstance(value, str):
            literal = name == "article_url"
            lines.append(f"{name} = {toml_string(value, literal=literal)}")
        elif isinstance(value, Sequence):
            lines.append(f"{name} = {_array([str(v) for v in value])}")
        else:  # a date: TOML writes it bare
            lines.append(f"{name} = {value}")
    return "\n".join(lines) + "\n"


def toml_string(value: str, *, literal: bool = False) -> str:
    """A TOML string: literal ('...') when asked and possible, else a basic one ("...")."""
    if literal and "'" not in value and "\n" not in value:
        return f"'{value}'"
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def _array(values: list[str]) -> str:
    if len(values) <= 1:
        return "[" + ", ".join(toml_string(v) for v in values) + "]"
    return "[\n" + "".join(f"    {toml_string(v)},\n" for v in values) + "]"
