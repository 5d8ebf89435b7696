"""What the web app shows of where a document came from (docs/security.md, "Upload paths").

An upload is ingested from the server's spool folder, so the store records server paths
for it: ``path`` and every ``input`` are ``<upload dir>/<day>/<job>/<NN>-<name>`` and
``source`` is the job's folder. They tell a reader nothing about the document and a
lot about the server (its layout, a prefix of the uploader's job id). Everyone but an
admin sees the file's name instead (``report.pdf``, ``mail.eml#attachment.pdf``) and
``upload`` as its source. The store keeps the full paths: idempotent re-uploads and
resumed jobs match on them, and admins run the server.

Paths of files an operator ingested with the CLI are not uploads and are shown as
stored: the operator chose them.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from ..accounts import Principal

UPLOAD_SOURCE = "upload"
# the spool layout written by routes/upload.py: <day>/<first 16 hex digits of the job id>/<NN>-<safe name>
_SPOOLED = re.compile(r"(?:^|/)\d{4}-\d{2}-\d{2}/[0-9a-f]{16}(?:/(?:\d{2,}-)?(?P<name>[^/#]*)(?P<rest>#.*)?)?/?$", re.S)
T = TypeVar("T")


def _under(value: str, upload_dir: str | None) -> bool:
    return bool(upload_dir) and (value == upload_dir or value.startswith(upload_dir.rstrip("/") + "/"))


def is_spooled(value: str | None, upload_dir: str | None) -> bool:
    """Whether ``value`` is a path in the upload spool (this server's, or one of the same layout)."""
    if not value or "://" in value.split("#", 1)[0]:
        return False
    return _under(value, upload_dir) or _SPOOLED.search(value) is not None


def shown_input(value: str, upload_dir: str | None) -> str:
    """An input as a non-admin sees it: a spooled upload by its file name (and attachment)."""
    if not is_spooled(value, upload_dir):
        return value
    m = _SPOOLED.search(value)
    if m and m.group("name") is not None:
        return (m.group("name") or "upload") + (m.group("rest") or "")
    path, _, rest = value.partition("#")
    name = PurePosixPath(path).name
    return (re.sub(r"^\d{2,}-", "", name) or "upload") + (f"#{rest}" if rest else "")


def shown_source(value: str | None, upload_dir: str | None) -> str | None:
    return UPLOAD_SOURCE if is_spooled(value, upload_dir) else value


def _dir(request_or_dir: Any) -> str | None:
    if request_or_dir is None or isinstance(request_or_dir, str):
        return request_or_dir
    upload_dir = getattr(request_or_dir.app.state.config, "upload_dir", None)
    return str(Path(upload_dir).resolve()) if upload_dir else None  # upload jobs spool under the resolved folder


def for_viewer(record: T, who: Principal, request: Any) -> T:
    """``record`` (a stored document, a search hit, a document record) as ``who`` may see it."""
    if who.is_admin:
        return record
    upload_dir = _dir(request)
    changes: dict[str, Any] = {}
    if getattr(record, "source", None) is not None:
        changes["source"] = shown_source(record.source, upload_dir)  # type: ignore[attr-defined]
    if getattr(record, "path", None) is not None:
        changes["path"] = shown_input(record.path, upload_dir)  # type: ignore[attr-defined]
    if getattr(record, "inputs", None) is not None:
        changes["inputs"] = [shown_input(i, upload_dir) for i in record.inputs]  # type: ignore[attr-defined]
    changes = {k: v for k, v in changes.items() if v != getattr(record, k)}
    return dataclasses.replace(record, **changes) if changes else record  # type: ignore[type-var]


def page_for_viewer(page: T, who: Principal, request: Any) -> T:
    """A ``query.Page`` whose items are shown as ``who`` may see them."""
    if who.is_admin:
        return page
    items = tuple(for_viewer(i, who, request) for i in page.items)  # type: ignore[attr-defined]
    return dataclasses.replace(page, items=items)  # type: ignore[type-var]
