"""`tinbao frontier SITE [--clear] [--json]`: the shared frontier of a backfill run on several
processes or machines (`tinbao backfill SITE --frontier URL`, docs/frontier.md): requests
queued, requests ever seen, and what each process has in hand. `--clear` forgets it (a new
backfill then walks the history again), refused while a process still uses it."""

from __future__ import annotations

import argparse
import json
from types import ModuleType
from typing import Any

from crawler.outcome import FAILED
from scheduler.commands.common import UsageError, check_sites, say, table

EXTRA = "a shared frontier needs the [frontier] extra: pip install 'tinbao[frontier]'"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("frontier", help="the shared frontier of a backfill in Redis")
    parser.add_argument("site", help="registry key, as `tinbao sites` shows it")
    add_frontier_option(parser, "the frontier's Redis URL (default $TINBAO_FRONTIER, else "
                                "redis://127.0.0.1:6379/0)")  # fmt: skip
    parser.add_argument("--clear", action="store_true",
                        help="forget the frontier (refused while a process uses it)")  # fmt: skip
    parser.add_argument("--json", action="store_true", help="one JSON object")
    parser.set_defaults(handler=run)


def add_frontier_option(parser: argparse.ArgumentParser, help: str) -> None:
    parser.add_argument("--frontier", metavar="URL", type=given_url, help=help)


def given_url(text: str) -> str:
    """An argparse type: a URL that is not empty (`--frontier "$UNSET"` would else be a
    backfill of its own, or the default server's frontier)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("takes a redis:// URL, not an empty one")
    return text


def status_module() -> ModuleType:
    """crawler.frontier.status, imported when needed: redis is an optional extra."""
    try:
        from crawler.frontier import status
    except ImportError:
        raise UsageError(EXTRA) from None
    return status


def reach(url: str) -> Any:
    """A client of the frontier's server at `url`, checked to answer: a UsageError for a URL
    that is not Redis's, FrontierUnusable (one line, exit status 1) for a server that is
    silent."""
    status = status_module()
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise UsageError(f"--frontier takes a redis:// URL, not {status.shown(url)!r}")
    try:
        return status.connect(url)
    except status.FrontierUrlWrong as exc:
        raise UsageError(str(exc)) from None


def run(options: argparse.Namespace) -> int:
    check_sites([options.site])
    status = status_module()
    try:
        status.frontier_keys(options.site)
    except ValueError as exc:  # a TINBAO_FRONTIER_KEY that makes no key
        raise UsageError(str(exc)) from None
    url = status.frontier_url(options.frontier)
    try:
        server = reach(url)
        with status.answering(url):
            return show_or_clear(options, status, server, url)
    except status.FrontierUnusable as exc:
        say(f"tinbao: {exc}")
        return FAILED


def show_or_clear(options: argparse.Namespace, status: ModuleType, server: Any, url: str) -> int:
    """Print the frontier's state, or clear it; its Redis errors are the caller's to report."""
    keys = status.frontier_keys(options.site)
    state = status.frontier_state(server, keys)
    if options.clear:
        if state.live_nodes:
            say(f"tinbao: the frontier of {options.site} is in use by {len(state.live_nodes)} "
                "process(es): stop them first")  # fmt: skip
            return FAILED
        deleted = status.clear_frontier(server, keys)
        if options.json:
            print(json.dumps({"site": options.site, "key": state.key, "cleared": deleted}))
        else:
            say(f"frontier of {options.site} cleared ({deleted} keys)")
        return 0
    if options.json:
        nodes = [vars(n) for n in state.nodes]
        print(json.dumps({"site": options.site, "key": state.key, "queued": state.queued,
                          "seen": state.seen, "nodes": nodes}))  # fmt: skip
        return 0
    print(f"frontier {state.key} on {status.shown(url)}")
    print(f"queued {state.queued}, seen {state.seen}, "
          f"in hand {sum(n.in_hand for n in state.nodes)}")  # fmt: skip
    if state.nodes:
        rows = [[n.node, str(n.in_hand),
                 f"alive ({n.lease_seconds:.0f}s lease)" if n.lease_seconds else "gone"]
                for n in state.nodes]  # fmt: skip
        print(table(["node", "in hand", "state"], rows))
    return 0
