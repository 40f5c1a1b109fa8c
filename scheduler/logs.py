"""The daemon's log: one line per crawl start and end, and what the schedule does; to stderr
(journald under systemd) and, when asked, to a file that rotates by size."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(
    *,
    level: str = "INFO",
    log_file: Path | None = None,
    max_bytes: int = 10 * 1024 * 1024,
    backups: int = 5,
    root: logging.Logger | None = None,
) -> list[logging.Handler]:
    """Send the daemon's records to stderr and, with `log_file`, to a rotating file; return
    the handlers added (tests remove them again). APScheduler's own chatter ("Running job ...")
    and Alembic's (each crawl opens the archive) are kept to warnings: tinbao logs each crawl
    itself."""
    target = root if root is not None else logging.getLogger()
    handlers: list[logging.Handler] = [logging.StreamHandler()]
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(
            logging.handlers.RotatingFileHandler(
                log_file, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
            )
        )
    formatter = logging.Formatter(FORMAT)
    for handler in handlers:
        handler.setFormatter(formatter)
        target.addHandler(handler)
    target.setLevel(level.upper())
    for chatty in ("apscheduler", "alembic"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    return handlers
