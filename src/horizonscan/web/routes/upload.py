"""Uploading files and URLs into a collection, with one line per input."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from ...accounts import DEFAULT_COLLECTION, Principal
from ..app import API, page
from ..authz import AuthError, require, user
from ..security import client_ip

router = APIRouter()
MAX_FILES = 50
MAX_URLS = 20
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_URL = re.compile(r"^https?://[^\s/?#]+[^\s]{0,2000}$", re.IGNORECASE)


@dataclass
class Line:
    name: str  # file name or URL as given
    status: str  # added, duplicate, near-duplicate, skipped
    document_id: str | None
    reason: str | None
    title: str | None


def _save(files: list[UploadFile], folder: Path, limit: int) -> list[tuple[str, Path | None, str | None]]:
    """Write uploads to ``folder``: (original name, saved path or None, error)."""
    out: list[tuple[str, Path | None, str | None]] = []
    for i, up in enumerate(files):
        original = (up.filename or f"file-{i}").replace("\\", "/").rsplit("/", 1)[-1][:200] or f"file-{i}"
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


def run_upload(request: Request, who: Principal, collection: str, files: list[UploadFile], urls: list[str]) -> list[Line]:
    """Store the inputs, put their documents in ``collection``, record the upload in the audit log."""
    from ...ingest.run import ingest

    app = request.app
    if not who.can_write(collection):
        raise AuthError(403, "E526", "you may not add documents to this collection")
    if urls and not who.can_fetch_urls:
        raise AuthError(403, "E527", "only editors and admins may fetch URLs")
    if len(files) > MAX_FILES or len(urls) > MAX_URLS:
        raise AuthError(400, "E528", f"at most {MAX_FILES} files and {MAX_URLS} URLs per upload")
    folder = Path(app.state.config.upload_dir) / dt.date.today().isoformat() / secrets.token_hex(8)
    folder.mkdir(parents=True, exist_ok=True)
    saved = _save(files, folder, app.state.config.max_upload)
    names = {str(p): name for name, p, _ in saved if p is not None}
    lines = [Line(name, "skipped", None, err, None) for name, p, err in saved if err]
    # Only web addresses: anything else would be read as a path on the server.
    bad = [u for u in urls if not _URL.match(u)]
    lines += [Line(u[:200], "skipped", None, "E124 not an http(s) URL", None) for u in bad]
    urls = [u for u in urls if _URL.match(u)]
    if not app.state.config.fetch_urls:
        lines += [Line(u[:200], "skipped", None, "E527 fetching URLs is turned off on this server", None) for u in urls]
        urls = []
    inputs = [str(p) for _, p, _ in saved if p is not None] + urls
    if inputs:
        report = ingest(inputs, app.state.store, app.state.settings, analyse=app.state.config.analyse_uploads)
        for o in report.outcomes:
            label = names.get(o.input) or next((n for k, n in names.items() if o.input.startswith(k)), o.input)
            reason = o.reason.replace(str(folder) + "/", "") if o.reason else None
            lines.append(Line(label, o.status, o.document_id, reason, o.title))
    stored = [line.document_id for line in lines if line.document_id]
    existing = [line.document_id for line in lines if line.document_id and line.status == "duplicate"]
    app.state.accounts.add_documents(collection, stored, existing)  # type: ignore[arg-type]
    app.state.accounts.audit("upload", who, target=collection, ip=client_ip(request.scope),
                             detail={"inputs": len(lines), "stored": len(stored), "skipped": sum(line.status == "skipped" for line in lines)})
    return lines


def _writable(request: Request, who: Principal) -> list[dict[str, Any]]:
    return [c for c in request.app.state.accounts.collections(who) if who.can_write(c["id"])]


@router.get("/upload", dependencies=[require("upload")], include_in_schema=False)
def upload_form(request: Request) -> Response:
    who = user(request)
    return page(request, "upload.html", {"collections": _writable(request, who), "lines": None})


@router.post("/upload", dependencies=[require("upload")], include_in_schema=False)
def upload(
    request: Request,
    collection: Annotated[str, Form(max_length=64)] = DEFAULT_COLLECTION,
    files: Annotated[list[UploadFile] | None, File()] = None,
    urls: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    who = user(request)
    url_list = [u.strip() for u in urls.splitlines() if u.strip()]
    lines = run_upload(request, who, collection, [f for f in files or [] if f.filename], url_list)
    name = "upload_results.html" if request.headers.get("hx-request") else "upload.html"
    return page(request, name, {"collections": _writable(request, who), "lines": lines, "collection": collection})


@router.post(f"{API}/uploads", dependencies=[require("upload")], tags=["upload"], status_code=200)
def api_upload(
    request: Request,
    collection: Annotated[str, Form(max_length=64)] = DEFAULT_COLLECTION,
    files: Annotated[list[UploadFile] | None, File()] = None,
    urls: Annotated[str, Form(max_length=20_000, description="one URL per line (editors and admins)")] = "",
) -> dict[str, Any]:
    """Upload files (multipart ``files``) and/or URLs into a collection; one result per input."""
    who = user(request)
    url_list = [u.strip() for u in urls.splitlines() if u.strip()]
    lines = run_upload(request, who, collection, [f for f in files or [] if f.filename], url_list)
    return {"items": [line.__dict__ for line in lines]}
