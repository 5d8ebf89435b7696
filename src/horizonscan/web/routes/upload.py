"""Uploading files and URLs into a collection: a background job, one line per input."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import RedirectResponse, Response

from ...accounts import DEFAULT_COLLECTION, Principal
from ...store import jobs
from ..app import API, not_found, page
from ..authz import AuthError, require, user
from ..security import client_ip

router = APIRouter()
MAX_FILES = 50
MAX_URLS = 20
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_URL = re.compile(r"^https?://[^\s/?#]+[^\s]{0,2000}$", re.IGNORECASE)
_JOB = re.compile(r"^[0-9a-f]{32}$")
JobId = Annotated[str, PathParam(max_length=32, description="upload job id (32 hex digits)")]


def _save(files: list[UploadFile], folder: Path, limit: int) -> list[tuple[str, Path | None, str | None]]:
    """Write uploads to ``folder``: (original name, saved path or None, error)."""
    out: list[tuple[str, Path | None, str | None]] = []
    for i, up in enumerate(files):
        # control characters (NUL above all: PostgreSQL text cannot hold it) never reach the job's rows
        name = "".join(ch for ch in (up.filename or "") if ch >= " " and ch != "\x7f")
        original = (name or f"file-{i}").replace("\\", "/").rsplit("/", 1)[-1][:200] or f"file-{i}"
        safe = _SAFE.sub("_", original).lstrip(".") or f"file-{i}"
        path = folder / f"{i:02d}-{safe}"
        size = 0
        with path.open("wb") as fh:
            while chunk := up.file.read(1 << 20):
                size += len(chunk)
                if size > limit:
                    break
                fh.write(chunk)
        if size > limit:
            path.unlink()
            out.append((original, None, f"E513 larger than {limit} bytes"))
        else:
            out.append((original, path, None))
    return out


def create_job(request: Request, who: Principal, collection: str, files: list[UploadFile], urls: list[str]) -> str:
    """Save the inputs in a spool folder, record an upload job for the background worker; its id.

    Inputs refused at once (too large, not a web address, fetching turned off) are
    recorded as finished items with their reason, so the job lists every input.
    """
    app = request.app
    if not who.can_write(collection):
        raise AuthError(403, "E526", "you may not add documents to this collection")
    if urls and not who.can_fetch_urls:
        raise AuthError(403, "E527", "only editors and admins may fetch URLs")
    if len(files) > MAX_FILES or len(urls) > MAX_URLS:
        raise AuthError(400, "E528", f"at most {MAX_FILES} files and {MAX_URLS} URLs per upload")
    if not files and not urls:
        raise AuthError(400, "E528", "nothing to upload: choose files or enter URLs")
    if who.is_admin and collection not in {c["id"] for c in app.state.accounts.collections(who)}:
        raise AuthError(400, "E508", "no such collection")  # others may only name collections granted to them
    job_id = secrets.token_hex(16)
    folder = (Path(app.state.config.upload_dir) / dt.date.today().isoformat() / job_id[:16]).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    items: list[dict[str, Any]] = []
    for name, path, err in _save(files, folder, app.state.config.max_upload):
        items.append({"kind": "file", "name": name, "input": str(path) if path else None,
                      **({"status": "skipped", "reason": err} if err else {})})
    for u in urls:
        item: dict[str, Any] = {"kind": "url", "name": u[:200], "input": u}
        if not _URL.match(u):  # only web addresses: anything else would be read as a path on the server
            item.update(input=None, status="skipped", reason="E124 not an http(s) URL")
        elif not app.state.config.fetch_urls:
            item.update(status="skipped", reason="E527 fetching URLs is turned off on this server")
        items.append(item)
    jobs.create_job(app.state.store.engine, job_id, who.user_id, collection, str(folder), app.state.config.analyse_uploads, items)
    app.state.accounts.audit("upload", who, target=collection, ip=client_ip(request.scope),
                             detail={"job": job_id, "files": len(files), "urls": len(urls)})
    app.state.jobs.wake()
    return job_id


def own_job(request: Request, job_id: str) -> dict[str, Any]:
    """The job if the user owns it (admins: any job); the same 404 whether it is missing or foreign."""
    who = user(request)
    job = jobs.get_job(request.app.state.store.engine, job_id) if _JOB.match(job_id) else None
    if job is None or (job["user_id"] != who.user_id and not who.is_admin):
        raise not_found()
    return job


def job_json(job: dict[str, Any]) -> dict[str, Any]:
    from ...ingest.run import summarise

    def when(value: Any) -> str | None:  # SQLite gives naive datetimes back; all are written in UTC
        if value is None:
            return None
        return (value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)).isoformat()

    return {
        "id": job["id"], "status": job["status"], "collection": job["collection_id"], "user": job["user_name"],
        "total": job["total"], "processed": job["processed"], "created_at": when(job["created_at"]),
        "finished_at": when(job["finished_at"]),
        # added, duplicates, near-duplicates, failed: the CLI's words (inputs still waiting are in none)
        "summary": summarise(i["status"] for i in job["items"]),
        "items": [{"name": i["name"], "kind": i["kind"], "status": i["status"], "document_id": i["document_id"],
                   "title": i["title"], "reason": i["reason"]} for i in job["items"]],
    }


def _writable(request: Request, who: Principal) -> list[dict[str, Any]]:
    return [c for c in request.app.state.accounts.collections(who) if who.can_write(c["id"])]


def _form_context(request: Request, who: Principal) -> dict[str, Any]:
    recent = jobs.list_jobs(request.app.state.store.engine, who.user_id, limit=10)
    return {"collections": _writable(request, who), "recent": recent}


@router.get("/upload", dependencies=[require("upload")], include_in_schema=False)
def upload_form(request: Request) -> Response:
    who = user(request)
    return page(request, "upload.html", {**_form_context(request, who), "job": None})


@router.post("/upload", dependencies=[require("upload")], include_in_schema=False)
def upload(
    request: Request,
    collection: Annotated[str, Form(max_length=64)] = DEFAULT_COLLECTION,
    files: Annotated[list[UploadFile] | None, File()] = None,
    urls: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    who = user(request)
    url_list = [u.strip() for u in urls.splitlines() if u.strip()]
    job_id = create_job(request, who, collection, [f for f in files or [] if f.filename], url_list)
    if request.headers.get("hx-request"):  # the progress list, which polls until the job is done
        return page(request, "upload_job.html", {"job": job_json(own_job(request, job_id))})
    return RedirectResponse(f"/upload/jobs/{job_id}", status_code=303)


@router.get("/upload/jobs/{job_id}", dependencies=[require("read")], include_in_schema=False)
def upload_job_page(request: Request, job_id: JobId) -> Response:
    job = job_json(own_job(request, job_id))
    if request.headers.get("hx-request"):
        return page(request, "upload_job.html", {"job": job})
    who = user(request)
    return page(request, "upload.html", {**_form_context(request, who), "job": job, "collection": job["collection"]})


@router.post(f"{API}/uploads", dependencies=[require("upload")], tags=["upload"], status_code=202)
def api_upload(
    request: Request,
    response: Response,
    collection: Annotated[str, Form(max_length=64)] = DEFAULT_COLLECTION,
    files: Annotated[list[UploadFile] | None, File()] = None,
    urls: Annotated[str, Form(max_length=20_000, description="one URL per line (editors and admins)")] = "",
) -> dict[str, Any]:
    """Upload files (multipart ``files``) and/or URLs into a collection.

    Answers 202 at once with the job (``Location``: ``/api/v1/uploads/{id}``); the inputs
    are analysed in the background. Poll the job until ``status`` is ``done``: one item
    per input with ``added``, ``duplicate``, ``near-duplicate`` or ``skipped`` and a reason,
    and ``summary`` counting them as ``added``, ``duplicates``, ``near_duplicates`` and ``failed``.
    """
    who = user(request)
    url_list = [u.strip() for u in urls.splitlines() if u.strip()]
    job_id = create_job(request, who, collection, [f for f in files or [] if f.filename], url_list)
    location = f"{API}/uploads/{job_id}"
    response.headers["location"] = location
    return {**job_json(own_job(request, job_id)), "location": location}


@router.get(f"{API}/uploads/{{job_id}}", dependencies=[require("read")], tags=["upload"])
def api_upload_job(request: Request, job_id: JobId) -> dict[str, Any]:
    """One upload job (yours; admins: any): ``status`` queued, running or done, progress, one item per input."""
    return job_json(own_job(request, job_id))
