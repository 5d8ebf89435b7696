"""The document reader and document lists."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from ...query import Filter, find_documents
from ...store import Store
from ...store.read import StoredDocument
from ..app import API, not_found, page
from ..authz import AuthError, require, user
from ..params import document_filter
from ..provenance import for_viewer, page_for_viewer
from ..render import annotate
from ..security import client_ip
from .common import ctx, page_json

router = APIRouter()
_ID = re.compile(r"^[0-9a-f]{16,32}$")
DocId = Annotated[str, Path(max_length=32, description="document id (16 hex digits)")]


def readable_document(request: Request, doc_id: str) -> StoredDocument:
    """The document if the user may read it, with its upload paths as the user may see them
    (provenance.py); the same 404 whether it is missing or foreign."""
    store, who, scope = ctx(request)
    if not _ID.match(doc_id):
        raise not_found()
    if scope is not None:
        from ...store.accounts import readable

        if doc_id not in readable(store.engine, [doc_id], scope):
            raise not_found()
    doc = store.document(doc_id)
    if doc is None:
        raise not_found()
    return for_viewer(doc, who, request)


def _events(doc: StoredDocument) -> list[dict[str, Any]]:
    out = []
    for e in doc.events:
        if e.get("negated") or e.get("hypothetical"):
            continue
        out.append({**e, "sentence": doc.text[e["sentence_start"] : e["sentence_end"]]})
    return out


# ``?hl=START-END``: the char span to highlight and scroll to (an event's sentence).
Highlight = Annotated[str | None, Query(max_length=40, pattern=r"^\d{1,12}-\d{1,12}$",
                                        description="char span to highlight, e.g. 120-245")]


@router.get("/documents/{doc_id}", dependencies=[require("read")], include_in_schema=False)
def reader(request: Request, doc_id: DocId, hl: Highlight = None) -> Response:
    doc = readable_document(request, doc_id)
    from ...store.accounts import document_collections

    store: Store = request.app.state.store
    collections = document_collections(store.engine, doc.id)
    span = None
    if hl:
        a, b = (int(x) for x in hl.split("-"))
        span = (a, b) if 0 <= a < b <= len(doc.text) else None
    return page(request, "document.html", {"doc": doc, "paragraphs": annotate(doc, span), "events": _events(doc),
                                           "highlight_missing": bool(hl) and span is None,
                                           "collections": collections, "can_delete": user(request).can_delete(collections)})


def deletable_document(request: Request, doc_id: str) -> tuple[StoredDocument, list[str]]:
    """The document and its collections if the user may delete it: 404 when they may not read
    it (as for a missing one), 403 (E531) when they may read but not delete it."""
    from ...store.accounts import document_collections

    doc = readable_document(request, doc_id)
    collections = document_collections(request.app.state.store.engine, doc.id)
    if not user(request).can_delete(collections):
        raise AuthError(403, "E531", "only editors with write access to all of its collections, and admins, may delete a document")
    return doc, collections


def delete(request: Request, doc: StoredDocument) -> dict[str, Any]:
    from ...store.delete import delete_documents

    who = user(request)
    result = delete_documents(request.app.state.store.engine, [doc.id], user_name=who.name, ip=client_ip(request.scope),
                              via="web")[0]
    if result is None:  # deleted meanwhile by someone else
        raise not_found()
    return {"id": result.id, "deleted": True, "collections": result.collections, "new_original": result.new_root}


@router.get("/documents/{doc_id}/delete", dependencies=[require("upload")], include_in_schema=False)
def delete_form(request: Request, doc_id: DocId) -> Response:
    doc, collections = deletable_document(request, doc_id)
    return page(request, "document_delete.html", {"doc": doc, "collections": collections, "done": None})


@router.post("/documents/{doc_id}/delete", dependencies=[require("upload")], include_in_schema=False)
def delete_page(request: Request, doc_id: DocId) -> Response:
    doc, collections = deletable_document(request, doc_id)
    return page(request, "document_delete.html", {"doc": doc, "collections": collections, "done": delete(request, doc)})


@router.delete(f"{API}/documents/{{doc_id}}", dependencies=[require("upload")], tags=["documents"])
def api_delete_document(request: Request, doc_id: DocId) -> dict[str, Any]:
    """Delete a document with everything found in it (editors with write access to all its
    collections, and admins); written to the audit log. 404 when you may not read it."""
    doc, _ = deletable_document(request, doc_id)
    return delete(request, doc)


@router.get(f"{API}/documents", dependencies=[require("read")], tags=["documents"])
def api_documents(
    request: Request, f: Filter = Depends(document_filter),
    sort: Annotated[str, Query(pattern=r"^-?(date|id)$")] = "-date", limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> dict[str, Any]:
    """Documents by published date, language, source, theme or mentioned actor; paged by cursor."""
    store, who, scope = ctx(request)
    return page_json(page_for_viewer(find_documents(store, f, sort=sort, limit=limit, cursor=cursor, scope=scope), who, request))


@router.get(f"{API}/documents/{{doc_id}}", dependencies=[require("read")], tags=["documents"])
def api_document(request: Request, doc_id: DocId) -> dict[str, Any]:
    """One document with its text, mentions, places, dates, themes, citations and events."""
    from ...query.records import sentence_link

    doc = readable_document(request, doc_id)
    out = {k: v for k, v in doc.__dict__.items()}
    # Each event links to this document's page, scrolled to and highlighting its sentence.
    out["events"] = [{**e, "link": sentence_link(doc.id, e.get("sentence_start"), e.get("sentence_end"))} for e in doc.events]
    return out
