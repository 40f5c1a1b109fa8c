"""Registry regular expressions that could backtrack catastrophically are refused at load.

Python's `re` backtracks: `(a+)+$` searched in a URL of 30 `a`s and a `b` tries about 2^30 ways
to split the `a`s before it gives up, and a crawl matches `article_url` against every link it
meets, so one such pattern (and one hostile link) hangs the crawl. The usual shape of the
danger is a repeat of something that itself repeats: `(a+)+`, `(\\d*-)*`, `(?:x{1,9}){2,}`. It
is found in the pattern's parse tree (`re._parser`), never by running it, and refused whether or
not the two repeats could match the same text: the nested form is never needed in a URL pattern
(`(?:\\d+/)+` reads the same as `[\\d/]*\\d/`). Possessive repeats and atomic groups do not
backtrack and pass.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import Any

# the parser behind re.compile (typeshed knows only its deprecated alias, sre_parse)
sre_parse: Any = importlib.import_module("re._parser")
sre: Any = importlib.import_module("re._constants")

_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT)


def nested_repeat(pattern: str) -> str | None:
    """A description of the first repeat of a repeat in `pattern`, or None when it has none.
    `pattern` must compile (re.error otherwise)."""
    return _search(sre_parse.parse(pattern), inside=False)


def _search(items: Iterable[tuple[Any, Any]], *, inside: bool) -> str | None:
    """`inside`: the items are in the body of a repeat that may repeat more than once."""
    for op, av in items:
        if op in _REPEATS:
            low, high, body = av
            if high > 1 and inside:
                return f"a repeat inside a repeat ({_bounds(low, high)} within a repeated group)"
            found = _search(body, inside=inside or high > 1)
        elif op is sre.ATOMIC_GROUP or op is sre.POSSESSIVE_REPEAT:
            continue  # matched once and never backtracked into
        else:
            found = _children(op, av, inside)
        if found:
            return found
    return None


def _children(op: Any, av: Any, inside: bool) -> str | None:
    """The search in the sub-patterns of a group, branch, lookaround or conditional."""
    if op is sre.SUBPATTERN:
        return _search(av[3], inside=inside)
    if op is sre.BRANCH:
        return next((f for b in av[1] if (f := _search(b, inside=inside))), None)
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        return _search(av[1], inside=inside)
    if op is sre.GROUPREF_EXISTS:
        branches = [b for b in av[1:] if b is not None]
        return next((f for b in branches if (f := _search(b, inside=inside))), None)
    return None


def _bounds(low: int, high: int) -> str:
    if high == sre.MAXREPEAT:
        return {0: "*", 1: "+"}.get(low, f"{{{low},}}")
    return f"{{{low},{high}}}"


def check_backtracking(pattern: str) -> None:
    """Raise ValueError naming the danger when `pattern` nests repeats."""
    found = nested_repeat(pattern)
    if found:
        raise ValueError(
            f"regular expression {pattern!r} may backtrack catastrophically: {found}; "
            "write it without repeating a group that repeats"
        )


__all__ = ["check_backtracking", "nested_repeat"]
