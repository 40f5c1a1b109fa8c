"""`tinbao serve [--host 127.0.0.1] [--port 8080]`: the web reader over the archive.

The reader (reader/) imports storage only; the papers of the registry and the provinces of the
2025 merger are read here and handed to it as a Directory. The archive is opened read-only
(storage.existing.open_read_only): no request can change it. It binds 127.0.0.1 unless told
otherwise: put a reverse proxy in front to publish it.
"""

from __future__ import annotations

import argparse

from crawler.provinces import MERGERS
from crawler.registry import Site, load_registry
from reader import Directory, Paper, create_app
from storage import database_url
from storage.existing import open_read_only

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("serve", help="the web reader over the archive (read-only)")
    parser.add_argument("--host", default=DEFAULT_HOST,
                        help=f"address to listen on (default {DEFAULT_HOST}: this machine "
                        "only)")  # fmt: skip
    parser.add_argument("--port", type=_port, default=DEFAULT_PORT,
                        help=f"port (default {DEFAULT_PORT})")  # fmt: skip
    parser.set_defaults(handler=run)


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 0 to 65535, not {value}")
    return value


def directory() -> Directory:
    """The registry's papers and the 34 units, as the reader names them."""
    return Directory.build((paper(site) for site in load_registry().values()), MERGERS)


def paper(site: Site) -> Paper:
    return Paper(site.key, site.name, site.province, site.province_before, site.status, site.home)


def run(options: argparse.Namespace) -> int:
    import uvicorn

    engine = open_read_only(database_url(options.database_url))
    try:
        app = create_app(engine, directory())
        uvicorn.run(app, host=options.host, port=options.port, log_level="info",
                    server_header=False, proxy_headers=False)  # fmt: skip
    finally:
        engine.dispose()
    return 0
