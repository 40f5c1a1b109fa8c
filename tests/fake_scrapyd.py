"""A fake Scrapyd node for the dispatcher's unit tests: its JSON API (daemonstatus, schedule,
listjobs, cancel) on 127.0.0.1, with jobs that behave as the test says and write their
crawl_runs row the way a real crawl does (found by the claim token in the job's settings)."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from storage import make_engine, make_sessionmaker
from storage.claims import release_claim, take_claim
from storage.models import CrawlRun
from tests.replica.threaded import QuietHandler, ThreadedServer


@dataclass
class FakeJob:
    id: str
    spider: str
    fields: list[tuple[str, str]]
    state: str = "running"
    signals: list[str] = field(default_factory=list)

    @property
    def settings(self) -> dict[str, str]:
        pairs = (value.partition("=") for name, value in self.fields if name == "setting")
        return {name: value for name, _, value in pairs}

    @property
    def arguments(self) -> dict[str, str]:
        fixed = {"project", "spider", "jobid", "setting"}
        return {name: value for name, value in self.fields if name not in fixed}


class FakeNode(ThreadedServer):
    """`behaviour` is what each new job does: "finish" (its crawl closes its row `finished`
    after `duration` seconds), "hang" (runs until cancelled; SIGINT closes it `shutdown`),
    "refuse" (schedule.json answers an error: the project not deployed there).
    `busy` adds jobs of others to daemonstatus.json's running count. With `claims`, a job
    holds its site's claim while it runs, as a real crawl does (a holder on another host)."""

    def __init__(
        self,
        behaviour: str = "finish",
        *,
        duration: float = 0.2,
        busy: int = 0,
        claims: bool = False,
    ):
        self.behaviour = behaviour
        self.duration = duration
        self.busy = busy
        self.claims = claims
        self.jobs: dict[str, FakeJob] = {}
        self.lock = threading.Lock()
        super().__init__(self._handler())

    @property
    def node_url(self) -> str:
        return self.url + "/"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        node = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                self.answer(node.get(parts.path.lstrip("/"), parse_qs(parts.query)))

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                fields = [(k, v) for k, vs in parse_qs(body).items() for v in vs]
                self.answer(node.post(self.path.lstrip("/"), fields))

            def answer(self, payload: dict[str, object]) -> None:
                self.reply(200, {"Content-Type": "application/json"}, json.dumps(payload).encode())

        return Handler

    def get(self, endpoint: str, query: dict[str, list[str]]) -> dict[str, object]:
        with self.lock:
            jobs = list(self.jobs.values())
        if endpoint == "daemonstatus.json":
            running = sum(job.state == "running" for job in jobs) + self.busy
            return {"status": "ok", "running": running, "pending": 0, "finished": 0}
        if endpoint == "listjobs.json":
            listed = {state: [{"id": j.id, "spider": j.spider} for j in jobs if j.state == state]
                      for state in ("pending", "running", "finished")}  # fmt: skip
            return {"status": "ok", **listed}
        return {"status": "error", "message": f"no {endpoint}"}

    def post(self, endpoint: str, fields: list[tuple[str, str]]) -> dict[str, object]:
        given = dict(fields)
        if endpoint == "schedule.json" and self.behaviour == "refuse":
            return {"status": "error", "message": "project 'tinbao' not found"}
        if endpoint == "schedule.json":
            job = FakeJob(given["jobid"], given["spider"], fields)
            with self.lock:
                self.jobs[job.id] = job
            threading.Thread(target=self._crawl, args=(job,), daemon=True).start()
            return {"status": "ok", "jobid": job.id}
        if endpoint == "cancel.json":
            with self.lock:
                job = self.jobs[given["job"]]
                job.signals.append(given.get("signal", "INT"))
            return {"status": "ok", "prevstate": job.state}
        return {"status": "error", "message": f"no {endpoint}"}

    def _crawl(self, job: FakeJob) -> None:
        """What the crawl does to the archive: a `running` row, closed when it ends."""
        engine = make_engine(job.settings["TINBAO_DATABASE_URL"])
        sessions = make_sessionmaker(engine)
        token = job.settings["TINBAO_CLAIM_TOKEN"]
        holder = f"othernode:1:{token}"
        with sessions.begin() as session:
            if self.claims:
                taken = take_claim(session, job.spider, holder, now=datetime.now(UTC),
                                   lease=timedelta(minutes=1))  # fmt: skip
                assert taken.taken, taken
            run = CrawlRun(site=job.spider, started_at=datetime.now(UTC), status="running",
                           holder=holder)  # fmt: skip
            session.add(run)
            session.flush()
            run_id = run.id
        deadline = time.monotonic() + self.duration
        while True:
            time.sleep(0.02)
            if job.signals:
                status = "shutdown"
                break
            if self.behaviour == "finish" and time.monotonic() > deadline:
                status = "finished"
                break
        with sessions.begin() as session:
            row = session.get(CrawlRun, run_id)
            assert row is not None
            row.status, row.finished_at = status, datetime.now(UTC)
            if self.claims:
                release_claim(session, job.spider, holder)
        engine.dispose()
        job.state = "finished"
