"""The daemon's hold on the scheduling lock in the archive: taken, renewed, given back.

Only the holder runs the job store (APScheduler's job stores must never be shared by two
schedulers). A daemon that cannot reach the database keeps believing in its lease only until
the lease would have expired: by then another daemon may have taken over.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from storage.daemon import acquire_lock, lock_state, release_lock

logger = logging.getLogger("tinbao.daemon")


def holder_id() -> str:
    """host:pid:random, unique per daemon process and readable in `tinbao schedule`."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Lease:
    def __init__(self, sessions: sessionmaker[Session], lease: timedelta, holder: str = ""):
        self.sessions = sessions
        self.lease = lease
        self.holder = holder or holder_id()
        self.held = False
        self.valid_until: datetime | None = None
        self._told_passive = False

    def renew(self, now: datetime) -> bool:
        """Take or renew the lock at `now`; whether this daemon may schedule."""
        try:
            with self.sessions.begin() as session:
                held = acquire_lock(session, self.holder, now=now, lease=self.lease)
                other = None if held else lock_state(session)
        except SQLAlchemyError as exc:
            still = self.held and self.valid_until is not None and now < self.valid_until
            logger.warning("scheduling lock: database unreachable (%s); %s", type(exc).__name__,
                           "keeping the lease for now" if still else "not scheduling")  # fmt: skip
            self.held = still
            return still
        if held:
            self.valid_until = now + self.lease
            if not self.held:
                logger.info("scheduling lock taken by %s", self.holder)
            self._told_passive = False
        elif self.held or not self._told_passive:
            holder = other.holder if other is not None else "?"
            logger.warning("scheduling lock held by %s: standing by until it expires", holder)
            self._told_passive = True
        self.held = held
        return held

    def release(self) -> None:
        if not self.held:
            return
        try:
            with self.sessions.begin() as session:
                release_lock(session, self.holder)
        except SQLAlchemyError as exc:
            logger.warning("scheduling lock: could not release (%s)", type(exc).__name__)
        self.held = False
        logger.info("scheduling lock released by %s", self.holder)
