"""Fault modes of the replica server: what the web throws at a crawler, by request target.

`ReplicaServer(site, faults={"/some-a1.html": Fault("status", status=503, times=2)})` answers the
first two requests for that target with 503, then serves the page. Each fault counts the
requests it spoiled (`fault.hits`).
"""

from __future__ import annotations

import gzip
import unicodedata
from dataclasses import dataclass, field
from functools import cache


@dataclass
class Fault:
    """kind: "status" (answer `status` with `headers`/`body`), "body" (200 with `body` and
    `headers` instead of the page), "redirect" (to `location`; "{base}" is the server's URL),
    "timeout" (wait `delay` seconds, then serve), "reset" (close the connection at once),
    "gzip_bomb" (a small gzip that inflates past any size cap)."""

    kind: str
    status: int = 503
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    location: str = ""
    delay: float = 0.0
    times: int = 1_000_000
    hits: int = 0

    def applies(self) -> bool:
        """True (and counted) while the fault has requests left to spoil."""
        if self.hits >= self.times:
            return False
        self.hits += 1
        return True


@cache
def gzip_bomb(megabytes: int = 64) -> bytes:
    """`megabytes` of zeros, gzipped: a few dozen kilobytes on the wire."""
    return gzip.compress(b"\0" * (megabytes * 1024 * 1024), compresslevel=9, mtime=0)


def windows_1258(text: str) -> bytes:
    """Vietnamese text as windows-1258 bytes: base letters with ă â ê ô ơ ư đ precomposed and
    the tone marks as combining characters, the way that code page spells them."""
    decomposed = unicodedata.normalize("NFD", text)
    keep = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn belong to the letter
    out: list[str] = []
    base = -1  # index in `out` of the last letter that takes the marks after it
    for char in decomposed:
        if char in keep and base >= 0:
            out[base] = unicodedata.normalize("NFC", out[base] + char)
            continue
        if not unicodedata.combining(char):
            base = len(out)
        out.append(char)
    return "".join(out).encode("cp1258", errors="replace")
