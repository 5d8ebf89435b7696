"""Parquet partitions of a run: one row per document (or per failed input), written atomically.

A partition is first written to a hidden temporary name, flushed to disk and
then renamed, so ``part-*.parquet`` files are always complete: a crash leaves at
most a ``.tmp`` file, which the next run deletes. The committed partitions are
the truth about which inputs are done; ``manifest.json`` is an index of them.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any, Iterable, Iterator

from . import codec
from .tasks import InputResult

PART_GLOB = "part-*.parquet"
TMP_PREFIX = ".tmp-"

# kind: document (a document and its analysis), failed (input not read, or
# quarantined), empty (input read but held no document).
COLUMNS: list[tuple[str, str]] = [
    ("input", "string"),  # as expanded (file path or URL): the unit of resume
    ("fingerprint", "string"),  # size:mtime of a file, "" for a URL
    ("kind", "string"),
    ("label", "string"),  # the input name recorded in the store for this document
    ("stage", "string"),  # failed rows: read, fetch or analyse
    ("reason", "string"),  # failed rows, and documents whose analysis failed
    ("document_id", "string"),
    ("title", "string"),
    ("language", "string"),
    ("published", "string"),
    ("url", "string"),
    ("analyser", "string"),
    ("n_events", "int32"),
    ("document", "string"),  # JSON of records.Document
    ("analysis", "string"),  # JSON of records.Analysis, null when none
]


def rows_for(result: InputResult) -> list[dict[str, Any]]:
    """The Parquet rows recording one task result."""
    base: dict[str, Any] = {name: None for name, _ in COLUMNS}
    base.update(input=result.input, fingerprint=result.fingerprint)
    if result.failed_stage:
        return [{**base, "kind": "failed", "label": result.input, "stage": result.failed_stage, "reason": result.reason}]
    if not result.documents:
        return [{**base, "kind": "empty", "label": result.input}]
    rows = []
    for d in result.documents:
        doc, a = d.document, d.analysis
        rows.append({
            **base,
            "kind": "document",
            "label": d.label,
            "stage": "analyse" if d.error else None,
            "reason": d.error,
            "document_id": doc.id,
            "title": doc.title.value,
            "language": doc.language.value,
            "published": doc.published.value,
            "url": doc.url,
            "analyser": a.analyser if a is not None else None,
            "n_events": len(a.events) if a is not None else 0,
            "document": codec.dumps(doc),
            "analysis": codec.dumps(a) if a is not None else None,
        })
    return rows


def quarantine_rows(input: str, fingerprint: str, reason: str) -> list[dict[str, Any]]:
    row: dict[str, Any] = {name: None for name, _ in COLUMNS}
    row.update(input=input, fingerprint=fingerprint, kind="failed", label=input, stage="analyse", reason=reason)
    return [row]


def _schema() -> Any:
    import pyarrow as pa

    return pa.schema([(name, getattr(pa, kind)()) for name, kind in COLUMNS])


def write_partition(folder: Path, rows: list[dict[str, Any]], seq: int) -> Path:
    """Write ``rows`` as ``part-<seq>-<random>.parquet`` atomically; return its path."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    name = f"part-{seq:05d}-{uuid.uuid4().hex[:8]}.parquet"
    tmp = folder / f"{TMP_PREFIX}{name}"
    table = pa.Table.from_pylist(rows, schema=_schema())
    with open(tmp, "wb") as fh:
        pq.write_table(table, fh, compression="zstd")
        fh.flush()
        os.fsync(fh.fileno())
    final = folder / name
    os.replace(tmp, final)
    _fsync_dir(folder)
    return final


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def committed(folder: Path) -> list[Path]:
    """Committed partitions in write order."""
    return sorted(folder.glob(PART_GLOB))


def next_seq(folder: Path) -> int:
    seqs = [int(p.name.split("-")[1]) for p in committed(folder)]
    return max(seqs, default=-1) + 1


def remove_temporaries(folder: Path) -> int:
    """Delete half-written partitions a crash left behind."""
    n = 0
    for tmp in folder.glob(f"{TMP_PREFIX}*"):
        tmp.unlink(missing_ok=True)
        n += 1
    return n


def done_inputs(path: Path) -> set[tuple[str, str]]:
    """(input, fingerprint) pairs a partition settles: all but fetch failures, which may work next time."""
    import pyarrow.parquet as pq

    t = pq.read_table(path, columns=["input", "fingerprint", "stage", "kind"]).to_pydict()
    return {
        (i, f) for i, f, s, k in zip(t["input"], t["fingerprint"], t["stage"], t["kind"]) if not (k == "failed" and s == "fetch")
    }


def read_rows(path: Path) -> Iterator[dict[str, Any]]:
    import pyarrow.parquet as pq

    yield from pq.read_table(path).to_pylist()


# ------------------------------------------------------------------ manifest


class Manifest:
    """``manifest.jsonl``: an append-only log of the run.

    Lines: ``{"run": {...}}`` (once per start, with the command's inputs),
    ``{"partition": name, "inputs": [[input, fingerprint], ...]}`` after a partition
    is committed, ``{"loaded": name}`` after it is in the store. Appending keeps
    each update O(1) on runs of 100,000 inputs; a line torn by a crash is
    ignored, and committed partitions missing from the log (a crash between
    rename and append) are indexed again from the folder.
    """

    def __init__(self, folder: Path, meta: dict[str, Any]) -> None:
        self.path = folder / "manifest.jsonl"
        self.partitions: dict[str, set[tuple[str, str]]] = {}
        self.loaded: set[str] = set()
        if self.path.exists():
            with open(self.path, "rb+") as fh:
                if fh.seek(0, os.SEEK_END) and (fh.seek(-1, os.SEEK_END), fh.read(1))[1] != b"\n":
                    fh.write(b"\n")  # end a torn line so the next entry starts clean
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue  # torn last line
                if "partition" in entry:
                    self.partitions[entry["partition"]] = {(i, f) for i, f in entry["inputs"]}
                elif "loaded" in entry:
                    self.loaded.add(entry["loaded"])
        on_disk = {p.name for p in committed(folder)}
        for name in list(self.partitions):
            if name not in on_disk:
                del self.partitions[name]  # deleted by the user: its inputs are no longer done
        self._append({"run": meta})
        for name in sorted(on_disk - set(self.partitions)):
            self.add(name, done_inputs(folder / name))

    def add(self, name: str, inputs: Iterable[tuple[str, str]]) -> None:
        self.partitions[name] = set(inputs)
        self._append({"partition": name, "inputs": sorted(map(list, self.partitions[name]))})

    def mark_loaded(self, name: str) -> None:
        self.loaded.add(name)
        self._append({"loaded": name})

    def done(self) -> set[tuple[str, str]]:
        return {pair for inputs in self.partitions.values() for pair in inputs}

    def unloaded(self) -> list[str]:
        return sorted(set(self.partitions) - self.loaded)

    def _append(self, entry: dict[str, Any]) -> None:
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
