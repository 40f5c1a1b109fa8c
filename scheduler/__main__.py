"""`python -m scheduler [OPTIONS]` is `tinbao daemon [OPTIONS]`: how tinbao runs in production."""

from __future__ import annotations

import sys

from scheduler.cli import main

if __name__ == "__main__":
    sys.exit(main(["daemon", *sys.argv[1:]]))
