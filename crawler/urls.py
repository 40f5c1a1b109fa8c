"""One article, many URLs: tracking parameters, fragments, `www.`/`m.`/AMP variants, a
trailing slash. `clean_url` makes a URL fit to fetch and store (it still works as typed);
`url_key` makes the key two spellings of one page share, for recognising them."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING = re.compile(
    r"^(?:utm_\w+|fbclid|gclid|dclid|msclkid|gidzl|zarsrc|_ga|_gl|mc_cid|mc_eid|igshid|ocid|"
    r"cmpid|ref_src|at_\w+|__twitter_impression|share|fb_\w+)$",
    re.IGNORECASE,
)
_HOST_PREFIXES = ("www.", "m.", "amp.", "mobile.")
_AMP_PATH = re.compile(r"(?:^/amp(?=/)|/amp/?$|\.amp(?=\.html?$))", re.IGNORECASE)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def clean_url(url: str) -> str:
    """Without fragment and tracking parameters, scheme and host in lower case, no default port."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port is None or _DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)
    ]
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))


def url_key(url: str) -> str:
    """The same key for http/https, `www.`/`m.`/`amp.` hosts, AMP paths, a trailing slash and
    parameters in another order: "baocantho.com.vn/tin-a1.html"."""
    parts = urlsplit(clean_url(url))
    host = parts.hostname or ""
    for prefix in _HOST_PREFIXES:
        host = host.removeprefix(prefix)
    if parts.port:
        host = f"{host}:{parts.port}"
    path = _AMP_PATH.sub("", parts.path).rstrip("/") or "/"
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                   if k.lower() not in ("amp", "outputtype"))  # fmt: skip
    return host + path + (f"?{urlencode(query)}" if query else "")
