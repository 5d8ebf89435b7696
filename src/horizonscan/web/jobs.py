"""The background worker that analyses uploads (one thread per web process).

``JobRunner.start(persistent=True)`` runs at server start-up: it resumes jobs left
unfinished by a killed server and then keeps polling (a job whose process died is
taken over once its heartbeat is ``stale_s`` old). A request that creates a job calls
``wake()``, which also starts the thread when the app was not started through its
lifespan (tests); such a thread stops after a minute without work.

Inputs are read and analysed in worker processes, several at once and each under hard
limits of time, memory and output (``horizonscan.workers``, docs/workers.md), then stored
here in upload order (store, put in the collection) with each result recorded as soon as it
and those before it are done. An error in one input never loses the others, and a kill
loses at most the inputs in progress, which are redone on resume; an input started twice
without finishing (the server died on it each time) is skipped with E532.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from typing import Any

from ..store import jobs as sj

log = logging.getLogger("horizonscan.web.jobs")
IDLE_EXIT_S = 60.0
# An input whose processing was started this often without finishing (the server died each time)
# is skipped with E532; limits hit inside a worker are retried once by the pool itself.
MAX_ATTEMPTS = 2


def _contained(exc: BaseException) -> str:
    """The reason shown for an input that failed on an unexpected error (logged in full)."""
    log.error("upload input failed", exc_info=exc)
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
    return f"E530 could not process this input: {first}"


class JobRunner:
    def __init__(self, app_state: Any, *, poll_s: float = 2.0, stale_s: float = 60.0) -> None:
        self.state = app_state
        self.poll_s, self.stale_s = poll_s, stale_s
        self.worker = f"{socket.gethostname()[:30]}:{os.getpid()}:{secrets.token_hex(4)}"
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._persistent = False
        self._pool: Any = None

    @property
    def engine(self) -> Any:
        return self.state.store.engine

    # ------------------------------------------------------------ control
    def start(self, persistent: bool = True) -> None:
        if persistent:  # server start-up: jobs of a killed process on this machine are resumed at once
            try:
                sj.release_dead(self.engine, self._dead)
            except Exception:
                log.exception("looking for uploads of killed processes failed")
            try:  # the models load in the background, not when the first upload arrives
                self.pool().prestart()
            except Exception:
                log.exception("starting the analysis workers failed; they start with the first upload")
        with self._lock:
            self._persistent = self._persistent or persistent
            self._stop.clear()
            self._wake.set()  # look for work at once (resume)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="horizonscan-uploads", daemon=True)
                self._thread.start()

    def _dead(self, worker: str) -> bool:
        """Whether ``worker`` (host:pid:nonce) was a process of this machine that no longer runs
        (or an earlier server whose pid this process reuses, as in a restarted container)."""
        host, _, rest = worker.partition(":")
        pid = rest.partition(":")[0]
        if host != socket.gethostname()[:30] or not pid.isdigit():
            return False  # another machine: wait for its heartbeat to go stale
        if int(pid) == os.getpid():
            return worker != self.worker
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except (PermissionError, OverflowError):
            return False
        return False

    def wake(self) -> None:
        """A job was created: process it (starting the thread if needed)."""
        self.start(persistent=False)

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        if self._pool is not None and (thread is None or not thread.is_alive()):
            self._pool.close()

    # ------------------------------------------------------------ the loop
    def _loop(self) -> None:
        idle_since = time.monotonic()
        while not self._stop.is_set():
            self._wake.clear()
            try:
                job = sj.claim_job(self.engine, self.worker, self.stale_s)
            except Exception:  # the store is unreachable for a moment: try again later
                log.exception("claiming an upload job failed")
                job = None
            if job is not None:
                self._run(job)
                idle_since = time.monotonic()
                continue
            if self._wake.wait(self.poll_s):
                continue
            if self._pool is not None and time.monotonic() - self._pool.last_used > IDLE_EXIT_S:
                self._pool.close()  # an idle server gives the workers' memory back; they restart on demand
            with self._lock:
                if not self._persistent and not self._wake.is_set() and time.monotonic() - idle_since > IDLE_EXIT_S:
                    self._thread = None
                    if self._pool is not None:
                        self._pool.close()
                    return

    def _run(self, job: dict[str, Any]) -> None:
        job_id = job["id"]
        beating = threading.Event()

        def beat() -> None:  # keeps the claim alive while one long input is analysed or fetched
            while not beating.wait(min(10.0, self.stale_s / 3)):
                try:
                    sj.heartbeat(self.engine, job_id, self.worker)
                except Exception:
                    log.exception("upload job heartbeat failed")

        ticker = threading.Thread(target=beat, name="horizonscan-upload-heartbeat", daemon=True)
        ticker.start()
        try:
            if self._process_items(job):
                sj.finish_job(self.engine, job_id)
                self._audit_done(job_id)
        except Exception:
            log.exception("upload job %s failed; it will be resumed", job_id)
        finally:
            beating.set()

    def pool(self) -> Any:
        """The worker processes that read and analyse uploads (started when first needed).

        Always separate processes, also for one worker: the hard limits on time, memory and
        output only hold there (a thread cannot be stopped)."""
        from ..workers import Limits, Pool, warm_analyser

        if self._pool is None:
            settings = self.state.settings
            self._pool = Pool(settings.workers, Limits.from_settings(settings), isolate=True, warm=warm_analyser)
        return self._pool

    def _process_items(self, job: dict[str, Any]) -> bool:
        """Ingest the job's unfinished inputs, several at once in the pool, recording each one's result
        as soon as it and those before it are done; False when the job was left to another worker."""
        from ..ingest.run import ingest_items
        from ..ingest.sources import Item, expand

        job_id = job["id"]
        left = False
        runnable = []
        for item in sj.pending_items(self.engine, job_id):
            if item["attempts"] >= MAX_ATTEMPTS:  # started that often and never finished: its server died each time
                sj.finish_item(self.engine, job_id, item["id"], [{
                    "name": item["name"], "status": "skipped",
                    "reason": f"E532 processing this input stopped the server {item['attempts']} times; not tried again"}])
            else:
                runnable.append(item)

        def inputs() -> Any:  # pulled by the pool as workers get free
            nonlocal left
            for item in runnable:
                if self._stop.is_set() or not sj.heartbeat(self.engine, job_id, self.worker):
                    left = True  # shutting down, or another worker took the job over
                    return
                sj.start_item(self.engine, item["id"])
                # a saved file or a URL is exactly one input (a vanished file: an item with its error)
                found = next(iter(expand([item["input"]])), None)
                yield item, found or Item(item["input"], error="E107 no such file or folder")

        # new documents go into the job's collection in their own write transaction;
        # duplicates only among what the uploader may read (docs/security.md)
        scope = self.state.accounts.uploader_scope(job["user_id"])
        for item, outcomes in ingest_items(inputs(), self.state.store, self.state.settings, analyse=bool(job["analyse"]),
                                           collections=[job["collection_id"]], scope=scope, pool=self.pool(),
                                           contain=_contained):
            sj.finish_item(self.engine, job_id, item["id"], self._results(job, item, outcomes))
        return not left

    def _results(self, job: dict[str, Any], item: dict[str, Any], outcomes: list[Any]) -> list[dict[str, Any]]:
        """One input's outcomes as item rows (never raises)."""
        spool = str(job["spool"]).rstrip("/") + "/"
        try:
            stored = [o.document_id for o in outcomes if o.document_id]
            duplicates = [o.document_id for o in outcomes if o.document_id and o.status == "duplicate"]
            # a document this job wrote before a kill comes back as a duplicate: it is still new
            mine = sj.created_by(self.engine, duplicates, item["input"], job["created_at"])
            self.state.accounts.add_documents(job["collection_id"], stored, [d for d in duplicates if d not in mine])
        except Exception as exc:  # a bug or the store failing for this input: record it, go on
            log.exception("upload item %s of job %s failed", item["id"], job["id"])
            return [{"name": item["name"], "status": "skipped", "reason": _contained(exc)}]
        if not outcomes:
            return [{"name": item["name"], "status": "skipped", "reason": "E101 no text found"}]
        out = []
        for o in outcomes:
            reason = o.reason.replace(spool, "") if o.reason else None
            name = item["name"]
            if len(outcomes) > 1:  # feed entries (by their link), e-mail attachments (file#attachment)
                rest = o.input[len(item["input"]):] if o.input.startswith(item["input"]) else f": {o.input}"
                name += rest
            out.append({"name": name[:500], "status": o.status, "document_id": o.document_id, "title": o.title,
                        "reason": reason})
        return out

    def _audit_done(self, job_id: str) -> None:
        job = sj.get_job(self.engine, job_id)
        if job is None:
            return
        from ..ingest.run import summarise

        items = job["items"]
        self.state.accounts.audit(
            "upload-done", job["user_name"], target=job["collection_id"],
            detail={"job": job_id, "inputs": len(items), **summarise(i["status"] for i in items)})
