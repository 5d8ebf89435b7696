"""SQL for upload jobs: uploads from the web workspace, analysed in the background.

A job is created by the request (one item per file or URL, the files already saved in
its spool folder) and processed by a worker thread of any web process. The state lives
here, so any process can answer a poll; a worker *claims* a job with one conditional
UPDATE (queued, or running without a heartbeat for ``stale_s`` seconds: its process
died), so two workers never process the same job and a restarted server resumes it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from .schema import document_inputs, upload_items, upload_jobs, users

FINAL = ("added", "duplicate", "near-duplicate", "skipped")  # item results; "queued"/"running" are not final


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def create_job(engine: Engine, job_id: str, user_id: int, collection_id: str, spool: str, analyse: bool,
               items: Iterable[dict[str, Any]]) -> None:
    """Insert a job and its items; items with a ``status`` (refused at upload time) start finished."""
    now = _now()
    rows = []
    for position, item in enumerate(items):
        status = item.get("status") or "queued"
        rows.append({"job_id": job_id, "position": position, "kind": item["kind"], "name": item["name"],
                     "input": item.get("input"), "status": status, "reason": item.get("reason"),
                     "finished_at": now if status != "queued" else None})
    done = sum(r["status"] != "queued" for r in rows)
    with engine.begin() as conn:
        conn.execute(upload_jobs.insert().values(
            id=job_id, user_id=user_id, collection_id=collection_id, spool=spool, analyse=analyse, total=len(rows),
            processed=done, status="queued" if done < len(rows) else "done", created_at=now,
            finished_at=None if done < len(rows) else now))
        if rows:
            conn.execute(upload_items.insert(), rows)


def claim_job(engine: Engine, worker: str, stale_s: float) -> dict[str, Any] | None:
    """Claim the oldest job that is queued or whose worker stopped beating; None when there is none."""
    j = upload_jobs.c
    now = _now()
    stale = now - dt.timedelta(seconds=stale_s)
    claimable = sa.or_(j.status == "queued", sa.and_(j.status == "running", sa.or_(j.heartbeat_at.is_(None), j.heartbeat_at < stale)))
    with engine.connect() as conn:
        candidates = conn.execute(sa.select(j.id).where(claimable).order_by(j.created_at, j.id).limit(5)).scalars().all()
    for job_id in candidates:
        with engine.begin() as conn:
            res = conn.execute(upload_jobs.update().where(j.id == job_id, claimable).values(
                status="running", claimed_by=worker, heartbeat_at=now, started_at=sa.func.coalesce(j.started_at, now)))
            if res.rowcount == 1:
                row = conn.execute(sa.select(upload_jobs).where(j.id == job_id)).first()
                return dict(row._mapping) if row else None
    return None


def release_dead(engine: Engine, is_dead: Callable[[str], bool]) -> int:
    """Make running jobs whose worker ``is_dead`` claimable at once (rather than after the
    heartbeat timeout); the number released."""
    j = upload_jobs.c
    with engine.connect() as conn:
        running = conn.execute(sa.select(j.id, j.claimed_by).where(j.status == "running")).all()
    dead = [r for r in running if r.claimed_by and is_dead(r.claimed_by)]
    with engine.begin() as conn:
        for r in dead:
            conn.execute(upload_jobs.update().where(j.id == r.id, j.claimed_by == r.claimed_by, j.status == "running")
                         .values(heartbeat_at=None))
    return len(dead)


def heartbeat(engine: Engine, job_id: str, worker: str) -> bool:
    """Mark the job as alive; False when another worker has taken it over."""
    j = upload_jobs.c
    with engine.begin() as conn:
        res = conn.execute(upload_jobs.update().where(j.id == job_id, j.claimed_by == worker, j.status == "running")
                           .values(heartbeat_at=_now()))
        return res.rowcount == 1


def pending_items(engine: Engine, job_id: str) -> list[dict[str, Any]]:
    """Items not finished yet (queued, or running when the previous worker died), in order."""
    i = upload_items.c
    with engine.connect() as conn:
        rows = conn.execute(sa.select(upload_items).where(i.job_id == job_id, i.status.in_(("queued", "running")))
                            .order_by(i.position, i.id)).all()
    return [dict(r._mapping) for r in rows]


def start_item(engine: Engine, item_id: int) -> None:
    """Mark an item running and count the attempt (committed before its work starts, so a
    server killed while working on it leaves the count behind)."""
    i = upload_items.c
    with engine.begin() as conn:
        conn.execute(upload_items.update().where(i.id == item_id).values(status="running", attempts=i.attempts + 1))


def finish_item(engine: Engine, job_id: str, item_id: int, results: list[dict[str, Any]]) -> None:
    """Record an item's results: the first on the item itself, further documents of the same input
    (feed entries, e-mail attachments) as extra finished items of the job."""
    now = _now()
    i, j = upload_items.c, upload_jobs.c
    first, extra = results[0], results[1:]
    with engine.begin() as conn:
        item = conn.execute(sa.select(i.position, i.kind).where(i.id == item_id)).first()
        conn.execute(upload_items.update().where(i.id == item_id).values(
            name=first["name"], status=first["status"], document_id=first.get("document_id"), title=first.get("title"),
            reason=first.get("reason"), finished_at=now))
        if extra and item is not None:
            conn.execute(upload_items.insert(), [
                {"job_id": job_id, "position": item.position, "kind": item.kind, "name": r["name"], "input": None,
                 "status": r["status"], "document_id": r.get("document_id"), "title": r.get("title"),
                 "reason": r.get("reason"), "finished_at": now} for r in extra])
        conn.execute(upload_jobs.update().where(j.id == job_id).values(
            processed=j.processed + 1 + len(extra), total=j.total + len(extra), heartbeat_at=now))


def finish_job(engine: Engine, job_id: str) -> None:
    j = upload_jobs.c
    with engine.begin() as conn:
        conn.execute(upload_jobs.update().where(j.id == job_id).values(status="done", finished_at=_now()))


def get_job(engine: Engine, job_id: str) -> dict[str, Any] | None:
    """A job with its owner's name and its items (in upload order)."""
    j, i = upload_jobs.c, upload_items.c
    with engine.connect() as conn:
        row = conn.execute(sa.select(upload_jobs, users.c.name.label("user_name")).join(users, users.c.id == j.user_id)
                           .where(j.id == job_id)).first()
        if row is None:
            return None
        items = conn.execute(sa.select(upload_items).where(i.job_id == job_id).order_by(i.position, i.id)).all()
    job = dict(row._mapping)
    job["items"] = [dict(r._mapping) for r in items]
    return job


def list_jobs(engine: Engine, user_id: int | None, limit: int = 10) -> list[dict[str, Any]]:
    """Latest jobs (of one user, or of everyone for None)."""
    j = upload_jobs.c
    q = sa.select(j.id, j.collection_id, j.status, j.total, j.processed, j.created_at, j.finished_at).order_by(
        j.created_at.desc(), j.id).limit(limit)
    if user_id is not None:
        q = q.where(j.user_id == user_id)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(q)]


def created_by(engine: Engine, doc_ids: Iterable[str], input: str, since: dt.datetime) -> set[str]:
    """The ids among ``doc_ids`` first stored from ``input`` at or after ``since`` (the job's start).

    A resumed job sees the documents it wrote before the kill as duplicates; this tells
    them apart from documents that really existed before the upload (also when the same
    URL was ingested earlier from elsewhere).
    """
    ids = sorted(set(doc_ids))
    if not ids:
        return set()
    d = document_inputs.c
    first = sa.select(d.document_id, sa.func.min(d.id).label("first")).where(d.document_id.in_(ids)).group_by(d.document_id).subquery()
    q = (sa.select(first.c.document_id).join(document_inputs, document_inputs.c.id == first.c.first)
         .where(d.input.startswith(input, autoescape=True), d.seen_at >= since))
    with engine.connect() as conn:
        return set(conn.execute(q).scalars())
