"""tinbao's web reader: a read-only, server-rendered view of the archive (`tinbao serve`).

It imports storage only; the papers and provinces it names come in a Directory built by the
caller (scheduler/commands/serve.py reads the registry). See docs/reader.md.
"""

from reader.app import create_app
from reader.directory import Directory, Paper, Province

__all__ = ["Directory", "Paper", "Province", "create_app"]
